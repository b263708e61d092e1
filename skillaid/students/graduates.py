"""Graduates who are looking for work: what the employment services read.

`graduates_seeking_work(user)` is the one list of them, within the user's scope (a school
its own graduates, a county its young people's): every graduated enrolment whose recorded
outcome is 待就业, or that has no graduation record yet (nobody has said they found a
job). The employment app reads this selector; it never filters enrolments itself.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from skillaid.accounts.models import User
from skillaid.evaluation.models import Certificate

from .models import JobOutcome, StudentEnrolment, StudentStatus
from .selectors import student_enrolments_visible_to


def graduates_seeking_work(user: User) -> QuerySet[StudentEnrolment]:
    """Graduated enrolments in scope with outcome 待就业 or none recorded, latest first."""
    return (
        student_enrolments_visible_to(user)
        .filter(status=StudentStatus.GRADUATED)
        .filter(Q(graduation__isnull=True) | Q(graduation__outcome=JobOutcome.SEEKING))
        .select_related("person", "school", "county", "graduation")
        .order_by("-status_since", "-id")
    )


def certificates_earned(enrolment: StudentEnrolment, until: dt.date | None = None) -> QuerySet:
    """The certificates of the certificate register the student earned while enrolled:
    issued between the entry and the graduation (or `until`, or for good for a student
    still studying), not revoked."""
    rows = Certificate.objects.filter(
        person_id=enrolment.person_id,
        issued_on__gte=enrolment.entered_on,
        revoked_on__isnull=True,
    )
    graduation = getattr(enrolment, "graduation", None) if enrolment.pk else None
    end = until or (graduation.graduated_on if graduation is not None else None)
    if end is None and enrolment.status == StudentStatus.GRADUATED:
        end = enrolment.status_since
    if end is not None:
        rows = rows.filter(issued_on__lte=end)
    return rows.order_by("issued_on", "id")
