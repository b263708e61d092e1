"""Pages of the random inspections: the reviewers' list, draw form, draw detail (with its
redo and publication) and inspectors' pool; the inspector's own items and finding form;
the public page of published results (no login, no personal data)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel
from skillaid.accounts.scope import region_in_scope
from skillaid.errors import apply_errors
from skillaid.evaluation.views import throttled
from skillaid.institutions.models import Institution
from skillaid.training.models import Completion, Enrolment, TrainingClass

from .forms_inspections import DrawForm, FindingForm, LinkForm
from .inspections import (
    draw_for,
    draw_outcomes,
    draws_published,
    draws_visible_to,
    finding_record,
    inspection_draw,
    inspection_publish,
    inspection_redo,
    inspector_link_add,
    inspector_link_remove,
    inspector_pool,
    inspectors_visible_to,
    item_for_inspector,
    items_of_inspector,
    published_record,
)
from .models import Finding, InspectorLink

READS_PER_MINUTE = 60


@login_required
def inspections(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspection.draw")
    draws = list(draws_visible_to(request.user).annotate(items_count=Count("items"))[:200])
    return render(request, "reports/inspections.html", {"draws": draws})


@login_required
def inspection_draw_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspection.draw")
    user = request.user
    status = 200
    if request.method == "POST":
        form = DrawForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            errors: dict[str, str] = {}
            region = region_in_scope(user, data["region"], errors, "region")
            if errors:
                apply_errors(form, ValidationError(errors))
            else:
                try:
                    draw = inspection_draw(
                        actor=user,
                        channel=Channel.PAGE,
                        region=region,
                        population=data["population"],
                        period_start=data["period_start"],
                        period_end=data["period_end"],
                        sample_size=data["sample_size"],
                        inspectors_per_item=data["inspectors_per_item"],
                        title=data["title"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(
                        request,
                        f"已抽取{draw.sample_size}个对象；随机种子{draw.seed}由系统生成并已记录。",
                    )
                    return redirect("inspection_detail", pk=draw.pk)
        status = 422
    else:
        form = DrawForm(initial={"region": user.region_id or "", "inspectors_per_item": 2})
    return render(
        request,
        "reports/inspection_draw.html",
        {
            "form": form,
            "title": "新建双随机抽查",
            "intro": "从抽查地区的培训班或院校/培训机构中随机抽取检查对象，并为每个对象从"
            "检查人员名录中随机抽取检查人员（与对象有回避关系的不抽）。随机种子在抽取时由系统"
            "随机生成，不能人工指定；种子与名单一并记录并在公开页面公布，任何人可据此重新抽取"
            "并得到相同结果。",
        },
        status=status,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inspection.draw")
    draw = draw_for(request.user, pk)
    status = 200
    if request.method == "POST" and request.POST.get("action") == "publish":
        try:
            inspection_publish(actor=request.user, channel=Channel.PAGE, draw=draw)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
            status = 422
        else:
            messages.success(request, "抽查结果已在公开页面公布。")
            return redirect("inspection_detail", pk=draw.pk)
    redo = inspection_redo(draw) if request.GET.get("verify") else None
    outcomes = draw_outcomes(draw)
    return render(
        request,
        "reports/inspection_detail.html",
        {
            "draw": draw,
            "outcomes": outcomes,
            "record": published_record(draw, outcomes),
            "redo": redo,
            "unfinished": sum(1 for o in outcomes if not o.done),
            "recorded": sum(1 for o in outcomes if o.findings),
        },
        status=status,
    )


@login_required
def inspectors(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspector.manage")
    user = request.user
    kept = list(inspectors_visible_to(user).order_by("region_id", "id"))
    status = 200
    form = LinkForm(inspectors=[u for u in kept if u.is_active])
    if request.method == "POST":
        form = LinkForm(request.POST, inspectors=[u for u in kept if u.is_active])
        if form.is_valid():
            inspector = next(u for u in kept if u.pk == form.cleaned_data["inspector"])
            name = form.cleaned_data["institution"].strip()
            institution = Institution.objects.filter(name=name).first()
            if institution is None:
                form.add_error("institution", f"院校/机构名录中没有“{name}”，请核对名称")
            else:
                try:
                    inspector_link_add(
                        actor=user,
                        channel=Channel.PAGE,
                        inspector=inspector,
                        institution=institution,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(
                        request, f"已登记回避关系：{inspector.display_name} — {institution.name}"
                    )
                    return redirect("inspectors")
        status = 422
    links = InspectorLink.objects.filter(inspector__in=kept).select_related("institution")
    by_inspector: dict[int, list[InspectorLink]] = {}
    for link in links.order_by("institution__name"):
        by_inspector.setdefault(link.inspector_id, []).append(link)
    for u in kept:
        u.links = by_inspector.get(u.pk, [])
    serving = []
    if user.region is not None:
        serving = [u for u in inspector_pool(user.region) if u.pk not in {k.pk for k in kept}]
    return render(
        request,
        "reports/inspectors.html",
        {"inspectors": kept, "serving": serving, "form": form},
        status=status,
    )


@login_required
@require_POST
def inspector_link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inspector.manage")
    kept = inspectors_visible_to(request.user)
    link = get_object_or_404(
        InspectorLink.objects.select_related("inspector", "institution"), pk=pk, inspector__in=kept
    )
    inspector_link_remove(actor=request.user, channel=Channel.PAGE, link=link)
    messages.success(
        request, f"已撤销回避关系：{link.inspector.display_name} — {link.institution.name}"
    )
    return redirect("inspectors")


@login_required
def inspector_home(request: HttpRequest) -> HttpResponse:
    require(request.user, "inspection.record")
    items = list(items_of_inspector(request.user))
    mine = {
        f.item_id: f
        for f in Finding.objects.filter(inspector=request.user, item__in=[i.pk for i in items])
    }
    for item in items:
        item.my_finding = mine.get(item.pk)
    return render(request, "reports/inspector_home.html", {"items": items})


def _class_summary(c: TrainingClass) -> dict:
    """What an inspector reads of a class: counts and rates, never a trainee's identity."""
    roster = Enrolment.objects.filter(training_class=c).aggregate(
        count=Count("id"),
        completed=Count("id", filter=Q(completion=Completion.COMPLETED)),
        rate=Avg("attendance_rate"),
        rated=Count("id", filter=Q(attendance_rate__isnull=False)),
    )
    return {
        "roster": roster["count"],
        "completed": roster["completed"],
        "attendance": roster["rate"],
        "rated": roster["rated"],
        "sessions": c.sessions.count(),
    }


def _institution_summary(institution: Institution, draw) -> dict:  # noqa: ANN001
    classes = TrainingClass.objects.filter(
        institution=institution,
        start_on__lte=draw.period_end,
        end_on__gte=draw.period_start,
        status__in=["approved", "closed"],
    )
    return {
        "classes": classes.count(),
        "trainees": Enrolment.objects.filter(training_class__in=classes).count(),
    }


@login_required
def inspection_item(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "inspection.record")
    item = item_for_inspector(request.user, pk)
    finding = Finding.objects.filter(item=item, inspector=request.user).first()
    status = 200
    if request.method == "POST":
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                finding_record(
                    actor=request.user,
                    channel=Channel.PAGE,
                    item=item,
                    result=form.cleaned_data["result"],
                    text=form.cleaned_data["text"],
                    inspected_on=form.cleaned_data["inspected_on"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"检查结果已登记：第{item.position}号 {item}")
                return redirect("inspector_home")
        status = 422
    elif finding is not None:
        form = FindingForm(
            initial={
                "result": finding.result,
                "text": finding.text,
                "inspected_on": finding.inspected_on,
            }
        )
    else:
        form = FindingForm(initial={"inspected_on": timezone.localdate()})
    c = item.training_class
    context = {
        "item": item,
        "draw": item.draw,
        "finding": finding,
        "form": form,
        "klass": c,
        "summary": _class_summary(c) if c else _institution_summary(item.institution, item.draw),
    }
    return render(request, "reports/inspection_item.html", context, status=status)


def _public(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def inspection_public(request: HttpRequest) -> HttpResponse:
    """双随机、一公开: the published draws and their results, for anyone, without a login.
    Names of classes and institutions, results and the inspectors' text; no person's name
    or number. What the draw was made from is published too (the population's and the
    pool's ids, the ties, each item's object and inspectors' ids) with the rule, so that
    anyone can redo it; inspectors appear only by their account id (not personal data)."""
    if throttled(request, per_minute=READS_PER_MINUTE, bucket="insp:"):
        return _public(
            render(
                request,
                "reports/inspection_public.html",
                {"draws": [], "message": "访问过于频繁，请一分钟后再试。"},
                status=429,
            )
        )
    draws = list(draws_published().order_by("-published_at", "-id")[:50])
    for draw in draws:
        draw.outcomes = draw_outcomes(draw)
        draw.record = published_record(draw, draw.outcomes)
    return _public(render(request, "reports/inspection_public.html", {"draws": draws}))
