"""Pages of the ledger: list, person, create/edit, import, export."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import export_response
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note
from skillaid.accounts.jobs import jobs_of
from skillaid.accounts.lists import keyset_page
from skillaid.accounts.models import AuditEntry, Channel
from skillaid.accounts.sections import sections
from skillaid.errors import apply_errors
from skillaid.regions.selectors import counties_visible_to

from . import services
from .exports import COLUMNS, ledger_rows, ledger_title
from .forms import ImportForm, PersonForm
from .models import Category
from .selectors import PersonFilters, people_visible_to, person_for, person_list
from .tasks import KIND as LEDGER_IMPORT


@login_required
def ledger_list(request: HttpRequest) -> HttpResponse:
    filters = PersonFilters.parse(request.GET)
    people = person_list(request.user, filters=filters)
    page = keyset_page(
        people,
        size=settings.SKILLAID_PAGE_SIZE,
        cursor=request.GET.get("cursor", ""),
        jump=request.GET.get("jump", ""),
        page=request.GET.get("page"),
    )
    context = {
        "page": page,
        "filters": filters.as_dict(),
        "query": urlencode(filters.as_dict()),
        "counties": counties_visible_to(request.user),
        "categories": Category.choices,
    }
    template = (
        "people/_ledger_table.html"
        if request.headers.get("HX-Request")
        else "people/ledger_list.html"
    )
    return render(request, template, context)


@login_required
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger, streamed from a temporary file that is gone once sent."""
    filters = PersonFilters.parse(request.GET)
    people = person_list(request.user, filters=filters)
    scope = request.user.region.full_name if request.user.region else "全部地区"
    return export_response(
        COLUMNS,
        ledger_rows(people),
        filename="台账",
        title=ledger_title(scope, filters.as_dict(), timezone.localdate()),
        actor=request.user,
        channel=Channel.PAGE,
        object_type="ledger",
        sheet_name="台账",
        filters=filters.as_dict(),
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, person_for(request.user, pk))


def _person_page(request: HttpRequest, person, status: int = 200) -> HttpResponse:  # noqa: ANN001
    members = []
    statuses = []
    if person.household:
        members = (
            people_visible_to(request.user)
            .filter(household=person.household)
            .order_by("birth_date")
        )
        statuses = person.household.statuses.order_by("-start")
    history = (
        AuditEntry.describe_all(list(AuditEntry.objects.filter(person_id=person.pk)[:100]))
        if request.user.can_read_audit
        else None
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "members": members,
            "statuses": statuses,
            "history": history,
            "sections": sections("person_detail", request, person),
        },
        status=status,
    )


@login_required
@require_POST
def person_fact_check(request: HttpRequest, pk: int) -> HttpResponse:
    """A county clerk records a check of the person's papers for one basis."""
    from .facts import person_fact_check as record
    from .forms import FactCheckForm

    person = person_for(request.user, pk)
    require(request.user, "person.verify", person)
    form = FactCheckForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            fact = record(
                actor=request.user,
                channel=Channel.PAGE,
                person=person,
                kind=data["kind"],
                verdict=data["verdict"],
                as_of=data["as_of"],
                papers=data["papers"],
                detail=data["detail"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已记录核验结果：{fact}")
            return redirect(f"{reverse('person_detail', args=[person.pk])}#facts")
    request.fact_form = form
    return _person_page(request, person, status=422)


@login_required
@require_POST
def person_reveal_id(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for(request.user, pk)
    number = services.person_reveal_id(actor=request.user, person=person)
    return render(request, "people/_id_revealed.html", {"number": number})


def _require_editor(request: HttpRequest) -> None:
    """Refuse the page before any form is shown; the services check the same capability."""
    require(request.user, "ledger.edit")


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    counties = list(counties_visible_to(request.user))
    form = PersonForm(request.POST or None, counties=counties, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                actor=request.user, channel=Channel.PAGE, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记 {person.name}")
            return redirect("person_detail", pk=person.pk)
    return render(request, "people/person_form.html", {"form": form, "creating": True})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    person = person_for(request.user, pk)
    counties = list(counties_visible_to(request.user))
    initial = {
        "name": person.name,
        "county": person.county_id,
        "phone": person.phone,
        "ethnicity": person.ethnicity,
        "education": person.education,
        "township": person.township,
        "village": person.village,
        "resettlement_site": str(person.resettlement_site_id or ""),
        "relation": person.relation,
        "category": person.household.category if person.household else "",
        "monitoring_kind": person.household.monitoring_kind if person.household else "",
        "wants_training": person.wants_training,
        "training_occupations": person.training_occupations,
        "wants_school": person.wants_school,
        "wants_job": person.wants_job,
        "surveyed_on": person.surveyed_on,
    }
    form = PersonForm(request.POST or None, initial=initial, counties=counties, creating=False)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if not data.get("category"):
            data.pop("category", None)
        try:
            changed = services.person_update(
                actor=request.user, channel=Channel.PAGE, person=person, data=data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已保存" if changed else "没有改动")
            return redirect("person_detail", pk=person.pk)
    return render(
        request, "people/person_form.html", {"form": form, "person": person, "creating": False}
    )


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    require(request.user, "ledger.import")
    counties = list(counties_visible_to(request.user))
    form = upload_form(request, ImportForm, counties=counties)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(
            request,
            form,
            kind=LEDGER_IMPORT,
            params={
                "county": form.cleaned_data["county"] or "",
                "dry_run": bool(form.cleaned_data["dry_run"]),
            },
        )
        if job is not None:
            return redirect("job", pk=job.pk)
    jobs = jobs_of(request.user, LEDGER_IMPORT)
    return render(
        request, "people/import.html", {"form": form, "jobs": jobs, "upload_note": upload_note()}
    )
