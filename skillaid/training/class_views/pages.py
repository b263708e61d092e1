"""Pages of training classes: the list and its export, the form, the class page, declaring and reviewing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can
from skillaid.accounts.exports import download
from skillaid.accounts.models import AuditEntry, Channel
from skillaid.accounts.review import review_history, review_moves
from skillaid.accounts.sections import sections
from skillaid.errors import apply_errors
from skillaid.people.selectors import sees_ledger

from .. import classes, rollup, selectors
from ..forms import ClassForm, ReviewForm, RosterForm
from ..models import Attendance, ClassStatus, Direction, RefusedAttendance
from ..selectors import ClassFilters, class_for, classes_visible_to
from .common import class_act, is_officer_of_class, refusals_shown


def _listed(request: HttpRequest):  # noqa: ANN202
    """The classes in scope, filtered as the list page's form says (selectors.class_list)."""
    filters = ClassFilters.parse(request.GET)
    return selectors.class_list(request.user, filters=filters), filters.status, filters.q


@login_required
def class_list(request: HttpRequest) -> HttpResponse:
    rows, status, q = _listed(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    figures = rollup.rollups(page)
    for c in page:
        c.figures = figures[c.pk]
    awaiting = (
        classes_visible_to(request.user).filter(status=ClassStatus.DECLARED).count()
        if can(request.user, "class.review")
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
            # A to-do on the desk links here filtered to its classes (?step=completion).
            "step": step if (step := request.GET.get("step", "")) in selectors.STEPS else "",
            "step_label": selectors.STEPS.get(step, ""),
            "awaiting": awaiting,
            "can_create": can(request.user, "class.declare") and request.user.institution_id,
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
    # A class belongs to the declaring officer's institution: an administrator holds
    # class.declare but has no institution to declare for.
    if not can(request.user, "class.declare") or not request.user.institution_id:
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
            "person__household__statuses", "person__facts"
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
                "flags": classes.flags(e),
                "attended": attended.get(e.pk, 0),
                "rate": classes.rate(attended.get(e.pk, 0), total),
            }
        )
    officer = is_officer_of_class(request.user, c)
    hours_entry = c.entry or classes.entry_for(c)
    log = AuditEntry.objects.filter(object_type="training.trainingclass", object_id=str(c.pk))[:30]
    return render(
        request,
        "training/class_detail.html",
        {
            "c": c,
            "sessions": c.sessions.annotate(
                signed_in=Count("records", filter=Q(records__direction=Direction.IN))
            ),
            "roster": roster,
            "summary": classes.roster_summary(c, enrolments),
            "total": total,
            "hours": classes.timetable_hours(c),
            "hours_entry": hours_entry,
            "hours_short": classes.hours_shortfall(c, hours_entry) if hours_entry else "",
            "threshold": settings.SKILLAID_ATTENDANCE_THRESHOLD,
            "officer": officer,
            "reviewer": any(not m.maker for m in review_moves(c, request.user)),
            "steps": review_history(c),
            "roster_open": officer and classes.roster_open(c),
            # Each action shown only when the capability table and the class's state allow it.
            "can_complete": can(request.user, "completion.record", c)
            and not classes.completion_refusal(c),
            "can_close": can(request.user, "completion.record", c) and not classes.close_refusal(c),
            "can_certify": can(request.user, "certificate.issue", c)
            and not classes.certify_refusal(c),
            "can_open_accounts": can(request.user, "person_account.open", c),
            "roster_form": RosterForm(),
            "review_form": ReviewForm(),
            "refusals": refusals_shown(
                request.user,
                RefusedAttendance.objects.filter(session__training_class=c).select_related(
                    "session", "person"
                )[:20],
                {e.person_id for e in enrolments},
            ),
            "flagged": Attendance.objects.filter(session__training_class=c)
            .exclude(flag="")
            .select_related("person", "session", "flag_settled_by")[:50],
            "certificates": c.enrolments.filter(certificates__isnull=False).count(),
            "person_links": sees_ledger(request.user),
            "log": log,
            "sections": sections("class_detail", request, c),
        },
    )


@login_required
@require_POST
def class_declare(request: HttpRequest, pk: int) -> HttpResponse:
    def declare(c) -> str:  # noqa: ANN001
        c = classes.class_declare(actor=request.user, training_class=c, channel=Channel.PAGE)
        for warning in classes.declaration_warnings(c):
            messages.warning(request, warning)
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
