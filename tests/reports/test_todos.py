"""The to-do providers each app registers for the desk (accounts.desk): each counts exactly
its items, within the user's scope (another county's items are never counted), and links
to the list of those items."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from skillaid.accounts.jobs import Job, JobState
from skillaid.accounts.review import review_move
from skillaid.employment.models import EmploymentStatus
from skillaid.pairings.models import Pairing, PairingSummary, SummaryPeriod
from skillaid.subsidies.models import Claim, ClaimState
from skillaid.training.classes import class_declare, class_review
from skillaid.training.models import ClassStatus
from tests.conftest import LONGAN, MASHAN
from tests.employment import factories
from tests.employment.fixtures_followups import open_referral_followup, seeded_rules  # noqa: F401
from tests.reports.desk_helpers import items
from tests.students.factories_care import at, enrol, youth

pytestmark = pytest.mark.django_db


def count(user, label: str) -> int:  # noqa: ANN001
    return items(user).get(label, (0, ""))[0]


# --- training ------------------------------------------------------------------------------


def test_declared_classes_wait_for_their_countys_clerk_only(
    client, wei, huang, liang, lu, school, class_factory
):
    c = class_factory(lu, approve=False)
    assert count(wei, "个培训班待审核开班") == 0
    class_declare(actor=lu, training_class=c)
    assert items(wei, "培训")["个培训班待审核开班"] == (1, "/classes/?status=declared")
    assert count(liang, "个培训班待审核开班") == 1  # the city above it
    assert count(huang, "个培训班待审核开班") == 0  # another county
    assert count(lu, "个培训班待审核开班") == 0  # the officer does not review
    client.force_login(wei)
    page = client.get("/classes/?status=declared").content.decode()
    assert c.name in page


def test_a_returned_class_waits_for_its_schools_officer(lu, rival, wei, school, class_factory):
    c = class_factory(lu, approve=False)
    class_declare(actor=lu, training_class=c)
    class_review(actor=wei, training_class=c, decision="return", note="课程表不全")
    assert items(lu)["个培训班被退回，待修改后重新申报"] == (1, "/classes/?status=returned")
    assert count(rival, "个培训班被退回，待修改后重新申报") == 0


def test_a_class_whose_sessions_ended_waits_for_completion(
    client, lu, rival, school, class_factory, person_factory
):
    c = class_factory(lu, trainees=[person_factory(category="脱贫户")])
    last = c.sessions.order_by("-ends_at").first()
    label = "个培训班课程已结束，待登记结业"
    assert count(lu, label) == 0
    with time_machine.travel(last.ends_at + dt.timedelta(hours=1), tick=False):
        assert items(lu)[label] == (1, "/classes/?step=completion")
        assert count(rival, label) == 0
        client.force_login(lu)
        page = client.get("/classes/?step=completion").content.decode()
        assert c.name in page and "仅列出课程已结束、待登记结业的培训班" in page
    assert c.status == ClassStatus.APPROVED


# --- subsidies -----------------------------------------------------------------------------


@pytest.fixture
def claim(seeded_rules, lu, school, run_class, person_factory):  # noqa: F811
    a = person_factory(category="脱贫户", name="蓝海燕")
    c = run_class(lu, attended={a: 2}, count=2)
    return Claim.objects.get(training_class=c)


def test_a_submitted_claim_waits_at_the_countys_step_and_a_returned_one_for_its_officer(
    client, claim, lu, wei, huang, liang
):
    label = "份补贴申领待您审核"
    review_move(claim, ClaimState.SUBMITTED, actor=lu)
    assert items(wei)[label] == (1, "/review/?kind=subsidies.claim")
    assert count(huang, label) == 0 and count(liang, label) == 0  # not their county, step
    client.force_login(wei)
    page = client.get("/review/?kind=subsidies.claim").content.decode()
    assert "补贴申领审核（1 项）" in page and "培训班开班审核" not in page
    review_move(claim, ClaimState.RETURNED, actor=wei, reason="花名册缺签字")
    assert count(wei, label) == 0
    returned = "份补贴申领被退回，待修改后重新提交"
    assert items(lu)[returned] == (1, "/claims/?status=returned")
    assert count(huang, returned) == 0


# --- students ------------------------------------------------------------------------------


def test_last_months_monitoring_missing_waits_for_the_school(person_factory, lu, rival):
    enrol(youth(person_factory, name="蓝小燕"), lu.institution, dt.date(2025, 9, 1))
    enrol(youth(person_factory, name="韦小明"), lu.institution, dt.date(2025, 9, 1))
    label = "名学生2026年3月的每月监测未记录"
    with time_machine.travel(at(dt.date(2026, 4, 5)), tick=False):
        assert items(lu)[label] == (2, "/monitoring/?month=2026-03#missing")
        assert label not in items(rival)


# --- employment ----------------------------------------------------------------------------


def test_followups_overdue_and_due_this_week_count_the_countys_own(
    seeded_rules,  # noqa: F811
    wei,
    huang,
    person_factory,
):
    with time_machine.travel(dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC), tick=False):
        mine = factories.seeker(person_factory(name="蓝海燕"), status=EmploymentStatus.UNKNOWN)
        theirs = factories.seeker(
            person_factory(name="黄一", county=LONGAN), status=EmploymentStatus.UNKNOWN
        )
        due = open_referral_followup(mine, dt.date(2026, 8, 1)).due_on
        open_referral_followup(theirs, dt.date(2026, 8, 1))
    with time_machine.travel(dt.datetime.combine(due, dt.time(2), dt.UTC), tick=False):
        week = items(wei)["人本周应回访"]
        assert week == (1, "/employment/followups/#week")
        assert count(wei, "人就业回访已逾期") == 0
    later = due + dt.timedelta(days=3)
    with time_machine.travel(dt.datetime.combine(later, dt.time(2), dt.UTC), tick=False):
        assert items(wei)["人就业回访已逾期"] == (1, "/employment/followups/#overdue")
        assert count(huang, "人就业回访已逾期") == 1  # 隆安县's own, not 马山县's
        assert count(wei, "人本周应回访") == 0


# --- pairings ------------------------------------------------------------------------------


def listed(client, user, url: str) -> str:  # noqa: ANN001
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def half_year_summary(pairing: Pairing, on: dt.date) -> PairingSummary:
    return PairingSummary.objects.create(
        pairing=pairing, year=2026, period=SummaryPeriod.HALF_YEAR, text="半年总结", submitted_on=on
    )


def test_summaries_falling_due_or_overdue_wait_for_the_paired_school(client, lu, rival, school):
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC), tick=False):
        pairing = Pairing.objects.create(school=lu.institution, county_id=MASHAN)
        done = Pairing.objects.create(school=lu.institution, county_id=LONGAN)
        half_year_summary(done, dt.date(2026, 1, 5))  # sent early: owes nothing
        assert count(lu, "份结对工作总结30天内到期") == 0
    with time_machine.travel(dt.datetime(2026, 6, 10, 2, tzinfo=dt.UTC), tick=False):
        found = items(lu)
        assert found["份结对工作总结30天内到期"] == (1, "/pairings/?summary=due")
        assert "份结对工作总结已逾期未报送" not in found
        assert count(rival, "份结对工作总结30天内到期") == 0
        # The link lists exactly the pairing that owes it, not every active pairing.
        page = listed(client, lu, "/pairings/?summary=due")
        assert "技工院校结对帮扶（共 1 对）" in page and "马山县" in page
        assert "隆安县" not in page
        assert "（共 0 对）" in listed(client, lu, "/pairings/?summary=overdue")
        assert "（共 2 对）" in listed(client, lu, "/pairings/?summary=nonsense")
    with time_machine.travel(dt.datetime(2026, 7, 2, 2, tzinfo=dt.UTC), tick=False):
        assert count(lu, "份结对工作总结已逾期未报送") == 1
        assert items(lu)["份结对工作总结已逾期未报送"][1] == "/pairings/?summary=overdue"
        page = listed(client, lu, "/pairings/?summary=overdue")
        assert "（共 1 对）" in page and "马山县" in page
        half_year_summary(pairing, dt.date(2026, 7, 2))
        assert count(lu, "份结对工作总结已逾期未报送") == 0


# --- accounts: jobs ------------------------------------------------------------------------


def test_jobs_finished_this_week_wait_for_their_owner_only(client, wei, huang):
    now = timezone.now()
    one = Job.objects.create(kind="ledger_import", owner=wei, state=JobState.DONE, finished_at=now)
    Job.objects.create(kind="ledger_import", owner=huang, state=JobState.RUNNING)
    label = "项导入或任务近7天已结束"
    assert items(wei)[label] == (1, f"/jobs/{one.pk}/")
    assert label not in items(huang)
    Job.objects.create(
        kind="ledger_import",
        owner=wei,
        state=JobState.FAILED,
        finished_at=now,
        error="文件无法读取",
    )
    assert items(wei)[label] == (2, "/jobs/?finished=1")
    Job.objects.create(
        kind="ledger_import", owner=wei, state=JobState.RUNNING, filename="进行中.xlsx"
    )
    page = listed(client, wei, "/jobs/?finished=1")
    assert "近7天已结束" in page and "文件无法读取" in page
    assert len(re.findall(r'href="/jobs/\d+/"', page)) == 2 and "进行中.xlsx" not in page
    assert "进行中.xlsx" in listed(client, wei, "/jobs/")  # all of their own, not only ended
    assert "文件无法读取" not in listed(client, huang, "/jobs/")  # another's jobs never
    with time_machine.travel(now + dt.timedelta(days=8)):
        assert label not in items(wei)
        assert "近7天没有结束的任务" in listed(client, wei, "/jobs/?finished=1")
