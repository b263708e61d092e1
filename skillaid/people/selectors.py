"""Who may see which people and households: the one place the region scope is applied."""

from __future__ import annotations

from django.http import Http404

from skillaid.accounts.capabilities import can
from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.regions.models import code_prefix

from .models import Household, Person, PersonQuerySet


def sees_ledger(user: User) -> bool:
    """Whether the user may read ledger records at all (within their region).

    A school officer never does: putting someone on a roster must not open their phone,
    household and village to the school. What an officer sees of a trainee (name, masked
    ID, attendance, completion, certificates of its own classes) is shown by `training`
    and `evaluation` from the roster, not from the ledger."""
    return can(user, "ledger.read")


def people_visible_to(user: User) -> PersonQuerySet:
    """Clerks and reviewers see the people of their region; a school officer sees none."""
    if not sees_ledger(user):
        return Person.objects.none()
    return Scope.of(user).filter(Person.objects.all(), region="county__code")


def person_for(user: User, pk: object) -> Person:
    """A person the user may see, or 404 whether or not the person exists elsewhere."""
    try:
        return (
            people_visible_to(user)
            .select_related("county", "household", "resettlement_site")
            .get(pk=int(pk))
        )
    except (Person.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该人员") from exc


def households_visible_to(user: User):  # noqa: ANN201
    if not sees_ledger(user):
        return Household.objects.none()
    return Scope.of(user).filter(Household.objects.all(), region="county__code")


class PersonFilters(Filters):
    """The ledger's filters: a search, a region inside the user's, a household category,
    an intent (training, school, job) and a sort (a SORTS key, `-` first for descending)."""

    q: str = ""
    region: str = ""
    category: str = ""
    intent: str = ""
    sort: str = ""


def person_list(user: User, *, filters: PersonFilters | None = None) -> PersonQuerySet:
    """The ledger: its page, its API and its export."""
    f = filters or PersonFilters()
    people = people_visible_to(user).search(f.q)
    if f.region:
        people = people.filter(Scope(region_prefix=code_prefix(f.region)).q(region="county__code"))
    if f.category:
        people = people.filter(household__category=f.category)
    if f.intent in INTENTS:
        people = people.filter(**{INTENTS[f.intent]: True})
    # The sort key, then the id to order ties, both the same way: keyset paging
    # (accounts.lists.keyset_page) reads pages along this order through an index.
    key = SORTS.get(f.sort.lstrip("-"), "id")
    sign = "-" if f.sort.startswith("-") else ""
    order = [f"{sign}{key}", f"{sign}id"] if key != "id" else [f"{sign}id"]
    return people.select_related("county", "household").order_by(*order)


INTENTS = {"training": "wants_training", "school": "wants_school", "job": "wants_job"}


SORTS = {
    "name": "name_initials",
    "birth": "birth_date",
    "county": "county_id",
    "surveyed": "surveyed_on",
    "id": "id",
}
