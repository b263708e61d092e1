"""Which policy rules a user sees: those that apply in their region (the nationwide
defaults, their province's and city's, their own) and those of the regions below it;
an administrator sees all. Rules are public policy, but a county clerk has no use for
another province's, and the list stays short."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope

from .models import PolicyRule, PolicyRuleVersion
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
