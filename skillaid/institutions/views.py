"""Pages for institutions and the institution catalogue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import download
from skillaid.accounts.models import AuditEntry, Channel
from skillaid.accounts.sections import sections
from skillaid.catalogue.models import Occupation
from skillaid.errors import apply_errors
from skillaid.regions.selectors import regions_for_choice

from . import exports, selectors, services
from .forms import (
    InstitutionForm,
    OccupationLinkForm,
    StatusForm,
)
from .models import (
    CatalogueStatus,
    InstitutionKind,
)
from .selectors import InstitutionFilters, capacity_visible_to, institution_for
from .services import InstitutionChange


@login_required
def institution_list(request: HttpRequest) -> HttpResponse:
    filters = InstitutionFilters.parse(request.GET)
    rows = selectors.institution_list(request.user, filters=filters)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "institutions/institution_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "kinds": InstitutionKind.choices,
            "statuses": CatalogueStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def institution_export(request: HttpRequest) -> HttpResponse:
    filters = InstitutionFilters.parse(request.GET)
    rows = selectors.institution_list(request.user, filters=filters)
    return download(
        request,
        exports.INSTITUTION_HEADERS,
        (exports.institution_row(i) for i in rows),
        subject="院校与培训机构目录",
        object_type="institutions.institution",
        filters={
            "查询": filters.q,
            "类型": InstitutionKind(filters.kind).label
            if filters.kind in InstitutionKind.values
            else "",
            "目录状态": CatalogueStatus(filters.status).label
            if filters.status in CatalogueStatus.values
            else "",
        },
    )


@login_required
def institution_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "institution.create")
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
    links = institution.institutionoccupation_set.select_related("occupation")

    def can(change: str) -> bool:
        return services.can_change_institution(request.user, institution, change)

    context = {
        "institution": institution,
        "sections": sections("institution_detail", request, institution),
        "history": institution.history.select_related("by"),
        "links": links,
        "capacity": capacity_visible_to(request.user).filter(institution=institution),
        "can_edit": can(InstitutionChange.EDIT),
        "status_form": StatusForm() if can(InstitutionChange.STATUS) else None,
        "occupation_form": OccupationLinkForm(occupations=Occupation.objects.all())
        if can(InstitutionChange.OCCUPATIONS)
        else None,
        "log": AuditEntry.describe_all(list(AuditEntry.objects.about(institution)[:50])),
    }
    return render(request, "institutions/institution_detail.html", context)


def _require_change(request: HttpRequest, institution, change: str) -> None:  # noqa: ANN001
    """Refuse the page before any form is shown; the service checks the same capability."""
    require(request.user, services.CHANGE_CAPABILITY[change], institution)


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
