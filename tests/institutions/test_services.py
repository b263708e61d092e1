import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import AuditEntry
from skillaid.institutions import capacity, services
from skillaid.institutions.models import CatalogueStatus, Institution
from skillaid.lib.uscc import make_code
from skillaid.pairings import services as pairing_services
from skillaid.pairings.models import Pairing, PairingSummary, WorkPlan
from tests.conftest import LONGAN, MASHAN

GOOD = make_code("52450124MJ0000001")


def create(actor, **data):
    base = {"name": "马山县阳光职业培训学校", "kind": "private_provider", "region": MASHAN}
    return services.institution_create(actor=actor, channel="page", data=base | data)


def test_a_clerk_registers_an_institution_pending_with_its_history(wei):
    inst = create(wei, uscc=GOOD.lower())
    assert inst.uscc == GOOD and inst.status == CatalogueStatus.PENDING
    assert inst.history.get().status == "pending"
    assert AuditEntry.objects.filter(
        object_type="institutions.institution", object_id=str(inst.pk)
    ).exists()


def test_a_bad_credit_code_is_refused_with_the_reason(wei):
    bad = GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        create(wei, uscc=bad)
    assert f"末位应为 {GOOD[-1]}" in exc.value.message_dict["uscc"][0]
    assert not Institution.objects.exists()


def test_a_credit_code_belongs_to_one_institution(wei):
    create(wei, uscc=GOOD)
    with pytest.raises(ValidationError) as exc:
        create(wei, name="另一家", uscc=GOOD)
    assert "已被其他院校/机构使用" in exc.value.message_dict["uscc"][0]


def test_a_clerk_cannot_register_outside_their_county(wei):
    with pytest.raises(ValidationError) as exc:
        create(wei, region=LONGAN)
    assert "不在您的管辖范围内" in exc.value.message_dict["region"][0]


def test_catalogue_moves_follow_the_rules(wei, qin):
    inst = create(wei)
    with pytest.raises(PermissionDenied):
        services.institution_set_status(
            actor=wei, channel="page", institution=inst, status="listed"
        )
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        services.institution_set_status(
            actor=qin, channel="page", institution=inst, status="listed"
        )
    services.institution_update(actor=wei, channel="page", institution=inst, data={"uscc": GOOD})
    services.institution_set_status(actor=qin, channel="page", institution=inst, status="listed")
    with pytest.raises(ValidationError, match="须写明原因"):
        services.institution_set_status(
            actor=qin, channel="page", institution=inst, status="suspended"
        )
    with pytest.raises(ValidationError, match="不能改为“待审核”"):
        services.institution_set_status(
            actor=qin, channel="page", institution=inst, status="pending"
        )
    services.institution_set_status(
        actor=qin, channel="page", institution=inst, status="suspended", reason="虚假培训核查"
    )
    inst.refresh_from_db()
    assert inst.status == "suspended" and not inst.is_listed
    assert [h.status for h in inst.history.order_by("id")] == ["pending", "listed", "suspended"]


def test_the_school_files_its_work_plan_and_the_county_cannot(pairings, lu, wei):
    pairing = Pairing.objects.get(county_id=MASHAN)
    year = dt.date.today().year
    items = [
        {"occupation": "中式烹调师", "month": 3, "trainees": 40},
        {"occupation": "电工", "month": 5, "trainees": 30},
    ]
    with pytest.raises(PermissionDenied):
        pairing_services.work_plan_file(
            actor=wei,
            channel="page",
            pairing=pairing,
            year=year,
            planned_enrolments=10,
            items=items,
        )
    plan = pairing_services.work_plan_file(
        actor=lu, channel="page", pairing=pairing, year=year, planned_enrolments=10, items=items
    )
    assert plan.planned_trainees == 70
    # Filing again replaces the year's plan instead of adding a second one.
    pairing_services.work_plan_file(
        actor=lu, channel="page", pairing=pairing, year=year, planned_enrolments=12, items=items[:1]
    )
    plan = WorkPlan.objects.get(pairing=pairing, year=year)
    assert plan.planned_enrolments == 12 and plan.planned_trainees == 40


def test_a_work_plan_item_must_be_whole(pairings, lu):
    pairing = Pairing.objects.get(county_id=MASHAN)
    with pytest.raises(ValidationError) as exc:
        pairing_services.work_plan_file(
            actor=lu,
            channel="page",
            pairing=pairing,
            year=dt.date.today().year,
            planned_enrolments=0,
            items=[{"occupation": "电工", "month": 13, "trainees": 0}],
        )
    assert set(exc.value.message_dict) == {"items.1.month", "items.1.trainees"}


def test_a_late_summary_is_marked_late(pairings, lu):
    pairing = Pairing.objects.get(county_id=MASHAN)
    year = dt.date.today().year - 1
    summary = pairing_services.summary_submit(
        actor=lu, channel="page", pairing=pairing, year=year, period="half", text="完成培训120人"
    )
    assert summary.due == dt.date(year, 6, 30) and summary.late
    assert PairingSummary.objects.count() == 1


def test_capacity_rules_per_kind(wei):
    year = dt.date.today().year
    with pytest.raises(ValidationError) as exc:
        capacity.capacity_create(
            actor=wei,
            channel="page",
            data={"kind": "master_studio", "name": "韦师傅工作室", "region": MASHAN, "year": year},
        )
    assert "技能大师" in exc.value.message_dict["master"][0]
    item = capacity.capacity_create(
        actor=wei,
        channel="page",
        data={
            "kind": "master_studio",
            "name": "韦师傅工作室",
            "region": MASHAN,
            "year": year,
            "master": "韦建国",
            "apprentices": 12,
        },
    )
    with pytest.raises(ValidationError, match="同名"):
        capacity.capacity_create(
            actor=wei,
            channel="page",
            data={
                "kind": "master_studio",
                "name": "韦师傅工作室",
                "region": MASHAN,
                "year": year,
                "master": "韦建国",
            },
        )
    changed = capacity.capacity_update(
        actor=wei, channel="page", item=item, data={"apprentices": 15}
    )
    assert changed == {"apprentices": [12, 15]}
