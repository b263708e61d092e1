"""Which policy rules a user sees: those that apply in their region (the nationwide
defaults, their province's and city's, their own) and those of the regions below it;
an administrator sees all. Rules are public policy, but a county clerk has no use for
another province's, and the list stays short."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope

from .models import LIVE, Claim, ClaimLine, PolicyRule, PolicyRuleVersion
from .rules import region_chain


def rules_visible_to(user: User) -> QuerySet[PolicyRule]:
    rules = PolicyRule.objects.select_related("region").prefetch_related(
        Prefetch("versions", queryset=PolicyRuleVersion.objects.select_related("recorded_by"))
    )
    scope = Scope.of(user)
    if scope.everything:
        return rules
    if scope.region_prefix is None or not getattr(user, "region_id", None):
        return rules.none()
    return rules.filter(
        Q(region__isnull=True)
        | Q(region__in=region_chain(user.region_id))
        | scope.q(region="region__code")
    )


def rule_for(user: User, code: object) -> PolicyRule:
    try:
        return rules_visible_to(user).get(code=str(code))
    except PolicyRule.DoesNotExist as exc:
        raise Http404("未找到该补贴政策规则") from exc


def in_force_on(day: dt.date) -> Exists:
    return Exists(
        PolicyRuleVersion.objects.filter(rule=OuterRef("pk"), valid_from__lte=day).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )
    )


class PolicyRuleFilters(Filters):
    """`kind`: the rule's kind; `region`: rules that apply in this region (its own, those
    of the regions above it and the nationwide ones); `on`: in force on this day."""

    kind: str = ""
    region: str = ""
    on: dt.date | None = None


def policy_rule_list(
    user: User, *, filters: PolicyRuleFilters | None = None
) -> QuerySet[PolicyRule]:
    """The rules: the list page, its export and the API."""
    f = filters or PolicyRuleFilters()
    rows = rules_visible_to(user)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.region:
        rows = rows.filter(Q(region__isnull=True) | Q(region__in=region_chain(f.region)))
    if f.on:
        rows = rows.filter(in_force_on(f.on))
    return rows.order_by("kind", "code")


def shown_version(rule: PolicyRule, on: dt.date | None) -> PolicyRuleVersion | None:
    """The version a list shows: in force on `on` when asked, else the newest."""
    return rule.version_on(on) if on else rule.current_version


# --- claims ---------------------------------------------------------------------------


def claims_visible_to(user: User) -> QuerySet[Claim]:
    """The claims in the user's scope: the county's for its bureau (and those above), the
    institution's own for its officer; a person sees theirs on their own page only."""
    return Scope.of(user).filter(
        Claim.objects.all(), region="county__code", institution="institution_id", person="person_id"
    )


def claim_lines_visible_to(user: User) -> QuerySet[ClaimLine]:
    return Scope.of(user).filter(
        ClaimLine.objects.all(),
        region="county__code",
        institution="claim__institution_id",
        person="person_id",
    )


class ClaimFilters(Filters):
    status: str = ""
    kind: str = ""
    county: str = ""
    q: str = ""


def claim_list(user: User, *, filters: ClaimFilters | None = None) -> QuerySet[Claim]:
    """The claims page, its export and the API list: within scope, newest first."""
    f = filters or ClaimFilters()
    rows = claims_visible_to(user).select_related(
        "county", "training_class", "institution", "person"
    )
    if f.status:
        rows = rows.filter(status=f.status)
    if f.kind:
        rows = rows.filter(kind=f.kind)
    if f.county:
        rows = rows.filter(county__code__startswith=f.county)
    if f.q:
        rows = rows.filter(
            Q(training_class__name__icontains=f.q)
            | Q(enterprise_name__icontains=f.q)
            | Q(institution__name__icontains=f.q)
            | Q(person__name=f.q)
        )
    return rows.annotate(
        due=Sum("lines__amount", filter=Q(lines__status__in=LIVE)),
        line_count=Count("lines"),
    ).order_by("-created_at", "-id")


def claim_for(user: User, pk: object) -> Claim:
    """One claim in scope, or 404 (a claim outside scope is not said to exist)."""
    try:
        return (
            claims_visible_to(user)
            .select_related("county", "training_class__occupation", "institution", "person")
            .get(pk=int(str(pk)))
        )
    except (ValueError, Claim.DoesNotExist):
        raise Http404("没有这笔补贴申领") from None
