"""Who may see which people and households: the one place the region scope is applied."""

from __future__ import annotations

from django.http import Http404

from skillaid.accounts.models import User

from .models import Household, Person, PersonQuerySet


def sees_ledger(user: User) -> bool:
    """Whether the user may read ledger records at all (within their region).

    A school officer never does: putting someone on a roster must not open their phone,
    household and village to the school. What an officer sees of a trainee (name, masked
    ID, attendance, completion, certificates of its own classes) is shown by `training`
    and `evaluation` from the roster, not from the ledger."""
    return user.is_authenticated and user.is_active and user.reads_ledger


def people_visible_to(user: User) -> PersonQuerySet:
    """Clerks and reviewers see the people of their region; a school officer sees none."""
    if not sees_ledger(user):
        return Person.objects.none()
    return Person.objects.filter(county__code__startswith=user.region_prefix)


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
    return Household.objects.filter(county__code__startswith=user.region_prefix)


def ledger(
    user: User,
    *,
    q: str = "",
    region: str = "",
    category: str = "",
    intent: str = "",
    sort: str = "",
) -> PersonQuerySet:
    """The ledger list and export: the same filters for both."""
    people = people_visible_to(user).search(q)
    if region:
        from skillaid.regions.models import code_prefix

        people = people.filter(county__code__startswith=code_prefix(region))
    if category:
        people = people.filter(household__category=category)
    if intent == "training":
        people = people.filter(wants_training=True)
    elif intent == "school":
        people = people.filter(wants_school=True)
    elif intent == "job":
        people = people.filter(wants_job=True)
    order = SORTS.get(sort.lstrip("-"), "id")
    if sort.startswith("-"):
        order = "-" + order
    return people.select_related("county", "household").order_by(order, "id")


SORTS = {
    "name": "name_initials",
    "birth": "birth_date",
    "county": "county_id",
    "surveyed": "surveyed_on",
    "id": "id",
}
