"""Who may see which certificates: those of the people the user may see; a school officer,
who sees nobody's ledger record, sees the certificates issued for its own classes."""

from __future__ import annotations

from django.db.models import QuerySet

from skillaid.accounts.models import Role, User
from skillaid.people.selectors import people_visible_to

from .models import Certificate


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    if not user.is_authenticated or not user.is_active:
        return Certificate.objects.none()
    if user.role == Role.SCHOOL_OFFICER:
        if user.institution_id is None:
            return Certificate.objects.none()
        return Certificate.objects.filter(
            enrolment__training_class__institution_id=user.institution_id
        )
    return Certificate.objects.filter(person__in=people_visible_to(user))
