"""Pages of recruitment (招生动员): the school's list and a young person's contacts, the phone
on an audited reveal, and the county's list of who is still unreached."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.lists import keyset_page
from skillaid.accounts.models import Channel, Role
from skillaid.errors import apply_errors
from skillaid.regions.models import Region

from .models import Channel as ContactChannel
from .models import Outcome
from .recruitment import (
    COUNTY_COLUMNS,
    SCHOOL_AGE,
    age_on,
    contacts_of,
    county_recruits,
    county_rows,
    key_schools_and_majors,
    paired_places,
    recruit_for,
    recruit_ordering,
    recruit_reveal_phone,
    recruit_search,
    recruitment_contact_record,
    recruits_visible_to,
    with_latest_contacts,
)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(
        label="联系日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    channel = forms.ChoiceField(label="联系方式", choices=ContactChannel.choices)
    outcome = forms.ChoiceField(label="联系结果", choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="原因/说明",
        required=False,
        max_length=255,
        help_text="不愿就读须填原因；已在其他院校就读须填院校名称",
    )
    major = forms.CharField(label="意向专业", required=False, max_length=64)


def _age_note() -> str:
    return f"{SCHOOL_AGE[0]}至{SCHOOL_AGE[1]}周岁"


@login_required
def recruitment_home(request: HttpRequest) -> HttpResponse:
    """The school's recruitment list; a bureau's user goes to the county's list."""
    require(request.user, "recruitment.read")
    if request.user.role != Role.SCHOOL_OFFICER:
        return redirect("recruitment_county")
    today = timezone.localdate()
    q, county = request.GET.get("q", "").strip(), request.GET.get("county", "").strip()
    people = recruit_ordering(
        recruit_search(recruits_visible_to(request.user, today), q=q, county=county)
    )
    page = keyset_page(
        people,
        size=settings.SKILLAID_PAGE_SIZE,
        cursor=request.GET.get("cursor", ""),
        jump=request.GET.get("jump", ""),
        page=request.GET.get("page"),
    )
    for p in page:
        p.age_today = age_on(p.birth_date, today)
    counties, sites = paired_places(request.user.institution_id, today)
    return render(
        request,
        "students/recruitment.html",
        {
            "page": page,
            "q": q,
            "county": county,
            "query": urlencode({"q": q, "county": county}),
            "counties": Region.objects.filter(code__in=counties).order_by("code"),
            "sites": sites,
            "key_capacity": key_schools_and_majors(request.user, today.year),
            "year": today.year,
            "age_note": _age_note(),
        },
    )


@login_required
def recruit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A young person on the list, their contacts, and (for the school) the contact form."""
    person = recruit_for(request.user, pk)
    may_record = can(request.user, "recruitment.contact") and bool(request.user.institution_id)
    today = timezone.localdate()
    form = ContactForm(request.POST or None, initial={"contacted_on": today, "channel": "phone"})
    if request.method == "POST":
        require(request.user, "recruitment.contact")
        if form.is_valid():
            try:
                recruitment_contact_record(
                    actor=request.user,
                    channel=Channel.PAGE,
                    school=request.user.institution,
                    person=person,
                    data=form.cleaned_data,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已登记与{person.name}的联系")
                return redirect("recruit_detail", pk=person.pk)
    return render(
        request,
        "students/recruitment_person.html",
        {
            "person": person,
            "age": age_on(person.birth_date, today),
            "contacts": contacts_of(request.user, person),
            "form": form if may_record else None,
            "may_reveal": can(request.user, "recruitment.reveal_phone"),
        },
    )


@login_required
@require_POST
def recruit_phone(request: HttpRequest, pk: int) -> HttpResponse:
    person = recruit_for(request.user, pk)
    phone = recruit_reveal_phone(actor=request.user, channel=Channel.PAGE, person=person)
    return render(request, "students/recruitment_phone.html", {"phone": phone})


def _county_filters(request: HttpRequest) -> dict[str, str]:
    return {
        "q": request.GET.get("q", "").strip(),
        "county": request.GET.get("county", "").strip(),
        "unreached": "1" if request.GET.get("unreached") else "",
    }


@login_required
def recruitment_county(request: HttpRequest) -> HttpResponse:
    """The county's young people who want a place: who is unreached this year, and each
    one's latest outcome by school."""
    require(request.user, "recruitment.read")
    if request.user.role == Role.SCHOOL_OFFICER:
        return redirect("recruitment")
    today = timezone.localdate()
    f = _county_filters(request)
    people = county_recruits(
        request.user,
        year=today.year,
        unreached_only=bool(f["unreached"]),
        q=f["q"],
        county=f["county"],
    )
    page = keyset_page(
        people,
        size=settings.SKILLAID_PAGE_SIZE,
        cursor=request.GET.get("cursor", ""),
        jump=request.GET.get("jump", ""),
        page=request.GET.get("page"),
    )
    rows = with_latest_contacts(list(page), today.year)
    return render(
        request,
        "students/recruitment_county.html",
        {
            "page": page,
            "rows": rows,
            "filters": f,
            "query": urlencode(f),
            "year": today.year,
            "age_note": _age_note(),
        },
    )


@login_required
def recruitment_county_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "recruitment.read")
    today = timezone.localdate()
    f = _county_filters(request)
    people = county_recruits(
        request.user,
        year=today.year,
        unreached_only=bool(f["unreached"]),
        q=f["q"],
        county=f["county"],
    )
    subject = f"{today.year}年就读技工院校意愿人员招生动员情况"
    return download(
        request,
        COUNTY_COLUMNS,
        county_rows(people, today.year, today),
        subject=subject,
        object_type="students.recruitmentcontact",
        filters={
            "查询": f["q"],
            "县（区）": f["county"],
            "只看未联系上": "是" if f["unreached"] else "",
        },
    )
