"""Pages of report packs (报表) and their submissions (报送), and the deadlines calendar."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import export_pdf_response, kept_file_response
from skillaid.accounts.models import Channel
from skillaid.accounts.scope import Scope
from skillaid.lib.ints import parse_id
from skillaid.regions.models import Region

from . import deadlines, packs


def _regions(user) -> list[Region]:  # noqa: ANN001
    """The regions a user may build packs for: their own and those below it."""
    scope = Scope.of(user)
    if scope.region_prefix is None:
        return []
    rows = Region.objects.filter(is_current=True, code__startswith=scope.region_prefix)
    if scope.everything:
        rows = rows.filter(code__startswith="45")
    return list(rows.order_by("code"))


def _year(text: object, default: int) -> int:
    try:
        year = int(str(text or default).strip())
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


@login_required
def pack_list(request: HttpRequest, error: str = "", status: int = 200) -> HttpResponse:
    require(request.user, "report.pack")
    today = timezone.localdate()
    regions = _regions(request.user)
    jobs = list(packs.pack_jobs_visible_to(request.user).select_related("owner")[:20])
    for j in jobs:
        spec = packs.KINDS.get(j.params.get("kind", ""))
        j.pack_name = spec.name if spec else ""
    submitted = set(
        packs.submissions_visible_to(request.user)
        .filter(job__in=[j.pk for j in jobs])
        .values_list("job_id", flat=True)
    )
    return render(
        request,
        "reports/packs.html",
        {
            "kinds": list(packs.KINDS.values()),
            "period_labels": packs.PERIOD_LABELS,
            "regions": regions,
            "chosen": request.POST or {"year": today.year, "region": request.user.region_id or ""},
            "jobs": jobs,
            "submitted": submitted,
            "may_submit": can(request.user, "report.submit"),
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def pack_start(request: HttpRequest) -> HttpResponse:
    data = request.POST
    try:
        job = packs.pack_start(
            actor=request.user,
            kind=data.get("kind", ""),
            region_code=data.get("region", "").strip(),
            year=_year(data.get("year"), 0) or 0,
            period=data.get("period", "year"),
        )
    except ValidationError as exc:
        return pack_list(request, error="；".join(exc.messages), status=400)
    except PermissionDenied as exc:
        return pack_list(request, error=str(exc), status=403)
    return redirect("job", pk=job.pk)


@login_required
def pack_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    job = get_object_or_404(packs.pack_jobs_visible_to(request.user), pk=pk)
    path = packs.pack_file(job, fmt)
    if path is None:
        raise Http404("报表文件不存在，或已超过保存期限被删除，请重新生成")
    title = job.result.get("title", job.kind_label)
    rows = int(job.result.get("rows", 0))
    if fmt == "pdf":
        return export_pdf_response(
            path.read_bytes(),
            filename=title,
            title=title,
            actor=request.user,
            channel=Channel.PAGE,
            object_type="accounts.Job",
            object_id=job.pk,
            rows=rows,
        )
    return kept_file_response(
        request,
        path.open("rb"),
        filename=f"{title}.xlsx",
        object_type="accounts.Job",
        object_id=job.pk,
        rows=rows,
        subject=title,
    )


@login_required
def submission_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("rule"):
        rule = get_object_or_404(deadlines.DeadlineRule, pk=parse_id(request.POST.get("rule")) or 0)
        year = _year(request.POST.get("year"), 0)
        try:
            deadlines.deadline_done(
                actor=request.user, rule=rule, region_code=request.POST.get("region", ""), year=year
            )
        except (ValidationError, PermissionDenied) as exc:
            message = "；".join(getattr(exc, "messages", [str(exc)]))
            return render(
                request, "error.html", {"title": "无法登记", "message": message}, status=400
            )
        return redirect(f"{reverse('deadlines')}?year={year}")
    if request.method == "POST":
        job = get_object_or_404(
            packs.pack_jobs_visible_to(request.user), pk=parse_id(request.POST.get("job")) or 0
        )
        try:
            packs.submission_record(actor=request.user, job=job)
        except ValidationError as exc:
            return pack_list(request, error="；".join(exc.messages), status=400)
        except PermissionDenied as exc:
            return pack_list(request, error=str(exc), status=403)
        return redirect("submissions")
    if not can(request.user, "figures.read"):
        raise PermissionDenied("您的角色不能查看报送记录")
    rows = list(packs.submissions_visible_to(request.user)[:200])
    for row in rows:
        spec = packs.KINDS.get(row.report)
        row.report_name = spec.name if spec else row.report
        row.period_label = packs.PERIOD_LABELS.get(row.period, row.period)
    return render(
        request,
        "reports/packs_submissions.html",
        {"rows": rows},
    )


@login_required
def deadline_calendar(request: HttpRequest) -> HttpResponse:
    if not (can(request.user, "figures.read") or can(request.user, "report.submit")):
        raise PermissionDenied("您的角色不能查看报送时限")
    today = timezone.localdate()
    year = _year(request.GET.get("year"), today.year)
    items = deadlines.deadlines_for(request.user, year, today)
    rules = deadlines.rules_in(year)
    for rule in rules:
        rule.reporter_label = deadlines.REPORTERS.get(rule.reporter, rule.reporter)
    return render(
        request,
        "reports/deadlines.html",
        {
            "year": year,
            "today": today,
            "months": deadlines.by_month(items),
            "overdue": deadlines.overdue_by_region(items),
            "rules": rules,
            "may_edit": can(request.user, "deadline.edit"),
            "may_submit": can(request.user, "report.submit"),
            "pack_kinds": set(packs.KINDS),
            "years": [year - 1, year + 1],
        },
    )


@login_required
def deadline_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "deadline.edit")
    rule = get_object_or_404(deadlines.DeadlineRule, pk=pk)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            deadlines.rule_update(actor=request.user, rule=rule, data=request.POST)
        except ValidationError as exc:
            errors = {k: "；".join(v) for k, v in exc.message_dict.items()}
        else:
            return redirect(f"{reverse('deadlines')}?year={timezone.localdate().year}")
    return render(request, "reports/deadlines_rule.html", {"rule": rule, "errors": errors})
