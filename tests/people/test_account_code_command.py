"""`skillaid account-code`: the person page's code, from the command line."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from skillaid.accounts import sms
from skillaid.accounts.models import Action, AuditEntry, Channel
from skillaid.people import own_account

pytestmark = pytest.mark.django_db


def test_the_command_prints_a_code_that_opens_the_account(person_factory, system):
    lan = person_factory(name="蓝海燕")
    out = io.StringIO()
    call_command("account_code", lan.id_number, stdout=out)
    code = out.getvalue().strip().rsplit("：", 1)[1]
    assert lan.id_masked in out.getvalue() and lan.id_number not in out.getvalue()
    entry = AuditEntry.objects.get(action=Action.CODE_ISSUE)
    assert entry.channel == Channel.COMMAND and entry.actor == system
    user = own_account.account_open_with_code(
        id_number=lan.id_number, name=lan.name, code=code, password="Lan-Haiyan#2026", address="1"
    )
    assert user.person_account.person == lan


def test_the_command_sends_by_sms_and_prints_no_code(person_factory):
    sms.outbox.clear()
    lan = person_factory(name="蓝海燕", phone="13877001234")
    out = io.StringIO()
    call_command("account_code", lan.id_number, "--sms", stdout=out)
    assert out.getvalue().strip() == "开通码已以短信发送至 138****1234"
    assert len(sms.outbox) == 1


def test_the_command_acts_within_the_users_scope(person_factory, huang):
    lan = person_factory(name="蓝海燕")
    with pytest.raises(CommandError, match="不在您的管辖范围内"):
        call_command("account_code", lan.id_number, "--user", "huang", stdout=io.StringIO())
    with pytest.raises(CommandError, match="台账中没有"):
        call_command("account_code", "110101199001011237", stdout=io.StringIO())
