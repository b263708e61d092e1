"""The work list and the visit page, and the same through the API: a clerk records a visit,
the follow-up leaves the list, the seeker's status changes; another county gets a 404."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.accounts.models import ApiToken
from skillaid.employment.models import EmploymentStatus, FollowUp
from tests.conftest import LONGAN
from tests.employment import factories
from tests.employment.fixtures_followups import open_referral_followup, seeded_rules  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day(regions, seeded_rules):  # noqa: F811
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def overdue(person_factory):
    seeker = factories.seeker(person_factory(name="蓝海燕"), status=EmploymentStatus.UNKNOWN)
    return open_referral_followup(seeker, dt.date(2026, 8, 1))  # due 2026-11-01


def test_the_work_list_shows_the_overdue_one_with_its_days(client, wei, overdue):
    client.force_login(wei)
    page = client.get("/employment/followups/").content.decode()
    assert "已逾期 1" in page and "本周到期 0" in page
    assert "蓝海燕" in page and "逾期17天" in page and "岗位推荐后回访" in page
    assert overdue.seeker.person.id_masked in page
    assert "3 个月内回访（003 桂人社发〔2022〕7号 三（五））" in page


def test_recording_on_the_page_moves_it_off_the_list(client, wei, overdue):
    client.force_login(wei)
    url = f"/employment/followups/{overdue.pk}/"
    assert "登记回访" in client.get(url).content.decode()
    refused = client.post(url, {"on": "2026-11-18", "method": "", "status": "local"})
    assert "请选择回访方式" in refused.content.decode()
    response = client.post(
        url,
        {"on": "2026-11-18", "method": "phone", "status": "local", "employer_name": "马山县合作社"},
    )
    assert response.status_code == 302
    overdue.refresh_from_db()
    assert overdue.done_on == dt.date(2026, 11, 18)
    assert overdue.seeker.status == EmploymentStatus.LOCAL
    listed = client.get("/employment/followups/?group=overdue").content.decode()
    assert "已登记蓝海燕的回访" in listed
    assert "没有已逾期的回访任务" in listed and "已逾期 0" in listed
    assert "县内就业" in client.get(url).content.decode()


def test_a_page_without_a_rule_says_so(client, wei, overdue):
    from skillaid.subsidies.models import PolicyRule

    PolicyRule.objects.filter(code="gx-limit-followup-months").update(region_id="440000")
    client.force_login(wei)
    assert "未设定就业回访期限规则" in client.get("/employment/followups/").content.decode()


def test_another_county_gets_a_404_on_the_page_and_the_api(client, huang, overdue, lu):
    client.force_login(huang)
    assert client.get(f"/employment/followups/{overdue.pk}/").status_code == 404
    assert "蓝海燕" not in client.get("/employment/followups/").content.decode()
    assert client.get("/api/employment/followups?group=overdue", **bearer(huang)).json() == []
    body = {"on": "2026-11-18", "method": "phone", "status": "local"}
    response = client.post(
        f"/api/employment/followups/{overdue.pk}",
        body,
        content_type="application/json",
        **bearer(huang),
    )
    assert response.status_code == 404
    client.force_login(lu)
    assert client.get("/employment/followups/").status_code == 403


def test_the_api_lists_and_records_with_chinese_refusals(client, wei, overdue, person_factory):
    theirs = factories.seeker(person_factory(LONGAN, name="黄丽"))
    open_referral_followup(theirs, dt.date(2026, 8, 1))
    rows = client.get("/api/employment/followups?group=overdue", **bearer(wei)).json()
    assert [(r["name"], r["days_overdue"]) for r in rows] == [("蓝海燕", 17)]
    assert client.get("/api/employment/followups?group=x", **bearer(wei)).status_code == 422
    url = f"/api/employment/followups/{overdue.pk}"
    bad = client.post(
        url,
        {"on": "2026-07-01", "method": "phone", "status": "local"},
        content_type="application/json",
        **bearer(wei),
    )
    assert bad.status_code == 422 and "早于起算日期" in bad.json()["detail"]["on"]
    done = client.post(
        url,
        {"on": "2026-11-18", "method": "visit", "status": "outside"},
        content_type="application/json",
        **bearer(wei),
    ).json()
    assert (done["done_on"], done["status"]) == ("2026-11-18", "outside")
    assert FollowUp.objects.get(pk=overdue.pk).seeker.status == "outside"
    assert client.get("/api/employment/followups?group=overdue", **bearer(wei)).json() == []


def test_the_seeker_page_section_lists_open_and_done(rf, wei, overdue):
    from skillaid.accounts.sections import sections

    request = rf.get("/")
    request.user = wei
    html = "".join(sections("seeker_detail", request, overdue.seeker))
    assert "就业回访" in html and "2026-11-01" in html and "已逾期" in html
