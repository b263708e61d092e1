"""Who may see which classes, sessions and enrolments: the one place their scope is applied.

A school officer sees their own institution's classes. Everyone else sees the
classes held in their region, which is where the county bureau reviews them.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.db import get_with_parent

from .models import ClassSession, ClassStatus, Completion, Enrolment, TrainingClass


def can_see(user: User, training_class: TrainingClass) -> bool:
    """The scope applied to one class already loaded."""
    return training_class.within(Scope.of(user))


def classes_visible_to(user: User) -> QuerySet[TrainingClass]:
    return Scope.of(user).filter(
        TrainingClass.objects.all(), region="county__code", institution="institution_id"
    )


class ClassFilters(Filters):
    """`status`: a ClassStatus value; `q`: part of the class's or the institution's name;
    `step`: `completion` for the classes whose sessions are over with trainees' completion
    still to record (the officer's to-do)."""

    status: str = ""
    q: str = ""
    step: str = ""


STEPS = {"completion": "课程已结束、待登记结业"}


def completion_due(rows: QuerySet[TrainingClass], now: dt.datetime) -> QuerySet[TrainingClass]:
    """Approved classes with sessions, none of them still to end by `now`, and a trainee
    whose completion is not yet recorded."""
    sessions = ClassSession.objects.filter(training_class=OuterRef("pk"))
    pending = Enrolment.objects.filter(training_class=OuterRef("pk"), completion=Completion.PENDING)
    return rows.filter(
        Exists(sessions),
        ~Exists(sessions.filter(ends_at__gt=now)),
        Exists(pending),
        status=ClassStatus.APPROVED,
    )


def class_list(user: User, *, filters: ClassFilters | None = None) -> QuerySet[TrainingClass]:
    """The classes: their page, their API and their export, latest first."""
    f = filters or ClassFilters()
    rows = classes_visible_to(user).select_related("institution", "county", "occupation")
    if f.status in ClassStatus.values:
        rows = rows.filter(status=f.status)
    if f.q:
        rows = rows.filter(Q(name__contains=f.q) | Q(institution__name__contains=f.q))
    if f.step == "completion":
        rows = completion_due(rows, timezone.now())
    return rows.order_by("-start_on", "-id")


def class_for(user: User, pk: object) -> TrainingClass:
    try:
        return (
            classes_visible_to(user)
            .select_related("institution", "occupation", "county", "entry", "declared_by")
            .get(pk=int(pk))
        )
    except (TrainingClass.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该培训班") from exc


def session_for(user: User, pk: object) -> ClassSession:
    """A session with its class, in one statement: attendance terminals ask many times a second."""
    try:
        pk = int(pk)  # type: ignore[arg-type]
    except (ValueError, TypeError) as exc:
        raise Http404("未找到该课次") from exc
    # A number no primary key can hold is no session (and no database error).
    session = get_with_parent(ClassSession, "training_class", pk) if 0 < pk < 2**63 else None
    if session is None or not can_see(user, session.training_class):
        raise Http404("未找到该课次")
    return session


def enrolment_for(user: User, pk: object) -> Enrolment:
    try:
        return (
            Enrolment.objects.filter(training_class__in=classes_visible_to(user))
            .select_related("training_class", "person")
            .get(pk=int(pk))
        )
    except (Enrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该学员") from exc
