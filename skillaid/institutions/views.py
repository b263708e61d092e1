"""Pages for institutions, the institution catalogue, pairings and the capacity registry."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.exports import download
from skillaid.accounts.models import AuditEntry, Channel, Role
from skillaid.errors import apply_errors
from skillaid.regions.models import KeyCounty, Level, Region, ResettlementSite
from skillaid.regions.selectors import regions_for_choice, regions_visible_to
from skillaid.training.models import Occupation

from . import exports, services
from .forms import (
    AgreementForm,
    CapacityForm,
    InstitutionForm,
    OccupationLinkForm,
    PairingEndForm,
    PairingForm,
    StatusForm,
    SummaryForm,
    WorkPlanForm,
)
from .models import (
    SCHOOL_KINDS,
    Capacity,
    CapacityKind,
    CatalogueStatus,
    InstitutionKind,
    Pairing,
    SummaryPeriod,
    WorkPlan,
    summary_due,
)
from .selectors import (
    capacity_for,
    capacity_visible_to,
    institution_for,
    institutions_visible_to,
    pairing_for,
    pairings_visible_to,
)
from .services import InstitutionChange

# ----- institutions -----


def _institution_list(request: HttpRequest):  # noqa: ANN202
    q = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    rows = institutions_visible_to(request.user).select_related("region")
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(uscc=q.upper()))
    if kind in InstitutionKind.values:
        rows = rows.filter(kind=kind)
    if status in CatalogueStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("region_id", "name"), {"q": q, "kind": kind, "status": status}


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    rows, filters = _institution_list(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/institution_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": InstitutionKind.choices,
            "statuses": CatalogueStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def institution_export(request: HttpRequest) -> HttpResponse:
    rows, filters = _institution_list(request)
    return download(
        request,
        exports.INSTITUTION_HEADERS,
        (exports.institution_row(i) for i in rows),
        subject="院校与培训机构目录",
        object_type="institution",
        filters={
            "查询": filters["q"],
            "类型": InstitutionKind(filters["kind"]).label
            if filters["kind"] in InstitutionKind.values
            else "",
            "目录状态": CatalogueStatus(filters["status"]).label
            if filters["status"] in CatalogueStatus.values
            else "",
        },
    )


@login_required
def institution_create(request: HttpRequest) -> HttpResponse:
    if not request.user.can_register_institutions:
        raise PermissionDenied("您的角色不能登记院校/机构")
    form = InstitutionForm(request.POST or None, regions=regions_for_choice(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            institution = services.institution_create(
                actor=request.user, channel=Channel.PAGE, data=dict(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记 {institution.name}，目录状态为“待审核”")
            return redirect("institution_detail", pk=institution.pk)
    return render(request, "form.html", {"form": form, "title": "登记院校/培训机构"})


@login_required
def institution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    institution = institution_for(request.user, pk)
    pairings = pairings_visible_to(request.user).filter(school=institution)
    links = institution.institutionoccupation_set.select_related("occupation")

    def can(change: str) -> bool:
        return services.can_change_institution(request.user, institution, change)

    context = {
        "institution": institution,
        "pairings": pairings,
        "history": institution.history.select_related("by"),
        "links": links,
        "capacity": capacity_visible_to(request.user).filter(institution=institution),
        "can_edit": can(InstitutionChange.EDIT),
        "status_form": StatusForm() if can(InstitutionChange.STATUS) else None,
        "occupation_form": OccupationLinkForm(occupations=Occupation.objects.all())
        if can(InstitutionChange.OCCUPATIONS)
        else None,
        "log": AuditEntry.describe_all(
            list(
                AuditEntry.objects.filter(object_type="institution", object_id=str(institution.pk))[
                    :50
                ]
            )
        ),
    }
    return render(request, "institutions/institution_detail.html", context)


def _require_change(request: HttpRequest, institution, change: str) -> None:  # noqa: ANN001
    """Refuse the page before any form is shown; the service checks the same rule again."""
    if not services.can_change_institution(request.user, institution, change):
        raise PermissionDenied(
            f"您不能{services.InstitutionChange(change).label}：院校/机构的信息由其所在地区的人社部门维护"
        )


@login_required
def institution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    institution = institution_for(request.user, pk)
    _require_change(request, institution, InstitutionChange.EDIT)
    initial = {
        "name": institution.name,
        "kind": institution.kind,
        "uscc": institution.uscc,
        "region": institution.region_id,
        "address": institution.address,
        "contact": institution.contact,
        "phone": institution.phone,
    }
    regions = regions_for_choice(request.user)
    if institution.region not in regions:
        regions.insert(0, institution.region)
    form = InstitutionForm(request.POST or None, initial=initial, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.institution_update(
                actor=request.user,
                channel=Channel.PAGE,
                institution=institution,
                data=dict(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存" if changed else "没有改动")
            return redirect("institution_detail", pk=institution.pk)
    return render(request, "form.html", {"form": form, "title": f"修改 {institution.name}"})


@login_required
@require_POST
def institution_status(request: HttpRequest, pk: int) -> HttpResponse:
    institution = institution_for(request.user, pk)
    _require_change(request, institution, InstitutionChange.STATUS)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.institution_set_status(
                actor=request.user,
                channel=Channel.PAGE,
                institution=institution,
                status=form.cleaned_data["status"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                messages.error(request, "；".join(errors))
        else:
            messages.success(request, "目录状态已变更")
    else:
        messages.error(request, "请选择目录状态")
    return redirect("institution_detail", pk=institution.pk)


@login_required
@require_POST
def institution_occupation(request: HttpRequest, pk: int) -> HttpResponse:
    institution = institution_for(request.user, pk)
    _require_change(request, institution, InstitutionChange.OCCUPATIONS)
    form = OccupationLinkForm(request.POST, occupations=Occupation.objects.all())
    if form.is_valid():
        services.institution_add_occupation(
            actor=request.user,
            channel=Channel.PAGE,
            institution=institution,
            occupation=Occupation.objects.get(pk=form.cleaned_data["occupation"]),
            level=form.cleaned_data["level"],
        )
        messages.success(request, "已添加可培训职业")
    else:
        messages.error(request, "请选择职业和等级")
    return redirect("institution_detail", pk=institution.pk)


# ----- pairings -----


def _with_progress(pairings: QuerySet[Pairing], year: int) -> list[Pairing]:
    """The pairings, each with its partner county and key-county category, this year's
    plan and which of this year's summaries are overdue."""
    pairings = list(
        pairings.select_related("county__parent", "site__county__parent").prefetch_related(
            "summaries"
        )
    )
    today = timezone.localdate()
    plans = {
        p.pairing_id: p
        for p in WorkPlan.objects.filter(pairing__in=pairings, year=year).prefetch_related("items")
    }
    categories = dict(KeyCounty.objects.values_list("region_id", "category"))
    labels = dict(KeyCounty._meta.get_field("category").choices)
    for pairing in pairings:
        pairing.plan = plans.get(pairing.pk)
        submitted = {s.period for s in pairing.summaries.all() if s.year == year}
        pairing.overdue = [
            SummaryPeriod(p).label
            for p in SummaryPeriod.values
            if p not in submitted
            and summary_due(year, p) < today
            and not pairing.ended_by(summary_due(year, p))
        ]
        pairing.ended = pairing.ended_by(today)
        pairing.partner_county = pairing.county or pairing.site.county
        pairing.category = labels.get(categories.get(pairing.partner_county.code, ""), "")
    return pairings


@login_required
def pairing_map(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    pairings = _with_progress(
        pairings_visible_to(request.user).order_by(
            "county__code", "site__county__code", "site__name"
        ),
        year,
    )
    by_city: dict[str, list[Pairing]] = defaultdict(list)
    for p in pairings:
        city = p.partner_county.parent
        by_city[city.name if city else ""].append(p)
    return render(
        request,
        "institutions/pairing_map.html",
        {
            "cities": sorted(by_city.items()),
            "year": year,
            "total": len(pairings),
            "can_manage": services.can_manage_pairings(request.user),
        },
    )


def _pairing_form(request: HttpRequest, data=None) -> PairingForm:  # noqa: ANN001
    prefix = request.user.region_prefix
    return PairingForm(
        data,
        schools=institutions_visible_to(request.user)
        .filter(kind__in=SCHOOL_KINDS)
        .exclude(status=CatalogueStatus.REMOVED)
        .order_by("name"),
        counties=Region.objects.current()
        .filter(level=Level.COUNTY, code__startswith=prefix)
        .order_by("code"),
        sites=ResettlementSite.objects.filter(county__code__startswith=prefix)
        .select_related("county")
        .order_by("county__code", "name"),
    )


@login_required
def pairing_create(request: HttpRequest) -> HttpResponse:
    if not services.can_manage_pairings(request.user):
        raise PermissionDenied("结对关系由市、自治区人力资源社会保障部门建立")
    form = _pairing_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pairing = services.pairing_create(
                actor=request.user,
                channel=Channel.PAGE,
                school=institution_for(request.user, data["school"]),
                county_code=data["county"],
                site_id=int(data["site"]) if data["site"] else None,
                signed_on=data["signed_on"],
                source=data["source"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已建立结对：{pairing}")
            return redirect("pairing_detail", pk=pairing.pk)
    return render(request, "form.html", {"form": form, "title": "建立结对帮扶关系"})


@login_required
@require_POST
def pairing_end(request: HttpRequest, pk: int) -> HttpResponse:
    def end(pairing: Pairing, form: PairingEndForm) -> None:
        services.pairing_end(
            actor=request.user,
            channel=Channel.PAGE,
            pairing=pairing,
            on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["end_reason"],
        )
        messages.success(request, f"结对已于 {pairing.ended_on:%Y-%m-%d} 结束")

    return _pairing_post(request, pk, PairingEndForm, end)


@login_required
def pairing_export(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    rows = [
        [
            p.partner_county.parent.name if p.partner_county.parent else "",
            p.partner_county.name,
            p.site.name if p.site_id else "",
            p.category,
            p.school.name,
            p.signed_on,
            p.plan.planned_trainees if p.plan else "",
            p.plan.planned_enrolments if p.plan else "",
            "、".join(p.overdue),
        ]
        for p in _with_progress(pairings_visible_to(request.user), year)
    ]
    headers = [
        "市",
        "县",
        "安置区",
        "类别",
        "结对院校",
        "协议签订日期",
        f"{year}年计划培训（人）",
        f"{year}年计划招收两后生（人）",
        "逾期未报送",
    ]
    return download(request, headers, rows, subject="技工院校结对帮扶", object_type="pairing")


@login_required
def pairing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    year = timezone.localdate().year
    found = _with_progress(pairings_visible_to(request.user).filter(pk=pk), year)
    if not found:
        raise Http404("未找到该结对关系")
    pairing = found[0]
    side = services._pairing_side(request.user, pairing)
    plan_form = summary_form = agreement_form = None
    if side == "school":
        plan = pairing.plan
        initial = {"year": year, "planned_enrolments": plan.planned_enrolments if plan else 0}
        if plan:
            initial["note"] = plan.note
            for i, item in enumerate(plan.items.all(), start=1):
                initial |= {
                    f"occupation_{i}": item.occupation,
                    f"month_{i}": item.month,
                    f"trainees_{i}": item.trainees,
                }
        plan_form = WorkPlanForm(initial=initial)
        summary_form = SummaryForm(initial={"year": year})
    if side:
        agreement_form = AgreementForm(
            initial={
                "signed_on": pairing.signed_on,
                "school_duties": pairing.school_duties,
                "county_duties": pairing.county_duties,
            }
        )
    dues = [
        {
            "label": f"{year}年{SummaryPeriod(p).label}",
            "due": summary_due(year, p),
            "waived": pairing.ended_by(summary_due(year, p)),
            "summary": next(
                (s for s in pairing.summaries.all() if s.year == year and s.period == p), None
            ),
        }
        for p in SummaryPeriod.values
    ]
    return render(
        request,
        "institutions/pairing_detail.html",
        {
            "pairing": pairing,
            "plans": pairing.plans.prefetch_related("items"),
            "summaries": pairing.summaries.all(),
            "dues": dues,
            "today": timezone.localdate(),
            "plan_form": plan_form,
            "summary_form": summary_form,
            "agreement_form": agreement_form,
            "end_form": PairingEndForm(initial={"ended_on": timezone.localdate()})
            if services.can_end_pairing(request.user, pairing)
            else None,
        },
    )


def _pairing_post(request: HttpRequest, pk: int, form_class, action) -> HttpResponse:  # noqa: ANN001
    pairing = pairing_for(request.user, pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(pairing, form)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                messages.error(request, "；".join(errors))
        else:
            return redirect("pairing_detail", pk=pairing.pk)
    else:
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
    return redirect("pairing_detail", pk=pairing.pk)


@login_required
@require_POST
def pairing_plan(request: HttpRequest, pk: int) -> HttpResponse:
    def file(pairing: Pairing, form: WorkPlanForm) -> None:
        plan = services.work_plan_file(
            actor=request.user,
            channel=Channel.PAGE,
            pairing=pairing,
            year=form.cleaned_data["year"],
            planned_enrolments=form.cleaned_data["planned_enrolments"],
            items=form.items(),
            note=form.cleaned_data["note"],
        )
        messages.success(
            request, f"{plan.year}年度工作计划已报备（计划培训 {plan.planned_trainees} 人）"
        )

    return _pairing_post(request, pk, WorkPlanForm, file)


@login_required
@require_POST
def pairing_summary(request: HttpRequest, pk: int) -> HttpResponse:
    def submit(pairing: Pairing, form: SummaryForm) -> None:
        summary = services.summary_submit(
            actor=request.user, channel=Channel.PAGE, pairing=pairing, **form.cleaned_data
        )
        messages.success(request, f"已报送{summary}")

    return _pairing_post(request, pk, SummaryForm, submit)


@login_required
@require_POST
def pairing_agreement(request: HttpRequest, pk: int) -> HttpResponse:
    def record(pairing: Pairing, form: AgreementForm) -> None:
        data = dict(form.cleaned_data)
        if not data.get("agreement"):
            data.pop("agreement", None)
        services.pairing_record_agreement(
            actor=request.user, channel=Channel.PAGE, pairing=pairing, data=data
        )
        messages.success(request, "结对协议已保存")

    return _pairing_post(request, pk, AgreementForm, record)


@login_required
def pairing_agreement_file(request: HttpRequest, pk: int) -> HttpResponse:
    pairing = pairing_for(request.user, pk)
    if not pairing.agreement:
        raise Http404("没有协议文件")
    return FileResponse(pairing.agreement.open("rb"), as_attachment=True)


@login_required
def county_page(request: HttpRequest, code: str) -> HttpResponse:
    """A county's pairings: its own school and those of its resettlement sites."""
    county = regions_visible_to(request.user).filter(code=code, level=Level.COUNTY).first()
    if county is None and request.user.role == Role.SCHOOL_OFFICER:
        county = Region.objects.filter(code=code, level=Level.COUNTY).first()
    pairings = _with_progress(
        pairings_visible_to(request.user).filter(Q(county__code=code) | Q(site__county__code=code)),
        timezone.localdate().year,
    )
    if county is None or (request.user.role == Role.SCHOOL_OFFICER and not pairings):
        raise Http404("未找到该县")
    key = KeyCounty.objects.filter(region=county).first()
    return render(
        request,
        "institutions/county.html",
        {"county": county, "key": key, "pairings": pairings, "year": timezone.localdate().year},
    )


# ----- capacity -----


def _capacity_rows(request: HttpRequest):  # noqa: ANN202
    kind = request.GET.get("kind", "")
    year = request.GET.get("year", "")
    q = request.GET.get("q", "").strip()
    rows = capacity_visible_to(request.user)
    if kind in CapacityKind.values:
        rows = rows.filter(kind=kind)
    if year.isdigit():
        rows = rows.filter(year=int(year))
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(occupations__contains=q) | Q(master__contains=q))
    return rows, {"kind": kind, "year": year, "q": q}


@login_required
def capacity_list(request: HttpRequest) -> HttpResponse:
    rows, filters = _capacity_rows(request)
    visible = capacity_visible_to(request.user)
    counts = defaultdict(dict)
    years: set[int] = set()
    for item in visible.values("kind", "year").annotate(n=Count("id")):
        counts[item["kind"]][item["year"]] = item["n"]
        years.add(item["year"])
    years_sorted = sorted(years)
    table = [
        {
            "label": label,
            "kind": kind,
            "cells": [counts[kind].get(y, 0) for y in years_sorted],
            "total": sum(counts[kind].values()),
        }
        for kind, label in CapacityKind.choices
    ]
    # The plans want at least one specialised-ability assessment norm per key county.
    covered = set(
        visible.filter(kind=CapacityKind.ASSESSMENT_NORM).values_list("region_id", flat=True)
    )
    key_counties = KeyCounty.objects.filter(
        region__code__startswith=request.user.region_prefix
    ).select_related("region")
    uncovered = [k.region for k in key_counties if k.region_id not in covered]
    page = Paginator(rows.order_by("kind", "-year", "name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/capacity_list.html",
        {
            "page": page,
            "filters": filters,
            "kinds": CapacityKind.choices,
            "years": years_sorted,
            "table": table,
            "uncovered": uncovered,
            "key_total": len(key_counties),
            "query": request.GET.urlencode(),
            "can_edit": request.user.can_register_institutions,
        },
    )


@login_required
def capacity_export(request: HttpRequest) -> HttpResponse:
    rows, filters = _capacity_rows(request)
    return download(
        request,
        exports.CAPACITY_HEADERS,
        (exports.capacity_row(c) for c in rows),
        subject="能力建设登记",
        object_type="capacity",
        filters={
            "类别": CapacityKind(filters["kind"]).label
            if filters["kind"] in CapacityKind.values
            else "",
            "年度": filters["year"],
            "查询": filters["q"],
        },
    )


def _capacity_form(request: HttpRequest, item: Capacity | None) -> HttpResponse:
    if not request.user.can_register_institutions:
        raise PermissionDenied("您的角色不能登记能力建设项目")
    regions = regions_for_choice(request.user)
    institutions = list(institutions_visible_to(request.user))
    initial = {"year": timezone.localdate().year}
    if item is not None:
        initial = {f: getattr(item, f) for f in services.CAPACITY_FIELDS}
        initial["region"], initial["institution"] = item.region_id, item.institution_id
    form = CapacityForm(
        request.POST or None, initial=initial, regions=regions, institutions=institutions
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["institution"] = int(data["institution"]) if data.get("institution") else None
        try:
            if item is None:
                item = services.capacity_create(actor=request.user, channel=Channel.PAGE, data=data)
            else:
                services.capacity_update(
                    actor=request.user, channel=Channel.PAGE, item=item, data=data
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存：{item}")
            return redirect("capacity_list")
    title = "登记能力建设项目" if item is None else f"修改 {item}"
    return render(request, "form.html", {"form": form, "title": title})


@login_required
def capacity_create(request: HttpRequest) -> HttpResponse:
    return _capacity_form(request, None)


@login_required
def capacity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _capacity_form(request, capacity_for(request.user, pk))
