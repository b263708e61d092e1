"""Placements (就业登记): who reports, who confirms (maker/checker), the status it records,
the one message an outside account gets for a person it cannot find, and scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.employment.models import EmploymentStatus, Seeker, StatusRecord
from skillaid.employment.placements import (
    NOT_FOUND,
    NOT_IN_SCOPE,
    PlacementFilters,
    placement_confirm,
    placement_end,
    placement_list,
    placements_visible_to,
)
from tests.conftest import new_id
from tests.employment import factories
from tests.employment.fixtures_placements import *  # noqa: F403
from tests.employment.fixtures_placements import LONGAN, agency_rule, confirm, report

pytestmark = pytest.mark.django_db


def test_an_agency_reports_a_placement_and_the_seeker_record_is_made(
    today, rules, agent, firm, worker
):
    assert not Seeker.objects.filter(person=worker).exists()
    p = report(agent.user, worker, firm)
    assert p.agency == agent and p.employer == firm and p.reported_by == agent.user
    assert p.seeker.person == worker and p.county_id == worker.county_id
    assert p.confirmed_on is None


def test_an_employer_reports_a_job_at_its_own_unit_whatever_code_it_gives(
    today, rules, firm, worker
):
    other = factories.employer("别家公司")
    p = report(firm.user, worker, other)
    assert p.employer == firm and p.agency is None


def test_an_agency_must_name_a_registered_employer(today, rules, agent, worker):
    with pytest.raises(ValidationError) as exc:
        report(agent.user, worker, type("E", (), {"uscc": factories.uscc_new()})())
    assert "尚未登记" in exc.value.message_dict["employer_uscc"][0]
    with pytest.raises(ValidationError) as exc:
        report(agent.user, worker, type("E", (), {"uscc": "91450100MA5KXXXX1"})())
    assert "统一社会信用代码" in exc.value.message_dict["employer_uscc"][0]


def test_an_outside_account_hears_one_message_for_unknown_and_mismatched(
    today, rules, agent, firm, worker
):
    messages = []
    for data in (
        {"id_number": new_id(), "name": "不存在"},
        {"id_number": worker.id_number, "name": "别人"},
    ):
        with pytest.raises(ValidationError) as exc:
            report(agent.user, type("P", (), data)(), firm)
        messages.append(exc.value.message_dict)
    assert messages[0] == messages[1] == {"id_number": [NOT_FOUND]}


def test_field_errors_are_in_chinese_per_field(today, rules, wei, firm, worker):
    with pytest.raises(ValidationError) as exc:
        report(wei, worker, firm, start="2026-05-01", end="2026-04-01", months="x", job="")
    errors = exc.value.message_dict
    assert "早于起始日期" in errors["contract_end"][0]
    assert "应为整数" in errors["insured_months"][0]
    assert errors["job"] == ["请填写岗位"]


def test_a_clerk_reports_only_for_people_of_their_county_and_hears_one_message(
    today, rules, huang, firm, worker
):
    """Another county's person and a number in no ledger: the same words (finding 5)."""
    answers = []
    for person in (worker, type("P", (), {"id_number": new_id(), "name": "不存在"})()):
        with pytest.raises(ValidationError) as exc:
            report(huang, person, firm)
        answers.append(exc.value.message_dict)
    assert answers[0] == answers[1] == {"id_number": [NOT_IN_SCOPE]}


def test_the_reporting_clerk_cannot_confirm_and_another_clerk_does(
    today, rules, wei, mo, firm, worker
):
    p = report(wei, worker, firm)
    with pytest.raises(PermissionDenied, match="登记人不能核实自己登记的就业"):
        confirm(wei, p)
    p, result = confirm(mo, p, means="employer")
    assert result is None  # no agency: no subsidy
    assert p.confirmed_on == dt.date(2026, 9, 15) and p.confirmed_by == mo
    seeker = Seeker.objects.get(person=worker)
    assert seeker.status == EmploymentStatus.LOCAL and seeker.status_on == dt.date(2026, 9, 15)
    record = StatusRecord.objects.get(seeker=seeker)
    assert record.confirmed_by == "employer" and record.employer_name == firm.name
    with pytest.raises(ValidationError, match="已于2026-09-15核实"):
        confirm(mo, p)


def test_the_status_follows_the_workplace(today, rules, agent, mo, worker):
    nanning = factories.employer("南宁某厂")  # 南宁市: in the province, not the county
    p, _ = confirm(mo, report(agent.user, worker, nanning))
    assert Seeker.objects.get(person=worker).status == EmploymentStatus.PROVINCE
    outside = factories.employer("深圳某厂", region="440300")
    confirm(mo, report(agent.user, worker, outside, start="2026-04-01"))
    assert Seeker.objects.get(person=worker).status == EmploymentStatus.OUTSIDE
    assert p.county_id == worker.county_id


def test_an_agency_reports_but_cannot_confirm(today, rules, agent, firm, worker):
    p = report(agent.user, worker, firm)
    with pytest.raises(PermissionDenied):
        placement_confirm(
            actor=agent.user,
            channel="page",
            placement=p,
            on=dt.date(2026, 9, 15),
            means="insurance",
        )


def test_a_clerk_of_another_county_cannot_confirm(today, rules, agent, firm, worker, huang):
    p = report(agent.user, worker, firm)
    with pytest.raises(PermissionDenied):
        confirm(huang, p)


def test_confirmation_needs_a_means_and_a_day_not_before_the_contract(
    today, rules, agent, firm, worker, mo
):
    p = report(agent.user, worker, firm, start="2026-03-01")
    with pytest.raises(ValidationError) as exc:
        confirm(mo, p, on=dt.date(2026, 2, 1), means="phone")
    assert "核实方式" in exc.value.message_dict["means"][0]
    assert "早于劳动合同起始日期" in exc.value.message_dict["on"][0]


def test_scope_each_account_sees_its_own(
    today, rules, agent, other_agent, firm, worker, wei, huang
):
    mine = report(agent.user, worker, firm)
    assert list(placements_visible_to(agent.user)) == [mine]
    assert list(placements_visible_to(other_agent.user)) == []
    assert list(placements_visible_to(firm.user)) == [mine]
    assert list(placements_visible_to(wei)) == [mine]
    assert list(placements_visible_to(huang)) == []
    assert list(placement_list(wei, filters=PlacementFilters(confirmed="1"))) == []
    assert list(placement_list(wei, filters=PlacementFilters(agency=str(agent.pk)))) == [mine]


def test_the_end_of_a_job_is_recorded_by_the_employer(today, rules, firm, agent, worker):
    p = report(agent.user, worker, firm)
    with pytest.raises(ValidationError, match="早于劳动合同起始日期"):
        placement_end(actor=firm.user, channel="page", placement=p, ended_on=dt.date(2026, 1, 1))
    p = placement_end(actor=firm.user, channel="page", placement=p, ended_on=dt.date(2026, 9, 1))
    assert p.ended_on == dt.date(2026, 9, 1)


def test_the_household_on_the_contract_start_decides(today, rules, agent, firm, person_factory, mo):
    agency_rule(LONGAN)  # another county's amount does not apply in 马山县
    worker = person_factory(name="覃海", category="脱贫户")
    _, result = confirm(mo, report(agent.user, worker, firm))
    assert result.line is None
