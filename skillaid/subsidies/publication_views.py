"""Staff pages of publication (补贴公示): the list within scope, the form that publishes
a county's lines (showing what would be published and its period first), one
publication with its lines and objections, and the queue of objections to resolve."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Channel
from skillaid.regions.selectors import counties_visible_to

from .models import ObjectionState
from .publication import (
    objection_resolve,
    publication_create,
    publication_period,
    publication_total,
    publishable_lines,
)
from .publication_selectors import (
    STATES,
    ObjectionFilters,
    PublicationFilters,
    objection_for,
    objection_list,
    pending_by_county,
    publication_for,
    publication_lines,
    publication_list,
)


class ResolveForm(forms.Form):
    decision = forms.ChoiceField(
        label="处理结果",
        choices=[("dismissed", "异议不成立，照常发放"), ("upheld", "异议成立，不予补贴")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="处理说明", max_length=400, widget=forms.Textarea(attrs={"rows": 2})
    )


@login_required
def publications_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "publication.read")
    filters = PublicationFilters.parse(request.GET)
    today = timezone.localdate()
    page = Paginator(publication_list(request.user, filters=filters, today=today), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "subsidies/publication_list.html",
        {
            "page": page,
            "today": today,
            "filters": filters.as_dict(),
            "states": STATES,
            "query": request.GET.urlencode(),
            "can_publish": can(request.user, "publication.create"),
            "open_objections": objection_list(
                request.user, filters=ObjectionFilters(state=ObjectionState.OPEN)
            ).count(),
        },
    )


@login_required
def publication_new(request: HttpRequest) -> HttpResponse:
    """GET: the counties with lines waiting, and for the chosen county the lines and the
    period a publication today would have; POST: publish them."""
    require(request.user, "publication.create")
    county = (request.POST.get("county") or request.GET.get("county") or "").strip()
    error = ""
    if request.method == "POST":
        try:
            publication = publication_create(
                actor=request.user, county=county, channel=Channel.PAGE
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(
                request,
                f"已发布{publication.title}，公示至{publication.ends_on:%Y-%m-%d}",
            )
            return redirect("publication_detail", pk=publication.pk)
    pending = pending_by_county(request.user)
    counties = {c.code: c for c in counties_visible_to(request.user).filter(code=county)}
    chosen = counties.get(county)
    preview, period, period_error = [], None, ""
    if chosen is not None:
        preview = list(
            publishable_lines(chosen.code)
            .select_related("occupation", "claim__training_class")
            .order_by("claim_id", "id")
        )
        if preview:
            try:
                period = publication_period(chosen.code, timezone.localdate())
            except ValidationError as exc:
                period_error = "；".join(exc.messages)
    elif county and not error:
        error = f"县（区）代码 {county} 不存在或不在您的管辖范围内"
    return render(
        request,
        "subsidies/publication_new.html",
        {
            "pending": pending,
            "chosen": chosen,
            "preview": preview,
            "total": sum((x.amount for x in preview), 0),
            "period": period,
            "period_error": period_error,
            "error": error,
        },
        status=422 if error and request.method == "POST" else 200,
    )


@login_required
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "publication.read")
    publication = publication_for(request.user, pk)
    lines = list(publication_lines(publication).prefetch_related("objections"))
    objections = list(
        objection_list(request.user, filters=ObjectionFilters(publication=publication.pk))
    )
    today = timezone.localdate()
    return render(
        request,
        "subsidies/publication_detail.html",
        {
            "publication": publication,
            "lines": lines,
            "total": publication_total(publication),
            "objections": objections,
            "running": not publication.ended(today),
            "public_url": request.build_absolute_uri(
                reverse("public_publication", args=[publication.pk])
            ),
            "form": ResolveForm(),
            "can_resolve": can(request.user, "objection.resolve"),
        },
    )


@login_required
def objections_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "publication.read")
    query = request.GET.copy()
    query.setdefault("state", ObjectionState.OPEN)
    filters = ObjectionFilters.parse(query)
    page = Paginator(objection_list(request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "subsidies/objection_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "states": ObjectionState.choices,
            "query": request.GET.urlencode(),
            "form": ResolveForm(),
            "can_resolve": can(request.user, "objection.resolve"),
        },
    )


@login_required
@require_POST
def objection_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    objection = objection_for(request.user, pk)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    back = back or reverse("publication_detail", args=[objection.publication_id])
    form = ResolveForm(request.POST)
    if not form.is_valid():
        errors = [e for field in form.errors.values() for e in field]
        label = {"decision": "请选择处理结果", "reason": "请填写处理说明"}
        text = "；".join(label.get(name, "") for name in form.errors) or "；".join(errors)
        messages.error(request, f"第{objection.pk}号异议未处理：{text}")
        return redirect(back)
    try:
        objection_resolve(
            actor=request.user,
            objection=objection,
            upheld=form.cleaned_data["decision"] == "upheld",
            reason=form.cleaned_data["reason"],
            channel=Channel.PAGE,
        )
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"第{objection.pk}号异议未处理：{text}")
    else:
        objection.refresh_from_db()
        messages.success(
            request,
            f"第{objection.pk}号异议已处理：{objection.get_state_display()}",
        )
    return redirect(back)
