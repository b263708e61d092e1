"""The referral pages and API: a clerk refers from a seeker's suggestions and sees the
count rise; the short list and its export; an employer's own account sees only the
referrals made to it, with masked ID numbers, and answers only those."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from python_calamine import CalamineWorkbook

from skillaid.accounts.apitokens import ApiToken
from skillaid.employment.models import EmployerAccount, Referral, ReferralOutcome
from skillaid.employment.referrals import referral_record
from tests.conftest import LONGAN, MASHAN, make_user
from tests.employment import factories as f
from tests.employment import fixtures_referrals as fx

pytestmark = pytest.mark.django_db

referral_rule = fx.referral_rule
ON = fx.TODAY


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def seeker(person_factory):
    person = person_factory(name="蓝海燕")
    row = f.seeker(person, trained_on=dt.date(2026, 5, 20))
    row.occupations.set([f.occupation()])
    return row


def account(name: str, employer_row, role: str = "employer"):
    user = make_user(name, role, None, employer_row.name)
    EmployerAccount.objects.create(user=user, employer=employer_row)
    return user


def test_a_clerk_refers_from_the_suggestions_and_the_count_rises(
    referral_rule, client, wei, seeker
):
    job = f.posting(f.employer(region=MASHAN), region=MASHAN)
    client.force_login(wei)
    url = reverse("employment_suggestions", args=[seeker.pk])
    page = client.get(url).content.decode()
    assert '本轮已推荐 <strong id="referral-count-value">0</strong> 个岗位' in page
    assert "尚需推荐 3 个" in page
    assert "求职意向职业；工作地在本县；仍在招" in page
    answer = client.post(url, {"posting": job.pk, "fit": "求职意向职业；工作地在本县；仍在招"})
    assert answer.status_code == 302
    page = client.get(url).content.decode()
    assert '本轮已推荐 <strong id="referral-count-value">1</strong> 个岗位' in page
    assert Referral.objects.get().fit == "求职意向职业；工作地在本县；仍在招"
    # Referred once: the posting leaves the suggestions, and a second post is refused.
    assert f'data-posting="{job.pk}"' not in page
    again = client.post(url, {"posting": job.pk})
    assert "同一岗位只推荐一次" in again.content.decode()


def test_another_countys_seeker_is_a_404(referral_rule, client, huang, seeker):
    client.force_login(huang)
    assert client.get(reverse("employment_suggestions", args=[seeker.pk])).status_code == 404


def test_a_region_without_the_rule_says_so(regions, client, wei, seeker):
    client.force_login(wei)
    page = client.get(reverse("employment_suggestions", args=[seeker.pk])).content.decode()
    assert "本地区未设定推介岗位数规则" in page
    short = client.get(reverse("employment_short")).content.decode()
    assert "本地区未设定推介岗位数规则" in short


def test_the_short_list_and_its_export_mask_id_numbers(referral_rule, client, wei, seeker):
    client.force_login(wei)
    page = client.get(reverse("employment_short")).content.decode()
    assert "蓝海燕" in page and seeker.person.id_masked in page
    assert 'class="needed">3<' in page
    answer = client.get(reverse("employment_short") + "?format=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(answer.streaming_content)))
    sheet = rows.get_sheet_by_index(0).to_python()
    assert sheet[1][:2] == ["姓名", "身份证号"]
    assert sheet[2][1] == seeker.person.id_masked and "*" in sheet[2][1]
    assert sheet[2][-1] == 3


def test_an_employer_sees_only_referrals_to_it_and_answers_only_those(
    referral_rule, client, wei, seeker, person_factory
):
    mine_unit = f.employer("马山县食品厂", region=MASHAN)
    other_unit = f.employer("隆安县建材公司", region=LONGAN)
    mine = referral_record(
        actor=wei, channel="page", seeker=seeker, posting=f.posting(mine_unit), on=ON
    )
    other = referral_record(
        actor=wei, channel="page", seeker=seeker, posting=f.posting(other_unit), on=ON
    )
    boss = account("shipin", mine_unit)
    client.force_login(boss)
    page = client.get(reverse("employment_referrals")).content.decode()
    assert f'href="{reverse("employment_referral", args=[mine.pk])}"' in page
    assert f'href="{reverse("employment_referral", args=[other.pk])}"' not in page
    assert seeker.person.id_masked in page
    assert client.get(reverse("employment_referral", args=[other.pk])).status_code == 404
    refused = client.post(
        reverse("employment_referral", args=[other.pk]), {"outcome": "hired", "on": "2026-06-15"}
    )
    assert refused.status_code == 404
    # The seekers' pages stay closed to it.
    assert client.get(reverse("employment_suggestions", args=[seeker.pk])).status_code == 403
    done = client.post(
        reverse("employment_referral", args=[mine.pk]),
        {"outcome": "declined_employer", "on": "2026-06-15", "reason": ""},
    )
    assert "须说明原因" in done.content.decode()
    client.post(
        reverse("employment_referral", args=[mine.pk]),
        {"outcome": "hired", "on": "2026-06-15"},
    )
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.outcome, other.outcome) == (ReferralOutcome.HIRED, ReferralOutcome.PENDING)
    seeker.refresh_from_db()
    assert seeker.statuses.get().confirmed_by == "employer"


def test_an_agency_answers_the_referrals_to_postings_it_posted(referral_rule, client, wei, seeker):
    unit = f.employer("马山县食品厂", region=MASHAN)
    broker = f.agency()
    referral = referral_record(
        actor=wei, channel="page", seeker=seeker, posting=f.posting(unit, agency=broker), on=ON
    )
    client.force_login(account("broker", broker, role="agency"))
    client.post(
        reverse("employment_referral", args=[referral.pk]),
        {"outcome": "interview", "on": "2026-06-15"},
    )
    referral.refresh_from_db()
    assert referral.outcome == ReferralOutcome.INTERVIEW


def test_the_api_round_trip(referral_rule, client, wei, huang, seeker):
    job = f.posting(f.employer(region=MASHAN), region=MASHAN)
    _, token = ApiToken.issue(user=wei, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    found = client.get(f"/api/employment/seekers/{seeker.pk}/suggestions", **auth).json()
    assert [s["posting_id"] for s in found] == [job.pk]
    assert found[0]["reasons"][0] == "求职意向职业"
    short = client.get("/api/employment/short", **auth).json()
    assert [(s["seeker_id"], s["needed"]) for s in short] == [(seeker.pk, 3)]
    made = client.post(
        "/api/employment/referrals",
        {"seeker_id": seeker.pk, "posting_id": job.pk, "fit": "求职意向职业"},
        content_type="application/json",
        **auth,
    )
    assert made.status_code == 201, made.content
    referral = made.json()
    assert referral["outcome"] == "pending" and "*" in referral["id_masked"]
    again = client.post(
        "/api/employment/referrals",
        {"seeker_id": seeker.pk, "posting_id": job.pk},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 422 and "只推荐一次" in again.json()["detail"]["posting"]
    listed = client.get("/api/employment/referrals?open=true", **auth).json()
    assert [r["id"] for r in listed] == [referral["id"]]
    refused = client.patch(
        f"/api/employment/referrals/{referral['id']}",
        {"outcome": "declined_seeker"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422 and "原因" in refused.json()["detail"]["reason"]
    answered = client.patch(
        f"/api/employment/referrals/{referral['id']}",
        {"outcome": "hired", "on": "2026-06-15"},
        content_type="application/json",
        **auth,
    )
    assert answered.json()["outcome"] == "hired"
    _, other = ApiToken.issue(user=huang, name="test")
    outside = {"HTTP_AUTHORIZATION": f"Bearer {other}"}
    assert client.get(f"/api/employment/referrals/{referral['id']}", **outside).status_code == 404
    assert (
        client.patch(
            f"/api/employment/referrals/{referral['id']}",
            {"outcome": "interview"},
            content_type="application/json",
            **outside,
        ).status_code
        == 404
    )
    assert (
        client.get(f"/api/employment/seekers/{seeker.pk}/suggestions", **outside).status_code == 404
    )


def test_the_sections_on_the_seeker_and_employer_pages(referral_rule, rf, wei, huang, seeker):
    from skillaid.accounts.sections import sections

    unit = f.employer("马山县食品厂", region=MASHAN)
    referral_record(actor=wei, channel="page", seeker=seeker, posting=f.posting(unit), on=ON)
    request = rf.get("/")
    request.user = wei
    (html,) = [s for s in sections("seeker_detail", request, seeker) if "seeker-referrals" in s]
    assert "本轮已推荐 <strong>1</strong> 个岗位" in html and "尚需推荐 2 个" in html
    assert reverse("employment_suggestions", args=[seeker.pk]) in html
    request.user = huang
    assert not [s for s in sections("seeker_detail", request, seeker) if "seeker-referrals" in s]
    request.user = account("shipin", unit)
    (html,) = [s for s in sections("employer_home", request, unit) if "employer-referrals" in s]
    assert "待本单位反馈的推荐（1）" in html and seeker.person.id_masked in html
