"""Notices recorded when something is returned or approved (the review mechanism, to the
makers), published and paid (to the claims' submitters), when a job ends (to its owner),
and when work falls due (`skillaid notices-due`, once each). Texts are Chinese, name the
record, and never carry a whole ID number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command

from skillaid.accounts.jobs import Job, job_run, register
from skillaid.accounts.notices import Notice, NoticeKind
from skillaid.accounts.review import review_move
from skillaid.employment.models import EmploymentStatus
from skillaid.pairings.models import Pairing
from skillaid.subsidies import payouts
from skillaid.subsidies.bank_results import import_bank_result
from skillaid.subsidies.models import Claim, ClaimLine, ClaimState
from skillaid.subsidies.publication import publication_create
from skillaid.training.classes import class_declare, class_review
from tests.conftest import MASHAN, make_user
from tests.employment import factories
from tests.employment.fixtures_followups import open_referral_followup
from tests.reports.desk_helpers import items
from tests.subsidies.payment_fixtures import *  # noqa: F403
from tests.subsidies.payment_fixtures import result_file

pytestmark = pytest.mark.django_db


def notices(user, kind: str = "") -> list[Notice]:  # noqa: ANN001
    rows = Notice.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_a_returned_class_and_an_approved_one_tell_the_officer_who_declared_them(
    lu, wei, school, class_factory
):
    c = class_factory(lu, approve=False, name="育婴员培训班")
    class_declare(actor=lu, training_class=c)
    assert notices(lu) == []
    class_review(actor=wei, training_class=c, decision="return", note="课程表不全")
    (returned,) = notices(lu, NoticeKind.RETURNED)
    assert returned.text.startswith("培训班育婴员培训班（广西南宁技师学院，马山县，")
    assert returned.text.endswith("：退回修改。原因：课程表不全")
    assert returned.url == f"/classes/{c.pk}/"
    assert notices(wei) == []  # the checker is told nothing of their own move
    class_declare(actor=lu, training_class=c)
    class_review(actor=wei, training_class=c, decision="approve", note="")
    (approved,) = notices(lu, NoticeKind.APPROVED)
    assert approved.text.endswith("：批准开班")


def test_a_claim_passed_to_the_next_level_tells_nobody_until_it_is_approved(
    lu, wei, liang, school, run_class, person_factory
):
    person = person_factory(category="脱贫户", name="蓝海燕")
    claim = Claim.objects.get(training_class=run_class(lu, attended={person: 5}))
    review_move(claim, ClaimState.SUBMITTED, actor=lu)
    review_move(claim, ClaimState.CHECKED, actor=wei)
    assert not any(n.text.startswith("补贴申领") for n in notices(lu))  # only the class's
    review_move(claim, ClaimState.APPROVED, actor=liang)
    (approved,) = [n for n in notices(lu, NoticeKind.APPROVED) if n.text.startswith("补贴申领")]
    assert "审批通过" in approved.text and approved.url == f"/claims/{claim.pk}/"
    assert person.id_number not in approved.text


def test_publishing_tells_the_claims_submitter(work_calendar, payable_class, lu, wei):
    c, claim, _ = payable_class(1)
    ClaimLine.objects.filter(claim=claim).update(publication=None)  # published by the page
    publication = publication_create(actor=wei, county=MASHAN, channel="page")
    (published,) = notices(lu, NoticeKind.PUBLISHED)
    assert f"{c.name}（申领编号{claim.pk}）的补贴明细已在马山县公示" in published.text
    assert f"公示期{publication.starts_on:%Y-%m-%d}至" in published.text
    assert published.url == f"/claims/{claim.pk}/"
    assert notices(wei, NoticeKind.PUBLISHED) == []


def test_the_banks_result_tells_the_submitter_once_the_batch_is_reconciled(
    payable_class, budget, lu, liang, tmp_path
):
    c, claim, (a, b) = payable_class(2)
    batch = payouts.batch_build(actor=liang, county=MASHAN, budget=budget(), channel="page")
    payouts.batch_lock(actor=liang, batch=batch, channel="page")
    payouts.batch_export_start(actor=liang, batch=batch)
    batch.refresh_from_db()
    row = {p.line.person_id: p.row for p in batch.payments.select_related("line")}
    path = Path(tmp_path) / "result.xlsx"
    amount = Decimal("1200.00")
    path.write_bytes(result_file([[row[a.pk], amount, "成功", ""]]))
    waiting = "个发放批次已生成银行文件，待导入银行结果"
    assert items(liang)[waiting] == (1, "/batches/?state=exported")
    assert waiting not in items(lu)
    import_bank_result(path, actor=liang, batch=batch)
    assert notices(lu, NoticeKind.PAID) == []  # one row still pending
    path.write_bytes(result_file([[row[b.pk], amount, "失败", "账户已销户"]]))
    import_bank_result(path, actor=liang, batch=batch)
    (paid,) = notices(lu, NoticeKind.PAID)
    assert waiting not in items(liang)  # reconciled: nothing waits
    assert paid.text == (
        f"{c.name}（申领编号{claim.pk}）的补贴已由银行发放：成功1笔，"
        "失败1笔（请核对收款账户后重新发放）"
    )
    assert paid.key == f"paid:batch:{batch.pk}"


def test_a_finished_job_tells_its_owner(wei, huang):
    from skillaid.accounts.jobs import Outcome

    register("desk_test", label="测试任务", run=lambda job, progress: Outcome(counts={"rows": 3}))
    done = Job.objects.create(kind="desk_test", owner=wei, filename="台账.xlsx")
    job_run(done.pk)
    (finished,) = notices(wei, NoticeKind.FINISHED)
    assert finished.text == "测试任务“台账.xlsx”已完成：数据行3"
    assert finished.url == f"/jobs/{done.pk}/"

    def fail(job, progress):  # noqa: ANN001, ANN202
        raise PermissionError("文件中有身份证号450124199506150011无法识别")

    register("desk_test", label="测试任务", run=fail)
    failed = Job.objects.create(kind="desk_test", owner=wei)
    job_run(failed.pk)
    text = Notice.objects.get(user=wei, url=f"/jobs/{failed.pk}/").text
    assert text.startswith("测试任务失败：") and "450124199506150011" not in text
    assert notices(huang) == []


def test_notices_due_records_followups_and_summaries_once(
    wei, huang, lu, school, person_factory, regions
):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    second = make_user("wei2", "county_clerk", MASHAN, "韦二")
    with time_machine.travel(dt.datetime(2026, 8, 1, 2, tzinfo=dt.UTC), tick=False):
        mine = factories.seeker(person_factory(name="蓝海燕"), status=EmploymentStatus.UNKNOWN)
        due = open_referral_followup(mine, dt.date(2026, 8, 1)).due_on
    with time_machine.travel(dt.datetime(2026, 1, 5, 2, tzinfo=dt.UTC), tick=False):
        Pairing.objects.create(school=lu.institution, county_id=MASHAN)
    call_command("notices_due", "--date", "2026-06-10", stdout=StringIO())
    (soon,) = notices(lu, NoticeKind.DUE)
    assert (
        soon.text == "广西南宁技师学院与马山县结对的2026年半年总结将于2026年6月30日到期，请按时报送"
    )
    call_command("notices_due", "--date", "2026-07-02", stdout=StringIO())
    texts = sorted(n.text for n in notices(lu, NoticeKind.DUE))
    assert any(t.endswith("2026年半年总结已于2026年6月30日到期，尚未报送") for t in texts)
    assert len(texts) == 2 and notices(huang) == []

    day = due - dt.timedelta(days=due.weekday())  # the Monday of the week it falls due
    out = StringIO()
    call_command("notices_due", "--date", day.isoformat(), stdout=out)
    assert "就业回访 2 条" in out.getvalue()  # both of 马山县's clerks
    (followup,) = notices(wei, NoticeKind.DUE)
    sunday = day + dt.timedelta(days=6)
    assert followup.text == f"马山县的就业回访：1人本周（{sunday.month}月{sunday.day}日前）应回访"
    assert "蓝海燕" not in followup.text
    assert len(notices(second, NoticeKind.DUE)) == 1 and notices(huang) == []
    call_command("notices_due", "--date", day.isoformat(), stdout=StringIO())
    assert len(notices(wei, NoticeKind.DUE)) == 1  # run again: nothing more


def test_serve_records_the_notices_of_work_falling_due_on_a_schedule(regions, settings):
    import threading
    from unittest import mock

    from skillaid.ops.management.commands import serve
    from skillaid.reports.tasks import due_notices_task

    assert settings.SKILLAID_DUE_NOTICES_HOURS == 6
    counts = due_notices_task.call()
    assert set(counts) == {"followups", "summaries", "deadlines"}
    assert due_notices_task.call() == {"followups": 0, "summaries": 0, "deadlines": 0}
    stop = threading.Event()
    with mock.patch.object(serve, "due_notices_task") as task:
        thread = serve.schedule_due_notices(stop, hours=6)
        stop.set()
        thread.join(timeout=30)
    task.enqueue.assert_called_once_with()
