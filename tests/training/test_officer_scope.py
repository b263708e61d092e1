"""A school officer probing the ledger as an attacker would: through attendance refusals, and by
putting strangers on a draft roster. Neither tells them anything of a person outside their class."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from skillaid.accounts.models import ApiToken
from skillaid.evaluation.models import Certificate
from skillaid.lib import idnumber
from skillaid.people.services import person_create
from skillaid.training.attendance import current_code
from skillaid.training.classes import roster_add
from skillaid.training.models import RefusedAttendance
from tests.conftest import new_id

pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="terminal")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def stranger(person_factory):
    """Someone in the ledger who is on none of the school's rosters."""
    return person_factory(name="韦秀英", phone="13907710001", village="古零村", category="脱贫户")


@pytest.fixture
def running(lu, school, class_factory, person_factory):
    c = class_factory(lu, trainees=[person_factory(category="脱贫户", name="蓝海燕")])
    return c, c.sessions.first()


def test_terminal_refusals_say_the_same_for_a_stranger_and_an_unknown_number(
    client, lu, running, stranger
):
    c, session = running
    auth = bearer(lu)
    unknown = new_id()
    with time_machine.travel(session.starts_at, tick=False):
        answers = [
            client.post(
                "/api/attendance",
                {"session": session.pk, "id_number": number},
                content_type="application/json",
                **auth,
            )
            for number in (stranger.id_number, unknown)
        ]
    assert [a.status_code for a in answers] == [409, 409]
    known, unknown_answer = (a.json() for a in answers)
    # Nothing in the answer tells a registered number from an unknown one.
    assert known == unknown_answer
    assert known["reason"] == "not_on_roster"
    assert stranger.name not in answers[0].content.decode()
    # The refusal record keeps what the county bureau needs.
    kept = RefusedAttendance.objects.get(person=stranger)
    assert kept.reason == "not_on_roster" and kept.ip and kept.id_masked == stranger.id_masked
    assert RefusedAttendance.objects.get(person=None).reason == "unknown_person"


def test_class_and_session_pages_show_a_stranger_refused_by_masked_number_only(
    client, lu, running, stranger
):
    c, session = running
    with time_machine.travel(session.starts_at, tick=False):
        client.post(
            "/api/attendance",
            {"session": session.pk, "id_number": stranger.id_number},
            content_type="application/json",
            **bearer(lu),
        )
        client.force_login(lu)
        pages = [
            client.get(reverse("class_detail", args=[c.pk])).content.decode(),
            client.get(reverse("session_run", args=[session.pk])).content.decode(),
            client.get(reverse("session_live", args=[session.pk])).content.decode(),
        ]
    for page in pages:
        assert "被拒绝的签到" in page
        assert stranger.name not in page
        assert stranger.id_masked in page


def test_the_sign_page_answers_a_stranger_as_it_answers_an_unknown_number(
    client, running, stranger
):
    c, session = running
    with time_machine.travel(session.starts_at + dt.timedelta(minutes=1), tick=False):
        code, _ = current_code(session)
        answers = [
            client.post(
                reverse("sign", args=[session.pk]),
                {"id_number": number, "name": stranger.name, "code": code, "direction": "in"},
            )
            for number in (stranger.id_number, new_id())
        ]
    assert [a.status_code for a in answers] == [409, 409]
    messages = [a.context["form"].non_field_errors() for a in answers]
    assert messages[0] == messages[1]


def test_an_officer_who_puts_a_stranger_on_a_draft_roster_cannot_read_their_record(
    client, lu, school, class_factory, stranger
):
    # The attacker learnt the name somewhere and adds the stranger to a draft class.
    c = class_factory(lu, trainees=[stranger], approve=False)
    Certificate.objects.create(
        number="S-ELSEWHERE-1",
        kind="skill_level",
        person=stranger,
        holder_name=stranger.name,
        occupation_name="电工",
        level="4",
        issuer="另一所学校",
        issued_on=dt.date(2025, 5, 1),
        source="imported",
    )
    auth = bearer(lu)
    assert client.get(f"/api/people/{stranger.pk}", **auth).status_code == 404
    assert client.get("/api/people", **auth).json()["count"] == 0
    assert client.get(f"/api/certificates?person_id={stranger.pk}", **auth).json() == []
    roster = client.get(f"/api/classes/{c.pk}/roster", **auth)
    assert roster.status_code == 200
    body = str(roster.json())
    assert stranger.name in body and stranger.id_masked in body
    for secret in (stranger.phone, "古零村", stranger.household.number):
        assert secret not in body
    client.force_login(lu)
    for name in ("person_detail", "person_record"):
        assert client.get(reverse(name, args=[stranger.pk])).status_code == 404
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    assert stranger.phone not in page and "古零村" not in page
    certificates = client.get(reverse("certificates")).content.decode()
    assert "S-ELSEWHERE-1" not in certificates


def test_an_officer_sees_certificates_issued_for_its_own_classes(
    client, lu, school, class_factory, person_factory
):
    trainee = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[trainee])
    Certificate.objects.create(
        number="P-OURS-1",
        kind="training",
        person=trainee,
        holder_name=trainee.name,
        occupation_name="家政服务员",
        level="none",
        issuer="广西南宁技师学院",
        issued_on=dt.date(2026, 1, 5),
        enrolment=c.enrolments.get(),
        source="issued",
    )
    client.force_login(lu)
    page = client.get(reverse("certificates")).content.decode()
    assert "P-OURS-1" in page
    assert reverse("person_detail", args=[trainee.pk]) not in page


def test_roster_add_asks_for_the_county_whether_or_not_the_number_is_registered(
    client, lu, school, class_factory, person_factory, system
):
    # A number whose first six digits are no current county, once registered, once not.
    registered = person_factory(category="脱贫户", name="蓝海燕")
    c = class_factory(lu, trainees=[registered], approve=False)
    old_code = "452122"  # 武鸣县, now 武鸣区: not a current county code
    old_number = idnumber.make_number(old_code, dt.date(1990, 1, 1), 7)
    person_create(
        actor=system,
        channel="command",
        data={"id_number": old_number, "name": "农丽", "county": "450126"},
    )
    unknown_old = idnumber.make_number(old_code, dt.date(1990, 1, 1), 8)
    errors = []
    for number, name in ((old_number, "农丽"), (unknown_old, "农丽")):
        with pytest.raises(ValidationError) as info:
            roster_add(actor=lu, training_class=c, id_number=number, name=name)
        errors.append(info.value.message_dict)
    assert errors[0] == errors[1] and "county" in errors[0]


def test_the_county_bureau_sees_who_was_refused_when_the_person_is_in_its_region(
    client, lu, wei, running, stranger
):
    c, session = running
    with time_machine.travel(session.starts_at, tick=False):
        client.post(
            "/api/attendance",
            {"session": session.pk, "id_number": stranger.id_number},
            content_type="application/json",
            **bearer(lu),
        )
    client.force_login(wei)
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    assert stranger.name in page
