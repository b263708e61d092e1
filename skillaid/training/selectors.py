"""Who may see which classes, sessions and enrolments: the one place their scope is applied.

A school officer sees their own institution's classes. Everyone else sees the
classes held in their region, which is where the county bureau reviews them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from skillaid.accounts.models import Role, User
from skillaid.db import get_with_parent

from .models import ClassSession, Enrolment, TrainingClass


def _scope(user: User, via: str = "") -> Q | None:
    """The classes a user may see, as a condition on `via` + the class's fields; None for nothing."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role == Role.SCHOOL_OFFICER:
        return Q(**{f"{via}institution_id": user.institution_id})
    prefix = user.region_prefix
    return Q(**{f"{via}county__code__startswith": prefix}) if prefix else Q()


def can_see(user: User, training_class: TrainingClass) -> bool:
    """`_scope` applied to one class already loaded."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.role == Role.SCHOOL_OFFICER:
        return training_class.institution_id == user.institution_id
    return training_class.county_id.startswith(user.region_prefix)


def classes_visible_to(user: User) -> QuerySet[TrainingClass]:
    scope = _scope(user)
    return TrainingClass.objects.none() if scope is None else TrainingClass.objects.filter(scope)


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
