"""Each indicator counts exactly what it says: records written directly, the figures
rebuilt, and each figure compared with the records it should (and should not) count."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from unittest import mock

import pytest
import time_machine

from skillaid.evaluation.models import Certificate, CertificateKind, Source
from skillaid.institutions.models import Capacity, CapacityKind
from skillaid.regions.models import KeyCounty, Region
from skillaid.reports import periods
from skillaid.reports.figures import Where, figure
from skillaid.reports.tally import INDICATORS, indicator_for_title, indicator_records, tally_refresh
from skillaid.students.models import StudentEnrolment, StudentStatus
from skillaid.training.models import ClassStatus, Completion, Enrolment, TrainingClass
from tests.conftest import LONGAN, MASHAN, NANNING
from tests.employment import fixtures_followups

pytestmark = pytest.mark.django_db

funnel_data = fixtures_followups.funnel_data
Y2026 = periods.year(2026)
_numbers = itertools.count(1)


def a_class(institution, occupation, *, county=MASHAN, end_on=dt.date(2026, 5, 20), **extra):  # noqa: ANN001, ANN201
    return TrainingClass.objects.create(
        institution=institution,
        name=f"班{next(_numbers)}",
        occupation=occupation,
        level="5",
        training_kind="employment",
        subsidised=extra.pop("subsidised", True),
        county_id=county,
        start_on=end_on - dt.timedelta(days=10),
        end_on=end_on,
        status=ClassStatus.CLOSED,
    )


def line(c, person, *, basis="", completed=True):  # noqa: ANN001, ANN201
    return Enrolment.objects.create(
        training_class=c,
        person=person,
        basis=basis,
        completion=Completion.COMPLETED if completed else Completion.NOT_COMPLETED,
    )


def value(code: str, region: str = "45", period=Y2026, **where) -> Decimal | None:  # noqa: ANN001
    return figure(code, Where(region=region, **where), period)


def test_trainings_and_their_parts(school, occupation, person_factory):
    key = KeyCounty.objects.filter(region__code__startswith="45").first().region_id
    plain = (
        Region.objects.filter(level="county", code__startswith="45")
        .exclude(key_county__isnull=False)
        .first()
        .code
    )
    people = [person_factory(county=MASHAN) for _ in range(6)]
    c1 = a_class(school, occupation, county=key)
    line(c1, people[0], basis="migrant")
    line(c1, people[1], basis="assisted")
    line(c1, people[2], basis="assisted", completed=False)  # not completed: never counted
    c2 = a_class(school, occupation, county=plain, end_on=dt.date(2026, 7, 3))
    line(c2, people[3], basis="migrant")
    line(c2, people[4])
    unpaid = a_class(school, occupation, county=plain, subsidised=False)
    line(unpaid, people[5], basis="migrant")  # not subsidised: not a subsidised training
    tally_refresh()
    assert value("trainings") == 4
    assert value("trainings_migrant") == 2
    assert value("trainings_assisted") == 1
    assert value("trainings_key_counties") == 2
    assert value("trainings", region=key) == 2
    assert value("trainings", period=periods.half(2026, 2)) == 2
    assert value("trainings", region="", institution_id=school.pk) == 4
    drill = indicator_records(INDICATORS["trainings_migrant"], region="45")
    assert set(drill.values_list("person_id", flat=True)) == {people[0].pk, people[3].pk}


def certificate(
    person, *, kind=CertificateKind.SKILL_LEVEL, level="5", on=dt.date(2026, 3, 1), **extra
):  # noqa: ANN001, ANN201
    return Certificate.objects.create(
        number=f"T{next(_numbers):08d}",
        kind=kind,
        person=person,
        holder_name=person.name,
        occupation_name="电工",
        level=level,
        issuer="广西职业技能鉴定中心",
        issued_on=on,
        source=Source.IMPORTED,
        **extra,
    )


def test_certificates_high_skilled_and_specialised(regions, person_factory):
    p = person_factory()
    certificate(p, level="5")
    certificate(p, level="3")
    certificate(p, kind=CertificateKind.QUALIFICATION, level="2")
    certificate(p, level="1")
    certificate(p, level="special_technician")
    certificate(p, level="3", revoked_on=dt.date(2026, 4, 1), revoked_reason="弄虚作假")
    certificate(p, kind=CertificateKind.TRAINING, level="none")
    certificate(p, kind=CertificateKind.SPECIALISED, level="specialised")
    other = person_factory(county=LONGAN)
    certificate(other, kind=CertificateKind.SPECIALISED, level="specialised")
    tally_refresh()
    # 5, 3, 2, 1, special, and two specialised; not the revoked one nor the training one.
    assert value("certificates") == 7
    assert value("certificates_high_skilled") == 4
    assert value("certificates_specialised") == 2
    assert value("certificates_specialised", region=LONGAN) == 1


def student(person, school, *, entered=dt.date(2026, 9, 1), status=StudentStatus.STUDYING):  # noqa: ANN001, ANN201
    return StudentEnrolment.objects.create(
        person=person,
        school=school,
        county_id=person.county_id,
        major="电气自动化",
        class_type="intermediate",
        entered_on=entered,
        expected_graduation=entered + dt.timedelta(days=3 * 365),
        status=status,
        status_since=entered,
    )


def test_students_of_assisted_households_once_each(school, rival, person_factory):
    poor = person_factory(category="脱贫户")
    monitored = person_factory(county=LONGAN, category="监测户")
    ordinary = person_factory(category="一般户")
    student(poor, school, status=StudentStatus.TRANSFERRED)
    student(poor, rival.institution, entered=dt.date(2026, 10, 8))  # the transfer: not new
    student(monitored, school, entered=dt.date(2026, 3, 1))
    student(ordinary, school)
    tally_refresh(["students_assisted"])
    assert value("students_assisted") == 2
    assert value("students_assisted", region=MASHAN) == 1
    assert value("students_assisted", region="", institution_id=school.pk) == 2
    assert value("students_assisted", region="", institution_id=rival.institution.pk) == 0


@pytest.fixture
def on_the_day(regions):
    with time_machine.travel(dt.datetime(2026, 11, 18, 2, 0, tzinfo=dt.UTC), tick=False):
        yield


def test_referrals_and_referrals_per_trained(on_the_day, funnel_data):
    tally_refresh()
    assert value("referrals") == 4
    assert value("referrals", region=MASHAN) == 3
    # 蓝五 was referred before the class ended: not after training.
    assert value("referrals_after_training") == 3
    # 蓝一 … 蓝五 and 黄一 completed and registered as seekers; 蓝七 did not register.
    assert value("trained_seekers") == 6
    assert value("referrals_per_trained") == Decimal("0.50")
    assert value("referrals_per_trained", region=MASHAN) == Decimal("0.40")
    assert value("referrals_per_trained", period=periods.year(2020)) is None


def test_employment_three_months_on_is_the_funnels(on_the_day, funnel_data, wei):
    from skillaid.employment.funnel import FunnelFilters, funnel, funnel_total

    tally_refresh(["employed_3m", "employed_3m_measured"])
    rows = funnel(
        wei, filters=FunnelFilters.parse({"from": "2026-01-01", "until": "2026-11-18"}), on=None
    )
    total = funnel_total(rows)
    assert value("employed_3m", region=MASHAN) == total.still == 2
    assert value("employed_3m_measured", region=MASHAN) == total.measured == 5
    assert value("employment_rate_3m", region=MASHAN) == Decimal("0.40")
    names = indicator_records(INDICATORS["employed_3m"], region=MASHAN).values_list(
        "person__name", flat=True
    )
    assert sorted(names) == ["蓝一", "蓝三"]


def test_capacity_by_kind_and_month(regions):
    def cap(kind, name, region=MASHAN, year=2026, **extra):  # noqa: ANN001, ANN202
        return Capacity.objects.create(kind=kind, name=name, region_id=region, year=year, **extra)

    cap(CapacityKind.LABOUR_BRAND, "马山黑山羊养殖", published_on=dt.date(2026, 8, 8))
    cap(CapacityKind.LABOUR_BRAND, "南宁家政", region=NANNING, year=2026)
    cap(CapacityKind.LABOUR_BRAND, "旧品牌", year=2024)
    cap(CapacityKind.MASTER_STUDIO, "韦师傅工作室", held_on=dt.date(2026, 2, 2))
    tally_refresh()
    assert value("capacity_labour_brand") == 2
    assert value("capacity_labour_brand", period=periods.month(2026, 1)) == 1  # year only: Jan
    assert value("capacity_labour_brand", period=periods.month(2026, 8)) == 1
    assert value("capacity_labour_brand", region=MASHAN) == 1
    assert value("capacity_labour_brand", period=periods.plan(2021, 2025)) == 1
    assert value("capacity_master_studio", period=periods.month(2026, 2)) == 1
    assert value("capacity_public_base") == 0


def test_ledger_counts_sum_to_todays_count(regions, person_factory):
    with time_machine.travel(dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        person_factory(category="脱贫户", wants_training="是")
    with time_machine.travel(dt.datetime(2026, 5, 5, 2, 0, tzinfo=dt.UTC), tick=False):
        person_factory(wants_job="是", wants_school="是")
        person_factory(county=LONGAN, category="监测户")
    tally_refresh()
    ever = periods.plan(2000, 2100)
    assert value("ledger_people", period=ever) == 3
    assert value("ledger_people", region=MASHAN, period=periods.month(2026, 5)) == 1
    assert value("ledger_assisted", period=ever) == 2
    assert value("ledger_wants_training", period=ever) == 1
    assert value("ledger_wants_school", period=ever) == 1
    assert value("ledger_wants_job", period=ever) == 1


def test_every_plan_line_names_its_indicator_or_none():
    import csv
    from pathlib import Path

    import skillaid

    path = Path(skillaid.__file__).parent / "regions" / "data" / "plan_targets.csv"
    with open(path, encoding="utf-8") as f:
        titles = [row["indicator"] for row in csv.DictReader(f)]
    found = {t: (indicator_for_title(t).code if indicator_for_title(t) else "") for t in titles}
    assert found["其中：农民工参加职业技能培训"] == "trainings_migrant"
    assert found["培训后暂未就业劳动力推介就业岗位信息"] == "referrals_per_trained"
    assert found["技工院校累计新招收建档立卡贫困家庭学生"] == "students_assisted"
    assert found["新建公共实训基地"] == "capacity_public_base"
    assert found["每县至少实施专项职业能力项目"] == "certificates_specialised"
    blank = {t for t, code in found.items() if not code}
    assert blank == {"制定或修订国家职业标准", "新建、改（扩）建技工院校和职业培训机构"}
    every = [a for ind in INDICATORS.values() for a in ind.aliases]
    assert len(every) == len(set(every))  # no wording ties to two indicators
    for ind in INDICATORS.values():
        assert ind.name and ind.unit and ind.counts and ind.group


def test_the_refresh_command_and_the_schedule(regions, person_factory, settings):
    import threading
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from skillaid.ops.management.commands import serve

    person_factory()
    out = StringIO()
    call_command("reports_refresh", "ledger_people", stdout=out)
    assert "ledger_people: 1 rows" in out.getvalue()
    with pytest.raises(CommandError, match="没有统计指标：nothing"):
        call_command("reports_refresh", "nothing")
    assert settings.SKILLAID_TALLY_MINUTES == 4
    stop = threading.Event()
    assert settings.SKILLAID_TALLY_FULL_MINUTES == 60
    with (
        mock.patch.object(serve, "tally_refresh_task") as task,
        mock.patch.object(serve, "tally_full_refresh_task") as full,
    ):
        # Both enqueued at once, then every 10 and 60 minutes.
        threads = serve.schedule_tally(stop, minutes=10, full_minutes=60)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    task.enqueue.assert_called_once_with()
    full.enqueue.assert_called_once_with()
