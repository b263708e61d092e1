"""The limits that stop a subsidy twice (补贴限制), checked across every institution, county
and channel.

Each limit is a policy rule of kind `limit` with a source, a region and a validity
period (seeded in data/policy_rules.csv); the number it carries (once, three a year,
twelve months, 80 %) is read from the version in force for the line's county on the
claim date. Which line kinds a limit speaks of is fixed here, by the limit's code, as
its text says ("适用于：职业培训补贴"); a limit not in force (ended, or none for the
region) is not applied.

The history a line is checked against is every live line of the same people (due,
held, in a batch, paid, or failed and waiting to be paid again) wherever it was
claimed. `History.load` reads it in one query for a whole class (or a whole bench of
classes); the lines decided in the same run are added to it as they are decided, so two
trainees' lines of one run see each other and a person on two closing classes is paid
once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from skillaid.lib.dates import add_months

from .models import LIVE, ClaimLine, PolicyRuleVersion, RuleKind, plain
from .rules import RuleBook

# The kinds each limit speaks of.
TRAINING_KINDS = frozenset({RuleKind.TRAINING, RuleKind.PROJECT})
CERTIFIED_KINDS = frozenset({RuleKind.TRAINING, RuleKind.PROJECT, RuleKind.UPGRADING})

ONCE = "limit-once-per-occupation-level"
PER_YEAR = "limit-three-per-year"
HIGHER = "limit-higher-level-blocks-lower"
WITHIN = "limit-claim-within-months"
EITHER = "limit-training-or-upgrading"
ATTENDANCE = "limit-attendance-threshold"
LIVING_PER_YEAR = "sz-limit-living-allowance-per-year"
PUBLICATION = "limit-publication-days"

# Per-year counts: the limit's code → the kinds it counts.
YEARLY = {PER_YEAR: TRAINING_KINDS, LIVING_PER_YEAR: frozenset({RuleKind.LIVING})}

# 五级 (5) is the lowest numbered level, 一级 (1) the highest; the other levels
# (专项职业能力, 无等级 …) are not ranked against them.
RANKED = {"5": 1, "4": 2, "3": 3, "2": 4, "1": 5}


@dataclass(slots=True)
class Past:
    """One live line in the history: what a limit needs of it."""

    id: int
    person_id: int
    kind: str
    occupation_id: int | None
    level: str
    certificate_id: int | None
    enrolment_id: int | None
    claimed_on: dt.date
    rule_id: int | None  # the PolicyRule (not the version): per-year caps add up by rule
    amount: Decimal
    claim_id: int | None = None


PAST_FIELDS = (
    "id",
    "person_id",
    "kind",
    "occupation_id",
    "level",
    "certificate_id",
    "enrolment_id",
    "claimed_on",
    "rule__rule_id",
    "amount",
    "claim_id",
)


class History:
    """Per person, the live lines a new line is checked against."""

    def __init__(self) -> None:
        self.by_person: dict[int, list[Past]] = defaultdict(list)

    @classmethod
    def load(
        cls,
        people: Iterable[int] | object,
        *,
        exclude_claim: int | None = None,
        exclude_claims: object = None,
    ) -> History:
        """The live lines of `people` (ids, or a queryset of person ids), in one query;
        without those of `exclude_claim` (an id) or `exclude_claims` (a queryset of ids):
        the claims being computed again."""
        history = cls()
        rows = ClaimLine.objects.filter(person_id__in=people, status__in=LIVE)
        if exclude_claim is not None:
            rows = rows.exclude(claim_id=exclude_claim)
        if exclude_claims is not None:
            rows = rows.exclude(claim_id__in=exclude_claims)
        for row in rows.values_list(*PAST_FIELDS).iterator(chunk_size=5000):
            history.by_person[row[1]].append(Past(*row))
        return history

    def copy(self) -> History:
        """Another history with the same lines, to decide a second run against."""
        other = History()
        for person_id, pasts in self.by_person.items():
            other.by_person[person_id] = list(pasts)
        return other

    def add(self, past: Past) -> None:
        self.by_person[past.person_id].append(past)

    def of(self, person_id: int) -> list[Past]:
        return self.by_person.get(person_id, [])


@dataclass
class Verdict:
    """A limit's answer: the line is refused because of `limit`, blocked by `blocked_by`."""

    reason: str
    limit: PolicyRuleVersion
    blocked_by: int | None = None


class Limits:
    """The limit versions in force for one county on one day, looked up once."""

    def __init__(self, county: str, day: dt.date, book: RuleBook | None = None) -> None:
        self.county, self.day = county, day
        self.book = book or RuleBook()
        self._cache: dict[str, PolicyRuleVersion | None] = {}

    def get(self, code: str) -> PolicyRuleVersion | None:
        if code not in self._cache:
            found = self.book.in_force(code, self.county, self.day)
            self._cache[code] = found[0] if found else None
        return self._cache[code]

    def value(self, code: str) -> Decimal | None:
        version = self.get(code)
        return version.limit_value if version is not None else None


def describe(past: Past) -> str:
    return f"第{past.id}号补贴明细（{RuleKind(past.kind).label}，{past.claimed_on:%Y-%m-%d}申领）"


def attendance_verdict(
    limits: Limits, rate: Decimal | None, *, shown: Decimal | None = None
) -> Verdict | None:
    """`rate` is the exact rate held against the threshold; `shown` the rounded one named."""
    version = limits.get(ATTENDANCE)
    if version is None or version.limit_value is None:
        return None
    if rate is None or rate < version.limit_value:
        shown = "无考勤" if rate is None else f"{shown if shown is not None else rate}%"
        return Verdict(
            f"出勤率{shown}，低于{plain(version.limit_value)}%（{version.name}，{version.source}）",
            version,
        )
    return None


def check(
    limits: Limits,
    history: History,
    *,
    person_id: int,
    kind: str,
    occupation_id: int | None,
    level: str,
    certificate_id: int | None,
    certificate_issued_on: dt.date | None,
    enrolment_id: int | None,
    claimed_on: dt.date,
) -> Verdict | None:
    """The first limit that refuses this line, or None: no limit stands in its way."""
    past = history.of(person_id)
    # One certificate: a training subsidy or a skill-upgrading subsidy, not both.
    if kind in CERTIFIED_KINDS and (version := limits.get(EITHER)) is not None:
        other = {RuleKind.UPGRADING} if kind != RuleKind.UPGRADING else set(TRAINING_KINDS)
        for p in past:
            same = (certificate_id and p.certificate_id == certificate_id) or (
                enrolment_id and p.enrolment_id == enrolment_id
            )
            if p.kind in other and same:
                return Verdict(
                    f"该证书已享受{RuleKind(p.kind).label}：{describe(p)}（{version.name}）",
                    version,
                    p.id,
                )
    # The same person, occupation and level: once.
    if kind in CERTIFIED_KINDS and occupation_id and (version := limits.get(ONCE)) is not None:
        times = int(version.limit_value or 1)
        same = [
            p
            for p in past
            if p.kind in CERTIFIED_KINDS and p.occupation_id == occupation_id and p.level == level
        ]
        if len(same) >= times:
            return Verdict(
                f"同一职业同一等级已享受补贴：{describe(same[-1])}（{version.name}，{version.source}）",
                version,
                same[-1].id,
            )
    # A higher level of the same occupation subsidised: no lower one.
    if (
        kind in CERTIFIED_KINDS
        and occupation_id
        and level in RANKED
        and (version := limits.get(HIGHER)) is not None
    ):
        higher = [
            p
            for p in past
            if p.kind in CERTIFIED_KINDS
            and p.occupation_id == occupation_id
            and RANKED.get(p.level, 0) > RANKED[level]
        ]
        if higher:
            return Verdict(
                f"已享受该职业更高等级的补贴：{describe(higher[-1])}（{version.name}）",
                version,
                higher[-1].id,
            )
    # So many a calendar year, counted when claimed.
    for code, kinds in YEARLY.items():
        if kind not in kinds or (version := limits.get(code)) is None:
            continue
        if version.limit_value is None:
            continue
        times = int(version.limit_value)
        this_year = [p for p in past if p.kind in kinds and p.claimed_on.year == claimed_on.year]
        if len(this_year) >= times:
            last = this_year[-1] if this_year else None
            return Verdict(
                f"{claimed_on.year}年已享受{len(this_year)}次，达到每年{times}次的上限"
                + (f"，最近一次为{describe(last)}" if last else "")
                + f"（{version.name}）",
                version,
                last.id if last else None,
            )
    # Claimed within so many months of the certificate.
    if (
        certificate_issued_on is not None
        and kind in CERTIFIED_KINDS
        and (version := limits.get(WITHIN)) is not None
        and version.limit_value
    ):
        months = int(version.limit_value)
        deadline = add_months(certificate_issued_on, months)
        if claimed_on > deadline:
            return Verdict(
                f"证书发证日期{certificate_issued_on:%Y-%m-%d}，须在{months}个月内"
                f"（{deadline:%Y-%m-%d}前）申领，申领日期{claimed_on:%Y-%m-%d}已超期（{version.name}）",
                version,
            )
    return None


def yearly_cap_left(
    history: History, *, person_id: int, rule_id: int, year: int, cap: Decimal
) -> Decimal:
    """What a per-year cap still allows this person under this rule in `year`."""
    used = sum(
        (
            p.amount
            for p in history.of(person_id)
            if p.rule_id == rule_id and p.claimed_on.year == year
        ),
        Decimal("0.00"),
    )
    return max(cap - used, Decimal("0.00"))


def live_lines_of(person_id: int):  # noqa: ANN201
    """A person's live lines, newest first (the person page and record list them)."""
    return (
        ClaimLine.objects.filter(person_id=person_id, status__in=LIVE)
        .select_related("rule", "occupation")
        .order_by(F("claimed_on").desc(), "-id")
    )
