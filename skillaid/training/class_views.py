"""Pages of training classes: declaring, reviewing, rosters, running a session, completion."""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.exports import download
from skillaid.accounts.models import AuditEntry, Channel, Role
from skillaid.errors import apply_errors
from skillaid.people.selectors import people_visible_to, sees_ledger

from . import classes, rollup
from .attendance import AttendanceRefused, attendance_sign, current_code, window
from .forms import ClassForm, ManualMarkForm, ReviewForm, RosterForm, SignForm
from .models import (
    Attendance,
    ClassSession,
    ClassStatus,
    Completion,
    Direction,
    Method,
    RefusedAttendance,
)
from .selectors import class_for, classes_visible_to, enrolment_for, session_for

DEVICE_COOKIE = "skillaid_device"


def _is_officer_of(user, c) -> bool:  # noqa: ANN001
    return classes.is_officer_of(user, c.institution_id)


def _listed(request: HttpRequest):  # noqa: ANN202
    """The classes in scope, filtered as the list page's form says."""
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    rows = classes_visible_to(request.user).select_related("institution", "county", "occupation")
    if status:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(institution__name__contains=q))
    return rows.order_by("-start_on", "-id"), status, q


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    rows, status, q = _listed(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    figures = rollup.rollups(page)
    for c in page:
        c.figures = figures[c.pk]
    awaiting = (
        classes_visible_to(request.user).filter(status=ClassStatus.DECLARED).count()
        if request.user.role != Role.SCHOOL_OFFICER
        else 0
    )
    return render(
        request,
        "training/class_list.html",
        {
            "page": page,
            "status": status,
            "q": q,
            "statuses": ClassStatus.choices,
            "awaiting": awaiting,
            "can_create": request.user.role == Role.SCHOOL_OFFICER and request.user.institution_id,
        },
    )


@login_required
def class_export(request: HttpRequest) -> HttpResponse:
    """The listed classes with how far each has come, as an .xlsx workbook (logged)."""
    rows, status, q = _listed(request)
    return download(
        request,
        rollup.EXPORT_HEADERS,
        rollup.export_rows(rows),
        subject="培训班",
        object_type="training.trainingclass",
        filters={
            "状态": ClassStatus(status).label if status in ClassStatus.values else "",
            "查询": q,
        },
    )


def _class_form_page(request: HttpRequest, c=None) -> HttpResponse:  # noqa: ANN001
    if request.user.role != Role.SCHOOL_OFFICER or not request.user.institution_id:
        raise PermissionDenied("只有院校/机构管理员可以申报培训班")
    initial = {}
    if c is not None:
        initial = {f: getattr(c, f) for f in classes.CLASS_FIELDS}
        initial["county"] = c.county_id
        initial["timetable"] = classes.timetable_text(c)
    form = ClassForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            c = classes.class_save(
                actor=request.user, training_class=c, data=data, channel=Channel.PAGE
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"培训班“{c.name}”已保存，添加学员后即可申报")
            return redirect("class_detail", pk=c.pk)
    title = "新建培训班" if c is None else f"修改培训班：{c.name}"
    intro = (
        f"须在首个课次前至少{settings.SKILLAID_CLASS_LEAD_DAYS}天申报，"
        "由培训地县（区）人社部门审核。职业（工种）只能从本机构已登记的可培训职业中选择。"
    )
    return render(request, "form.html", {"form": form, "title": title, "intro": intro})


@login_required
def class_create(request: HttpRequest) -> HttpResponse:
    return _class_form_page(request)


@login_required
def class_edit(request: HttpRequest, pk: int) -> HttpResponse:
    c = class_for(request.user, pk)
    if not c.editable:
        messages.error(request, f"培训班处于“{c.get_status_display()}”状态，不能修改")
        return redirect("class_detail", pk=c.pk)
    return _class_form_page(request, c)


@login_required
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    c = class_for(request.user, pk)
    total, attended = classes.attendance_counts(c)
    enrolments = list(
        c.enrolments.select_related("person__household", "person__county").prefetch_related(
            "person__household__statuses"
        )
    )
    roster = []
    for e in enrolments:
        ok, why = classes.eligibility(e)
        roster.append(
            {
                "e": e,
                "eligible": ok,
                "why": why,
                "attended": attended.get(e.pk, 0),
                "rate": classes.rate(attended.get(e.pk, 0), total),
            }
        )
    officer = _is_officer_of(request.user, c)
    log = AuditEntry.objects.about(c)[:30]
    return render(
        request,
        "training/class_detail.html",
        {
            "c": c,
            "sessions": c.sessions.annotate(
                signed_in=Count("records", filter=Q(records__direction=Direction.IN))
            ),
            "roster": roster,
            "total": total,
            "threshold": settings.SKILLAID_ATTENDANCE_THRESHOLD,
            "officer": officer,
            "reviewer": classes.can_review(request.user, c) and c.status == ClassStatus.DECLARED,
            "roster_open": officer and classes.roster_open(c),
            "roster_form": RosterForm(),
            "review_form": ReviewForm(),
            "refusals": _refusals(
                request.user,
                RefusedAttendance.objects.filter(session__training_class=c).select_related(
                    "session", "person"
                )[:20],
                {e.person_id for e in enrolments},
            ),
            "flagged": Attendance.objects.filter(session__training_class=c)
            .exclude(flag="")
            .select_related("person", "session")[:50],
            "certificates": c.enrolments.filter(certificates__isnull=False).count(),
            "person_links": sees_ledger(request.user),
            "log": log,
        },
    )


def class_act(request: HttpRequest, pk: int, action) -> HttpResponse:  # noqa: ANN001
    c = class_for(request.user, pk)
    try:
        message = action(c)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, message)
    return redirect("class_detail", pk=c.pk)


@login_required
@require_POST
def class_declare(request: HttpRequest, pk: int) -> HttpResponse:
    def declare(c) -> str:  # noqa: ANN001
        classes.class_declare(actor=request.user, training_class=c, channel=Channel.PAGE)
        return "已申报，等待培训地县（区）人社部门审核"

    return class_act(request, pk, declare)


@login_required
@require_POST
def class_review(request: HttpRequest, pk: int) -> HttpResponse:
    form = ReviewForm(request.POST)

    def review(c) -> str:  # noqa: ANN001
        if not form.is_valid():
            raise ValidationError("请选择审核结论")
        c = classes.class_review(
            actor=request.user,
            training_class=c,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            channel=Channel.PAGE,
        )
        return f"审核完成：{c.get_status_display()}"

    return class_act(request, pk, review)


@login_required
@require_POST
def roster_add(request: HttpRequest, pk: int) -> HttpResponse:
    form = RosterForm(request.POST)

    def add(c) -> str:  # noqa: ANN001
        if not form.is_valid():
            raise ValidationError("请填写身份证号和姓名")
        e = classes.roster_add(actor=request.user, training_class=c, **form.cleaned_data)
        return f"{e.person.name}已加入花名册"

    return class_act(request, pk, add)


@login_required
@require_POST
def roster_remove(request: HttpRequest, pk: int) -> HttpResponse:
    e = enrolment_for(request.user, pk)

    def remove(c) -> str:  # noqa: ANN001
        classes.roster_remove(actor=request.user, enrolment=e)
        return f"{e.person.name}已移出花名册"

    return class_act(request, e.training_class_id, remove)


@login_required
def class_completion(request: HttpRequest, pk: int) -> HttpResponse:
    c = class_for(request.user, pk)
    if not _is_officer_of(request.user, c):
        raise PermissionDenied("只有本机构的管理员可以登记结业")
    total, attended = classes.attendance_counts(c)
    enrolments = list(c.enrolments.select_related("person"))
    errors: dict[int, str] = {}
    if request.method == "POST":
        done = 0
        for e in enrolments:
            choice = request.POST.get(f"completed_{e.pk}", "")
            if not choice:
                continue
            try:
                classes.enrolment_complete(
                    actor=request.user,
                    enrolment=e,
                    completed=choice == "yes",
                    score=request.POST.get(f"score_{e.pk}", ""),
                    passed=request.POST.get(f"passed_{e.pk}") == "on",
                    channel=Channel.PAGE,
                )
                done += 1
            except ValidationError as exc:
                errors[e.pk] = "；".join(exc.messages)
        if not errors:
            messages.success(request, f"已登记{done}名学员的结业情况")
            return redirect("class_detail", pk=c.pk)
        enrolments = list(c.enrolments.select_related("person"))
    rows = [
        {
            "e": e,
            "rate": classes.rate(attended.get(e.pk, 0), total),
            "error": errors.get(e.pk, ""),
            "posted": request.POST.get(f"completed_{e.pk}", ""),
        }
        for e in enrolments
    ]
    return render(
        request,
        "training/completion.html",
        {
            "c": c,
            "rows": rows,
            "threshold": settings.SKILLAID_ATTENDANCE_THRESHOLD,
            "Completion": Completion,
        },
    )


@login_required
@require_POST
def class_close(request: HttpRequest, pk: int) -> HttpResponse:
    def close(c) -> str:  # noqa: ANN001
        classes.class_close(actor=request.user, training_class=c, channel=Channel.PAGE)
        return "培训班已结业"

    return class_act(request, pk, close)


def _refusals(user, refusals, roster: set[int]) -> list[RefusedAttendance]:  # noqa: ANN001
    """Refusals as the class's pages show them: a trainee on the roster by name; anyone else
    by the masked number that was typed, unless the viewer may read that person's ledger
    record anyway (the county bureau in its region). A school officer never learns a name,
    or whether the number is in the ledger, from a refusal."""
    shown = list(refusals)
    others = {r.person_id for r in shown if r.person_id and r.person_id not in roster}
    readable = (
        set(people_visible_to(user).filter(pk__in=others).values_list("pk", flat=True))
        if others
        else set()
    )
    for r in shown:
        named = r.person_id in roster or r.person_id in readable
        r.who = r.person.name if named and r.person else r.id_masked or "—"
    return shown


# ----- running a session -----


def _session_state(request: HttpRequest, session: ClassSession) -> dict:
    c = session.training_class
    records = Attendance.objects.filter(session=session)
    marks: dict[int, dict[str, Attendance]] = {}
    for r in records:
        marks.setdefault(r.enrolment_id, {})[r.direction] = r
    roster = [
        {"e": e, "in": marks.get(e.pk, {}).get("in"), "out": marks.get(e.pk, {}).get("out")}
        for e in c.enrolments.select_related("person")
    ]
    officer = _is_officer_of(request.user, c)
    opens, closes = window(session, Method.CODE)
    now = timezone.now()
    state = {
        "session": session,
        "c": c,
        "roster": roster,
        "signed_in": sum(1 for r in roster if r["in"]),
        "signed_out": sum(1 for r in roster if r["out"]),
        "officer": officer,
        "open": c.status == ClassStatus.APPROVED and opens <= now <= closes,
        "opens": opens,
        "closes": closes,
        "refusals": _refusals(
            request.user,
            RefusedAttendance.objects.filter(session=session).select_related("person")[:10],
            {r["e"].person_id for r in roster},
        ),
    }
    if officer and state["open"]:
        code, left = current_code(session)
        url = request.build_absolute_uri(reverse("sign", args=[session.pk])) + f"?c={code}"
        state.update(
            code=code,
            left=left,
            sign_url=url,
            qr=segno.make(url, error="m").svg_inline(scale=5, dark="#123"),
        )
    return state


@login_required
def session_run(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    state = _session_state(request, session)
    state["mark_form"] = ManualMarkForm()
    state["mark_hours"] = settings.SKILLAID_MANUAL_MARK_HOURS
    return render(request, "training/session.html", state)


@login_required
def session_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The code, QR and who has signed in, fetched again every few seconds by the session page."""
    session = session_for(request.user, pk)
    return render(request, "training/_session_live.html", _session_state(request, session))


@login_required
@require_POST
def session_mark(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_for(request.user, pk)
    if not _is_officer_of(request.user, session.training_class):
        raise PermissionDenied("只有本机构的管理员可以补签")
    form = ManualMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "补签须填写原因")
        return redirect("session_run", pk=session.pk)
    e = get_object_or_404(
        session.training_class.enrolments.select_related("person"),
        pk=form.cleaned_data["enrolment"],
    )
    try:
        attendance_sign(
            session=session,
            direction=form.cleaned_data["direction"],
            method=Method.MANUAL,
            person=e.person,
            by=request.user,
            reason=form.cleaned_data["reason"],
            ip=request.META.get("REMOTE_ADDR"),
        )
    except AttendanceRefused as exc:
        messages.error(request, exc.message)
    else:
        label = Direction(form.cleaned_data["direction"]).label
        messages.success(request, f"已为{e.person.name}补{label}")
    return redirect("session_run", pk=session.pk)


# ----- the trainee's sign-in page: no login, the ID number, name and current code -----


def sign(request: HttpRequest, pk: int) -> HttpResponse:
    session = (
        ClassSession.objects.select_related("training_class__institution")
        .filter(pk=pk, training_class__status=ClassStatus.APPROVED)
        .first()
    )
    if session is None:
        # Nothing of a class that is not running (draft, under review, returned, rejected,
        # closed) is shown to someone without a login, and no sign-in is taken; the page is
        # the same as for a session that does not exist.
        return render(request, "training/sign_closed.html", status=404)
    device = request.COOKIES.get(DEVICE_COOKIE) or secrets.token_hex(16)
    form = SignForm(
        request.POST or None,
        initial={"code": request.GET.get("c", ""), "direction": "in"},
    )
    result = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            record = attendance_sign(
                session=session,
                direction=form.cleaned_data["direction"],
                method=Method.CODE,
                id_number=form.cleaned_data["id_number"],
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                device=device,
                ip=request.META.get("REMOTE_ADDR"),
            )
        except AttendanceRefused as exc:
            form.add_error(None, exc.message)
            status = 409
        else:
            result = record
    response = render(
        request,
        "training/sign.html",
        {"session": session, "c": session.training_class, "form": form, "result": result},
        status=status,
    )
    response.set_cookie(
        DEVICE_COOKIE, device, max_age=3 * 365 * 24 * 3600, httponly=True, samesite="Lax"
    )
    return response
