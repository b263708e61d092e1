"""The pages of job seekers and employers: the seekers list with its Excel export, one
seeker with the status history, registration (one person, or all the ledger's job
intents), a status confirmation; employers and agencies, their registration, their
accounts, and the home page of an employer's or agency's own account."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.lists import keyset_page
from skillaid.accounts.models import Channel, Role
from skillaid.accounts.sections import sections
from skillaid.errors import apply_errors
from skillaid.lib import idnumber
from skillaid.people.selectors import people_visible_to, person_for, sees_ledger
from skillaid.regions.selectors import counties_visible_to

from . import employers as employer_services
from . import seekers as services
from .forms_seekers import (
    AccountForm,
    ContactForm,
    EmployerForm,
    SeekerNewForm,
    StatusForm,
    WishesForm,
)
from .models import Employer, EmployerKind, EmploymentStatus, Place, Seeker, SeekerSource
from .selectors_seekers import (
    EmployerFilters,
    SeekerFilters,
    employer_for,
    employer_list,
    seeker_for,
    seeker_list,
)

# A person asked for by ID number who is not in the clerk's ledger, whether or not they
# are in another county's: the page never tells which.
NOT_IN_SCOPE = "您管辖范围内的台账中没有这个身份证号的人员；请核对号码，或先在台账中登记此人"


def _page(request: HttpRequest, rows):  # noqa: ANN001, ANN202
    return keyset_page(
        rows,
        size=settings.SKILLAID_PAGE_SIZE,
        cursor=request.GET.get("cursor", ""),
        jump=request.GET.get("jump", ""),
        page=request.GET.get("page"),
    )


@login_required
def seekers_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "seeker.read")
    filters = SeekerFilters.parse(request.GET)
    page = _page(request, seeker_list(request.user, filters=filters))
    query = urlencode({k: v for k, v in filters.as_dict().items() if v})
    return render(
        request,
        "employment/seekers/seeker_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "query": query,
            "statuses": [
                ("seeking", "需要服务（未就业或待确认）"),
                ("employed", "已就业（各类）"),
                *EmploymentStatus.choices,
            ],
            "sources": SeekerSource.choices,
            "counties": counties_visible_to(request.user),
            "can_edit": can(request.user, "seeker.edit"),
        },
    )


SEEKER_HEADERS = [
    "姓名",
    "身份证号",
    "县（区）",
    "登记日期",
    "登记来源",
    "求职意向职业（工种）",
    "意向就业地",
    "期望月薪下限（元）",
    "可到岗日期",
    "帮扶家庭劳动力",
    "优先推荐",
    "就业状态",
    "状态确认日期",
    "本轮推荐岗位数",
]


def seeker_row(s: Seeker) -> list[object]:
    return [
        s.person.name,
        s.person.id_masked,
        s.county.name,
        s.registered_on,
        s.get_source_display(),
        "、".join(o.name for o in s.occupations.all()),
        "、".join(Place(p).label for p in s.place_list),
        s.wage_min,
        s.available_on,
        "是" if s.assisted else "否",
        "是" if s.priority else "否",
        s.get_status_display(),
        s.status_on,
        s.referrals,
    ]


@login_required
def seekers_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a workbook (masked ID numbers), logged like every export."""
    require(request.user, "seeker.read")
    filters = SeekerFilters.parse(request.GET)
    rows = seeker_list(request.user, filters=filters).prefetch_related("occupations")
    labels = dict(EmploymentStatus.choices) | {"seeking": "需要服务", "employed": "已就业"}
    return download(
        request,
        SEEKER_HEADERS,
        (seeker_row(s) for s in rows.iterator(chunk_size=2000)),
        subject="求职登记",
        object_type=Seeker,
        filters={
            "就业状态": labels.get(filters.status, ""),
            "登记来源": SeekerSource(filters.source).label
            if filters.source in SeekerSource.values
            else "",
            "帮扶家庭": {"1": "是", "0": "否"}.get(filters.assisted, ""),
            "优先推荐": {"1": "是", "0": "否"}.get(filters.priority, ""),
            "县（区）": filters.county,
            "查询": filters.q,
        },
    )


@login_required
def seeker_page(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = seeker_for(request.user, pk)
    return render(
        request,
        "employment/seekers/seeker_detail.html",
        {
            "s": seeker,
            "occupations": list(seeker.occupations.all()),
            "places": [Place(p).label for p in seeker.place_list],
            "statuses": services.statuses_of(seeker),
            "can_edit": can(request.user, "seeker.edit", seeker),
            "person_links": sees_ledger(request.user),
            "sections": sections("seeker_detail", request, seeker),
        },
    )


def _wishes(form: WishesForm) -> dict:
    d = form.cleaned_data
    return {
        "occupations": form.occupation_list(),
        "places": d.get("places") or [],
        "wage_min": d.get("wage_min") or None,
        "available_on": d.get("available_on"),
        "note": d.get("note") or "",
    }


@login_required
def seeker_new_page(request: HttpRequest) -> HttpResponse:
    """Register a person of the clerk's ledger as a job seeker: the person page's button
    names the person (?person=); otherwise the clerk types the ID number."""
    require(request.user, "seeker.edit")
    person = None
    if request.GET.get("person"):
        person = person_for(request.user, request.GET["person"])
    form = SeekerNewForm(request.POST or None)
    if person is not None:
        form.fields.pop("id_number")
    existing = getattr(person, "job_seeker", None) if person is not None else None
    if existing is not None and request.method == "GET":
        form = SeekerNewForm(
            initial={
                "occupations": "、".join(o.name for o in existing.occupations.all()),
                "places": existing.place_list,
                "wage_min": existing.wage_min,
                "available_on": existing.available_on,
                "note": existing.note,
            }
        )
        form.fields.pop("id_number")
    if request.method == "POST" and form.is_valid():
        if person is None:
            checked = idnumber.normalise(form.cleaned_data["id_number"])[0]
            person = people_visible_to(request.user).with_id_number(checked).first()
            if person is None:
                form.add_error("id_number", NOT_IN_SCOPE)
        if person is not None:
            try:
                seeker = services.seeker_register(
                    actor=request.user, channel=Channel.PAGE, person=person, **_wishes(form)
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已为{person.name}办理求职登记")
                return redirect("employment_seeker", pk=seeker.pk)
    title = f"求职登记：{person.name}" if person is not None else "求职登记"
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": title,
            "intro": "登记台账中已有的人员：按身份证号在您管辖范围内的台账中查找。"
            "已登记过的人员再次登记时，求职意向按本次填写更新。",
        },
    )


@login_required
@require_POST
def seekers_from_ledger_page(request: HttpRequest) -> HttpResponse:
    count = services.seekers_from_ledger(actor=request.user, channel=Channel.PAGE)
    if count:
        messages.success(request, f"已按台账就业意愿为 {count} 人办理求职登记（状态待回访确认）")
    else:
        messages.info(request, "台账中有就业意愿的人员都已办理求职登记")
    return redirect("employment_seekers")


@login_required
def seeker_status_page(request: HttpRequest, pk: int) -> HttpResponse:
    seeker = seeker_for(request.user, pk)
    require(request.user, "seeker.edit", seeker)
    form = StatusForm(request.POST or None, initial={"confirmed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        errors: dict[str, str] = {}
        workplace = services.workplace_resolve(d["workplace"], errors)
        try:
            if errors:
                raise ValidationError(errors)
            services.status_record(
                actor=request.user,
                channel=Channel.PAGE,
                seeker=seeker,
                status=d["status"],
                confirmed_on=d["confirmed_on"],
                confirmed_by=d["confirmed_by"],
                employer_name=d["employer_name"],
                workplace=workplace,
                note=d["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已记录{seeker.person.name}的就业状态")
            return redirect("employment_seeker", pk=seeker.pk)
    current = (
        f"现为{seeker.get_status_display()}"
        + (f"（{seeker.status_on:%Y-%m-%d}确认）" if seeker.status_on else "")
        + "。"
    )
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"就业状态：{seeker.person.name}",
            "intro": current + "确认日期早于现有状态的记录只记入历史，不改变当前状态。",
        },
    )


# Employers and agencies.


@login_required
def employers_page(request: HttpRequest) -> HttpResponse:
    if request.user.role in (Role.EMPLOYER, Role.AGENCY):
        return redirect("employment_home_employer")
    require(request.user, "employer.read")
    filters = EmployerFilters.parse(request.GET)
    page = _page(request, employer_list(request.user, filters=filters))
    return render(
        request,
        "employment/seekers/employer_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "query": urlencode({k: v for k, v in filters.as_dict().items() if v}),
            "kinds": EmployerKind.choices,
            "can_create": can(request.user, "employer.edit"),
        },
    )


def _employer_context(request: HttpRequest, employer: Employer) -> dict:
    return {
        "employer": employer,
        "accounts": employer.accounts.select_related("user").order_by("id")
        if can(request.user, "employer.account", employer)
        else None,
        "can_edit": can(request.user, "employer.edit", employer),
        "can_open_account": can(request.user, "employer.account", employer),
    }


@login_required
def employer_page(request: HttpRequest, pk: int) -> HttpResponse:
    employer = employer_for(request.user, pk)
    return render(
        request,
        "employment/seekers/employer_detail.html",
        {
            **_employer_context(request, employer),
            "sections": sections("employer_detail", request, employer),
        },
    )


@login_required
def employer_new_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "employer.edit")
    if request.user.role in (Role.EMPLOYER, Role.AGENCY):
        raise Http404("页面不存在")
    initial = {"region": request.user.region_id or ""}
    form = EmployerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            employer = employer_services.employer_create(
                actor=request.user, channel=Channel.PAGE, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记{employer.name}")
            return redirect("employment_employer", pk=employer.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": "登记用人单位或人力资源服务机构",
            "intro": "统一社会信用代码按国家标准校验；同一代码只能登记一次。",
        },
    )


@login_required
def employer_edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    employer = employer_for(request.user, pk)
    require(request.user, "employer.edit", employer)
    own = request.user.role in (Role.EMPLOYER, Role.AGENCY)
    form_class = ContactForm if own else EmployerForm
    initial = {f: getattr(employer, f) for f in form_class.base_fields if f != "region"}
    if not own:
        initial["region"] = employer.region_id
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            employer_services.employer_update(
                actor=request.user, channel=Channel.PAGE, employer=employer, data=form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存{employer.name}的信息")
            return redirect("employment_employer", pk=employer.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"修改单位信息：{employer.name}",
            "intro": "本单位账户只能修改联系人、联系电话和地址；单位名称、统一社会信用代码和所在地区由所在地人社部门修改。"
            if own
            else "",
        },
    )


@login_required
def employer_account_page(request: HttpRequest, pk: int) -> HttpResponse:
    employer = employer_for(request.user, pk)
    require(request.user, "employer.account", employer)
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = employer_services.employer_account_open(
                actor=request.user, channel=Channel.PAGE, employer=employer, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # Shown once, on this answer only (never cached: accounts.middleware).
            return render(
                request,
                "employment/seekers/account_opened.html",
                {"employer": employer, "account": user, "password": password},
            )
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"开通单位账户：{employer.name}",
            "intro": f"账户角色为“{'人力资源服务机构' if employer.kind == EmployerKind.AGENCY else '用人单位'}”，"
            "只能查看和办理本单位的招聘岗位、推荐和就业登记。初始密码只显示一次，首次登录须修改。",
        },
    )


@login_required
def home_employer(request: HttpRequest) -> HttpResponse:
    """The home of an employer's or agency's own account: its unit, and what the other
    parts of the employment services add (postings, referrals, placements)."""
    link = getattr(request.user, "employer_account", None)
    if request.user.role not in (Role.EMPLOYER, Role.AGENCY) or link is None:
        raise Http404("页面不存在")
    employer = link.employer
    return render(
        request,
        "employment/seekers/employer_home.html",
        {
            **_employer_context(request, employer),
            "sections": sections("employer_home", request, employer),
        },
    )
