"""Pages of targets and progress: the list of targets with their progress, a target's
page (edit, and its child regions' progress), the split to child regions, and the
pairings' plans against what their schools trained and enrolled."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors
from skillaid.regions.models import Level

from . import periods
from .forms_targets import TargetEditForm, TargetSplitForm
from .models import Target, TargetKind
from .progress import pairings_progress, regions_progress
from .tally import INDICATORS, refreshed_at
from .targets import (
    assigned_from_above,
    child_regions,
    editable,
    in_scope,
    progress_for,
    require_edit,
    split_check,
    split_of,
    splittable,
    target_for,
    targets_visible_to,
)
from .targets import target_edit as edit_service
from .targets import target_list as list_selector
from .targets import target_split as split_service


def _row(request: HttpRequest, target: Target, today) -> dict:  # noqa: ANN001
    """One target with its progress. A target of a wider region than the viewer's (a
    national one, for a province) shows the viewer's own figure, without a percentage."""
    user = request.user
    progress, whole = progress_for(user, target, today=today)
    period = progress.period
    query = {"indicator": target.indicator, "period": period.code}
    region = target.region_id if whole else (user.region_id or "")
    if region:
        query["region"] = region
    if target.institution_id:
        query["institution"] = target.institution_id
    ind = INDICATORS.get(target.indicator)
    return {
        "target": target,
        "p": progress,
        "whole": whole,
        "indicator": ind,
        "bar": min(progress.percent or Decimal(0), Decimal(100)),
        "people": f"{reverse('figure_people')}?{urlencode(query)}"
        if ind and not ind.derived and target.kind != TargetKind.AT_LEAST_PER_COUNTY
        else "",
        "dashboard": f"{reverse('dashboard')}?{urlencode(query)}",
        "editable": editable(user, target) and whole,
        "splittable": splittable(user, target) and whole,
    }


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "figures.read")
    today = timezone.localdate()
    plan = (request.GET.get("plan") or "").strip()[:128]
    region = (request.GET.get("region") or "").strip()[:6]
    rows = list_selector(request.user, plan=plan, region=region)
    plans = sorted(set(targets_visible_to(request.user).values_list("plan", flat=True)))
    table = [_row(request, t, today) for t in rows]
    return render(
        request,
        "reports/targets.html",
        {
            "rows": table,
            "plans": plans,
            "plan": plan,
            "region": region,
            "today": today,
            "refreshed": refreshed_at(),
            "behind": sum(1 for r in table if r["p"].behind and r["whole"]),
        },
    )


def _children_table(target: Target, today) -> tuple[str, list]:  # noqa: ANN001
    region = target.region
    if region is None or region.level == Level.COUNTY:
        return "", []
    by = "city" if region.level == Level.PROVINCE else "county"
    return ("市" if by == "city" else "县（区）"), regions_progress(target, by=by, today=today)


@login_required
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = target_for(request.user, pk)
    today = timezone.localdate()
    may_edit = editable(request.user, target)
    period = periods.span(target.period_start, target.period_end)
    form = TargetEditForm(
        request.POST or None,
        initial={"value": target.value, "period": period.code, "note": target.note},
    )
    if request.method == "POST":
        require_edit(request.user, target)
        if form.is_valid():
            try:
                edit_service(
                    actor=request.user, channel=Channel.PAGE, target=target, data=form.cleaned_data
                )
            except ValidationError as e:
                apply_errors(form, e)
            else:
                messages.success(request, f"已保存目标任务：{target}")
                split = split_of(target)
                if split is not None:
                    show = messages.warning if split.short else messages.info
                    show(request, f"{target}的分解：{split.message}")
                return redirect("target_edit", pk=target.pk)
    level, children = _children_table(target, today)
    return render(
        request,
        "reports/target_edit.html",
        {
            "target": target,
            "row": _row(request, target, today),
            "form": form,
            "editable": may_edit,
            "assigned": assigned_from_above(request.user, target),
            "children": children,
            "level": level,
            "can_split": splittable(request.user, target),
            "split": split_of(target),
            # The parent's split adds up other regions' parts: only for whom holds the parent.
            "parent_split": split_of(target.parent)
            if target.parent_id and in_scope(request.user, target.parent)
            else None,
            "period": period,
        },
    )


@login_required
def target_split(request: HttpRequest, pk: int) -> HttpResponse:
    target = target_for(request.user, pk)
    require(request.user, "target.edit", target)
    children = child_regions(target)
    form = TargetSplitForm(request.POST or None, target=target, children=children)
    if request.method == "POST" and form.is_valid():
        try:
            split = split_service(
                actor=request.user, channel=Channel.PAGE, parent=target, parts=form.parts()
            )
        except ValidationError as e:
            for name, errors in e.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, f"已分解：{split.message}")
            return redirect("target_edit", pk=target.pk)
    parts = (
        form.parts() if form.is_bound else {t.region_id: str(t.value) for t in target.parts.all()}
    )
    values = {}
    for code, raw in parts.items():
        try:
            values[code] = Decimal(str(raw).replace(",", "")) if str(raw).strip() else Decimal(0)
        except ArithmeticError:
            values[code] = Decimal(0)
    total, difference = split_check(target, values)
    return render(
        request,
        "reports/target_split.html",
        {
            "target": target,
            "form": form,
            "total": total,
            "difference": difference,
            "shortfall": -difference,
            "additive": target.kind
            in (TargetKind.AT_LEAST, TargetKind.ABOUT, TargetKind.AT_LEAST_PER_YEAR),
        },
    )


@login_required
def pairing_progress(request: HttpRequest) -> HttpResponse:
    require(request.user, "figures.read")
    today = timezone.localdate()
    raw = (request.GET.get("year") or "").strip()
    error = ""
    year = today.year
    if raw:
        if raw.isdigit() and 2000 <= int(raw) <= 2100:
            year = int(raw)
        else:
            error = f"年度“{raw[:10]}”无法识别：请填写四位年份，如 {today.year}"
    rows = pairings_progress(request.user, year=year)
    return render(
        request,
        "reports/targets_pairings.html",
        {"rows": rows, "year": year, "error": error, "refreshed": refreshed_at()},
    )
