"""Pages for pairings: the map of pairings, a pairing with its agreement, plan and summaries,
and a county's pairings."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import download
from skillaid.accounts.models import Channel, Role
from skillaid.errors import apply_errors
from skillaid.institutions.models import SCHOOL_KINDS, CatalogueStatus, Institution
from skillaid.institutions.selectors import institution_for, institutions_visible_to
from skillaid.regions.models import KeyCounty, Level, Region, ResettlementSite
from skillaid.regions.selectors import regions_visible_to

from . import services
from .forms import AgreementForm, PairingEndForm, PairingForm, SummaryForm, WorkPlanForm
from .models import Pairing, WorkPlan
from .selectors import PairingFilters, pairing_for, pairing_list, pairings_visible_to

PAIRING_STATUSES = {"active": "结对中", "ended": "已结束"}


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
        pairing.overdue = pairing.overdue_summaries(year, today)
        pairing.ended = pairing.ended_by(today)
        pairing.partner_county = pairing.county or pairing.site.county
        pairing.category = labels.get(categories.get(pairing.partner_county.code, ""), "")
    return pairings


@login_required
def pairing_map(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    filters = PairingFilters.parse(request.GET)
    pairings = _with_progress(pairing_list(request.user, filters=filters), year)
    by_city: dict[str, list[Pairing]] = defaultdict(list)
    for p in pairings:
        city = p.partner_county.parent
        by_city[city.name if city else ""].append(p)
    return render(
        request,
        "pairings/pairing_map.html",
        {
            "cities": sorted(by_city.items()),
            "year": year,
            "total": len(pairings),
            "filters": filters.as_dict(),
            "query": request.GET.urlencode(),
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
    require(request.user, "pairing.manage")
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
    filters = PairingFilters.parse(request.GET)
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
        for p in _with_progress(pairing_list(request.user, filters=filters), year)
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
    return download(
        request,
        headers,
        rows,
        subject="技工院校结对帮扶",
        object_type="pairings.pairing",
        filters={
            "地区": filters.region,
            "查询": filters.q,
            "状态": PAIRING_STATUSES.get(filters.status, ""),
        },
    )


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
    dues = pairing.summary_dues(year, timezone.localdate())
    return render(
        request,
        "pairings/pairing_detail.html",
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
        "pairings/county.html",
        {"county": county, "key": key, "pairings": pairings, "year": timezone.localdate().year},
    )


def school_pairings(request: HttpRequest, institution: Institution) -> str:
    """The pairings section of a school's page."""
    pairings = pairings_visible_to(request.user).filter(school=institution)
    return render_to_string(
        "pairings/_school_pairings.html", {"pairings": pairings}, request=request
    )
