"""Policy rules over HTTP, through the same selector as the pages: read only; rules are
changed on the rules page, where the province reviewer sees each change as a new version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from skillaid.accounts.capabilities import require

from . import services
from .models import PolicyRule, PolicyRuleVersion
from .publication_api import router as publication_router
from .selectors import PolicyRuleFilters, policy_rule_list, rule_for, shown_version

router = Router(tags=["policy rules"])


class Change(Schema):
    field: str
    old: str
    new: str


class VersionOut(Schema):
    number: int
    name: str
    source_document: str
    source_article: str
    valid_from: dt.date
    valid_until: dt.date | None
    household_categories: list[str]
    bases: list[str]
    training_kinds: list[str]
    occupation: str
    levels: list[str]
    payee: str
    amount: Decimal | None
    amount_unit: str
    amount_is_minimum: bool
    level_amounts: dict[str, Decimal]
    cap_per_time: Decimal | None
    cap_per_year: Decimal | None
    limit_value: Decimal | None
    limit_unit: str
    note: str
    summary: str
    reason: str
    recorded_at: dt.datetime
    recorded_by: str
    changes: list[Change]

    @staticmethod
    def of(v: PolicyRuleVersion, previous: PolicyRuleVersion | None = None) -> VersionOut:
        terms = services.terms_of(v)
        terms["level_amounts"] = {k: Decimal(a) for k, a in v.level_amounts.items()}
        return VersionOut(
            number=v.number,
            summary=v.amount_text,
            reason=v.reason,
            recorded_at=v.recorded_at,
            recorded_by=v.recorded_by.display_name if v.recorded_by else "系统",
            changes=[Change(field=f, old=o, new=n) for f, o, n in services.differences(previous, v)]
            if previous
            else [],
            **terms,
        )


class RuleOut(Schema):
    code: str
    kind: str
    kind_label: str
    region_code: str | None
    region: str
    version: VersionOut | None

    @staticmethod
    def of(rule: PolicyRule, version: PolicyRuleVersion | None) -> RuleOut:
        return RuleOut(
            code=rule.code,
            kind=rule.kind,
            kind_label=rule.get_kind_display(),
            region_code=rule.region_id,
            region=rule.region_name,
            version=VersionOut.of(version) if version else None,
        )


class RuleDetailOut(RuleOut):
    versions: list[VersionOut]


@router.get(
    "/policy-rules",
    response=list[RuleOut],
    summary="Policy rules in the caller's scope: the version in force on `on`, else the newest",
)
def list_rules(request: HttpRequest, filters: Query[PolicyRuleFilters]):  # noqa: ANN201
    require(request.user, "policy.read")
    return [
        RuleOut.of(r, shown_version(r, filters.on))
        for r in policy_rule_list(request.user, filters=filters)
    ]


@router.get("/policy-rules/{code}", response=RuleDetailOut, summary="One rule with every version")
def read_rule(request: HttpRequest, code: str):  # noqa: ANN201
    require(request.user, "policy.read")
    rule = rule_for(request.user, code)
    versions = sorted(rule.versions.all(), key=lambda v: v.number)
    out = RuleOut.of(rule, versions[-1] if versions else None)
    history = [VersionOut.of(v, versions[i - 1] if i else None) for i, v in enumerate(versions)]
    return RuleDetailOut(**out.dict(), versions=list(reversed(history)))


# Publication (补贴公示) and objections: their own module, mounted on this router.
router.add_router("", publication_router)
