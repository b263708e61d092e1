"""A class's claim lines, computed when it closes: rules, amounts, limits and holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from skillaid.subsidies.models import Claim, ClaimLine, Hold, LineStatus, RuleKind
from skillaid.training.attendance import attendance_flag_settle
from skillaid.training.models import Attendance
from tests.subsidies.fixtures import at, attend
from tests.training.fixtures import complete

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded_rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


def lines_of(c, person) -> dict[str, ClaimLine]:
    return {
        line.kind: line for line in ClaimLine.objects.filter(claim__training_class=c, person=person)
    }


def test_closing_a_class_computes_each_trainees_lines(lu, school, run_class, person_factory):
    full = person_factory(category="脱贫户", name="蓝海燕")
    short = person_factory(category="脱贫户", name="覃海")
    failed = person_factory(category="脱贫户", name="黄小梅")
    c = run_class(lu, attended={full: 5, short: 3, failed: 5}, passed={failed: False})

    claim = Claim.objects.get(training_class=c)
    assert claim.status == "draft" and claim.institution_id == lu.institution_id

    got = lines_of(c, full)
    training = got[RuleKind.TRAINING]
    assert (training.status, training.amount, training.rate) == (
        "due",
        Decimal("1200.00"),
        Decimal("1200.00"),
    )
    assert (
        training.rule.rule.code == "national-catalogue-training-subsidy"
        and training.rule.number == 1
    )
    assert training.enrolment.person == full and training.payee == "trainee"
    assert training.evidence["days"] == 5 and training.evidence["attended"] == 5
    # Guangxi's living allowance goes with project-based training only (003 四（十）).
    assert RuleKind.LIVING not in got

    low = lines_of(c, short)[RuleKind.TRAINING]
    assert low.status == "refused" and low.amount == 0
    assert "出勤率60.0%" in low.reason and "80%" in low.reason
    assert low.limit.rule.code == "limit-attendance-threshold"

    assert lines_of(c, failed)[RuleKind.TRAINING].reason == "考核不合格"
    assert claim.total_due == Decimal("1200.00")


def test_the_same_occupation_and_level_is_paid_once_across_institutions(
    lu, rival, school, run_class, person_factory
):
    person = person_factory(category="脱贫户")
    first = run_class(lu, attended={person: 2}, count=2)
    paid_line = lines_of(first, person)[RuleKind.TRAINING]
    with at(first.closed_moment + dt.timedelta(days=1)):
        second = run_class(rival, attended={person: 2}, count=2, name="隆安县家政服务员培训班")
    again = lines_of(second, person)[RuleKind.TRAINING]
    assert again.status == "refused" and again.blocked_by_id == paid_line.pk
    assert again.limit.rule.code == "limit-once-per-occupation-level"
    assert f"第{paid_line.pk}号" in again.reason


def test_a_flagged_sign_in_holds_the_line_until_the_county_settles_it(
    lu, wei, school, class_factory, person_factory
):
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝一", "蓝二", "蓝三")]
    c = class_factory(lu, trainees=people, count=1)
    session = c.sessions.get()
    for p in people:
        attend(session, p, device="same-phone")
    assert Attendance.objects.exclude(flag="").exists()
    with at(session.ends_at + dt.timedelta(hours=1)):
        complete(lu, c, {p: True for p in people})
        from skillaid.training import classes

        classes.class_close(actor=lu, training_class=c)
    held = lines_of(c, people[0])[RuleKind.TRAINING]
    assert held.status == LineStatus.HELD and held.hold == Hold.FLAGGED_SIGNIN
    assert held.amount == Decimal("1200.00") and "待县（区）人社部门核查" in held.reason

    # The county finds the first trainee's sign-in untrue: no attendance, nothing due.
    for record in Attendance.objects.filter(person=people[0]).exclude(flag=""):
        attendance_flag_settle(actor=wei, record=record, outcome="cleared", reason="本人未到场")
    for record in Attendance.objects.filter(person=people[1]).exclude(flag=""):
        attendance_flag_settle(actor=wei, record=record, outcome="confirmed", reason="核实到场")
    cleared = lines_of(c, people[0])[RuleKind.TRAINING]
    assert cleared.status == "refused" and "出勤率" in cleared.reason
    confirmed = lines_of(c, people[1])[RuleKind.TRAINING]
    assert (
        confirmed.status == "due"
        and confirmed.hold == ""
        and confirmed.amount == Decimal("1200.00")
    )
    assert lines_of(c, people[2])[RuleKind.TRAINING].status == LineStatus.HELD


def test_a_workshop_project_pays_per_day_to_its_cap_and_the_living_allowance_per_day(
    workshop, run_class, person_factory
):
    """Guangxi 003 四（十）: 200 yuan a person-day, at most 1,000 a time, to the workshop;
    50 yuan a day of living allowance to the trainee, during project-based training."""
    officer, craft = workshop
    person = person_factory(category="脱贫户")
    failed = person_factory(category="脱贫户", name="覃海")
    c = run_class(
        officer,
        attended={person: 6, failed: 6},
        passed={failed: False},
        count=6,
        occupation=craft.pk,
        level="none",
    )
    got = lines_of(c, person)
    assert RuleKind.TRAINING not in got  # the project rule takes the class's subsidy
    project = got[RuleKind.PROJECT]
    assert project.rule.rule.code == "gx-workshop-project-training"
    assert (project.units, project.rate, project.cap, project.amount) == (
        Decimal("6"),
        Decimal("200.00"),
        Decimal("1000.00"),
        Decimal("1000.00"),
    )
    assert project.payee == "enterprise" and project.payee_name == officer.institution.name
    assert "按单次上限1000.00元" in project.reason
    living = got[RuleKind.LIVING]
    assert (living.amount, living.payee_name) == (Decimal("300.00"), person.name)
    # Failing the assessment stops the project subsidy, and the living allowance with it.
    theirs = lines_of(c, failed)
    assert theirs[RuleKind.PROJECT].reason == "考核不合格"
    assert theirs[RuleKind.LIVING].status == "refused"
    assert "随项目制培训补贴发放" in theirs[RuleKind.LIVING].reason


def test_a_school_is_never_paid_a_workshops_subsidy(
    lu, school, run_class, person_factory, workshop
):
    """The workshop rule pays an enterprise: a school's class of the same craft gets the
    catalogue's standard instead, and no living allowance."""
    _, craft = workshop
    from tests.training.fixtures import list_school

    list_school(lu.institution, craft, level="none")
    person = person_factory(category="脱贫户")
    c = run_class(lu, attended={person: 2}, count=2, occupation=craft.pk, level="none")
    got = lines_of(c, person)
    assert set(got) == {RuleKind.TRAINING} and got[RuleKind.TRAINING].amount == Decimal("800.00")


def test_attendance_just_below_the_threshold_is_below_it(lu, school, run_class, person_factory):
    """79.95% shows as 80.0% but is below 80%."""
    from skillaid.subsidies.claims import Trainee

    t = Trainee(enrolment=None, sessions=2000, attended=1599)
    assert t.rate == Decimal("80.0") and t.exact_rate < 80


def test_a_hand_mark_holds_the_line_until_the_county_checks_it(
    lu, wei, school, class_factory, person_factory
):
    from skillaid.training import classes
    from skillaid.training.attendance import attendance_sign

    person = person_factory(category="脱贫户")
    c = class_factory(lu, trainees=[person], count=1)
    session = c.sessions.get()
    with at(session.ends_at + dt.timedelta(minutes=30)):
        for direction in ("in", "out"):
            attendance_sign(
                session=session,
                direction=direction,
                method="manual",
                person=person,
                by=lu,
                reason="手机没电，教师核对身份证",
            )
        complete(lu, c, {person: True})
        classes.class_close(actor=lu, training_class=c)
    line = lines_of(c, person)[RuleKind.TRAINING]
    assert line.status == "held" and "有2条签到待县（区）人社部门核查" in line.reason
    for record in Attendance.objects.filter(person=person):
        attendance_flag_settle(
            actor=wei, record=record, outcome="confirmed", reason="核对签到表属实"
        )
    line.refresh_from_db()
    assert line.status == "due" and line.amount == Decimal("1200.00")


def test_lines_computed_side_by_side_are_checked_again_when_submitted(
    lu, rival, school, run_class, person_factory
):
    """Two classes closing at once each miss the other's lines; the submission checks the
    limits again and the later line gives way to the earlier."""
    from skillaid.accounts.review import review_move

    person = person_factory(category="脱贫户")
    first = run_class(lu, attended={person: 2}, count=2)
    with at(first.closed_moment + dt.timedelta(days=1)):
        second = run_class(rival, attended={person: 2}, count=2, name="隆安县家政服务员培训班")
    earlier = lines_of(first, person)[RuleKind.TRAINING]
    later = lines_of(second, person)[RuleKind.TRAINING]
    # As if computed in the same instant: the later line was let through.
    ClaimLine.objects.filter(pk=later.pk).update(
        status="due", amount=Decimal("1200.00"), reason="", blocked_by=None, limit=None
    )
    claim = Claim.objects.get(training_class=second)
    review_move(claim, "submitted", actor=rival)
    later.refresh_from_db()
    assert later.status == "refused" and later.blocked_by_id == earlier.pk
    earlier.refresh_from_db()
    assert earlier.status == "due"


def test_the_lifelong_record_lists_the_claim_lines(lu, school, run_class, person_factory):
    from skillaid.evaluation.record import lifelong_record

    person = person_factory(category="脱贫户")
    run_class(lu, attended={person: 2}, count=2)
    claimed = [ev for ev in lifelong_record(person) if ev.kind == "补贴申领"]
    assert [ev.result for ev in claimed] == ["应发 1200.00元"]
    assert claimed[0].what == "职业培训补贴（家政服务员·五级/初级工）"


def test_a_draft_computed_again_keeps_its_line_numbers_even_when_another_line_names_one(
    client, lu, rival, school, run_class, person_factory
):
    person = person_factory(category="脱贫户")
    first = run_class(lu, attended={person: 2}, count=2)
    with at(first.closed_moment + dt.timedelta(days=1)):
        second = run_class(rival, attended={person: 2}, count=2, name="隆安县家政服务员培训班")
    kept = lines_of(first, person)[RuleKind.TRAINING]
    assert lines_of(second, person)[RuleKind.TRAINING].blocked_by_id == kept.pk
    client.force_login(lu)
    claim = Claim.objects.get(training_class=first)
    page = client.post(f"/claims/{claim.pk}/recompute/", follow=True).content.decode()
    assert "已按现行规则和最新考勤重新计算补贴明细" in page
    again = lines_of(first, person)[RuleKind.TRAINING]
    assert again.pk == kept.pk and again.status == "due" and again.amount == Decimal("1200.00")
