"""A class's roster: when it is open, adding a trainee by ID number, removing one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.lib import idnumber

from ..models import Basis, ClassStatus, Enrolment, TrainingClass
from .eligibility import too_young


def roster_open(c: TrainingClass) -> bool:
    """Trainees are added before the class is declared, or after approval until the first session starts."""
    if c.editable:
        return True
    if c.status == ClassStatus.APPROVED:
        first = c.sessions.order_by("starts_at").first()
        return first is None or first.starts_at > timezone.now()
    return False


@transaction.atomic
def roster_add(
    *,
    actor: User,
    training_class: TrainingClass,
    id_number: str,
    name: str,
    county: str = "",
    basis: str = "",
    channel: str = "page",
) -> Enrolment:
    """Put a trainee on the roster by ID number; someone not yet in the ledger is registered first."""
    from skillaid.people.services import check_id, person_match_or_register

    c = training_class
    require(actor, "roster.edit", c)
    if not roster_open(c):
        raise ValidationError("培训班已申报或已开课，花名册不能再调整")
    if basis and basis not in Basis.values:
        raise ValidationError({"basis": f"补贴对象类别“{basis}”无效"})
    # Too young for any roster, read from the number alone (its birth date, on the class's
    # start date) before the ledger is read or written: a child is never registered by it.
    checked = check_id(id_number)
    if checked.ok and checked.number:
        young = too_young(idnumber.birth_date(checked.number), c.start_on)
        if young:
            raise ValidationError({"id_number": young})
    # An officer sees no ledger: anyone may be put on a roster and registered in any county,
    # and the county is asked for before the ledger is read, so that asking says nothing
    # about whether the number is registered. A wrong name is the one thing they are told.
    person = person_match_or_register(
        id_number=id_number,
        name=name,
        county=county,
        actor=actor,
        channel=channel,
        source="花名册",
        scoped=False,
        county_first=True,
    ).person_or_raise()
    if Enrolment.objects.filter(training_class=c, person=person).exists():
        raise ValidationError({"id_number": f"{person.name}已在本班花名册中"})
    enrolment = Enrolment.objects.create(
        training_class=c, person=person, basis=basis, added_by=actor
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=enrolment,
        person_id=person.pk,
        changes={"training_class": [None, c.pk], "basis": [None, basis]},
    )
    return enrolment


@transaction.atomic
def roster_remove(*, actor: User, enrolment: Enrolment, channel: str = "page") -> None:
    c = enrolment.training_class
    require(actor, "roster.edit", c)
    if not roster_open(c):
        raise ValidationError("培训班已申报或已开课，花名册不能再调整")
    if enrolment.records.exists():
        raise ValidationError("该学员已有考勤记录，不能移出花名册")
    audit(
        actor=actor,
        channel=channel,
        action=Action.DELETE,
        object_type=enrolment,
        person_id=enrolment.person_id,
        changes={"training_class": [c.pk, None]},
    )
    enrolment.delete()
