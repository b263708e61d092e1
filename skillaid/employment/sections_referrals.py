"""What the referrals part adds to other pages: on a seeker's page, the referrals so far
against the rule with a link to the suggestions; on an employer's or agency's home page,
the referrals that wait for the unit's answer."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from skillaid.accounts.capabilities import can

from .referrals import ReferralFilters, referral_list, referral_minimum, rule_text


def seeker_referrals_section(request: HttpRequest, seeker) -> str:  # noqa: ANN001
    if not can(request.user, "seeker.read", seeker):
        return ""
    today = timezone.localdate()
    minimum, version = referral_minimum(seeker.county_id, today)
    made = list(referral_list(request.user, filters=ReferralFilters(seeker=seeker.pk))[:10])
    return render_to_string(
        "employment/referrals/_seeker_section.html",
        {
            "seeker": seeker,
            "made": made,
            "minimum": minimum,
            "needed": max(0, minimum - seeker.referrals) if minimum is not None else None,
            "rule_text": rule_text(minimum, version),
            "may_refer": can(request.user, "referral.record", seeker),
        },
        request=request,
    )


def employer_referrals_section(request: HttpRequest, employer) -> str:  # noqa: ANN001
    if not can(request.user, "referral.outcome"):
        return ""
    waiting = referral_list(request.user, filters=ReferralFilters(open_only=True))
    return render_to_string(
        "employment/referrals/_employer_section.html",
        {"waiting": list(waiting[:20]), "count": waiting.count()},
        request=request,
    )
