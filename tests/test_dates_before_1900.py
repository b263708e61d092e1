"""Dates before 1900 are refused wherever a date is typed in the apps of classes, institutions,
pairings, the demand catalogue and certificates: pages, API and imports, with one message."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from skillaid.accounts.models import ApiToken
from skillaid.catalogue.imports import import_catalogue
from skillaid.catalogue.models import DemandEntry, Occupation
from skillaid.institutions import services as institutions
from skillaid.lib.dates import TOO_EARLY
from skillaid.pairings import services as pairing_services
from skillaid.pairings.models import Pairing
from skillaid.training.models import TrainingClass
from tests.catalogue.test_catalogue import GOOD, HEADERS
from tests.conftest import MASHAN, new_id
from tests.people.sheets import xlsx
from tests.training.fixtures import class_data

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def send(client, method, url, data, user):  # noqa: ANN001, ANN201
    return getattr(client, method)(
        url, json.dumps(data, default=str), content_type="application/json", **bearer(user)
    )


def test_a_class_dated_before_1900_is_refused_by_api_and_service(client, lu, regions):
    occupation = Occupation.objects.create(code="4-10-01-01", name="家政服务员")
    data = class_data(occupation, dt.datetime.now(dt.UTC) + dt.timedelta(days=8))
    data["occupation_id"] = data.pop("occupation")
    data["start_on"] = "1026-12-01"
    answer = send(client, "post", "/api/classes", data, lu)
    assert answer.status_code == 422 and "1900" in answer.content.decode("unicode_escape")
    assert not TrainingClass.objects.exists()


def test_catalogue_dates_before_1900_are_refused_on_the_api_and_in_the_import(
    client, qin, regions, tmp_path, system
):
    entry = {
        "code": "4-10-01-01",
        "name": "育婴员",
        "training_kind": "employment",
        "level": "5",
        "standard_hours": 120,
        "subsidy": "1200",
        "region": "450000",
        "valid_from": "1899-01-01",
    }
    assert send(client, "post", "/api/catalogue", entry, qin).status_code == 422
    row = list(GOOD[0])
    row[7] = "1899-12-31"
    result = import_catalogue(xlsx(tmp_path / "old.xlsx", [row], headers=HEADERS), actor=system)
    assert result.created == 0
    assert [r.reason for r in result.rejected] == [TOO_EARLY]
    assert not DemandEntry.objects.exists()


def test_pairing_capacity_and_status_dates_before_1900_are_refused(
    client, pairings, liang, qin, wei
):
    pairing = Pairing.objects.get(county_id=MASHAN)
    ended = send(
        client,
        "post",
        f"/api/pairings/{pairing.pk}/end",
        {"ended_on": "1899-06-01", "reason": "调整"},
        liang,
    )
    assert ended.status_code == 422
    pairing.refresh_from_db()
    assert pairing.ended_on is None
    with pytest.raises(ValidationError, match="1900"):
        pairing_services.pairing_end(
            actor=liang, channel="page", pairing=pairing, on=dt.date(1899, 6, 1), reason="调整"
        )
    item = {
        "kind": "competition",
        "name": "马山县家政技能大赛",
        "region": MASHAN,
        "year": dt.date.today().year,
        "held_on": "1899-05-01",
    }
    assert send(client, "post", "/api/capacity", item, wei).status_code == 422
    with pytest.raises(ValidationError, match="1900"):
        institutions.institution_set_status(
            actor=qin,
            channel="page",
            institution=pairing.school,
            status="suspended",
            on=dt.date(1899, 1, 1),
            reason="核查",
        )


def test_the_status_page_refuses_a_date_before_1900(client, pairings, liang):
    school = Pairing.objects.get(county_id=MASHAN).school
    before = school.status
    client.force_login(liang)
    answer = client.post(
        f"/institutions/{school.pk}/status/",
        {"status": "suspended", "on": "1899-01-01", "reason": "核查"},
        follow=True,
    )
    assert TOO_EARLY in answer.content.decode()
    school.refresh_from_db()
    assert school.status == before


def test_a_person_survey_date_before_1900_is_refused_on_the_api(client, wei, person_factory):
    person = person_factory()
    answer = send(client, "patch", f"/api/people/{person.pk}", {"surveyed_on": "1899-12-31"}, wei)
    assert answer.status_code == 422
    person.refresh_from_db()
    assert person.surveyed_on != dt.date(1899, 12, 31)


def test_a_person_survey_or_category_date_before_1900_is_refused_by_the_ledger_service(
    wei, person_factory
):
    from skillaid.people import services as people

    person = person_factory(category="ordinary")
    for data in (
        {"surveyed_on": "1899-12-31"},
        {"category": "monitored", "category_on": "1899-01-01"},
    ):
        with pytest.raises(ValidationError, match="1900"):
            people.person_update(actor=wei, channel="page", person=person, data=data)
    person.refresh_from_db()
    assert person.surveyed_on is None
    assert person.household.category == "ordinary"


def test_a_ledger_row_with_a_survey_date_before_1900_keeps_the_row_without_the_date(
    wei, regions, tmp_path
):
    from skillaid.people.imports import LedgerImport
    from skillaid.people.models import Person

    number = new_id()
    path = xlsx(
        tmp_path / "old.xlsx",
        [["蓝海燕", number, "1899-05-01"]],
        headers=["姓名", "身份证号码", "调查日期"],
    )
    result = LedgerImport(actor=wei).run(path)
    assert result.created == 1
    assert any(TOO_EARLY in w.message for w in result.warnings)
    assert Person.objects.get().surveyed_on is None
