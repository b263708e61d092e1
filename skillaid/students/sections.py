"""What the students app adds to pages below it: the enrolment, its status history, the
aid lines and the monitoring count on a person's page and on their own page (本人), and
the enrolment's steps in the lifelong record (evaluation.record)."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest
from django.template.loader import render_to_string

from skillaid.accounts.scope import Scope
from skillaid.subsidies.aid import AID_KINDS
from skillaid.subsidies.models import ClaimLine
from skillaid.subsidies.selectors import claim_lines_visible_to

from .models import StudentEnrolment
from .selectors import student_enrolments_visible_to


def _render(request: HttpRequest, enrolments, lines) -> str:  # noqa: ANN001
    enrolments = list(
        enrolments.select_related("school", "county", "graduation")
        .prefetch_related("changes__to_school")
        .annotate(monitoring_count=Count("monthly_records"))
        .order_by("-entered_on", "-id")
    )
    if not enrolments:
        return ""
    return render_to_string(
        "students/_person_students.html",
        {
            "enrolments": enrolments,
            "lines": list(
                lines.filter(kind__in=AID_KINDS)
                .select_related("rule", "claim")
                .order_by("-claimed_on", "-id")[:50]
            ),
        },
        request=request,
    )


def person_students_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    enrolments = student_enrolments_visible_to(request.user).filter(person=person)
    lines = claim_lines_visible_to(request.user).filter(person=person)
    return _render(request, enrolments, lines)


def own_students_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    if Scope.of(request.user).person_id != person.pk:
        return ""
    return _render(
        request,
        StudentEnrolment.objects.filter(person=person),
        ClaimLine.objects.filter(person=person),
    )


def record_events(person) -> list:  # noqa: ANN001
    """Enrolment, each status change and graduation as events of the lifelong record. Aid
    paid is already there: subsidies lists every claim line of the person, aid included."""
    from skillaid.evaluation.record import Event

    events = []
    for e in (
        StudentEnrolment.objects.filter(person=person)
        .select_related("school", "graduation")
        .prefetch_related("changes")
    ):
        where = e.school.name
        events.append(
            Event(
                e.entered_on,
                "技工院校入学",
                f"{e.major}（{e.get_class_type_display()}，{e.get_track_display()}）",
                where,
                f"预计{e.expected_graduation:%Y-%m-%d}毕业",
            )
        )
        for c in e.changes.all():
            events.append(
                Event(
                    c.on,
                    "学籍变动",
                    f"{c.get_from_status_display()}→{c.get_to_status_display()}",
                    where,
                    c.reason,
                )
            )
        graduation = getattr(e, "graduation", None)
        if graduation is not None:
            events.append(
                Event(
                    graduation.graduated_on,
                    "技工院校毕业",
                    e.major,
                    where,
                    graduation.get_outcome_display()
                    + (f"（{graduation.employer}）" if graduation.employer else ""),
                )
            )
    return events
