"""The sign-in page shows a trainee without an account a code to open one, on the answer to
their first valid sign-in only: never again, never on a flagged sign-in or a shared phone,
never to someone whose sign-in was refused."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from skillaid.accounts.models import Action, AuditEntry
from skillaid.people import own_account
from skillaid.people.models import AccountCode
from skillaid.training.attendance import current_code

pytestmark = pytest.mark.django_db
GOOD = "Lan-Haiyan#2026"


@pytest.fixture
def two(person_factory):
    return person_factory(name="蓝海燕"), person_factory(name="吴刚")


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


def shown_code(answer) -> str | None:
    body = answer.content.decode()
    if 'id="account-code"' not in body:
        return None
    return body.split('id="account-code"')[1].split(">")[1].split("<")[0]


def test_the_first_sign_in_shows_a_code_that_opens_the_account(lu, school, class_factory, two):
    lan, _ = two
    c = class_factory(lu, trainees=[lan])
    first, second = c.sessions.order_by("starts_at")[:2]
    phone = Client()
    with time_machine.travel(first.starts_at, tick=False):
        answer = sign(phone, first, lan)
        code = shown_code(answer)
        assert code and "no-store" in answer["Cache-Control"]
        assert AuditEntry.objects.get(action=Action.CODE_ISSUE).actor_name == "学员签到页面"
        refused_again = sign(phone, first, lan)  # signed in already: refused, nothing shown
        assert shown_code(refused_again) is None
        out = sign(phone, first, lan, direction="out")
        assert shown_code(out) is None
    with time_machine.travel(second.starts_at, tick=False):
        assert shown_code(sign(phone, second, lan)) is None
    user = own_account.account_open_with_code(
        id_number=lan.id_number, name=lan.name, code=code, password=GOOD, address="1"
    )
    assert user.person_account.person == lan


def test_a_refused_sign_in_shows_no_code(lu, school, class_factory, two):
    lan, _ = two
    c = class_factory(lu, trainees=[lan])
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        answer = sign(Client(), session, lan, name="别人")
    assert answer.status_code == 409 and shown_code(answer) is None
    assert not AccountCode.objects.exists()


def test_no_code_on_a_phone_someone_else_signed_in_from(lu, school, class_factory, two):
    lan, wu = two
    c = class_factory(lu, trainees=[lan, wu])
    session = c.sessions.first()
    shared = Client()
    with time_machine.travel(session.starts_at, tick=False):
        assert shown_code(sign(shared, session, lan))
        assert shown_code(sign(shared, session, wu)) is None
    assert AccountCode.objects.filter(person=wu).count() == 0


def test_no_code_for_a_trainee_who_has_an_account(lu, wei, school, class_factory, two):
    lan, _ = two
    c = class_factory(lu, trainees=[lan])
    own_account.account_open_by_staff(actor=wei, person=lan)
    session = c.sessions.first()
    with time_machine.travel(session.starts_at, tick=False):
        assert shown_code(sign(Client(), session, lan)) is None
