"""Pages for policy rules: the list (with its export), a rule with its versions, and the
forms that make a rule or a new version of one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.jobs import Job, JobState
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors

from . import services
from .forms import RuleCreateForm, RuleTermsForm
from .models import PolicyRule, RuleKind
from .selectors import PolicyRuleFilters, policy_rule_list, rule_for, shown_version
from .trial import (
    CAP,
    INLINE_CLASSES,
    JOB_KIND,
    classes_to_try,
    run_trial,
    start_trial_job,
)

HEADERS = [
    "规则编码",
    "类别",
    "名称",
    "适用地区",
    "依据",
    "执行期",
    "补贴对象",
    "补贴标准与限制",
    "补贴标准（元）",
    "单次上限（元）",
    "年度上限（元）",
    "版本",
]


def _rows(request: HttpRequest) -> tuple[list[PolicyRule], PolicyRuleFilters]:
    require(request.user, "policy.read")
    filters = PolicyRuleFilters.parse(request.GET)
    rules = []
    for rule in policy_rule_list(request.user, filters=filters):
        rule.shown = shown_version(rule, filters.on)
        rules.append(rule)
    return rules, filters


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    rules, filters = _rows(request)
    page = Paginator(rules, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/rule_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "kinds": RuleKind.choices,
            "query": request.GET.urlencode(),
            "can_edit": can(request.user, "policy.edit"),
        },
    )


@login_required
def rule_export(request: HttpRequest) -> HttpResponse:
    rules, filters = _rows(request)

    def row(rule: PolicyRule) -> list[object]:
        v = rule.shown
        return [
            rule.code,
            rule.get_kind_display(),
            v.name,
            rule.region_name,
            v.source,
            v.period,
            v.get_payee_display(),
            v.amount_text,
            v.amount,
            v.cap_per_time,
            v.cap_per_year,
            v.number,
        ]

    return download(
        request,
        HEADERS,
        (row(r) for r in rules if r.shown is not None),
        subject="补贴政策规则",
        object_type="subsidies.policyrule",
        filters={
            "类别": RuleKind(filters.kind).label if filters.kind in RuleKind.values else "",
            "适用地区": filters.region,
            "有效日期": filters.on.isoformat() if filters.on else "",
        },
    )


@login_required
def rule_detail(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "policy.read")
    rule = rule_for(request.user, code)
    versions = sorted(rule.versions.all(), key=lambda v: v.number)
    current = versions[-1]
    history = []
    previous = None
    for version in versions:
        history.append((version, services.differences(previous, version) if previous else []))
        previous = version
    return render(
        request,
        "subsidies/rule_detail.html",
        {
            "rule": rule,
            "current": current,
            "qualifies": [
                ("户类别", current.labels("household_categories")),
                ("申报类别", current.labels("bases")),
                ("培训类型", current.labels("training_kinds")),
                ("职业（工种）", current.occupation or "不限"),
                ("等级", current.labels("levels")),
            ],
            "history": list(reversed(history)),
            "can_edit": can(request.user, "policy.edit", rule),
        },
    )


@login_required
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    require(request.user, "policy.read")
    rule = rule_for(request.user, code)
    require(request.user, "policy.edit", rule)
    current = rule.current_version
    form = RuleTermsForm(request.POST or None, initial=RuleTermsForm.initial_of(current))
    result = None
    if request.method == "POST" and request.POST.get("action") == "trial":
        # 试算: the proposed terms on the classes of the last twelve months; nothing saved.
        if form.is_valid():
            try:
                terms = form.terms()
                if classes_to_try(request.user, rule, terms) > INLINE_CLASSES:
                    job = start_trial_job(request.user, rule, terms)
                    return redirect("policy_rule_trial", code=rule.code, pk=job.pk)
                result = run_trial(request.user, rule, terms)
            except ValidationError as exc:
                apply_errors(form, exc)
    elif request.method == "POST" and form.is_valid():
        try:
            version = services.rule_change(
                actor=request.user,
                channel=Channel.PAGE,
                rule=rule,
                terms=form.terms(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存为第{version.number}版，此前各版本保留可查")
            return redirect("policy_rule", code=rule.code)
    return render(
        request,
        "subsidies/rule_form.html",
        {
            "form": form,
            "rule": rule,
            "title": f"修改规则：{current.name}",
            "intro": f"保存后生成第{current.number + 1}版；已按旧版本计算的补贴仍保留旧版本。"
            "保存前可先点“试算”，看修改后的规则用于近12个月已结业培训班的结果。",
            "trial": result,
            "cap": CAP,
        },
    )


@login_required
def rule_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "policy.edit")
    form = RuleCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = services.rule_create(
                actor=request.user,
                channel=Channel.PAGE,
                code=data["code"],
                kind=data["kind"],
                region=data["region"],
                terms=form.terms(),
                reason=data["reason"],
                replaces=data["replaces"],
            )
        except PermissionDenied as exc:
            form.add_error("region", str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已建立补贴政策规则")
            return redirect("policy_rule", code=rule.code)
    return render(
        request,
        "subsidies/rule_form.html",
        {
            "form": form,
            "title": "新建补贴政策规则",
            "intro": "本地区另定标准时，新建一条本地区的规则：同类规则以最近一级地区的为准。",
        },
    )


@login_required
def rule_trial(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A trial run as a background job: its progress, then its result. Only the reviewer
    who started it sees it; to anyone else it does not exist."""
    require(request.user, "policy.read")
    rule = rule_for(request.user, code)
    require(request.user, "policy.edit", rule)
    job = get_object_or_404(Job, pk=pk, kind=JOB_KIND, owner=request.user, params__rule=rule.code)
    return render(
        request,
        "subsidies/rule_trial.html",
        {
            "rule": rule,
            "job": job,
            "finished": job.finished,
            "trial": job.result.get("trial") if job.state == JobState.DONE else None,
            "cap": CAP,
        },
    )
