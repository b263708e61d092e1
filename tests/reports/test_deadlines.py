"""Deadlines: the rules with their sources, the calendar of a scope with what is done,
overdue and upcoming, follow-ups counted per county, and falls-due notices recorded once."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.notices import Notice, NoticeKind
from skillaid.employment.models import FollowUp, FollowUpCause, Seeker, SeekerSource
from skillaid.pairings.models import Pairing, PairingSummary, SummaryPeriod
from skillaid.reports import deadlines
from skillaid.reports.models import DeadlineRule, Submission
from skillaid.subsidies.models import Publication
from tests.conftest import GUANGXI, LONGAN, MASHAN

pytestmark = pytest.mark.django_db

JULY = dt.date(2026, 7, 5)


@pytest.fixture
def rules(regions):
    deadlines.load_deadline_rules()
    return {r.code: r for r in DeadlineRule.objects.all()}


def mashan_pairing() -> Pairing:
    return Pairing.objects.get(county_id=MASHAN)


def test_rules_load_once_with_their_sources_and_keep_a_reviewers_edit(rules, qin):
    assert (
        rules["thousand_schools_progress"].month == 12
        and rules["thousand_schools_progress"].day == 15
    )
    assert "12月15日前" in rules["thousand_schools_progress"].source
    assert (rules["pairing_half_year"].month, rules["pairing_half_year"].day) == (6, 30)
    assert rules["pairing_half_year"].period == "H1"
    assert (rules["pairing_annual"].month, rules["pairing_annual"].day) == (12, 30)
    assert "4月底前" in rules["key_schools_publish"].source
    rule = rules["key_schools_publish"]
    deadlines.rule_update(
        actor=qin,
        rule=rule,
        data={
            "name": rule.name,
            "source": rule.source,
            "month": "4",
            "day": "28",
            "valid_from": "2019-01-01",
        },
    )
    assert deadlines.load_deadline_rules() == 0
    rule.refresh_from_db()
    assert rule.day == 28


def test_only_a_province_reviewer_edits_a_rule_and_a_bad_day_is_named(rules, qin, liang):
    rule = rules["pairing_half_year"]
    data = {
        "name": rule.name,
        "source": rule.source,
        "month": "2",
        "day": "30",
        "valid_from": "2022-02-22",
    }
    with pytest.raises(PermissionDenied, match="省级审核人员"):
        deadlines.rule_update(actor=liang, rule=rule, data=data)
    with pytest.raises(ValidationError) as exc:
        deadlines.rule_update(actor=qin, rule=rule, data=data)
    assert "2月没有30日" in exc.value.message_dict["day"][0]


def test_province_calendar_shows_overdue_per_region_and_what_is_done(rules, qin, pairings):
    pairing = mashan_pairing()
    PairingSummary.objects.create(
        pairing=pairing,
        year=2026,
        period=SummaryPeriod.HALF_YEAR,
        text="上半年培训120人次",
        submitted_on=dt.date(2026, 6, 28),
    )
    Submission.objects.create(
        report="key_schools", region_id=GUANGXI, year=2026, period="year", submitted_by=qin
    )
    items = deadlines.deadlines_for(qin, 2026, JULY)
    half = [i for i in items if i.rule and i.rule.code == "pairing_half_year"]
    assert len(half) == Pairing.objects.count()
    mashan = next(i for i in half if i.pairing == pairing)
    assert mashan.status == deadlines.DONE and mashan.date == dt.date(2026, 6, 30)
    longan = next(i for i in half if i.region_code == LONGAN)
    assert longan.status == deadlines.OVERDUE
    key = next(i for i in items if i.rule and i.rule.code == "key_schools_publish")
    assert key.status == deadlines.DONE and key.region_code == GUANGXI
    progress = next(i for i in items if i.rule and i.rule.code == "thousand_schools_progress")
    assert progress.status == deadlines.UPCOMING and progress.date == dt.date(2026, 12, 15)
    overdue = {o.region_code: o for o in deadlines.overdue_by_region(items)}
    assert LONGAN in overdue
    # Mashan's county pairing reported; its resettlement site's pairing has not.
    assert all(i.pairing.site_id for i in overdue[MASHAN].items)
    assert overdue[LONGAN].region_name == "隆安县"


def test_a_county_clerk_sees_their_countys_pairings_not_the_provinces_reports(rules, wei, pairings):
    items = deadlines.deadlines_for(wei, 2026, JULY)
    assert items and all(i.region_code == MASHAN for i in items)
    assert not any(i.rule and i.rule.reporter == "province" for i in items)


def test_follow_ups_are_counted_per_county_and_publications_listed(rules, wei, person_factory):
    person = person_factory()
    seeker = Seeker.objects.create(
        person=person,
        county_id=MASHAN,
        registered_on=dt.date(2026, 5, 1),
        source=SeekerSource.CLERK,
    )
    for due in (dt.date(2026, 7, 1), dt.date(2026, 7, 20)):
        FollowUp.objects.create(
            seeker=seeker,
            county_id=MASHAN,
            cause=FollowUpCause.REFERRAL,
            started_on=due - dt.timedelta(days=90),
            due_on=due,
        )
    Publication.objects.create(
        county_id=MASHAN,
        title="马山县2026年第3批培训补贴公示",
        starts_on=dt.date(2026, 7, 6),
        ends_on=dt.date(2026, 7, 10),
        working_days=5,
    )
    items = deadlines.deadlines_for(wei, 2026, JULY)
    follow = [i for i in items if i.kind == "followups"]
    assert len(follow) == 1
    assert (
        follow[0].count == 2
        and follow[0].overdue_count == 1
        and follow[0].status == deadlines.OVERDUE
    )
    assert "2 人" in follow[0].what and person.name not in follow[0].what
    pub = next(i for i in items if i.kind == "publication")
    assert pub.date == dt.date(2026, 7, 10) and pub.status == deadlines.UPCOMING


def test_falls_due_notices_go_to_those_responsible_once(rules, wei, huang, lu, qin, pairings):
    count = deadlines.deadlines_notify(today=dt.date(2026, 6, 23), actor=qin)
    assert count > 0
    mine = Notice.objects.filter(user=wei, kind=NoticeKind.DUE)
    # Mashan's two pairings: the county's and its resettlement site's.
    assert mine.count() == 2 and all("还有7天到期" in n.text for n in mine)
    assert {n.text.split("：")[1].split("（")[0] for n in mine} == {
        "广西南宁技师学院—马山县",
        "广西南宁技师学院—马山县城区合作安置区",
    }
    assert Notice.objects.filter(user=lu, kind=NoticeKind.DUE).exists()  # the paired school
    assert deadlines.deadlines_notify(today=dt.date(2026, 6, 23), actor=qin) == 0
    deadlines.deadlines_notify(today=dt.date(2026, 6, 30), actor=qin)
    assert (
        Notice.objects.filter(user=wei, kind=NoticeKind.DUE, text__contains="今天到期").count() == 2
    )
    assert not Notice.objects.filter(user=wei, kind=NoticeKind.DUE, text__contains="千校").exists()


def test_the_calendar_page_highlights_overdue_regions(rules, qin, client, pairings):
    client.force_login(qin)
    with time_machine.travel(dt.datetime(2026, 7, 5, 10, tzinfo=dt.UTC), tick=False):
        page = client.get("/reports/deadlines/?year=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="overdue-450123"' in text and "结对帮扶半年总结" in text
    assert "每年12月15日前" in text and 'id="edit-thousand_schools_progress"' in text


def test_the_calendar_page_refuses_a_school_officer_nothing_and_an_outsider(client, lu, rules):
    client.force_login(lu)
    assert client.get("/reports/deadlines/").status_code == 200


def test_a_province_reviewer_records_the_key_schools_published(rules, qin, huang, client):
    client.force_login(qin)
    rule = rules["key_schools_publish"]
    with time_machine.travel(dt.datetime(2026, 5, 5, 10, tzinfo=dt.UTC), tick=False):
        page = client.get("/reports/deadlines/?year=2026").content.decode()
        assert f'id="done-key_schools_publish-{GUANGXI}"' in page
        done = client.post(
            "/reports/submissions/", {"rule": rule.pk, "region": GUANGXI, "year": "2026"}
        )
        assert done.status_code == 302
        again = client.post(
            "/reports/submissions/", {"rule": rule.pk, "region": GUANGXI, "year": "2026"}
        )
        assert again.status_code == 400 and "已登记为已完成" in again.content.decode()
    key = next(i for i in deadlines.deadlines_for(qin, 2026, dt.date(2026, 5, 5)) if i.rule == rule)
    assert key.status == deadlines.DONE
    with pytest.raises(PermissionDenied):
        deadlines.deadline_done(actor=huang, rule=rule, region_code=GUANGXI, year=2026)


def test_the_rule_page_saves_a_change_and_names_a_bad_day(rules, qin, liang, client):
    rule = rules["thousand_schools_progress"]
    client.force_login(liang)
    assert client.get(f"/reports/deadlines/rules/{rule.pk}/").status_code == 403
    client.force_login(qin)
    data = {
        "name": rule.name,
        "source": rule.source,
        "month": "12",
        "day": "32",
        "valid_from": "2019-01-01",
        "valid_until": "",
    }
    bad = client.post(f"/reports/deadlines/rules/{rule.pk}/", data)
    assert bad.status_code == 200 and "应为 1 到 31 的数字" in bad.content.decode()
    saved = client.post(f"/reports/deadlines/rules/{rule.pk}/", {**data, "day": "10"})
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert rule.day == 10
