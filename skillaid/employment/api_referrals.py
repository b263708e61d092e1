"""API of the employment services' part: suggestions ranked by fit, referrals and their
outcomes, the three-referral rule. Mounted under /api/employment/; the same selectors and
services as the pages. A seeker or referral outside the caller's scope is a 404, a refusal
a 422 naming each field in Chinese."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel

from .models import Posting, Referral, ReferralOutcome
from .referrals import (
    ReferralFilters,
    referral_for,
    referral_list,
    referral_outcome,
    referral_record,
    short_of_referrals,
)
from .selectors_seekers import seeker_for
from .suggest import suggestions

router = Router(tags=["就业服务"])

LIST_CAP = 1000


class SuggestionOut(Schema):
    posting_id: int
    title: str
    employer_id: int
    employer_name: str
    occupation_id: int
    occupation_name: str
    region: str
    region_name: str
    place: str
    wage_min: Decimal
    wage_max: Decimal
    valid_until: dt.date
    score: int
    reasons: list[str]


class ReferralOut(Schema):
    id: int
    seeker_id: int
    name: str
    id_masked: str
    posting_id: int
    title: str
    employer_id: int
    employer_name: str
    county: str
    referred_on: dt.date
    fit: str
    outcome: str
    outcome_label: str
    outcome_on: dt.date | None
    outcome_reason: str

    @staticmethod
    def of(r: Referral) -> ReferralOut:
        return ReferralOut(
            id=r.pk,
            seeker_id=r.seeker_id,
            name=r.seeker.person.name,
            id_masked=r.seeker.person.id_masked,
            posting_id=r.posting_id,
            title=r.posting.title,
            employer_id=r.employer_id,
            employer_name=r.employer.name,
            county=r.county_id,
            referred_on=r.referred_on,
            fit=r.fit,
            outcome=r.outcome,
            outcome_label=r.get_outcome_display(),
            outcome_on=r.outcome_on,
            outcome_reason=r.outcome_reason,
        )


class ReferIn(Schema):
    seeker_id: int
    posting_id: int
    fit: str = ""


class OutcomeIn(Schema):
    outcome: str
    on: dt.date | None = None
    reason: str = ""


class ReferralQuery(Schema):
    outcome: str = ""
    seeker: int | None = None
    open: bool = False


class ShortOut(Schema):
    seeker_id: int
    name: str
    id_masked: str
    county: str
    priority: bool
    status: str
    trained_on: dt.date | None
    graduated_on: dt.date | None
    referrals: int
    minimum: int
    needed: int


@router.get(
    "/seekers/{int:pk}/suggestions",
    response=list[SuggestionOut],
    summary="Open postings suggested to a seeker, best fit first, each with its reasons",
)
def seeker_suggestions(request: HttpRequest, pk: int, limit: int = 20):  # noqa: ANN201
    seeker = seeker_for(request.user, pk)
    return [
        SuggestionOut(
            posting_id=s.posting.pk,
            title=s.posting.title,
            employer_id=s.posting.employer_id,
            employer_name=s.posting.employer.name,
            occupation_id=s.posting.occupation_id,
            occupation_name=s.posting.occupation.name,
            region=s.posting.region_id,
            region_name=s.posting.region.name,
            place=s.place,
            wage_min=s.posting.wage_min,
            wage_max=s.posting.wage_max,
            valid_until=s.posting.valid_until,
            score=s.score,
            reasons=s.reasons,
        )
        for s in suggestions(seeker, on=timezone.localdate(), limit=max(1, min(limit, 100)))
    ]


@router.post(
    "/referrals",
    response={201: ReferralOut},
    summary="Recommend an open posting to a seeker (once per seeker and posting)",
)
def create_referral(request: HttpRequest, payload: ReferIn):  # noqa: ANN201
    seeker = seeker_for(request.user, payload.seeker_id)
    posting = Posting.objects.select_related("employer").filter(pk=payload.posting_id).first()
    if posting is None:
        raise Http404("岗位不存在")
    referral = referral_record(
        actor=request.user,
        channel=Channel.API,
        seeker=seeker,
        posting=posting,
        on=timezone.localdate(),
        fit=payload.fit,
    )
    return Status(201, ReferralOut.of(referral_for(request.user, referral.pk)))


@router.get(
    "/referrals",
    response=list[ReferralOut],
    summary=f"Referrals in the caller's scope, or made to the caller's unit (at most {LIST_CAP})",
)
def list_referrals(request: HttpRequest, filters: Query[ReferralQuery]):  # noqa: ANN201
    rows = referral_list(
        request.user,
        filters=ReferralFilters(
            outcome=filters.outcome if filters.outcome in ReferralOutcome.values else "",
            seeker=filters.seeker,
            open_only=filters.open,
        ),
    )
    return [ReferralOut.of(r) for r in rows[:LIST_CAP]]


@router.get("/referrals/{int:pk}", response=ReferralOut, summary="One referral and its outcome")
def read_referral(request: HttpRequest, pk: int):  # noqa: ANN201
    return ReferralOut.of(referral_for(request.user, pk))


@router.patch(
    "/referrals/{int:pk}",
    response=ReferralOut,
    summary="Record what came of a referral: interview, hired, or declined with the reason",
)
def answer_referral(request: HttpRequest, pk: int, payload: OutcomeIn):  # noqa: ANN201
    referral = referral_for(request.user, pk)
    referral_outcome(
        actor=request.user,
        channel=Channel.API,
        referral=referral,
        outcome=payload.outcome,
        on=payload.on or timezone.localdate(),
        reason=payload.reason,
    )
    return ReferralOut.of(referral_for(request.user, pk))


@router.get(
    "/short",
    response=list[ShortOut],
    summary=f"Assisted seekers short of the referral rule, priority first (at most {LIST_CAP})",
)
def short_list(request: HttpRequest):  # noqa: ANN201
    require(request.user, "seeker.read")
    return [
        ShortOut(
            seeker_id=s.pk,
            name=s.person.name,
            id_masked=s.person.id_masked,
            county=s.county_id,
            priority=s.priority,
            status=s.status,
            trained_on=s.trained_on,
            graduated_on=s.graduated_on,
            referrals=s.referrals,
            minimum=s.minimum,
            needed=s.needed,
        )
        for s in short_of_referrals(request.user, on=timezone.localdate())[:LIST_CAP]
    ]
