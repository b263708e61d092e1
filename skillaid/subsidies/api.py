"""Policy rules over HTTP, through the same selector as the pages: read only; rules are
changed on the rules page, where the province reviewer sees each change as a new version."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Body, Query, Router, Schema, Status

from skillaid.accounts.capabilities import require
from skillaid.accounts.jobs import Job, JobState

from . import services
from .models import TERMS, PolicyRule, PolicyRuleVersion
from .publication_api import router as publication_router
from .selectors import PolicyRuleFilters, policy_rule_list, rule_for, shown_version
from .trial import (
    INLINE_CLASSES,
    JOB_KIND,
    classes_to_try,
    run_trial,
    start_trial_job,
)

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
    replaces: str
    version: VersionOut | None

    @staticmethod
    def of(rule: PolicyRule, version: PolicyRuleVersion | None) -> RuleOut:
        return RuleOut(
            code=rule.code,
            kind=rule.kind,
            kind_label=rule.get_kind_display(),
            region_code=rule.region_id,
            region=rule.region_name,
            replaces=rule.replaces,
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


# --- trial calculation (试算) of a change: nothing is saved ---------------------------------


class RunOut(Schema):
    lines: int
    trainees: int
    amount: Decimal


class TrialClassOut(Schema):
    class_id: int
    name: str
    county: str
    end_on: dt.date
    roster: int
    current: RunOut
    proposed: RunOut
    on_record: RunOut
    paid: Decimal
    difference: Decimal
    against_record: Decimal


class TrialTotalsOut(Schema):
    roster: int
    current: RunOut
    proposed: RunOut
    on_record: RunOut
    paid: Decimal
    difference: Decimal
    against_record: Decimal


class TrialOut(Schema):
    rule: str
    since: dt.date
    until: dt.date
    found: int
    computed: int
    capped: bool
    cap: int
    classes: list[TrialClassOut]
    totals: TrialTotalsOut


class TrialJobOut(Schema):
    job: int
    state: str
    done: int
    total: int
    url: str
    error: str = ""
    trial: TrialOut | None = None


def _job_out(code: str, job) -> TrialJobOut:  # noqa: ANN001
    return TrialJobOut(
        job=job.pk,
        state=job.state,
        done=job.done,
        total=job.total,
        url=f"/api/policy-rules/{code}/trials/{job.pk}",
        error=job.error,
        trial=job.result.get("trial") if job.state == JobState.DONE else None,
    )


@router.post(
    "/policy-rules/{code}/trial",
    response={200: TrialOut, 202: TrialJobOut},
    summary="Trial calculation (试算) of a change: what the proposed terms would pay",
    description=(
        '请求体为要修改的条款（字段同规则版本，如 `{"amount": "60"}`），未给出的条款沿用现行版本。'
        "按修改后的条款计算近12个月已结业、本规则适用的培训班（最多最近的2000个），"
        "与现行规则和已核定的金额比较。不保存任何数据。"
        "培训班较多时在后台计算：返回 202 和任务地址 `url`，GET 该地址直到 `state` 为 done。"
    ),
)
def trial_rule(request: HttpRequest, code: str, changes: Body[dict[str, Any]]):  # noqa: ANN201
    require(request.user, "policy.read")
    rule = rule_for(request.user, code)
    require(request.user, "policy.edit", rule)
    unknown = sorted(set(changes) - set(TERMS))
    if unknown:
        raise ValidationError({f: ["无此条款"] for f in unknown})
    terms = services.terms_of(rule.current_version) | changes
    if classes_to_try(request.user, rule, terms) > INLINE_CLASSES:
        job = start_trial_job(request.user, rule, terms)
        job.refresh_from_db()
        return Status(202, _job_out(rule.code, job))
    return Status(200, run_trial(request.user, rule, terms).as_dict())


@router.get(
    "/policy-rules/{code}/trials/{job_id}",
    response=TrialJobOut,
    summary="A trial run in the background: its progress, then its result",
)
def trial_job(request: HttpRequest, code: str, job_id: int):  # noqa: ANN201
    require(request.user, "policy.read")
    rule = rule_for(request.user, code)
    require(request.user, "policy.edit", rule)
    job = get_object_or_404(
        Job, pk=job_id, kind=JOB_KIND, owner=request.user, params__rule=rule.code
    )
    return _job_out(rule.code, job)


# Publication (补贴公示) and objections: their own module, mounted on this router.
router.add_router("", publication_router)
