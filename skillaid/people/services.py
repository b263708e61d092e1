"""Every write to people and households, used alike by pages, the API and commands.

The ledger import has its own bulk path (imports.py) that applies the same
checks and writes the same audit entries row by row in bulk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, Channel, User, audit, audit_changes
from skillaid.accounts.scope import Scope
from skillaid.lib import idnumber
from skillaid.lib.names import initials, normalise, same_name
from skillaid.regions.models import Level, Region, ResettlementSite

from . import fields
from .models import Category, Household, HouseholdStatus, MonitoringKind, Person
from .selectors import people_visible_to

EDITABLE = (
    "name",
    "phone",
    "ethnicity",
    "education",
    "county",
    "township",
    "village",
    "resettlement_site",
    "relation",
    "wants_training",
    "training_occupations",
    "wants_school",
    "wants_job",
    "surveyed_on",
)
INTENT_FIELDS = (
    "wants_training",
    "training_occupations",
    "wants_school",
    "wants_job",
    "surveyed_on",
)


def _clean(scope: Scope, data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Turn raw input into model values; a bad value goes into `errors` under its field.
    The county must lie in `scope`."""
    out: dict[str, Any] = {}
    for name in EDITABLE:
        if name not in data:
            continue
        value = data[name]
        try:
            if name == "name":
                value = normalise(value)
                if not value:
                    raise fields.FieldError("姓名不能为空")
                if len(value) > 64:
                    raise fields.FieldError("姓名不能超过64个字")
            elif name == "phone":
                value = fields.phone(value)
            elif name == "county":
                code = fields.text(value.code if isinstance(value, Region) else value)
                if not code:
                    raise fields.FieldError("必填")
                region = Region.objects.current().filter(code=code, level=Level.COUNTY).first()
                if region is None:
                    raise fields.FieldError(f"县级区划代码“{code}”不存在")
                if not scope.contains_region(code):
                    raise fields.FieldError(f"{region.name}不在您的管辖范围内")
                value = region
            elif name == "resettlement_site":
                if value in (None, ""):
                    value = None
                elif not isinstance(value, ResettlementSite):
                    site = (
                        ResettlementSite.objects.filter(pk=value).first()
                        if str(value).isdigit()
                        else None
                    )
                    site = site or ResettlementSite.objects.filter(name=fields.text(value)).first()
                    if site is None:
                        raise fields.FieldError(f"安置区“{value}”不存在")
                    value = site
            elif name in ("wants_training", "wants_school", "wants_job"):
                value = value if isinstance(value, bool) else bool(fields.yes_no(value))
            elif name == "surveyed_on":
                value = fields.date(value)
            else:
                value = fields.text(value)[: (255 if name == "training_occupations" else 64)]
        except fields.FieldError as exc:
            errors[name] = str(exc)
            continue
        out[name] = value
    return out


MATCHED, REGISTERED, REFUSED = "matched", "registered", "refused"
OUT_OF_SCOPE = "此人不在您的管辖范围内"
NAME_MISMATCH = "姓名与身份证号不一致，请核对"


@dataclass(frozen=True)
class PersonMatch:
    """What person_match_or_register did: MATCHED or REGISTERED a person, or REFUSED, with the
    input the refusal is about (id_number, name or county) and why, in Chinese."""

    outcome: str
    person: Person | None = None
    field: str = ""
    reason: str = ""

    def person_or_raise(self) -> Person:
        """The person, or the refusal as a ValidationError under its field."""
        if self.person is None:
            raise ValidationError({self.field: self.reason})
        return self.person


@transaction.atomic
def person_match_or_register(
    *,
    id_number: object,
    name: object,
    county: object = "",
    actor: User,
    channel: str,
    source: str,
    scoped: bool = True,
    county_first: bool = False,
) -> PersonMatch:
    """Find someone by ID number and check their name, or register them in their county.

    The one way a channel that names a person by number and name (a roster, the
    certificate import; later matching and employment) finds or registers them. The
    name is checked with lib.names.same_name. `county` is the home county for
    someone not yet registered (else the number's first six digits); `source`
    ("花名册", "证书导入") is noted on a registration.

    `scoped` (the certificate import): the person found must be one the actor sees,
    and one registered must belong to the actor's region; a refusal then reads the
    same whether or not the number is registered elsewhere. Unscoped (a school's
    roster, whose officer sees no ledger): anyone is matched and registration may
    be in any county. `county_first` (the roster): the home county is settled from
    the input alone before the ledger is read, so that asking for it says nothing
    about whether the number is registered.
    """

    def refused(field: str, reason: str) -> PersonMatch:
        return PersonMatch(REFUSED, field=field, reason=reason)

    name = normalise(name)
    if not name:
        return refused("name", "请填写姓名")
    checked = check_id(id_number)
    if not checked.ok:
        return refused("id_number", checked.error or "身份证号无效")
    number = checked.number or ""
    home = fields.text(county) or number[:6]
    home_known = Region.objects.current().filter(code=home, level=Level.COUNTY).exists()
    if county_first and not home_known:
        return refused("county", "身份证号前六位不是现行县级区划，请选择其户籍所在县（区）")
    scope = actor if scoped else None
    person = Person.objects.with_id_number(number).first()
    if person is not None:
        # Scope before the name: a refusal must not confirm the name of someone out of scope.
        if scope is not None and not people_visible_to(scope).filter(pk=person.pk).exists():
            return refused("id_number", OUT_OF_SCOPE)
        if not same_name(name, person.name):
            return refused("name", NAME_MISMATCH)
        return PersonMatch(MATCHED, person)
    if not home_known:
        return refused(
            "id_number",
            "此人未在台账登记，且身份证号前六位不是现行县级区划，无法确定所属县（区）",
        )
    if scope is not None and not Scope.of(scope).contains_region(home):
        return refused("id_number", OUT_OF_SCOPE)
    # Under the actor's own name (the officer of a roster, the user of an import): they hold
    # person.register, not necessarily ledger.edit.
    person = person_register(
        actor=actor,
        channel=channel,
        id_number=number,
        name=name,
        county=home,
        note=f"由{source}登记"[:255],
    )
    return PersonMatch(REGISTERED, person)


def check_id(raw: object) -> idnumber.IdCheck:
    """The ledger's check of an ID number: python-stdnum, a known province, and a warning
    (not a refusal) for a county code that the current division table does not know."""
    return idnumber.check(
        raw,
        provinces={
            code[:2]
            for code in Region.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)
        },
        county_known=lambda code: Region.objects.filter(code=code, is_current=True).exists(),
    )


@transaction.atomic
def person_create(*, actor: User, channel: str, data: dict[str, Any], note: str = "") -> Person:
    """Register a person in the ledger of a county of the actor's region."""
    require(actor, "ledger.edit")
    return _person_create(actor=actor, channel=channel, data=data, scope=Scope.of(actor), note=note)


@transaction.atomic
def person_register(
    *, actor: User, channel: str, id_number: str, name: str, county: str, note: str = ""
) -> Person:
    """Register someone met on another record (a roster, an imported certificate) who is not
    yet in the ledger, in their home county, whichever region the actor keeps: a school's
    trainees come from anywhere. The caller has checked the record's own capability and,
    where it has one, its scope (person_match_or_register)."""
    require(actor, "person.register")
    return _person_create(
        actor=actor,
        channel=channel,
        data={"id_number": id_number, "name": name, "county": county},
        scope=Scope(region_prefix=""),
        note=note,
    )


def _person_create(
    *, actor: User, channel: str, data: dict[str, Any], scope: Scope, note: str
) -> Person:
    errors: dict[str, str] = {}
    checked = check_id(data.get("id_number"))
    if not checked.ok:
        errors["id_number"] = checked.error or ""
    elif Person.objects.with_id_number(checked.number or "").exists():
        errors["id_number"] = "该身份证号已登记，请在台账中查找此人后修改"
    if not data.get("county") and actor.region and actor.region.level == Level.COUNTY:
        data = {**data, "county": actor.region_id}  # a county clerk registers in their county
    for required in ("name", "county"):
        if not data.get(required):
            errors[required] = "必填"
    values = _clean(scope, data, errors)
    category = _category(data, errors)
    if errors:
        raise ValidationError(errors)
    person = Person()
    person.set_id_number(checked.number or "")
    household_number = fields.text(data.get("household_number")) or "自动-" + person.id_index[:12]
    household, _ = Household.objects.get_or_create(
        county=values["county"],
        number=household_number,
        defaults={
            "category": category[0] if category else Category.ORDINARY,
            "monitoring_kind": category[1] if category else "",
            "category_since": timezone.localdate(),
        },
    )
    if not household.statuses.exists():
        HouseholdStatus.objects.create(
            household=household,
            category=household.category,
            monitoring_kind=household.monitoring_kind,
            start=household.category_since or timezone.localdate(),
        )
    person.household = household

    def prepare(changes: dict[str, list]) -> None:
        person.name_initials = initials(person.name)
        if any(f in values for f in INTENT_FIELDS):
            person.surveyed_by = actor

    audit_changes(person, values, actor=actor, channel=channel, prepare=prepare, note=note)
    if category and household.category != category[0]:
        household_set_category(
            actor=actor,
            channel=channel,
            household=household,
            category=category[0],
            kind=category[1],
            on=timezone.localdate(),
            person_id=person.pk,
        )
    return person


def _category(data: dict[str, Any], errors: dict[str, str]) -> tuple[str, str] | None:
    raw = data.get("category")
    if raw in (None, ""):
        return None
    if raw in Category.values:
        kind = data.get("monitoring_kind") or ""
        if kind and kind not in MonitoringKind.values:
            errors["monitoring_kind"] = "监测类型无法识别"
            return None
        return raw, kind if raw == Category.MONITORED else ""
    try:
        return fields.category(raw)
    except fields.FieldError as exc:
        errors["category"] = str(exc)
        return None


@transaction.atomic
def person_update(
    *, actor: User, channel: str, person: Person, data: dict[str, Any]
) -> dict[str, list]:
    """Apply the given fields; returns what changed as {field: [old, new]}."""
    require(actor, "ledger.edit", person)
    errors: dict[str, str] = {}
    values = _clean(Scope.of(actor), data, errors)
    category = _category(data, errors)
    category_on, category_note = _category_change(data, errors)
    if errors:
        raise ValidationError(errors)
    person = Person.objects.select_for_update().get(pk=person.pk)

    def prepare(changed: dict[str, list]) -> None:
        if "name" in changed:
            person.name_initials = initials(person.name)
        if any(f in changed for f in INTENT_FIELDS):
            person.surveyed_by = actor
        person.updated_at = timezone.now()

    changed = audit_changes(person, values, actor=actor, channel=channel, prepare=prepare)
    if (
        category
        and person.household
        and (person.household.category, person.household.monitoring_kind) != category
    ):
        try:
            household_set_category(
                actor=actor,
                channel=channel,
                household=person.household,
                category=category[0],
                kind=category[1],
                on=category_on,
                note=category_note,
                person_id=person.pk,
            )
        except ValidationError as exc:
            # The date is the form's and the API's "category_on".
            raise ValidationError(
                {("category_on" if k == "on" else k): v for k, v in exc.message_dict.items()}
            ) from exc
        changed["category"] = [None, category[0]]
    return changed


def _category_change(data: dict[str, Any], errors: dict[str, str]) -> tuple[dt.date, str]:
    """When a household category change takes effect (today unless given) and why."""
    on = timezone.localdate()
    try:
        on = fields.date(data.get("category_on"), today=on) or on
    except fields.FieldError as exc:
        errors["category_on"] = str(exc)
    note = str(data.get("category_note") or "").strip()  # free Chinese text: punctuation kept
    if len(note) > 255:
        errors["category_note"] = "变更原因不能超过255个字"
    return on, note


@transaction.atomic
def household_set_category(
    *,
    actor: User,
    channel: str,
    household: Household,
    category: str,
    kind: str = "",
    on: dt.date,
    note: str = "",
    person_id: int | None = None,
) -> HouseholdStatus:
    """Close the open status on `on` and open a new one; the past stays queryable."""
    require(actor, "ledger.edit", household)
    if category not in Category.values:
        raise ValidationError({"category": "家庭类别无法识别"})
    if category != Category.MONITORED:
        kind = ""
    household = Household.objects.select_for_update().get(pk=household.pk)
    current = household.statuses.filter(end__isnull=True).first()
    try:
        on = fields.category_start(
            on, current.start if current else None, today=timezone.localdate()
        )
    except fields.FieldError as exc:
        raise ValidationError({"on": str(exc)}) from exc
    old = (household.category, household.monitoring_kind)
    if current:
        current.end = on
        current.save(update_fields=["end"])
    status = HouseholdStatus.objects.create(
        household=household, category=category, monitoring_kind=kind, start=on, note=note
    )
    household.category, household.monitoring_kind, household.category_since = category, kind, on
    household.save(update_fields=["category", "monitoring_kind", "category_since"])
    # The members' ledger rows no longer describe them: a re-import must apply them again.
    household.members.update(import_digest="")
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type="people.household",
        object_id=household.pk,
        person_id=person_id,
        changes={
            "category": [old[0], category],
            "monitoring_kind": [old[1], kind],
            "on": [None, on.isoformat()],
        },
        note=note,
    )
    return status


def person_reveal_id(*, actor: User, person: Person, channel: str = Channel.PAGE) -> str:
    """The whole number for a role that needs it; every view is logged."""
    require(actor, "ledger.reveal_id", person)
    audit(
        actor=actor,
        channel=channel,
        action=Action.REVEAL_ID,
        object_type="people.person",
        object_id=person.pk,
        person_id=person.pk,
    )
    return person.id_number
