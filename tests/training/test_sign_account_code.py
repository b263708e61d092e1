"""After a trainee's first valid sign-in to a class, the sign-in page tells them how to open
their own account: the code goes by SMS to the phone in the ledger and never shows on the
page (whoever knew their ID number and name and saw the classroom's code could read it).
Never on a refused or flagged sign-in or a shared phone, never twice, and a code already
handed out (a roster slip) stays the one to use."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from skillaid.accounts import sms
from skillaid.accounts.models import Action, AuditEntry
from skillaid.people import own_account
from skillaid.people.models import AccountCode
from skillaid.training.attendance import current_code

pytestmark = pytest.mark.django_db
GOOD = "Lan-Haiyan#2026"
CODE = re.compile(r"[2-9A-Z]{4}-[2-9A-Z]{4}")


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def two(person_factory):
    return (
        person_factory(name="蓝海燕", phone="13812345678"),
        person_factory(name="吴刚", phone="13987654321"),
    )


def sign(client, session, person, *, direction="in", name=None):
    code, _ = current_code(session)
    return client.post(
        reverse("sign", args=[session.pk]),
        {
            "id_number": person.id_number,
            "name": name or person.name,
            "code": code,
            "direction": direction,
        },
    )


def note(answer) -> str | None:
    body = answer.content.decode()
    if 'id="account-note"' not in body:
        return None
    return body.split('id="account-note">')[1].split("<")[0]


def test_the_first_sign_in_sends_a_code_by_sms_and_never_shows_it(lu, school, class_factory, two):
    lan, _ = two
    c = class_factory(lu, trainees=[lan])
    first, second = c.sessions.order_by("starts_at")[:2]
    phone = Client()
    with time_machine.travel(first.starts_at, tick=False):
        answer = sign(phone, first, lan)
        assert note(answer) == "开通码已以短信发送至 138****5678，请凭短信中的开通码开通本人账户。"
        assert "no-store" in answer["Cache-Control"]
        assert not CODE.search(answer.content.decode())
        assert [m.to for m in sms.outbox] == ["13812345678"]
        code = CODE.search(sms.outbox[0].body).group()
        entry = AuditEntry.objects.get(action=Action.CODE_ISSUE)
        assert entry.actor_name == "学员签到页面" and code not in str(entry.__dict__)
        assert note(sign(phone, first, lan)) is None  # signed in already: refused
        assert note(sign(phone, first, lan, direction="out")) is None
    with time_machine.travel(second.starts_at, tick=False):
        assert note(sign(phone, second, lan)) is None
    assert len(sms.outbox) == 1
    user = own_account.account_open_with_code(
        id_number=lan.id_number, name=lan.name, code=code, password=GOOD, address="1"
    )
    assert user.person_account.person == lan


def test_a_code_on_a_roster_slip_stays_the_one_to_use(lu, school, class_factory, two):
    lan, _ = two
    c = class_factory(lu, trainees=[lan])
    [(_, slip)] = own_account.codes_issue_for_roster(actor=lu, lines=list(c.enrolments.all()))
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        answer = sign(Client(), session, lan)
    assert note(answer) == "您已有开通码（见培训机构发放的开通单或短信），请凭开通码开通本人账户。"
    assert sms.outbox == []
    user = own_account.account_open_with_code(
        id_number=lan.id_number, name=lan.name, code=slip, password=GOOD, address="1"
    )
    assert user.person_account.person == lan


def test_without_a_phone_the_trainee_is_told_where_to_get_a_code(
    lu, school, class_factory, person_factory
):
    nophone = person_factory(name="覃小梅", phone="")
    c = class_factory(lu, trainees=[nophone])
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        answer = sign(Client(), session, nophone)
    assert note(answer) == "请向培训机构或县（区）人社局索取开通码，凭开通码开通本人账户。"
    assert not AccountCode.objects.exists() and sms.outbox == []


def test_a_refused_sign_in_sends_nothing(lu, school, class_factory, two):
    lan, _ = two
    c = class_factory(lu, trainees=[lan])
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        answer = sign(Client(), session, lan, name="别人")
    assert answer.status_code == 409 and note(answer) is None
    assert not AccountCode.objects.exists() and sms.outbox == []


def test_nothing_on_a_phone_someone_else_signed_in_from(lu, school, class_factory, two):
    lan, wu = two
    c = class_factory(lu, trainees=[lan, wu])
    session = c.sessions.first()
    shared = Client()
    with time_machine.travel(session.starts_at, tick=False):
        assert note(sign(shared, session, lan))
        assert note(sign(shared, session, wu)) is None
    assert AccountCode.objects.filter(person=wu).count() == 0
    assert [m.to for m in sms.outbox] == ["13812345678"]


def test_nothing_for_a_trainee_who_has_an_account(lu, wei, school, class_factory, two):
    lan, _ = two
    c = class_factory(lu, trainees=[lan])
    own_account.account_open_by_staff(actor=wei, person=lan)
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        assert note(sign(Client(), session, lan)) is None
    assert sms.outbox == []
