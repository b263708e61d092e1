"""Who may see which people and households: the one place the region scope is applied."""

from __future__ import annotations

from django.http import Http404

from skillaid.accounts.models import Role, User

from .models import Household, Person, PersonQuerySet


def people_visible_to(user: User) -> PersonQuerySet:
    """Clerks and reviewers see the people of their region; a school officer sees their trainees."""
    if not user.is_authenticated or not user.is_active:
        return Person.objects.none()
    if user.role == Role.SCHOOL_OFFICER:
        from skillaid.training.models import Enrolment

        trainees = Enrolment.objects.filter(
            training_class__institution_id=user.institution_id
        ).values("person_id")
        return Person.objects.filter(pk__in=trainees)
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
    if not user.is_authenticated or not user.is_active:
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
