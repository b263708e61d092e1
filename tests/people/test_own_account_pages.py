"""The pages of the person's own account: the person page's 本人账户 card, the code shown
once, the public opening page with its Chinese errors, and the roster's slips and actions."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from skillaid.accounts import sms
from skillaid.accounts.models import Action, AuditEntry
from skillaid.lib import onetimecode
from skillaid.people.models import AccountCode, PersonAccount

pytestmark = pytest.mark.django_db
GOOD = "Lan-Haiyan#2026"


@pytest.fixture(autouse=True)
def _outbox():
    sms.outbox.clear()


@pytest.fixture
def lan(person_factory):
    return person_factory(name="蓝海燕", phone="13877001234")


def code_on(page) -> str:
    body = page.content.decode()
    shown = body.split('id="code"')[1].split(">")[1].split("<")[0]
    assert onetimecode.well_formed(shown)
    return shown


def test_the_clerk_issues_a_code_from_the_person_page_and_sees_it_once(client, wei, lan):
    client.force_login(wei)
    card = client.get(reverse("person_detail", args=[lan.pk])).content.decode()
    assert 'id="own-account"' in card and "短信发送开通码（138****1234）" in card
    page = client.post(reverse("person_account", args=[lan.pk, "code"]))
    code = code_on(page)
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    again = client.get(reverse("person_detail", args=[lan.pk])).content.decode()
    assert code not in again and "已有开通码" in again


def test_a_clerk_of_another_county_finds_no_such_person(client, huang, lan):
    client.force_login(huang)
    for action in ("code", "sms", "open"):
        assert client.post(reverse("person_account", args=[lan.pk, action])).status_code == 404
    assert not AccountCode.objects.exists()


def test_sending_by_sms_from_the_person_page(client, wei, lan):
    client.force_login(wei)
    answer = client.post(reverse("person_account", args=[lan.pk, "sms"]), follow=True)
    assert "开通码已以短信发送至 138****1234" in answer.content.decode()
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "13877001234"


def test_the_opening_page_opens_the_account_and_sends_the_person_to_sign_in(client, wei, lan):
    client.force_login(wei)
    code = code_on(client.post(reverse("person_account", args=[lan.pk, "code"])))
    client.logout()
    form = {
        "id_number": lan.id_number,
        "name": lan.name,
        "code": code,
        "password": GOOD,
        "password2": GOOD,
    }
    answer = client.post(reverse("me_open"), form)
    assert answer.status_code == 302 and answer.url.startswith(reverse("login"))
    assert PersonAccount.objects.filter(person=lan).exists()
    client.post(reverse("login"), {"username": lan.id_number, "password": GOOD})
    me = client.get(reverse("me"))
    assert me.status_code == 200 and "我的档案" in me.content.decode()


def test_the_opening_page_says_what_is_wrong_in_chinese_without_saying_whether_the_number_exists(
    client, lan
):
    empty = client.post(reverse("me_open"), {})
    body = empty.content.decode()
    assert empty.status_code == 400
    for said in ("请填写身份证号", "请填写姓名", "请填写开通码", "请设置密码"):
        assert said in body
    typed = {"name": lan.name, "code": "ABCD-EFGH", "password": GOOD, "password2": GOOD}
    known = client.post(reverse("me_open"), {**typed, "id_number": lan.id_number})
    unknown = client.post(reverse("me_open"), {**typed, "id_number": "110101199001011237"})
    for answer in (known, unknown):
        assert answer.status_code == 400
        assert "身份证号、姓名或开通码不正确" in answer.content.decode()
    assert AuditEntry.objects.filter(action=Action.OPEN_FAILED).count() == 2
    mismatch = client.post(
        reverse("me_open"), {**typed, "id_number": lan.id_number, "password2": "other"}
    )
    assert "两次输入的密码不一致" in mismatch.content.decode()


def test_the_opening_page_refuses_an_address_that_tried_too_often(client, lan):
    typed = {"name": "张三", "code": "ABCD-EFGH", "password": GOOD, "password2": GOOD}
    for _ in range(10):
        client.post(reverse("me_open"), {**typed, "id_number": "110101199001011237"})
    answer = client.post(reverse("me_open"), {**typed, "id_number": lan.id_number})
    assert answer.status_code == 429 and "尝试次数过多" in answer.content.decode()


def test_the_officer_prints_slips_for_the_roster_and_each_code_opens_its_own_account(
    client, lu, school, class_factory, person_factory, wei
):
    lan = person_factory(name="蓝海燕", phone="13877001234")
    wu = person_factory(name="吴刚")
    opened = person_factory(name="黄已开")
    c = class_factory(lu, trainees=[lan, wu, opened])
    from skillaid.people import own_account

    own_account.account_open_by_staff(actor=wei, person=opened)
    client.force_login(lu)
    assert (
        'id="roster-accounts-link"'
        in client.get(reverse("class_detail", args=[c.pk])).content.decode()
    )
    listing = client.get(reverse("roster_accounts", args=[c.pk])).content.decode()
    assert "为未开通的 2 名学员签发开通码" in listing
    assert "138****1234" in listing and "13877001234" not in listing
    slips = client.post(reverse("roster_slips", args=[c.pk])).content.decode()
    codes = dict(
        re.findall(
            r"<strong>(\S+?)</strong>.*?<span class=\"code\">(\w{4}-\w{4})</span>", slips, re.S
        )
    )
    assert set(codes) == {"蓝海燕", "吴刚"}
    assert lan.id_masked in slips and lan.id_number not in slips
    entries = AuditEntry.objects.filter(action=Action.CODE_ISSUE)
    assert entries.count() == 2 and {e.actor for e in entries} == {lu}
    client.logout()
    # Lan's code does not open Wu's account.
    wrong = own_account.account_open_with_code(
        id_number=lan.id_number, name=lan.name, code=codes["蓝海燕"], password=GOOD, address="1"
    )
    assert wrong.person_account.person == lan
    with pytest.raises(ValidationError, match="不正确"):
        own_account.account_open_with_code(
            id_number=wu.id_number, name=wu.name, code=codes["蓝海燕"], password=GOOD, address="2"
        )


def test_another_institution_cannot_reach_the_roster_accounts(
    client, lu, rival, school, class_factory, lan
):
    c = class_factory(lu, trainees=[lan])
    client.force_login(rival)
    assert client.get(reverse("roster_accounts", args=[c.pk])).status_code == 404
    assert client.post(reverse("roster_slips", args=[c.pk])).status_code == 404
    line = c.enrolments.get()
    for action in ("sms", "open"):
        assert client.post(reverse("roster_account", args=[line.pk, action])).status_code == 404
    assert not AccountCode.objects.exists() and not PersonAccount.objects.exists()


def test_the_officer_sends_a_code_by_sms_but_gives_no_password_from_the_roster(
    client, lu, school, class_factory, lan
):
    c = class_factory(lu, trainees=[lan])
    line = c.enrolments.get()
    client.force_login(lu)
    listing = client.get(reverse("roster_accounts", args=[c.pk])).content.decode()
    assert "初始密码" not in listing
    sent = client.post(reverse("roster_account", args=[line.pk, "sms"]), follow=True)
    assert "138****1234" in sent.content.decode() and len(sms.outbox) == 1
    for action in ("open", "reset"):
        assert client.post(reverse("roster_account", args=[line.pk, action])).status_code == 404
    assert not PersonAccount.objects.exists()


def test_the_person_page_change_log_tells_of_the_code_and_the_opening(client, wei, lan):
    from skillaid.people import own_account

    own_account.code_issue(actor=wei, person=lan)
    own_account.account_open_by_staff(actor=wei, person=lan)
    client.force_login(wei)
    page = client.get(reverse("person_detail", args=[lan.pk])).content.decode()
    history = page.split('id="history"')[1]
    assert "签发开通码" in history and "开通本人账户" in history
    assert "已开通" in page.split('id="own-account"')[1]


def test_the_person_prints_their_own_record_as_pdf_and_the_export_is_logged(
    client, wei, lu, school, class_factory, person_factory
):
    import datetime as dt

    import time_machine

    from skillaid.evaluation.services import certificates_issue
    from skillaid.people import own_account
    from tests.papers import pdf_bytes, pdf_text
    from tests.training.fixtures import complete

    lan = person_factory(name="蓝海燕")
    c = class_factory(lu, trainees=[lan], count=1)
    ended = c.sessions.get().ends_at
    with time_machine.travel(ended + dt.timedelta(hours=1), tick=False):
        complete(lu, c, {lan: True})
        (cert,) = certificates_issue(actor=lu, training_class=c)
    user, _ = own_account.account_open_by_staff(actor=wei, person=lan)
    user.must_change_password = False
    user.save()
    client.force_login(user)
    with time_machine.travel(ended + dt.timedelta(hours=2), tick=False):
        page = client.get(reverse("me")).content.decode()
        assert reverse("me_record_pdf") in page and reverse("me_record") in page
        assert reverse("person_record_pdf", args=[lan.pk]) not in page
        text = pdf_text(pdf_bytes(client.get(reverse("me_record_pdf"))))
    for fact in ("终身职业技能培训电子档案", "蓝海燕", lan.id_masked, c.name, cert.number):
        assert fact in text, fact
    assert lan.id_number not in text
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="lifelong_record")
    assert entry.person_id == lan.pk and entry.actor == user


def test_an_officer_cannot_take_over_an_account_through_a_roster_line_they_typed(
    client, lu, wei, huang, school, class_factory, person_factory
):
    """An officer who knows someone's ID number and name puts them on a draft roster: no
    code, no password, no reset comes of it, and the person's account stays theirs."""
    from skillaid.people import own_account
    from tests.conftest import LONGAN

    victim = person_factory(name="黄丽", county=LONGAN)
    user, _ = own_account.account_open_by_staff(actor=huang, person=victim)
    before = user.password
    draft = class_factory(lu, trainees=[victim], approve=False)
    line = draft.enrolments.get()
    with pytest.raises(ValidationError, match="初始密码只能由本人户籍所在县"):
        own_account.account_reset_by_staff(actor=lu, person=victim, via_obj=line)
    with pytest.raises(ValidationError, match="批准后"):
        own_account.code_issue(actor=lu, person=victim, via_obj=line)
    with pytest.raises(ValidationError, match="批准后"):
        own_account.codes_issue_for_roster(actor=lu, lines=[line])
    # Nor the clerk of the county where the class is held, for a person of another county.
    with pytest.raises(ValidationError, match="初始密码只能由本人户籍所在县"):
        own_account.account_reset_by_staff(actor=wei, person=victim, via_obj=line)
    client.force_login(lu)
    page = client.get(reverse("roster_accounts", args=[draft.pk])).content.decode()
    assert "培训班经县（区）人社局批准后" in page and 'id="issue-slips"' not in page
    user.refresh_from_db()
    assert user.password == before
    assert not AccountCode.objects.filter(person=victim).exists()
    assert PersonAccount.objects.get(person=victim).user == user
