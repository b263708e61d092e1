"""The students pages: the list within scope with its Excel export, one student with the
status history and the change and graduation forms, enrolment on a page, the roll
import, the term's aid claims, and the graduates still looking for work."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note
from skillaid.accounts.jobs import jobs_of
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors
from skillaid.institutions.models import Institution
from skillaid.people.selectors import sees_ledger
from skillaid.subsidies.aid import TERMS, term_label

from . import enrolments as services
from .forms import AidForm, EnrolForm, GraduateForm, ImportForm, StatusForm, this_term
from .graduates import certificates_earned, graduates_seeking_work
from .imports import StudentImport
from .models import (
    STATUS_MOVES,
    ClassType,
    StudentEnrolment,
    StudentStatus,
    Track,
)
from .selectors import StudentFilters, student_for, student_list


def officer_school(user) -> Institution | None:  # noqa: ANN001
    """The school an officer works for, when it is a technical school."""
    return getattr(user, "institution", None) if getattr(user, "institution_id", None) else None


@login_required
def student_list_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "student.read")
    filters = StudentFilters.parse(request.GET)
    rows = student_list(request.user, filters=filters)
    page = Paginator(rows, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
    school = officer_school(request.user)
    year, term = this_term(timezone.localdate())
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "students/student_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "query": query.urlencode(),
            "statuses": StudentStatus.choices,
            "class_types": ClassType.choices,
            "tracks": Track.choices,
            "can_edit": school is not None and can(request.user, "student.edit", school),
            "aid_form": AidForm(initial={"year": year, "term": term}),
            "this_term": term_label(year, term),
            "person_links": sees_ledger(request.user),
        },
    )


STUDENT_HEADERS = [
    "姓名",
    "身份证号",
    "院校",
    "生源县（区）",
    "专业",
    "班级类型",
    "培养方式",
    "合作企业/用人单位",
    "入学日期",
    "预计毕业日期",
    "学籍状态",
    "状态起始日期",
    "学号",
    "帮扶责任人",
    "帮扶家庭",
    "每月监测记录",
]


def student_row(e: StudentEnrolment) -> list[object]:
    household = e.person.household
    return [
        e.person.name,
        e.person.id_masked,
        e.school.name,
        e.county.name,
        e.major,
        e.get_class_type_display(),
        e.get_track_display(),
        e.partner_name,
        e.entered_on,
        e.expected_graduation,
        e.get_status_display(),
        e.status_since,
        e.student_number,
        e.staff_name,
        household.get_category_display() if household is not None else "",
        e.monitoring_count,
    ]


@login_required
def student_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as a workbook (masked ID numbers), logged like every export."""
    require(request.user, "student.read")
    filters = StudentFilters.parse(request.GET)
    rows = student_list(request.user, filters=filters)
    return download(
        request,
        STUDENT_HEADERS,
        (student_row(e) for e in rows.iterator(chunk_size=2000)),
        subject="技工院校学生",
        object_type=StudentEnrolment,
        filters={
            "学籍状态": StudentStatus(filters.status).label
            if filters.status in StudentStatus.values
            else "",
            "班级类型": ClassType(filters.class_type).label
            if filters.class_type in ClassType.values
            else "",
            "培养方式": Track(filters.track).label if filters.track in Track.values else "",
            "帮扶家庭": {"1": "是", "0": "否"}.get(filters.assisted, ""),
            "查询": filters.q,
        },
    )


@login_required
def student_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = student_for(request.user, pk)
    editable = can(request.user, "student.edit", enrolment)
    moves = STATUS_MOVES[StudentStatus(enrolment.status)]
    graduation = getattr(enrolment, "graduation", None)
    return render(
        request,
        "students/student_detail.html",
        {
            "e": enrolment,
            "changes": enrolment.changes.select_related("to_school", "recorded_by"),
            "graduation": graduation,
            "certificates": certificates_earned(enrolment),
            "monitoring_count": enrolment.monthly_records.count(),
            "can_change": editable and bool(moves),
            "can_graduate": editable
            and enrolment.status in (StudentStatus.STUDYING, StudentStatus.GRADUATED),
            "person_links": sees_ledger(request.user),
        },
    )


@login_required
def student_enrol_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "student.edit")
    school = officer_school(request.user)
    form = EnrolForm(request.POST or None, officer_school=school.pk if school else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if school is not None:
            data["school"] = school.pk
        elif data.get("school") is not None:
            data["school"] = data["school"].pk
        try:
            enrolment = services.student_enrol(actor=request.user, channel=Channel.PAGE, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记{enrolment.person.name}的学籍")
            return redirect("student_detail", pk=enrolment.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": "登记学生学籍",
            "intro": "台账中已有此人时按身份证号找到并核对姓名；没有时按户籍县（区）登记。"
            "订单班须填写合作企业及其统一社会信用代码，新型学徒制须填写用人单位。",
        },
    )


@login_required
def student_status_page(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = student_for(request.user, pk)
    require(request.user, "student.edit", enrolment)
    moves = STATUS_MOVES[StudentStatus(enrolment.status)]
    form = StatusForm(request.POST or None, moves=moves)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.student_status_change(
                actor=request.user,
                channel=Channel.PAGE,
                enrolment=enrolment,
                to_status=d["to_status"],
                on=d["on"],
                reason=d["reason"],
                to_school=d["to_school"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记{enrolment.person.name}的学籍变动")
            return redirect("student_detail", pk=enrolment.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"学籍变动：{enrolment.person.name}",
            "intro": f"{enrolment.school.name} · {enrolment.major} · 现为"
            f"{enrolment.get_status_display()}（自{enrolment.status_since:%Y-%m-%d}）。"
            "变动日期不能早于入学日期和上一次变动；休学、退学、转学须填写原因。",
        },
    )


@login_required
def student_graduate_page(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = student_for(request.user, pk)
    require(request.user, "student.edit", enrolment)
    graduation = getattr(enrolment, "graduation", None)
    initial = {}
    if graduation is not None:
        initial = {
            f: getattr(graduation, f)
            for f in (
                "graduated_on",
                "outcome",
                "employer",
                "job",
                "internship_employer",
                "internship_from",
                "internship_until",
            )
        }
    elif enrolment.status == StudentStatus.GRADUATED:
        initial = {"graduated_on": enrolment.status_since}
    form = GraduateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.student_graduate(
                actor=request.user, channel=Channel.PAGE, enrolment=enrolment, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已登记{enrolment.person.name}的毕业去向")
            return redirect("student_detail", pk=enrolment.pk)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": f"毕业登记：{enrolment.person.name}",
            "intro": "在读学生登记毕业后学籍状态变为毕业；去向为待就业的毕业生进入待就业毕业生名单，"
            "由就业服务跟进推荐岗位。",
        },
    )


@login_required
def student_import(request: HttpRequest) -> HttpResponse:
    school = officer_school(request.user)
    if school is None:
        raise PermissionDenied("学籍花名册由院校管理员导入")
    require(request.user, "student.edit", school)
    form = upload_form(request, ImportForm)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(request, form, kind=StudentImport.kind, params={"school": school.pk})
        if job is not None:
            return redirect("job", pk=job.pk)
    return render(
        request,
        "students/import.html",
        {
            "form": form,
            "school": school,
            "jobs": jobs_of(request.user, StudentImport.kind),
            "upload_note": upload_note(),
        },
    )


@login_required
@require_POST
def student_aid_claims(request: HttpRequest) -> HttpResponse:
    """生成本学期资助申领: the school's claims for a term, one per student county."""
    school = officer_school(request.user)
    if school is None:
        raise PermissionDenied("学生资助申领由院校管理员生成")
    form = AidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择学期开始年份和学期")
        return redirect("students")
    year, term = form.cleaned_data["year"], form.cleaned_data["term"]
    try:
        result = services.aid_claims_prepare(
            actor=request.user, channel=Channel.PAGE, school=school, year=year, term=term
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("students")
    label = term_label(year, term)
    if not result.claims and not result.skipped_claims:
        messages.info(request, f"{label}没有可申领资助的在读学生")
    else:
        messages.success(
            request,
            f"{label}学生资助申领：{len(result.claims)}笔（按生源县区），新增明细{result.created}条，"
            f"已有{result.unchanged}条未重复生成"
            + (
                f"；{len(result.skipped_claims)}笔已提交审核的申领未改动"
                if result.skipped_claims
                else ""
            ),
        )
    if len(result.claims) == 1:
        return redirect("claim_detail", pk=result.claims[0].pk)
    return redirect(f"{reverse('claims')}?kind=student_aid")


@login_required
def graduates_page(request: HttpRequest) -> HttpResponse:
    """待就业毕业生: graduates without a job, for the school and the county."""
    require(request.user, "student.read")
    rows = graduates_seeking_work(request.user)
    page = Paginator(rows, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "students/graduates.html", {"page": page, "terms": TERMS})
