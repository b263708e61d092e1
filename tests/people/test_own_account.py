"""The person's own account: codes issued by those who may, opened with ID number, name and a
live code, refused alike for every wrong input, counted per code and per address, logged
without the code; and the person signs in with their ID number."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts import sms
from skillaid.accounts.models import Action, AuditEntry, Role, User
from skillaid.lib import onetimecode
from skillaid.people import own_account
from skillaid.people.models import AccountCode, AccountOpenFailure, PersonAccount
from tests.conftest import LONGAN

pytestmark = pytest.mark.django_db
GOOD = "Lan-Haiyan#2026"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()


@pytest.fixture
def lan(person_factory):
    return person_factory(name="蓝海燕", phone="13877001234")


def open_with(person, code, *, name=None, number=None, password=GOOD, address="10.0.0.1"):
    return own_account.account_open_with_code(
        id_number=number or person.id_number,
        name=name or person.name,
        code=code,
        password=password,
        address=address,
    )


def all_audit_text() -> str:
    return " ".join(f"{e.note} {e.changes} {e.actor_name}" for e in AuditEntry.objects.all())


def test_the_clerk_of_the_persons_county_issues_a_code_that_is_kept_only_as_a_digest(wei, lan):
    code = own_account.code_issue(actor=wei, person=lan)
    row = AccountCode.objects.get(person=lan)
    assert onetimecode.well_formed(code)
    assert code not in row.digest and row.digest == onetimecode.digest(
        own_account._key(), code, f"person:{lan.pk}"
    )
    assert row.expires_at - row.issued_at == dt.timedelta(days=30)
    entry = AuditEntry.objects.get(action=Action.CODE_ISSUE)
    assert entry.person_id == lan.pk and entry.actor == wei
    assert code not in all_audit_text() and onetimecode.display(code) not in all_audit_text()


def test_a_clerk_of_another_county_and_a_school_officer_without_the_person_are_refused(
    huang, lu, lan
):
    with pytest.raises(PermissionDenied):
        own_account.code_issue(actor=huang, person=lan)
    with pytest.raises(PermissionDenied):
        own_account.code_issue(actor=lu, person=lan)
    with pytest.raises(PermissionDenied):
        own_account.account_open_by_staff(actor=lu, person=lan)
    assert not AccountCode.objects.exists() and not PersonAccount.objects.exists()


def test_the_officer_issues_codes_for_the_trainees_of_their_own_roster_only(
    lu, rival, school, class_factory, lan
):
    c = class_factory(lu, trainees=[lan])
    line = c.enrolments.get()
    [(got_line, code)] = own_account.codes_issue_for_roster(actor=lu, lines=[line])
    assert got_line == line and onetimecode.well_formed(code)
    with pytest.raises(PermissionDenied):
        own_account.codes_issue_for_roster(actor=rival, lines=[line])


def test_the_person_opens_their_account_with_number_name_and_code_and_signs_in_by_number(
    client, wei, lan
):
    code = own_account.code_issue(actor=wei, person=lan)
    # Typed as people type it: lower case, a space, the number's x in lower case.
    user = open_with(lan, onetimecode.display(code).lower().replace("-", " "))
    assert user.role == Role.PERSON and user.region is None and user.full_name == "蓝海燕"
    assert user.person_account.person == lan and user.check_password(GOOD)
    assert lan.id_number not in user.username
    assert AccountCode.objects.get(person=lan).used_at is not None
    entry = AuditEntry.objects.get(action=Action.ACCOUNT_OPEN)
    assert entry.person_id == lan.pk and code not in all_audit_text()
    page = client.post(reverse("login"), {"username": lan.id_number, "password": GOOD})
    assert page.status_code == 302 and page.url == reverse("home")
    assert client.get(reverse("home")).url == reverse("me")


def test_a_code_is_used_once(wei, lan):
    code = own_account.code_issue(actor=wei, person=lan)
    open_with(lan, code)
    with pytest.raises(ValidationError) as refused:
        open_with(lan, code, address="10.0.0.2")
    assert refused.value.messages == [own_account.WRONG]
    assert PersonAccount.objects.filter(person=lan).count() == 1


def test_a_code_expires(wei, lan):
    code = own_account.code_issue(actor=wei, person=lan)
    with time_machine.travel(timezone.now() + dt.timedelta(days=30, seconds=1)):
        with pytest.raises(ValidationError) as refused:
            open_with(lan, code)
    assert refused.value.messages == [own_account.WRONG]
    assert not PersonAccount.objects.exists()


def test_a_new_code_voids_the_earlier_one(wei, lan):
    first = own_account.code_issue(actor=wei, person=lan)
    second = own_account.code_issue(actor=wei, person=lan)
    with pytest.raises(ValidationError):
        open_with(lan, first)
    assert open_with(lan, second, address="10.0.0.9").person_account.person == lan


def test_every_wrong_input_gets_the_same_answer_whether_or_not_the_number_is_known(
    wei, lan, person_factory
):
    code = own_account.code_issue(actor=wei, person=lan)
    nobody = person_factory(name="黄一", county=LONGAN)  # known, but has no code
    tries = [
        {"name": "蓝海"},  # wrong name
        {"code": "ABCD-EFGH" if code != "ABCDEFGH" else "HGFE-DCBA"},  # wrong code
        {"number": nobody.id_number, "name": nobody.name},  # a person without a code
        {"number": "450124199506150000"},  # not a valid number at all
        {"number": "110101199001011237", "name": "张三"},  # a valid number nobody has
    ]
    for i, wrong in enumerate(tries):
        with pytest.raises(ValidationError) as refused:
            open_with(lan, wrong.pop("code", code), address=f"10.1.0.{i}", **wrong)
        assert refused.value.messages == [own_account.WRONG]
    assert not PersonAccount.objects.exists()
    failures = AuditEntry.objects.filter(action=Action.OPEN_FAILED)
    assert failures.count() == len(tries)
    assert lan.id_number not in all_audit_text() and "110101199001011237" not in all_audit_text()


def test_a_code_is_void_after_five_wrong_codes_but_not_after_wrong_names(wei, lan):
    code = own_account.code_issue(actor=wei, person=lan)
    wrong = "ABCD-EFGH" if onetimecode.normalise(code) != "ABCDEFGH" else "HGFE-DCBA"
    # Someone who knows only the ID number cannot void her code by typing names.
    for i in range(6):
        with pytest.raises(ValidationError):
            open_with(lan, wrong, name="别人", address=f"10.3.0.{i}")
    assert AccountCode.objects.get(person=lan).failures == 0
    for i in range(5):
        with pytest.raises(ValidationError):
            open_with(lan, wrong, address=f"10.2.0.{i}")
    assert AccountCode.objects.get(person=lan).voided_at is not None
    with pytest.raises(ValidationError):
        open_with(lan, code, address="10.2.1.1")  # the right code, too late
    assert not PersonAccount.objects.exists()


def test_an_address_that_fails_ten_times_an_hour_must_wait(wei, lan):
    code = own_account.code_issue(actor=wei, person=lan)
    for _ in range(10):
        with pytest.raises(ValidationError):
            open_with(lan, "XXXX-XXXX", name="张三", number="110101199001011237")
    with pytest.raises(ValidationError) as refused:
        open_with(lan, code)  # right this time, but from the same address
    assert refused.value.messages == [own_account.TOO_MANY]
    assert AccountCode.objects.get(person=lan).failures == 0  # the guesses were not hers
    with time_machine.travel(timezone.now() + dt.timedelta(hours=1, seconds=1)):
        assert open_with(lan, code).person_account.person == lan
    assert AccountOpenFailure.objects.count() == 10


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short1A!", "至少需要 10 个字符"),
        ("alllowercaseletters", "至少 3 类"),
        ("PASSWORD123", "至少 3 类"),
    ],
)
def test_the_password_follows_the_policy_and_a_refused_password_spends_nothing(
    wei, lan, password, why
):
    code = own_account.code_issue(actor=wei, person=lan)
    with pytest.raises(ValidationError) as refused:
        open_with(lan, code, password=password)
    assert "password" in refused.value.message_dict
    assert AccountCode.objects.get(person=lan).failures == 0
    assert open_with(lan, code).person_account.person == lan


def test_the_password_may_not_hold_the_id_number_or_its_birth_date(wei, lan):
    code = own_account.code_issue(actor=wei, person=lan)
    for password in (
        f"Aa!{lan.id_number}",
        f"Xy#{lan.id_number[6:14]}",
        f"Qq-abc{lan.id_number[-6:]}",
    ):
        with pytest.raises(ValidationError) as refused:
            open_with(lan, code, password=password)
        assert "身份证号" in " ".join(refused.value.message_dict["password"])


def test_the_code_can_be_sent_by_sms_to_the_persons_phone_and_the_log_has_only_the_masked_number(
    wei, lan
):
    masked = own_account.code_send_sms(actor=wei, person=lan)
    assert masked == "138****1234"
    [message] = sms.outbox
    assert message.to == "13877001234"
    code = onetimecode.normalise(message.body.split("开通码为 ")[1][:9])
    issued = AuditEntry.objects.get(action=Action.CODE_ISSUE)
    assert "138****1234" in issued.note and "13877001234" not in f"{issued.note}{issued.changes}"
    assert code not in all_audit_text()
    assert open_with(lan, code).person_account.person == lan


def test_no_sms_without_a_phone_and_a_refused_message_issues_no_code(wei, person_factory, settings):
    silent = person_factory(name="韦小")
    with pytest.raises(ValidationError, match="没有登记手机号"):
        own_account.code_send_sms(actor=wei, person=silent)
    lan = person_factory(name="蓝海燕", phone="13877001234")
    settings.SKILLAID_SMS_BACKEND = "tests.accounts.test_sms.Refusing"
    with pytest.raises(ValidationError, match="短信未能发送"):
        own_account.code_send_sms(actor=wei, person=lan)
    assert not AccountCode.objects.exists()


def test_the_clerk_opens_the_account_with_a_one_time_password(client, wei, lan):
    user, password = own_account.account_open_by_staff(actor=wei, person=lan)
    assert user.must_change_password and user.role == Role.PERSON
    with pytest.raises(ValidationError, match="已开通"):
        own_account.code_issue(actor=wei, person=lan)
    answer = client.post(reverse("login"), {"username": lan.id_number, "password": password})
    assert answer.status_code == 302
    assert client.get(reverse("me")).url.startswith(reverse("password_change"))


def test_wrong_passwords_for_an_id_number_lock_its_account_and_keep_no_number(wei, lan):
    from axes.models import AccessAttempt
    from django.test import Client

    own_account.account_open_by_staff(actor=wei, person=lan)
    for _ in range(5):
        Client().post(reverse("login"), {"username": lan.id_number, "password": "wrong-Pass-1"})
    assert AccessAttempt.objects.filter(username=f"person-{lan.pk}").exists()
    stranger = "110101199001011237"
    Client().post(reverse("login"), {"username": stranger, "password": "wrong-Pass-1"})
    kept = " ".join(AccessAttempt.objects.values_list("username", flat=True))
    assert lan.id_number not in kept and stranger not in kept
    assert lan.id_number not in all_audit_text() and stranger not in all_audit_text()
    user = User.objects.get(username=f"person-{lan.pk}")
    assert user.person_account.person == lan


def test_the_user_pages_neither_make_a_person_account_nor_turn_one_into_staff(
    client, zhou, wei, lan
):
    client.force_login(zhou)
    data = {"username": "lan", "full_name": "蓝海燕", "phone": "13800000001", "role": "person"}
    page = client.post(reverse("user_create"), data).content.decode()
    assert "不能在此新建" in page and not User.objects.filter(username="lan").exists()
    user, _ = own_account.account_open_by_staff(actor=wei, person=lan)
    edit = {
        "full_name": "蓝海燕",
        "phone": "13800000001",
        "role": "county_clerk",
        "region": "450124",
    }
    page = client.post(reverse("user_edit", args=[user.pk]), edit).content.decode()
    assert "不能改为工作人员角色" in page
    user.refresh_from_db()
    assert user.role == Role.PERSON


def test_a_person_changing_their_password_may_not_choose_their_id_number(client, wei, lan):
    user, password = own_account.account_open_by_staff(actor=wei, person=lan)
    client.post(reverse("login"), {"username": lan.id_number, "password": password})
    chosen = f"Ab#{lan.id_number[6:14]}x"
    page = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": chosen, "new_password2": chosen},
    )
    assert "密码不能包含身份证号、出生日期或身份证号后六位" in page.content.decode()
    page = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": GOOD, "new_password2": GOOD},
    )
    assert page.status_code == 302
    assert client.get(reverse("me")).status_code == 200


def test_a_forgotten_password_is_reset_by_the_clerk_ending_sessions_and_lifting_the_lock(
    wei, huang, lan
):
    from axes.models import AccessAttempt
    from django.test import Client

    own_account.account_open_by_staff(actor=wei, person=lan)
    phone = Client()
    user = User.objects.get(person_account__person=lan)
    user.set_password(GOOD)
    user.must_change_password = False
    user.save()
    phone.post(reverse("login"), {"username": lan.id_number, "password": GOOD})
    assert phone.get(reverse("me")).status_code == 200
    for _ in range(5):
        Client().post(reverse("login"), {"username": lan.id_number, "password": "wrong-Pass-1"})
    assert AccessAttempt.objects.exists()
    with pytest.raises(PermissionDenied):
        own_account.account_reset_by_staff(actor=huang, person=lan)
    password = own_account.account_reset_by_staff(actor=wei, person=lan)
    assert not AccessAttempt.objects.filter(username=user.username).exists()
    assert phone.get(reverse("me")).status_code == 302  # the old session has ended
    fresh = Client()
    fresh.post(reverse("login"), {"username": lan.id_number, "password": password})
    assert fresh.get(reverse("me")).url.startswith(reverse("password_change"))
    entry = AuditEntry.objects.filter(action=Action.UPDATE, person_id=lan.pk).latest("id")
    assert "重置本人账户密码" in entry.note and password not in all_audit_text()


def test_no_reset_without_an_account(wei, lan):
    with pytest.raises(ValidationError, match="尚未开通"):
        own_account.account_reset_by_staff(actor=wei, person=lan)


def test_two_hands_on_one_account_at_once_get_a_refusal_in_chinese(wei, lan, monkeypatch):
    """The second of two simultaneous openings passes the check before the first commits and
    meets the database's rule of one account per person: a refusal, not an error page."""
    own_account.account_open_by_staff(actor=wei, person=lan)
    # As if the first opening had not committed when the second looked.
    monkeypatch.setattr(own_account.PersonAccount.objects, "filter", lambda **kw: Nobody())
    with pytest.raises(ValidationError) as refused:
        own_account.account_open_by_staff(actor=wei, person=lan)
    assert refused.value.messages == [own_account.RACED]
    assert PersonAccount.objects.count() == 1


class Nobody:
    def exists(self) -> bool:
        return False
