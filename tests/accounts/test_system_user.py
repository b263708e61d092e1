"""Jobs and commands act as a named system user; no service takes None for "unrestricted"."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from skillaid.accounts import users
from skillaid.accounts.models import SYSTEM_FULL_NAME, AuditEntry
from skillaid.accounts.system import system_user
from skillaid.catalogue.services import demand_entry_save
from skillaid.evaluation.services import certificate_record
from skillaid.institutions.capacity import capacity_create
from skillaid.institutions.models import Institution
from skillaid.institutions.services import institution_create
from skillaid.pairings.services import pairing_create
from skillaid.people.services import person_create, person_register
from tests.catalogue.test_catalogue import GOOD, HEADERS
from tests.conftest import MASHAN, PASSWORD, new_id
from tests.people.sheets import xlsx


def test_the_system_user_is_real_but_never_logs_in(db):
    system = system_user()
    assert system.pk and system_user().pk == system.pk
    assert system.full_name == SYSTEM_FULL_NAME and system.role == "admin"
    assert not system.is_active and not system.has_usable_password()
    assert system.acts and system.is_system
    # Inactive, and no password would match: no backend lets it in.
    assert not ModelBackend().user_can_authenticate(system)
    assert not system.check_password(PASSWORD) and not system.check_password("")


def test_a_command_without_user_logs_under_the_system_user(regions, tmp_path):
    path = xlsx(tmp_path / "c.xlsx", GOOD, headers=HEADERS)
    call_command("import_catalogue", str(path))
    entries = AuditEntry.objects.filter(object_type="catalogue.demandentry")
    assert entries.exists()
    assert all(e.actor == system_user() and e.actor_name == SYSTEM_FULL_NAME for e in entries)


SERVICES = {
    "person_create": lambda: person_create(
        actor=None,
        channel="command",
        data={"id_number": new_id(), "name": "韦一", "county": MASHAN},
    ),
    "person_register": lambda: person_register(
        actor=None, channel="command", id_number=new_id(), name="韦一", county=MASHAN
    ),
    "institution_create": lambda: institution_create(
        actor=None,
        channel="command",
        data={"name": "某校", "kind": "technical_school", "region": MASHAN},
    ),
    "capacity_create": lambda: capacity_create(
        actor=None,
        channel="command",
        data={"kind": "public_base", "name": "某基地", "region": MASHAN, "year": 2025},
    ),
    "demand_entry_save": lambda: demand_entry_save(actor=None, channel="command", data={}),
    "pairing_create": lambda: pairing_create(
        actor=None,
        channel="command",
        school=Institution.objects.create(
            name="某技工学校", kind="technical_school", region_id=MASHAN
        ),
        county_code=MASHAN,
    ),
    "certificate_record": lambda: certificate_record(actor=None, data={}),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_no_service_takes_none_for_unrestricted(regions, service):
    with pytest.raises(PermissionDenied):
        SERVICES[service]()


def test_nobody_changes_the_system_user_nor_takes_its_name(regions, zhou):
    system = system_user()
    with pytest.raises(PermissionDenied):
        users.user_reset_password(actor=zhou, user=system)
    with pytest.raises(PermissionDenied):
        users.user_set_active(actor=zhou, user=system, active=True)
    with pytest.raises(ValidationError):
        users.user_create(
            actor=zhou,
            data={
                "username": "system",
                "full_name": "假系统",
                "role": "admin",
                "region": None,
                "institution": None,
            },
        )
    assert not system_user().is_active
