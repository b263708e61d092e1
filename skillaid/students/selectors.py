"""Which enrolments a user sees, and the one list the page, the API and the export share.

A school's officer sees the students of their own school; a county bureau the students
whose household is in its county, wherever they study; a city or province reviewer those
of the counties below it; an administrator all. Anyone else sees none, and one enrolment
asked for outside the scope is a 404, the same answer as one that does not exist.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from skillaid.accounts.capabilities import can
from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.people.models import ASSISTED

from .models import StudentEnrolment


def student_enrolments_visible_to(user: User) -> QuerySet[StudentEnrolment]:
    if not can(user, "student.read"):
        return StudentEnrolment.objects.none()
    return Scope.of(user).filter(
        StudentEnrolment.objects.all(), region="county__code", institution="school_id"
    )


class StudentFilters(Filters):
    """`status`, `class_type`, `track`: the enrolment's; `assisted`: "1" for students of
    assisted households (脱贫户、监测户) now, "0" for the others; `q`: a name or a student
    number; `school`: one school's id; `county`: a county code (or a prefix)."""

    status: str = ""
    class_type: str = ""
    track: str = ""
    assisted: str = ""
    q: str = ""
    school: int | None = None
    county: str = ""


def student_list(
    user: User, *, filters: StudentFilters | None = None
) -> QuerySet[StudentEnrolment]:
    """The students page, its Excel export and the API list: within scope, newest first."""
    f = filters or StudentFilters()
    rows = student_enrolments_visible_to(user).select_related(
        "person__household", "school", "county"
    )
    if f.status:
        rows = rows.filter(status=f.status)
    if f.class_type:
        rows = rows.filter(class_type=f.class_type)
    if f.track:
        rows = rows.filter(track=f.track)
    if f.assisted in ("1", "y", "yes", "是"):
        rows = rows.filter(person__household__category__in=ASSISTED)
    elif f.assisted in ("0", "n", "no", "否"):
        rows = rows.exclude(person__household__category__in=ASSISTED)
    if f.q:
        rows = rows.filter(person__name=f.q) | rows.filter(student_number=f.q)
    if f.school:
        rows = rows.filter(school_id=f.school)
    if f.county:
        rows = rows.filter(county_id__startswith=f.county)
    return rows.annotate(monitoring_count=Count("monthly_records")).order_by("-id")


def student_for(user: User, pk: object) -> StudentEnrolment:
    """One enrolment in scope, or 404."""
    try:
        return (
            student_enrolments_visible_to(user)
            .select_related("person__household", "school", "county")
            .get(pk=int(str(pk)))
        )
    except (ValueError, OverflowError, StudentEnrolment.DoesNotExist):
        raise Http404("没有这名学生的学籍") from None
