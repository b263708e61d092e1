"""Referrals (岗位推荐) and the three-referral rule (003 三（五）).

The county bureau recommends open postings to a seeker (`referral_record`); the
employer, the agency that posted the job, or the county bureau records what came of each
(`referral_outcome`). The number of referrals each trained-but-unemployed worker of an
assisted household must get is the rule `gx-limit-referrals-per-worker` of the region
(`referral_minimum`): a region without it has no minimum, and the pages say so.
`short_of_referrals` is the county's list of those still short of it, read from the
seekers' own count (`Seeker.referrals`, kept here) through the index seeker_short.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import CAPABILITIES, can, require
from skillaid.accounts.models import Action, Role, User, audit
from skillaid.accounts.scope import Scope
from skillaid.lib.ints import parse_id
from skillaid.regions.models import Region
from skillaid.subsidies.models import PolicyRuleVersion
from skillaid.subsidies.rules import RuleBook

from . import signals
from .models import (
    DECLINED,
    SEEKING,
    ConfirmedBy,
    EmploymentStatus,
    Place,
    Posting,
    Referral,
    ReferralOutcome,
    Seeker,
)
from .postings import postings_open
from .seekers import status_record
from .selectors_seekers import seekers_visible_to
from .suggest import place_of

RULE = "gx-limit-referrals-per-worker"
NO_RULE = "本地区未设定推介岗位数规则"

# The outcomes a referral may move to from each: an interview may still end either
# way; a hire or a refusal ends it.
OUTCOME_MOVES: dict[str, frozenset[str]] = {
    ReferralOutcome.PENDING: frozenset(
        {
            ReferralOutcome.INTERVIEW,
            ReferralOutcome.HIRED,
            ReferralOutcome.DECLINED_SEEKER,
            ReferralOutcome.DECLINED_EMPLOYER,
        }
    ),
    ReferralOutcome.INTERVIEW: frozenset(
        {ReferralOutcome.HIRED, ReferralOutcome.DECLINED_SEEKER, ReferralOutcome.DECLINED_EMPLOYER}
    ),
    ReferralOutcome.HIRED: frozenset(),
    ReferralOutcome.DECLINED_SEEKER: frozenset(),
    ReferralOutcome.DECLINED_EMPLOYER: frozenset(),
}

# Where the hired worker now works, by the posting's place seen from their county.
STATUS_OF_PLACE = {
    Place.LOCAL: EmploymentStatus.LOCAL,
    Place.PROVINCE: EmploymentStatus.PROVINCE,
    Place.GUANGDONG: EmploymentStatus.OUTSIDE,
    Place.OUTSIDE: EmploymentStatus.OUTSIDE,
}


# --- the rule ---------------------------------------------------------------------------------


def referral_minimum(
    county: Region | str, on: dt.date, *, book: RuleBook | None = None
) -> tuple[int | None, PolicyRuleVersion | None]:
    """The number of postings to recommend to each trained-but-unemployed assisted worker
    of `county` on `on`, and the rule version it comes from; (None, None) where no rule is
    in force (never a default)."""
    found = (book or RuleBook()).in_force(RULE, county, on)
    if not found or found[0].limit_value is None:
        return None, None
    version = found[0]
    return int(version.limit_value), version


def rule_text(minimum: int | None, version: PolicyRuleVersion | None) -> str:
    """'每人不少于3个（003 桂人社发〔2022〕7号 三（五））', or that no rule is set."""
    if minimum is None or version is None:
        return NO_RULE
    source = version.source_document + (
        f" {version.source_article}" if version.source_article else ""
    )
    return f"每人不少于{minimum}个（{source}）"


# --- selectors --------------------------------------------------------------------------------


def referrals_visible_to(user: User) -> QuerySet[Referral]:
    """Referrals of the user's counties; an employer's or agency's own account sees the
    referrals made to it (its own postings and those it posted for an employer)."""
    if not can(user, "referral.outcome") and not can(user, "seeker.read"):
        return Referral.objects.none()
    return Scope.of(user).filter(
        Referral.objects.all(), region="county__code", employer="employer_id|posting__agency_id"
    )


@dataclass
class ReferralFilters:
    outcome: str = ""
    seeker: int | None = None
    open_only: bool = False

    @classmethod
    def parse(cls, data) -> ReferralFilters:  # noqa: ANN001
        outcome = str(data.get("outcome") or "")
        seeker = str(data.get("seeker") or "")
        return cls(
            outcome=outcome if outcome in ReferralOutcome.values else "",
            seeker=parse_id(seeker),
            open_only=str(data.get("open") or "") in ("1", "true", "on"),
        )

    def as_dict(self) -> dict[str, object]:
        return {"outcome": self.outcome, "seeker": self.seeker or "", "open": self.open_only}


def referral_list(user: User, *, filters: ReferralFilters | None = None) -> QuerySet[Referral]:
    """The referrals in the user's scope, filtered, newest first: the one list behind the
    page and the API."""
    filters = filters or ReferralFilters()
    rows = referrals_visible_to(user)
    if filters.outcome:
        rows = rows.filter(outcome=filters.outcome)
    if filters.open_only:
        rows = rows.filter(outcome__in=[ReferralOutcome.PENDING, ReferralOutcome.INTERVIEW])
    if filters.seeker:
        rows = rows.filter(seeker_id=filters.seeker)
    return rows.select_related(
        "seeker__person", "posting__occupation", "posting__region", "employer", "county"
    ).order_by("-referred_on", "-id")


def referral_for(user: User, pk: int) -> Referral:
    referral = referral_list(user).filter(pk=pk).first()
    if referral is None:
        raise Http404("推荐记录不存在")
    return referral


def short_of_referrals(user: User, *, on: dt.date) -> QuerySet[Seeker]:
    """The seekers of the user's counties who are owed referrals: of an assisted household,
    trained or graduated, still without work (status in SEEKING) and with fewer referrals
    since then than their county's rule asks. Each row carries `minimum` and `needed`;
    technical-school graduates of assisted households (`priority`) come first (001 四（八）).
    Counties without the rule are not listed (they have no minimum)."""
    rows = seekers_visible_to(user)
    prefix = Scope.of(user).region_prefix or ""
    if len(prefix) == 6:  # a county's own clerk: the one county
        counties = [prefix]
    else:
        counties = list(rows.order_by().values_list("county_id", flat=True).distinct())
    if not counties:
        return Seeker.objects.none()
    book = RuleBook()
    minimums = {c: referral_minimum(c, on, book=book)[0] for c in counties}
    minimums = {c: m for c, m in minimums.items() if m is not None}
    if not minimums:
        return Seeker.objects.none()
    owed = Q()
    for county, minimum in minimums.items():
        owed |= Q(county_id=county, referrals__lt=minimum)
    if len(minimums) == 1:
        minimum_expr = Value(next(iter(minimums.values())), output_field=IntegerField())
    else:
        minimum_expr = Case(
            *(When(county_id=c, then=Value(m)) for c, m in minimums.items()),
            output_field=IntegerField(),
        )
    return (
        rows.filter(owed, status__in=list(SEEKING), assisted=True)
        .filter(Q(trained_on__isnull=False) | Q(graduated_on__isnull=False))
        .annotate(minimum=minimum_expr)
        .annotate(needed=F("minimum") - F("referrals"))
        .select_related("person", "county")
        .order_by("-priority", "referrals", "county_id", "id")
    )


# --- services ---------------------------------------------------------------------------------


@transaction.atomic
def referral_record(
    *,
    actor: User,
    channel: str,
    seeker: Seeker,
    posting: Posting,
    on: dt.date,
    fit: str = "",
) -> Referral:
    """Recommend `posting` to `seeker` on `on`: once per seeker and posting, only while the
    posting is open. Adds one to the seeker's referral count (the three-referral rule's)."""
    require(actor, "referral.record", seeker)
    errors: dict[str, str] = {}
    if on is None:
        errors["on"] = "请填写推荐日期"
    elif on > timezone.localdate():
        errors["on"] = f"推荐日期{on:%Y-%m-%d}晚于今天"
    elif not postings_open(on).filter(pk=posting.pk).exists():
        errors["posting"] = (
            f"岗位“{posting.title}”（{posting.employer.name}）在{on:%Y-%m-%d}不在招聘期内"
            f"（有效期{posting.valid_from:%Y-%m-%d}至{posting.valid_until:%Y-%m-%d}"
            + (f"，{posting.closed_on:%Y-%m-%d}已停止招聘" if posting.closed_on else "")
            + "），不能推荐"
        )
    earlier = Referral.objects.filter(seeker=seeker, posting=posting).first()
    if earlier is not None:
        errors["posting"] = (
            f"已于{earlier.referred_on:%Y-%m-%d}向{seeker.person.name}推荐过岗位“{posting.title}”"
            f"（{posting.employer.name}），同一岗位只推荐一次"
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            referral = Referral.objects.create(
                seeker=seeker,
                posting=posting,
                county_id=seeker.county_id,
                employer_id=posting.employer_id,
                referred_on=on,
                fit=" ".join(str(fit or "").split())[:255],
                referred_by=actor,
            )
    except IntegrityError as exc:  # the same referral made at the same moment elsewhere
        raise ValidationError(
            {"posting": f"已向{seeker.person.name}推荐过岗位“{posting.title}”，同一岗位只推荐一次"}
        ) from exc
    Seeker.objects.filter(pk=seeker.pk).update(
        referrals=F("referrals") + 1, updated_at=timezone.now()
    )
    seeker.refresh_from_db(fields=["referrals", "updated_at"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=referral,
        person_id=seeker.person_id,
        changes={
            "posting": posting.pk,
            "employer": posting.employer_id,
            "referred_on": str(on),
            "fit": referral.fit,
            "referrals": seeker.referrals,
        },
        note=f"推荐岗位：{posting.employer.name} {posting.title}（本轮第{seeker.referrals}个）",
    )
    signals.referral_recorded.send(sender=Referral, referral=referral, actor=actor, channel=channel)
    return referral


class _Answerable:
    """A referral as the outcome capability sees it: the seeker's county bureau, the
    employer it was made to, or the agency that posted the job for that employer."""

    def __init__(self, referral: Referral) -> None:
        self.referral = referral

    def within(self, scope: Scope) -> bool:
        r = self.referral
        return (
            scope.has_employer(r.employer_id)
            or scope.has_employer(r.posting.agency_id)
            or scope.contains_region(r.county_id)
        )

    def __str__(self) -> str:
        return str(self.referral)


def may_answer(user: User, referral: Referral) -> bool:
    return can(user, "referral.outcome", _Answerable(referral))


@transaction.atomic
def referral_outcome(
    *,
    actor: User,
    channel: str,
    referral: Referral,
    outcome: str,
    on: dt.date,
    reason: str = "",
) -> Referral:
    """Record what came of a referral: 已面试, 已录用, or declined by the seeker or the
    employer (with the reason). A hire records the seeker's employment status (confirmed
    by the employer when the employer's account says so, else by the bureau's phone
    call) and tells the placements part (`signals.referral_hired`)."""
    if not can(actor, "referral.outcome", _Answerable(referral)):
        cap = CAPABILITIES["referral.outcome"]
        if actor is not None and getattr(actor, "role", None) in cap.roles:
            raise PermissionDenied(cap.outside.format(obj=referral))
        raise PermissionDenied(cap.refusal)
    referral = (
        Referral.objects.select_for_update()
        .select_related("seeker__person", "posting", "employer")
        .get(pk=referral.pk)
    )
    reason = " ".join(str(reason or "").split())[:255]
    errors: dict[str, str] = {}
    allowed = OUTCOME_MOVES.get(referral.outcome, frozenset())
    if outcome not in ReferralOutcome.values or outcome == ReferralOutcome.PENDING:
        labels = [o.label for o in ReferralOutcome if o != ReferralOutcome.PENDING]
        errors["outcome"] = f"请选择推荐结果（{'、'.join(labels)}）"
    elif outcome not in allowed:
        errors["outcome"] = (
            f"该推荐的结果已登记为“{referral.get_outcome_display()}”"
            f"（{referral.outcome_on:%Y-%m-%d}），不能改为“{ReferralOutcome(outcome).label}”"
            if referral.outcome_on
            else f"该推荐不能登记为“{ReferralOutcome(outcome).label}”"
        )
    elif outcome in DECLINED and not reason:
        errors["reason"] = f"登记“{ReferralOutcome(outcome).label}”须说明原因"
    if on is None:
        errors["on"] = "请填写结果日期"
    elif on < referral.referred_on:
        errors["on"] = f"结果日期{on:%Y-%m-%d}早于推荐日期{referral.referred_on:%Y-%m-%d}"
    elif on > timezone.localdate():
        errors["on"] = f"结果日期{on:%Y-%m-%d}晚于今天"
    if errors:
        raise ValidationError(errors)
    before = {"outcome": referral.outcome, "outcome_on": referral.outcome_on}
    referral.outcome, referral.outcome_on, referral.outcome_reason = outcome, on, reason
    referral.save(update_fields=["outcome", "outcome_on", "outcome_reason"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=referral,
        person_id=referral.seeker.person_id,
        changes={
            "outcome": [before["outcome"], outcome],
            "outcome_on": [str(before["outcome_on"] or "") or None, str(on)],
            "outcome_reason": [None, reason],
        },
        note=f"推荐结果：{ReferralOutcome(outcome).label}" + (f"（{reason}）" if reason else ""),
    )
    if outcome == ReferralOutcome.HIRED:
        posting = referral.posting
        by_employer = actor.role in (Role.EMPLOYER, Role.AGENCY)
        status_record(
            actor=actor,
            channel=channel,
            seeker=referral.seeker,
            status=STATUS_OF_PLACE[place_of(posting.region_id, referral.seeker.county_id)],
            confirmed_on=on,
            confirmed_by=ConfirmedBy.EMPLOYER if by_employer else ConfirmedBy.PHONE,
            employer_name=referral.employer.name,
            workplace=posting.region,
            note=f"经岗位推荐录用：{posting.title}",
            check=False,
        )
        signals.referral_hired.send(
            sender=Referral, referral=referral, actor=actor, channel=channel
        )
    return referral
