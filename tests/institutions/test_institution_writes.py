"""Seeing an institution through a pairing is not editing it: every write on an institution
follows the institution's own region. The attacker is the clerk of a county paired with a
Nanning city school (广西南宁技师学院 is paired with 马山县 and 隆安县)."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from skillaid.accounts.models import ApiToken
from skillaid.catalogue.models import Occupation
from skillaid.institutions import services
from skillaid.institutions.models import Institution, InstitutionOccupation
from skillaid.institutions.services import InstitutionChange, can_change_institution
from skillaid.pairings.models import Pairing
from tests.conftest import MASHAN

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def school(pairings) -> Institution:
    school = Pairing.objects.get(county_id=MASHAN).school
    assert school.region_id == "450100"  # a school of the city, seen by 马山县 through the pairing
    return school


@pytest.fixture
def occupation(db) -> Occupation:
    return Occupation.objects.create(code="4-10-01-01", name="家政服务员")


def snapshot(school: Institution) -> tuple:
    school.refresh_from_db()
    links = InstitutionOccupation.objects.filter(institution=school).count()
    return school.name, school.region_id, school.phone, school.status, links


@pytest.mark.parametrize("clerk", ["wei", "huang"])
def test_a_paired_county_clerk_writes_nothing_on_a_city_school(
    client, request, school, occupation, clerk
):
    user = request.getfixturevalue(clerk)
    before = snapshot(school)
    auth = bearer(user)
    # The clerk sees the school, and is told they may change nothing of it...
    seen = client.get(f"/api/institutions/{school.pk}", **auth)
    assert seen.status_code == 200 and seen.json()["may"] == []
    # ...but no write route takes their change.
    patched = client.patch(
        f"/api/institutions/{school.pk}",
        json.dumps({"name": "被改名的学校", "region": MASHAN, "phone": "0771-0000000"}),
        content_type="application/json",
        **auth,
    )
    assert patched.status_code == 403
    client.force_login(user)
    page = client.get(f"/institutions/{school.pk}/").content.decode()
    assert f"/institutions/{school.pk}/edit/" not in page
    assert f"/institutions/{school.pk}/status/" not in page
    assert f"/institutions/{school.pk}/occupations/" not in page
    assert client.get(f"/institutions/{school.pk}/edit/").status_code == 403
    edited = client.post(
        f"/institutions/{school.pk}/edit/",
        {"name": "被改名的学校", "kind": school.kind, "region": MASHAN, "phone": "1"},
    )
    assert edited.status_code == 403
    added = client.post(
        f"/institutions/{school.pk}/occupations/",
        {"occupation": occupation.pk, "level": "5"},
    )
    assert added.status_code == 403
    status = client.post(f"/institutions/{school.pk}/status/", {"status": "listed", "reason": "x"})
    assert status.status_code == 403
    assert snapshot(school) == before


def test_the_services_refuse_the_paired_clerk_whatever_the_caller(wei, school, occupation):
    with pytest.raises(PermissionDenied):
        services.institution_update(
            actor=wei, channel="api", institution=school, data={"phone": "0771-1"}
        )
    with pytest.raises(PermissionDenied):
        services.institution_add_occupation(
            actor=wei, channel="api", institution=school, occupation=occupation, level="5"
        )
    assert not InstitutionOccupation.objects.filter(institution=school).exists()


def test_reviewers_write_the_institutions_of_their_own_region(
    client, liang, qin, wei, school, occupation
):
    assert can_change_institution(liang, school, InstitutionChange.EDIT)
    assert can_change_institution(liang, school, InstitutionChange.STATUS)
    assert can_change_institution(qin, school, InstitutionChange.OCCUPATIONS)
    assert not can_change_institution(wei, school, InstitutionChange.EDIT)
    patched = client.patch(
        f"/api/institutions/{school.pk}",
        json.dumps({"phone": "0771-6812345"}),
        content_type="application/json",
        **bearer(liang),
    )
    assert patched.status_code == 200 and patched.json()["phone"] == "0771-6812345"
    assert patched.json()["may"] == ["edit", "status", "occupations"]
    mine = services.institution_create(
        actor=wei,
        channel="page",
        data={"name": "马山县阳光职业培训学校", "kind": "private_provider", "region": MASHAN},
    )
    assert can_change_institution(wei, mine, InstitutionChange.EDIT)
    assert not can_change_institution(wei, mine, InstitutionChange.STATUS)  # a reviewer's move


def test_a_school_officer_keeps_only_its_own_contact_details(lu, school, occupation):
    assert can_change_institution(lu, school, InstitutionChange.EDIT)
    assert not can_change_institution(lu, school, InstitutionChange.OCCUPATIONS)
    assert not can_change_institution(lu, school, InstitutionChange.STATUS)
