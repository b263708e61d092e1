"""Publishing a county's approved lines for its working days, and objections that hold a
line until a reviewer resolves them: the services, on the real calendar and real claims."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import AuditEntry
from skillaid.subsidies.models import (
    ClaimLine,
    Hold,
    LineStatus,
    ObjectionState,
    PolicyRule,
    PolicyRuleVersion,
    Publication,
)
from skillaid.subsidies.payable import payable_lines
from skillaid.subsidies.publication import (
    objection_raise,
    objection_resolve,
    publication_create,
    publication_period,
)
from tests.conftest import LONGAN, MASHAN
from tests.subsidies.fixtures import at, living_allowance_for_all_training
from tests.subsidies.publishing import approved_claim, local

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded(regions, work_calendar):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    living_allowance_for_all_training()


@pytest.fixture
def mashan_claim(run_class, lu, wei, liang, school, person_factory):
    """A 马山县 class of 2026-09 with two trainees who attended and one who did not,
    approved on 2026-09-18."""
    people = [
        person_factory(category="脱贫户", name=name) for name in ("蓝海燕", "覃小兰", "黄缺课")
    ]
    return approved_claim(
        run_class,
        officer=lu,
        checker=wei,
        approver=liang,
        attended={people[0]: 3, people[1]: 3, people[2]: 1},
        on=local(2026, 9, 1),
    )


PUBLISHED = local(2026, 9, 29)
DURING = local(2026, 10, 9)


def publish(actor, county: str = MASHAN, on: dt.datetime = PUBLISHED) -> Publication:  # noqa: ANN001
    with at(on):
        return publication_create(actor=actor, county=county, channel="page")


def object_to(publication, line, on: dt.datetime = DURING, **extra):  # noqa: ANN001, ANN201
    with at(on):
        return objection_raise(
            publication=publication,
            line_id=line.pk,
            text=extra.pop("text", "此人培训期间在外地打工，未实际参加培训"),
            ip=extra.pop("ip", "203.0.113.7"),
            **extra,
        )


# --- the period ------------------------------------------------------------------------


def test_a_period_over_national_day_counts_only_working_days_from_the_next_day():
    period = publication_period(MASHAN, dt.date(2026, 9, 29))
    # 9-30, then after the holiday of 10-1 to 10-7: 10-8, 10-9, the make-up Saturday 10-10
    # and Monday 10-12. Counted in calendar days it would have ended on 10-4.
    assert (period.starts_on, period.ends_on, period.working_days) == (
        dt.date(2026, 9, 29),
        dt.date(2026, 10, 12),
        5,
    )
    assert period.rule.rule.code == "limit-publication-days"


def test_a_period_over_the_spring_festival_counts_the_make_up_saturday():
    # Published on Friday 2026-02-13: Saturday 2-14 is a make-up working day, 2-15 to 2-23
    # are the holiday, then 2-24, 2-25, 2-26 and 2-27.
    period = publication_period(MASHAN, dt.date(2026, 2, 13))
    assert period.ends_on == dt.date(2026, 2, 27)


def test_the_day_of_publishing_does_not_count_even_when_it_is_a_working_day():
    # Monday 2026-11-02: five working days from Tuesday end on Monday 11-09.
    assert publication_period(MASHAN, dt.date(2026, 11, 2)).ends_on == dt.date(2026, 11, 9)


def test_the_number_of_days_is_the_rule_version_in_force_on_the_day_of_publishing():
    rule = PolicyRule.objects.get(code="limit-publication-days")
    seeded = rule.versions.get()
    PolicyRuleVersion.objects.create(
        rule=rule,
        number=seeded.number + 1,
        name="补贴发放前公示七个工作日",
        source_document="某省人社厅通知",
        valid_from=dt.date(2026, 11, 1),
        limit_value=Decimal("7"),
        limit_unit="工作日",
    )
    before = publication_period(MASHAN, dt.date(2026, 10, 30))
    after = publication_period(MASHAN, dt.date(2026, 11, 2))
    assert (before.working_days, before.rule.number) == (5, seeded.number)
    assert (after.working_days, after.rule.number) == (7, seeded.number + 1)
    assert after.ends_on == dt.date(2026, 11, 11)


def test_a_period_reaching_a_year_the_calendar_does_not_know_is_refused_plainly():
    with pytest.raises(ValidationError) as caught:
        publication_period(MASHAN, dt.date(2026, 12, 28))
    text = caught.value.messages[0]
    assert "2027年的法定节假日安排尚未录入" in text and "节假日安排" in text
    assert "2026-12-28" in text
    # Within the known year, the last days of December still count.
    assert publication_period(MASHAN, dt.date(2026, 12, 18)).ends_on == dt.date(2026, 12, 25)


# --- publishing --------------------------------------------------------------------------


def test_publishing_lists_the_countys_approved_due_lines_once(mashan_claim, wei):
    due = set(mashan_claim.lines.filter(status=LineStatus.DUE).values_list("pk", flat=True))
    refused = mashan_claim.lines.filter(status=LineStatus.REFUSED)
    assert len(due) == 4 and refused.exists()  # two trainees' training and living lines

    publication = publish(wei)

    assert set(publication.lines.values_list("pk", flat=True)) == due
    assert not refused.filter(publication__isnull=False).exists()
    assert (publication.starts_on, publication.ends_on) == (
        dt.date(2026, 9, 29),
        dt.date(2026, 10, 12),
    )
    assert publication.working_days == 5 and publication.county_id == MASHAN
    assert publication.title == "马山县职业技能培训补贴公示（2026年9月29日）"
    entry = AuditEntry.objects.get(object_type="subsidies.publication", object_id=publication.pk)
    assert entry.changes["lines"] == 4 and entry.changes["ends_on"] == "2026-10-12"

    with pytest.raises(ValidationError, match="没有待公示的补贴明细"):
        publish(wei, on=local(2026, 9, 30))


def test_a_claim_not_yet_approved_is_not_published(run_class, lu, wei, school, person_factory):
    person = person_factory(category="脱贫户")
    with at(local(2026, 9, 1)):
        run_class(lu, attended={person: 3}, count=3)
    with pytest.raises(ValidationError, match="没有待公示的补贴明细"):
        publish(wei)
    assert not Publication.objects.exists()


def test_publishing_into_an_unknown_year_is_refused_and_lists_nothing(mashan_claim, wei):
    with pytest.raises(ValidationError, match="2027年的法定节假日安排尚未录入"):
        publish(wei, on=local(2026, 12, 28))
    assert not Publication.objects.exists()
    assert not ClaimLine.objects.filter(publication__isnull=False).exists()


def test_another_countys_clerk_cannot_publish_a_county_outside_their_scope(mashan_claim, huang, lu):
    with pytest.raises(ValidationError, match="马山县不在您的管辖范围内"):
        publish(huang)
    with pytest.raises(PermissionDenied):
        publish(lu)  # an institution's officer publishes nothing
    assert not Publication.objects.exists()


def test_the_city_reviewer_publishes_a_county_of_the_city(mashan_claim, liang):
    assert publish(liang).county_id == MASHAN


# --- objections --------------------------------------------------------------------------


def test_an_objection_holds_the_line_and_payment_waits_until_it_is_dismissed(mashan_claim, wei):
    publication = publish(wei)
    lines = list(publication.lines.order_by("id"))
    target = lines[0]
    # Nothing is payable while the period runs; all of it the day after it ends.
    assert not payable_lines(dt.date(2026, 10, 12)).exists()
    assert set(payable_lines(dt.date(2026, 10, 13))) == set(lines)

    objection = object_to(publication, target, contact_name="李群众", contact_phone="0771-1234567")

    target.refresh_from_db()
    assert objection.state == ObjectionState.OPEN and objection.ip == "203.0.113.7"
    assert (target.status, target.hold) == (LineStatus.HELD, Hold.OBJECTION)
    assert set(payable_lines(dt.date(2026, 10, 13))) == set(lines[1:])

    with at(local(2026, 10, 14)):
        objection_resolve(
            actor=wei,
            objection=objection,
            upheld=False,
            reason="经查培训班考勤和实训照片，本人全程参训，异议不成立",
            channel="page",
        )
    target.refresh_from_db()
    objection.refresh_from_db()
    assert (target.status, target.hold) == (LineStatus.DUE, "")
    assert objection.state == ObjectionState.DISMISSED and objection.resolved_by == wei
    assert target in payable_lines(dt.date(2026, 10, 14))
    logged = AuditEntry.objects.filter(object_type="subsidies.claimline", object_id=target.pk)
    assert [e.changes["status"][1] for e in logged.order_by("id")] == ["held", "due"]


def test_an_upheld_objection_refuses_the_line_naming_the_objection(mashan_claim, wei):
    publication = publish(wei)
    target = publication.lines.order_by("id").first()
    objection = object_to(publication, target)
    with at(local(2026, 10, 14)):
        objection_resolve(
            actor=wei,
            objection=objection,
            upheld=True,
            reason="经村委会和本人确认，培训期间在广东务工",
            channel="page",
        )
    target.refresh_from_db()
    assert target.status == LineStatus.REFUSED and target.hold == ""
    assert f"第{objection.pk}号异议成立" in target.reason and "广东务工" in target.reason
    assert target not in payable_lines(dt.date(2026, 12, 1))
    assert mashan_claim.total_due == sum(
        (x.amount for x in publication.lines.exclude(pk=target.pk)), Decimal("0.00")
    )
    with pytest.raises(ValidationError, match="该异议已处理"):
        objection_resolve(
            actor=wei, objection=objection, upheld=False, reason="再议", channel="page"
        )


def test_a_line_with_two_objections_waits_for_both(mashan_claim, wei):
    publication = publish(wei)
    target = publication.lines.order_by("id").first()
    first = object_to(publication, target, ip="203.0.113.7")
    second = object_to(publication, target, ip="198.51.100.9", text="出勤签到系他人代签")
    with at(local(2026, 10, 14)):
        objection_resolve(
            actor=wei, objection=first, upheld=False, reason="核实无误", channel="page"
        )
        target.refresh_from_db()
        assert target.status == LineStatus.HELD  # the second still holds it
        objection_resolve(
            actor=wei, objection=second, upheld=False, reason="签到为本人人脸识别", channel="page"
        )
    target.refresh_from_db()
    assert target.status == LineStatus.DUE


def test_a_dismissed_objection_does_not_revive_a_line_an_upheld_one_refused(mashan_claim, wei):
    publication = publish(wei)
    target = publication.lines.order_by("id").first()
    first = object_to(publication, target, ip="203.0.113.7")
    second = object_to(publication, target, ip="198.51.100.9")
    with at(local(2026, 10, 14)):
        objection_resolve(
            actor=wei, objection=first, upheld=True, reason="查实未参训", channel="page"
        )
        objection_resolve(
            actor=wei, objection=second, upheld=False, reason="已按前一异议处理", channel="page"
        )
    target.refresh_from_db()
    assert target.status == LineStatus.REFUSED


def test_resolving_needs_a_reason_and_the_countys_own_reviewer(mashan_claim, wei, huang, lu):
    publication = publish(wei)
    objection = object_to(publication, publication.lines.first())
    with pytest.raises(ValidationError, match="须填写处理说明"):
        objection_resolve(actor=wei, objection=objection, upheld=False, reason="  ", channel="page")
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        objection_resolve(actor=huang, objection=objection, upheld=True, reason="x", channel="page")
    with pytest.raises(PermissionDenied):
        objection_resolve(actor=lu, objection=objection, upheld=False, reason="x", channel="page")
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN


def test_an_objection_must_name_a_line_of_that_publication_and_say_why(
    mashan_claim, wei, run_class, lu, huang, liang, rival, person_factory
):
    publication = publish(wei)
    other_person = person_factory(county=LONGAN, category="脱贫户", name="隆安人")
    other = approved_claim(
        run_class,
        officer=lu,
        checker=huang,
        approver=liang,
        attended={other_person: 3},
        on=local(2026, 9, 1),
        county=LONGAN,
        reviewer=huang,
        name="隆安县家政服务员培训班",
    )
    publish(huang, county=LONGAN)
    foreign = other.lines.filter(status=LineStatus.DUE).first()
    with pytest.raises(ValidationError) as caught:
        object_to(publication, foreign)
    assert "请从本公示名单中选择" in caught.value.message_dict["line"][0]
    with pytest.raises(ValidationError) as caught:
        object_to(publication, publication.lines.first(), text="   ", contact_phone="call me")
    assert set(caught.value.message_dict) == {"text", "contact_phone"}
    foreign.refresh_from_db()
    assert foreign.status == LineStatus.DUE


def test_no_objection_is_taken_after_the_period(mashan_claim, wei):
    publication = publish(wei)
    with pytest.raises(ValidationError, match="公示已于2026-10-12结束"):
        object_to(publication, publication.lines.first(), on=local(2026, 10, 13))


def test_one_address_may_not_hold_a_whole_list(mashan_claim, wei, monkeypatch):
    from skillaid.subsidies import publication as service

    monkeypatch.setattr(service, "OBJECTIONS_PER_DAY", 2)
    publication = publish(wei)
    lines = list(publication.lines.order_by("id"))
    object_to(publication, lines[0])
    with pytest.raises(ValidationError, match="您已对该人员提出过异议"):
        object_to(publication, lines[0])
    object_to(publication, lines[1])
    with pytest.raises(ValidationError, match="24小时内最多提交2条异议"):
        object_to(publication, lines[2])
    assert lines[2].objections.count() == 0


def test_the_publish_command_previews_and_publishes_as_the_page_does(mashan_claim, wei):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    with at(PUBLISHED):
        call_command("publish", MASHAN, "--dry-run", "--user", "wei", stdout=out)
        assert "将公示4条明细" in out.getvalue() and "至2026-10-12止" in out.getvalue()
        assert not Publication.objects.exists()
        call_command("publish", MASHAN, "--user", "wei", stdout=out)
        assert "公示至2026-10-12" in out.getvalue()
        with pytest.raises(CommandError, match="没有待公示的补贴明细"):
            call_command("publish", MASHAN, "--user", "wei", stdout=out)
    assert Publication.objects.get().created_by == wei
