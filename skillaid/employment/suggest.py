"""Postings suggested to a seeker, ranked by fit, each with the reasons it fits.

The order (003 三（五）: recommend postings that fit what the worker trained in):
1. an occupation the seeker holds a certificate in (not revoked), then one they completed
   a training class in, then one they asked for (求职意向职业); postings of any other
   occupation only as a fallback, near the seeker, when those are too few;
2. within each: a place the seeker wants (the posting's workplace read against the
   seeker's county: 本县, 区内, 粤桂劳务协作, 区外), then a wage that reaches the seeker's
   wish, then the higher wage, then the newest.

Only postings open on the day (`postings.postings_open`, the one definition) appear, and
never one already referred to the seeker. Candidates are read per occupation through
indexed, bounded queries: the occupation's postings in the seeker's own county, and its
`POOL` latest-ending open postings anywhere along the index on (occupation, valid_until);
an occupation with more open postings than that is ranked among those (the page stays
fast for a trade with thousands of postings). The candidates are ranked in Python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from skillaid.catalogue.models import SkillLevel
from skillaid.evaluation.models import Certificate
from skillaid.training.models import Completion, Enrolment

from .models import Place, Posting, Referral, Seeker
from .postings import postings_open

GUANGDONG = "44"

# Tiers of fit by occupation, best first.
CERTIFICATE, TRAINED, WANTED, OTHER = 3, 2, 1, 0
# Points of a score: the tier weighs most, then the place, then the wage.
TIER_POINTS = 100
PLACE_POINTS = 20
WAGE_POINTS = 10
# Open postings of one occupation read for a page, beyond those in the seeker's county.
POOL = 100

PLACE_REASONS = {
    Place.LOCAL: "工作地在本县",
    Place.PROVINCE: "工作地在区内",
    Place.GUANGDONG: "粤桂劳务协作岗位",
    Place.OUTSIDE: "区外岗位",
}


def place_of(region_code: str, county_code: str) -> str:
    """Where a workplace lies seen from the seeker's county: the same county is 本县, the
    same province 区内, Guangdong 粤桂劳务协作, anywhere else 区外."""
    if region_code == county_code:
        return Place.LOCAL
    if region_code[:2] == county_code[:2]:
        return Place.PROVINCE
    if region_code[:2] == GUANGDONG:
        return Place.GUANGDONG
    return Place.OUTSIDE


def wanted_places(seeker: Seeker) -> frozenset[str]:
    """The places the seeker wants; one who said nothing is taken to want their own
    county first (the county bureau's own postings)."""
    return frozenset(seeker.place_list or [Place.LOCAL])


@dataclass
class Suggestion:
    posting: Posting
    score: int
    reasons: list[str] = field(default_factory=list)
    place: str = ""

    @property
    def fit(self) -> str:
        """The reasons as a referral keeps them (Referral.fit)."""
        return "；".join(self.reasons)[:255]


@dataclass
class _Candidate:
    id: int
    occupation_id: int
    region_id: str
    wage_max: Decimal
    valid_from: dt.date
    tier: int
    place: str = ""
    place_ok: bool = False
    wage_ok: bool = False

    @property
    def score(self) -> int:
        return self.tier * TIER_POINTS + PLACE_POINTS * self.place_ok + WAGE_POINTS * self.wage_ok

    def key(self) -> tuple:
        return (self.score, self.wage_max, self.valid_from, self.id)


def _level_text(level: str) -> str:
    if level in ("", SkillLevel.NONE):
        return ""
    label = SkillLevel(level).label if level in SkillLevel.values else level
    return label.split("/")[0]


def occupations_of(seeker: Seeker) -> tuple[dict[int, str], dict[int, str], set[int]]:
    """The seeker's occupations by tier: {occupation: certificate reason}, {occupation:
    training reason} and the wanted ones."""
    certified: dict[int, str] = {}
    for occupation_id, name, level in (
        Certificate.objects.filter(
            person_id=seeker.person_id, revoked_on__isnull=True, occupation__isnull=False
        )
        .order_by("-issued_on", "-id")
        .values_list("occupation_id", "occupation_name", "level")
    ):
        if occupation_id not in certified:
            level_text = _level_text(level)
            certified[occupation_id] = f"持有{name}{f'（{level_text}）' if level_text else ''}证书"
    trained: dict[int, str] = {}
    for occupation_id, name in (
        Enrolment.objects.filter(person_id=seeker.person_id, completion=Completion.COMPLETED)
        .order_by("-training_class__end_on")
        .values_list("training_class__occupation_id", "training_class__occupation__name")
    ):
        if occupation_id is not None and occupation_id not in trained:
            trained[occupation_id] = f"参加过{name}培训"
    # Through .all(): a page that prefetched the seeker's occupations reads them again free.
    wanted = {o.pk for o in seeker.occupations.all()} if seeker.pk else set()
    return certified, trained, wanted


def suggestions(seeker: Seeker, *, on: dt.date, limit: int = 20) -> list[Suggestion]:
    """The open postings that fit `seeker` on `on`, best first, at most `limit`."""
    if limit <= 0:
        return []
    certified, trained, wanted = occupations_of(seeker)
    tiers: dict[int, int] = {}
    for occupation_id in wanted:
        tiers[occupation_id] = WANTED
    for occupation_id in trained:
        tiers[occupation_id] = TRAINED
    for occupation_id in certified:
        tiers[occupation_id] = CERTIFICATE
    county = seeker.county_id
    places = wanted_places(seeker)
    wage_min = seeker.wage_min
    referred = Referral.objects.filter(seeker=seeker).values("posting_id")
    columns = ("id", "occupation_id", "region_id", "wage_max", "valid_from")
    candidates: dict[int, _Candidate] = {}

    def read(rows, tier_of: dict[int, int], by: tuple[str, ...], cap: int) -> None:  # noqa: ANN001
        rows = rows.exclude(pk__in=referred)
        for pid, occupation, region, wage_max, valid_from in rows.order_by(*by).values_list(
            *columns
        )[:cap]:
            if pid not in candidates:
                tier = tier_of.get(occupation, OTHER)
                candidates[pid] = _Candidate(pid, occupation, region, wage_max, valid_from, tier)

    open_rows = postings_open(on)
    if tiers:
        # The seeker's occupations' postings in their own county: few, read through the
        # index on the region (`occupation_id + 0` keeps the planner off the occupation's
        # index, whose thousands of rows a popular trade would make it read).
        local = open_rows.filter(region_id=county).alias(trade=F("occupation_id") + 0)
        read(
            local.filter(trade__in=list(tiers)),
            tiers,
            ("-wage_max", "-valid_from", "-id"),
            POOL,
        )
    for occupation_id in tiers:
        # Then each occupation's latest-ending open postings anywhere, read backwards along
        # the index on (occupation, valid_until) and cut at POOL: a trade with thousands
        # of open postings is not read whole for one page.
        read(open_rows.filter(occupation_id=occupation_id), tiers, ("-valid_until", "-id"), POOL)
    if len(candidates) < limit:
        # Too few of the seeker's own occupations (or none given): other open postings
        # near the seeker, their county's first, then the province's latest-ending.
        near = open_rows.exclude(occupation_id__in=list(tiers)) if tiers else open_rows
        read(near.filter(region_id=county), {}, ("-wage_max", "-valid_from", "-id"), limit)
        read(
            near.filter(region__code__startswith=county[:2]).exclude(region_id=county),
            {},
            ("-valid_until", "-id"),
            limit,
        )
    for c in candidates.values():
        c.place = place_of(c.region_id, county)
        c.place_ok = c.place in places
        c.wage_ok = wage_min is None or c.wage_max >= wage_min
    ranked = sorted(candidates.values(), key=_Candidate.key, reverse=True)[:limit]
    postings = Posting.objects.select_related("employer", "occupation", "region").in_bulk(
        [c.id for c in ranked]
    )
    out = []
    for c in ranked:
        posting = postings[c.id]
        reasons = []
        if c.occupation_id in certified:
            reasons.append(certified[c.occupation_id])
        if c.occupation_id in trained:
            reasons.append(trained[c.occupation_id])
        if c.occupation_id in wanted:
            reasons.append("求职意向职业")
        if c.place_ok:
            reasons.append(PLACE_REASONS[c.place])
        if wage_min is not None and c.wage_ok:
            reasons.append("月薪不低于期望")
        reasons.append("仍在招")
        out.append(Suggestion(posting=posting, score=c.score, reasons=reasons, place=c.place))
    return out
