"""Our side of a comparison: the people in a user's scope, as the engine reads them.

Each registry kind compares a different group of our people: the assisted-household
registry every person of the ledger (with the household's category and since), the
schools' e-registration the students (their latest enrolment), the unemployment and
insurance registers those who declared that basis (on a roster, on an application).
Rows are (person_id, id_sealed, name, birth_date, county, category, category_since,
extra…) in batches; the engine opens the sealed numbers itself, into a temporary file
of the run that is deleted when the run ends.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.people.models import ASSISTED, Category, Person
from skillaid.regions.models import code_prefix
from skillaid.students.models import StudentEnrolment, StudentStatus
from skillaid.subsidies.models import ClaimLine
from skillaid.training.models import Basis, Enrolment

BATCH = 20_000
CATEGORY_LABELS = dict(Category.choices)
STATUS_LABELS = dict(StudentStatus.choices)
# The extra columns each kind passes after the common ones, in this order.
EXTRA = {"school": ("school", "major", "status", "entered_on")}


def people_in_scope(user: User) -> QuerySet[Person]:
    """The people a comparison started by `user` covers (a county clerk's county …)."""
    return Scope.of(user).filter(Person.objects.all(), region="county__code")


def group(kind: str, user: User, region: str = "") -> QuerySet[Person]:
    """The people of `kind`'s comparison within `user`'s scope and, given the registry's
    region code, within what the registry covers: a county's registry says nothing of
    another county's people, who are never "only ours" in it."""
    people = people_in_scope(user)
    if region:
        people = Scope(region_prefix=code_prefix(region)).filter(people, region="county__code")
    if kind == "school":
        return people.filter(pk__in=StudentEnrolment.objects.values("person_id"))
    if kind == "unemployment":
        return people.filter(
            pk__in=Enrolment.objects.filter(basis=Basis.UNEMPLOYED).values("person_id")
        )
    if kind == "insurance":
        return people.filter(
            pk__in=ClaimLine.objects.filter(evidence__basis="insured")
            .exclude(person__isnull=True)
            .values("person_id")
        )
    return people


def claimed(kind: str, person_ids: list[int]) -> set[int]:
    """Of `person_ids`, those we hold as what the registry lists: an assisted household's
    people for the assisted registry; everyone of the group for the others (they declared
    it, or they are enrolled)."""
    if kind != "assisted":
        return set(person_ids)
    return set(
        Person.objects.filter(pk__in=person_ids, household__category__in=ASSISTED).values_list(
            "pk", flat=True
        )
    )


def ours_rows(kind: str, user: User, region: str = "") -> Iterator[list[tuple]]:
    """The batches of rows for engine.ours_write, in the order of the people's keys."""
    people = group(kind, user, region).order_by("pk")
    fields = (
        "pk",
        "id_sealed",
        "name",
        "birth_date",
        "county_id",
        "household__category",
        "household__category_since",
    )
    last = 0
    while True:
        batch = list(people.filter(pk__gt=last).values_list(*fields)[:BATCH])
        if not batch:
            return
        last = batch[-1][0]
        rows = [
            (pk, sealed, name, birth, county, CATEGORY_LABELS.get(cat or "", ""), since)
            for pk, sealed, name, birth, county, cat, since in batch
        ]
        if kind == "school":
            rows = _with_enrolment(rows)
        yield rows


def _with_enrolment(rows: list[tuple]) -> list[tuple]:
    """Each student's latest enrolment (school, major, status, entered_on) after the row."""
    latest: dict[int, tuple] = {}
    enrolments = (
        StudentEnrolment.objects.filter(person_id__in=[r[0] for r in rows])
        .order_by("person_id", "entered_on", "pk")
        .values_list("person_id", "school__name", "major", "status", "entered_on")
    )
    for person_id, school, major, status, entered in enrolments:
        latest[person_id] = (school, major, STATUS_LABELS.get(status, status), entered.isoformat())
    return [(*r, *latest.get(r[0], ("", "", "", ""))) for r in rows]
