"""The postings pages: the list with its filters and Excel export, one posting, posting and
editing (with 停止招聘), the Excel import, and the fairs. Thin: the services in
postings.py check and say why."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note
from skillaid.accounts.jobs import jobs_of
from skillaid.accounts.lists import keyset_page
from skillaid.accounts.models import Channel, Role
from skillaid.accounts.scope import Scope
from skillaid.errors import apply_errors

from .forms_postings import CloseForm, FairForm, ImportForm, PostingForm
from .imports import PostingImport
from .models import Campaign, Employer, Posting
from .postings import (
    PostingFilters,
    fair_create,
    fairs_visible_to,
    posting_close,
    posting_create,
    posting_for,
    posting_list,
    posting_update,
)


def _own_unit(user) -> Employer | None:  # noqa: ANN001
    """The unit of an employer's or agency's account."""
    employer_id = Scope.of(user).employer_id
    return Employer.objects.filter(pk=employer_id).first() if employer_id else None


@login_required
def postings_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "posting.read")
    filters = PostingFilters.parse(request.GET)
    rows = posting_list(request.user, filters=filters)
    page = keyset_page(
        rows,
        size=settings.SKILLAID_PAGE_SIZE,
        cursor=request.GET.get("cursor", ""),
        jump=request.GET.get("jump", ""),
        page=request.GET.get("page"),
    )
    query = urlencode({k: v for k, v in filters.as_dict().items() if v})
    return render(
        request,
        "employment/postings/list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "query": query,
            "today": timezone.localdate(),
            "campaigns": [c for c in Campaign.choices if c[0]],
            "fairs": fairs_visible_to(request.user)[:200],
            "can_edit": can(request.user, "posting.edit"),
            "own_unit": _own_unit(request.user),
        },
    )


HEADERS = [
    "用人单位",
    "统一社会信用代码",
    "发布机构",
    "岗位名称",
    "职业编码",
    "职业（工种）",
    "工作地",
    "工作地点",
    "月薪下限（元）",
    "月薪上限（元）",
    "招聘人数",
    "岗位要求",
    "有效期起",
    "有效期止",
    "停止招聘日期",
    "专项活动",
    "招聘会",
]


def posting_row(p: Posting) -> list[object]:
    return [
        p.employer.name,
        p.employer.uscc,
        p.agency.name if p.agency else "",
        p.title,
        p.occupation.code,
        p.occupation.name,
        p.region.name,
        p.address,
        p.wage_min,
        p.wage_max,
        p.places,
        p.requirements,
        p.valid_from,
        p.valid_until,
        p.closed_on,
        p.get_campaign_display() if p.campaign else "",
        p.fair.name if p.fair else "",
    ]


@login_required
def postings_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a workbook, logged like every export."""
    require(request.user, "posting.read")
    filters = PostingFilters.parse(request.GET)
    rows = posting_list(request.user, filters=filters)
    return download(
        request,
        HEADERS,
        (posting_row(p) for p in rows.iterator(chunk_size=2000)),
        subject="招聘岗位",
        object_type=Posting,
        filters={
            "仅显示在招": f"{filters.day():%Y-%m-%d}在招" if filters.open else "",
            "专项活动": Campaign(filters.campaign).label
            if filters.campaign in Campaign.values
            else "",
            "招聘会": str(filters.fair or ""),
            "工作地": filters.region,
            "职业": filters.occupation,
            "查询": filters.q,
        },
    )


@login_required
def posting_page(request: HttpRequest, pk: int) -> HttpResponse:
    posting = posting_for(request.user, pk)
    today = timezone.localdate()
    return render(
        request,
        "employment/postings/detail.html",
        {
            "p": posting,
            "open_today": posting.open_on(today),
            "today": today,
            "can_edit": can(request.user, "posting.edit", posting),
        },
    )


def _initial(posting: Posting) -> dict[str, object]:
    return {
        "title": posting.title,
        "occupation": f"{posting.occupation.code} {posting.occupation.name}".strip(),
        "region": posting.region_id,
        "address": posting.address,
        "wage_min": posting.wage_min,
        "wage_max": posting.wage_max,
        "places": posting.places,
        "requirements": posting.requirements,
        "valid_from": posting.valid_from.isoformat(),
        "valid_until": posting.valid_until.isoformat(),
        "campaign": posting.campaign,
        "fair": str(posting.fair_id or ""),
    }


@login_required
def posting_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "posting.edit")
    own = _own_unit(request.user)
    employer_account = request.user.role == Role.EMPLOYER
    initial = {"region": own.region_id} if own else {}
    form = PostingForm(request.POST or None, own_unit=employer_account, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            posting = posting_create(
                actor=request.user, channel=Channel.PAGE, data=dict(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已发布招聘岗位：{posting.title}")
            return redirect("employment_posting", pk=posting.pk)
    intro = "带 * 的为必填项。岗位在有效期内且未停止招聘时为“在招”，进入岗位推荐。"
    if employer_account and own:
        intro = f"为本单位（{own.name}）发布招聘岗位。" + intro
    elif own:
        intro = (
            f"为已登记的用人单位发布时填写其统一社会信用代码（发布机构记为{own.name}）；"
            "为本机构招聘时留空。" + intro
        )
    return render(
        request,
        "employment/postings/form.html",
        {"form": form, "title": "发布招聘岗位", "intro": intro},
    )


@login_required
def posting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    posting = posting_for(request.user, pk)
    require(request.user, "posting.edit", posting)
    close_form = CloseForm(initial={"on": timezone.localdate()})
    form = PostingForm(initial=_initial(posting), editing=True)
    if request.method == "POST" and request.POST.get("action") == "close":
        close_form = CloseForm(request.POST)
        if close_form.is_valid():
            try:
                posting_close(
                    actor=request.user,
                    channel=Channel.PAGE,
                    posting=posting,
                    on=close_form.cleaned_data["on"] or timezone.localdate(),
                )
            except ValidationError as exc:
                apply_errors(close_form, exc)
            else:
                messages.success(request, f"“{posting.title}”已停止招聘")
                return redirect("employment_posting", pk=posting.pk)
    elif request.method == "POST":
        form = PostingForm(request.POST, editing=True)
        if form.is_valid():
            try:
                changes = posting_update(
                    actor=request.user,
                    channel=Channel.PAGE,
                    posting=posting,
                    data=dict(form.cleaned_data),
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                if changes:
                    messages.success(request, f"已保存“{posting.title}”的修改")
                else:
                    messages.info(request, "没有修改任何内容")
                return redirect("employment_posting", pk=posting.pk)
    return render(
        request,
        "employment/postings/form.html",
        {
            "form": form,
            "title": f"修改招聘岗位：{posting.title}",
            "intro": f"用人单位：{posting.employer.name}（不能修改）。",
            "posting": posting,
            "close_form": close_form if posting.closed_on is None else None,
        },
    )


@login_required
def posting_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "posting.edit")
    form = upload_form(request, ImportForm)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(
            request,
            form,
            kind=PostingImport.kind,
            params={"dry_run": bool(form.cleaned_data.get("dry_run"))},
        )
        if job is not None:
            return redirect("job", pk=job.pk)
    return render(
        request,
        "employment/postings/import.html",
        {
            "form": form,
            "own_unit": _own_unit(request.user),
            "jobs": jobs_of(request.user, PostingImport.kind),
            "upload_note": upload_note(),
        },
    )


@login_required
def fairs_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "posting.read")
    may_create = can(request.user, "fair.edit")
    form = FairForm(request.POST or None) if may_create else None
    if request.method == "POST":
        require(request.user, "fair.edit")
        if form.is_valid():
            try:
                fair = fair_create(
                    actor=request.user, channel=Channel.PAGE, data=dict(form.cleaned_data)
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"已登记招聘会：{fair}")
                return redirect("employment_fairs")
    fairs = list(fairs_visible_to(request.user)[:200])
    counts = {
        row["fair"]: row["n"]
        for row in posting_list(request.user)
        .filter(fair__in=fairs)
        .values("fair")
        .annotate(n=Count("id"))
        .order_by()
    }
    for fair in fairs:
        fair.posting_count = counts.get(fair.pk, 0)
    return render(
        request,
        "employment/postings/fairs.html",
        {"fairs": fairs, "form": form},
    )
