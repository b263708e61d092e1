"""A class's roster: when it is open, adding a trainee by ID number, removing one."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.people.models import Person
from skillaid.regions.models import Level, Region

from ..models import Basis, ClassStatus, Enrolment, TrainingClass


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
    from skillaid.people.services import check_id, person_register

    c = training_class
    require(actor, "roster.edit", c)
    if not roster_open(c):
        raise ValidationError("培训班已申报或已开课，花名册不能再调整")
    if basis and basis not in Basis.values:
        raise ValidationError({"basis": f"补贴对象类别“{basis}”无效"})
    name = "".join(str(name or "").split())
    if not name:
        raise ValidationError({"name": "请填写姓名"})
    checked = check_id(id_number)
    if not checked.ok:
        raise ValidationError({"id_number": checked.error})
    # The county is asked for from the number alone, before the ledger is looked at, so
    # that asking for it says nothing about whether the number is registered.
    home = county or (checked.number or "")[:6]
    if not Region.objects.current().filter(code=home, level=Level.COUNTY).exists():
        raise ValidationError(
            {"county": "身份证号前六位不是现行县级区划，请选择其户籍所在县（区）"}
        )
    person = Person.objects.with_id_number(checked.number or "").first()
    if person is not None and person.name != name:
        # The one thing the officer must be told (they typed a wrong name or number); it
        # names nobody and shows nothing of the record.
        raise ValidationError({"name": "姓名与身份证号不一致，请核对"})
    if person is None:
        # Registered under the officer's name: the audit log says who put them in the ledger.
        person = person_register(
            actor=actor, channel=channel, id_number=checked.number or "", name=name, county=home
        )
    if Enrolment.objects.filter(training_class=c, person=person).exists():
        raise ValidationError({"id_number": f"{person.name}已在本班花名册中"})
    enrolment = Enrolment.objects.create(
        training_class=c, person=person, basis=basis, added_by=actor
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type="enrolment",
        object_id=enrolment.pk,
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
        object_type="enrolment",
        object_id=enrolment.pk,
        person_id=enrolment.person_id,
        changes={"training_class": [c.pk, None]},
    )
    enrolment.delete()
