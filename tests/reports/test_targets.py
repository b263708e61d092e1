"""Targets: loaded from the plans once however often `setup` runs, bad lines named by
number; edited and split by reviewers within scope, a split adding up or saying by how
much it does not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from skillaid.accounts.models import AuditEntry
from skillaid.reports.models import Target, TargetKind
from skillaid.reports.targets import (
    TargetFileError,
    read_plan_targets,
    target_edit,
    target_for,
    target_split,
    targets_load,
    targets_visible_to,
)
from tests.conftest import GUANGXI, NANNING

pytestmark = pytest.mark.django_db


def test_loading_twice_adds_nothing_and_keeps_a_reviewers_value(regions, qin):
    first = targets_load()
    # 18 lines; Yong'an's 每年 line over 2021-2023 is three targets.
    assert first == {"created": 20, "updated": 0, "unchanged": 0}
    assert targets_load() == {"created": 0, "updated": 0, "unchanged": 20}
    assert Target.objects.count() == 20
    yongan = Target.objects.filter(region_id="350481").order_by("period_start")
    assert [(t.period_start.year, t.period_end.year, t.value) for t in yongan] == [
        (2021, 2021, 1000),
        (2022, 2022, 1000),
        (2023, 2023, 1000),
    ]
    assert all(t.indicator == "trainings" for t in yongan)
    guangxi = Target.objects.get(region_id=GUANGXI, kind=TargetKind.AT_LEAST_PER_PERSON)
    assert guangxi.indicator == "referrals_per_trained"
    national = Target.objects.get(title="开展补贴性职业技能培训")
    assert national.region_id is None and national.value == 75_000_000
    assert Target.objects.get(title="制定或修订国家职业标准").indicator == ""
    target_edit(
        actor=qin, channel="page", target=guangxi, data={"value": "4", "note": "自治区加码"}
    )
    targets_load()
    guangxi.refresh_from_db()
    assert guangxi.value == 4


def test_a_bad_line_is_named_by_number_and_nothing_is_loaded(regions, tmp_path):
    path = tmp_path / "plan_targets.csv"
    path.write_text(
        "plan,source,indicator,target,unit,period_start,period_end,kind\n"
        "十四五职业技能培训规划,002 专栏1,开展补贴性职业技能培训,75000000,人次,2021,2025,at_least\n"
        "十四五职业技能培训规划,002 专栏1,新增,很多,人次,2021,2025,at_least\n"
        "某规划,009 一,新增,5,人,2025,2021,mostly\n",
        encoding="utf-8",
    )
    with pytest.raises(TargetFileError) as e:
        targets_load(path)
    text = str(e.value)
    assert "第3行：目标值“很多”不是非负数" in text
    assert "第4行：期间“2025—2021”" in text
    assert "第4行：口径“mostly”无法识别" in text
    assert "第4行：依据“009 一”不知道属于哪个地区" in text
    assert Target.objects.count() == 0
    path.write_text("plan,source,target\n", encoding="utf-8")
    with pytest.raises(TargetFileError, match="第1行（表头）缺少列"):
        read_plan_targets(path)


@pytest.fixture
def guangxi_trainings(regions, qin):
    return Target.objects.create(
        plan="广西职业技能培训计划",
        source="测试",
        title="开展补贴性职业技能培训",
        indicator="trainings",
        region_id=GUANGXI,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal(1000),
        unit="人次",
        kind=TargetKind.AT_LEAST,
    )


def cities() -> dict[str, str]:
    from skillaid.regions.models import Region

    return {r.code: "" for r in Region.objects.filter(parent_id=GUANGXI, is_current=True)}


def test_a_split_short_of_the_target_is_refused_saying_by_how_much(guangxi_trainings, qin):
    parts = cities() | {NANNING: "300", "450200": "400"}
    with pytest.raises(ValidationError) as e:
        target_split(actor=qin, channel="page", parent=guangxi_trainings, parts=parts)
    assert "分解合计 700.00人次，比上级目标 1,000.00人次少 300.00" in str(e.value)
    assert not guangxi_trainings.parts.exists()


def test_a_split_that_adds_up_or_over_is_saved_and_audited(guangxi_trainings, qin):
    parts = cities() | {NANNING: "600", "450200": "400"}
    split = target_split(actor=qin, channel="page", parent=guangxi_trainings, parts=parts)
    assert split.difference == 0 and "与上级目标相等" in split.message
    assert {t.region_id: t.value for t in guangxi_trainings.parts.all()} == {
        NANNING: 600,
        "450200": 400,
    }
    over = target_split(
        actor=qin, channel="page", parent=guangxi_trainings, parts={NANNING: "700", "450200": "400"}
    )
    assert over.difference == 100 and "超出上级目标 100.00" in over.message
    assert guangxi_trainings.parts.get(region_id=NANNING).value == 700
    # Leaving a city blank takes its part away.
    target_split(
        actor=qin, channel="page", parent=guangxi_trainings, parts={NANNING: "1000", "450200": ""}
    )
    assert list(guangxi_trainings.parts.values_list("region_id", flat=True)) == [NANNING]
    assert AuditEntry.objects.filter(object_type="reports.target").count() >= 4


def test_a_split_refuses_what_is_not_a_child_or_not_a_number(guangxi_trainings, qin):
    with pytest.raises(ValidationError) as e:
        target_split(
            actor=qin,
            channel="page",
            parent=guangxi_trainings,
            parts={"450124": "1000", NANNING: "abc"},
        )
    text = str(e.value)
    assert "地区“450124”不是广西壮族自治区的下级地区" in text
    assert "南宁市：目标值“abc”不是数字" in text


def test_a_rate_is_not_shared_out(guangxi_trainings, qin):
    guangxi_trainings.kind = TargetKind.AT_LEAST_PER_PERSON
    guangxi_trainings.value = Decimal(3)
    guangxi_trainings.save()
    with pytest.raises(ValidationError, match="南宁市的目标低于上级目标"):
        target_split(actor=qin, channel="page", parent=guangxi_trainings, parts={NANNING: "2"})
    split = target_split(actor=qin, channel="page", parent=guangxi_trainings, parts={NANNING: "3"})
    assert not split.additive


def test_scope_of_editing(guangxi_trainings, qin, liang, wei, zhou):
    target_split(
        actor=qin,
        channel="page",
        parent=guangxi_trainings,
        parts={NANNING: "600", "450200": "400"},
    )
    nanning = guangxi_trainings.parts.get(region_id=NANNING)
    liuzhou = guangxi_trainings.parts.get(region_id="450200")
    # The city reviewer splits their city's part to counties (not lower it: see below) …
    target_split(actor=liang, channel="page", parent=nanning, parts={"450124": "600"})
    # … but another city's target is not there for them, nor is the province's.
    with pytest.raises(Http404):
        target_for(liang, liuzhou.pk)
    with pytest.raises(Http404):
        target_for(liang, guangxi_trainings.pk)
    with pytest.raises(PermissionDenied):
        target_edit(actor=liang, channel="page", target=liuzhou, data={"value": "1"})
    # A county clerk reads their county's target, and edits nothing.
    county_part = target_for(wei, nanning.parts.get().pk)
    with pytest.raises(PermissionDenied, match="目标任务由市级、省级审核人员设定和分解"):
        target_edit(actor=wei, channel="page", target=county_part, data={"value": "1"})
    # National targets are read by all and edited by none.
    national = Target.objects.create(
        plan="十四五",
        source="002",
        title="开展补贴性职业技能培训",
        indicator="trainings",
        period_start=dt.date(2021, 1, 1),
        period_end=dt.date(2025, 12, 31),
        value=75_000_000,
        unit="人次",
        kind=TargetKind.AT_LEAST,
    )
    assert national in targets_visible_to(wei)
    with pytest.raises(PermissionDenied):
        target_edit(actor=qin, channel="page", target=national, data={"value": "1"})
    assert set(targets_visible_to(liang)) == {nanning, nanning.parts.get(), national}


def test_edit_checks_value_and_period(guangxi_trainings, qin):
    with pytest.raises(ValidationError) as e:
        target_edit(
            actor=qin, channel="page", target=guangxi_trainings, data={"value": "-1", "period": "x"}
        )
    assert "目标值不能为负数" in str(e.value)
    assert "统计期间“x”无法识别" in str(e.value)
    changes = target_edit(
        actor=qin,
        channel="page",
        target=guangxi_trainings,
        data={"value": "1,200", "period": "2026H2", "note": "下半年攻坚"},
    )
    guangxi_trainings.refresh_from_db()
    assert guangxi_trainings.value == 1200
    assert guangxi_trainings.period_start == dt.date(2026, 7, 1)
    assert guangxi_trainings.set_by == qin
    assert changes["value"][1] == "1200.00"


# Pages ---------------------------------------------------------------------------------


def test_the_targets_page_shows_progress_and_links_to_the_people(client, guangxi_trainings, qin):
    from django.urls import reverse

    client.force_login(qin)
    page = client.get(reverse("targets")).content.decode()
    assert "目标任务" in page and f'id="target-{guangxi_trainings.pk}"' in page
    assert "indicator=trainings" in page and "period=2026" in page
    assert "调整/分解" in page


def test_the_split_page_says_by_how_much_and_saves(client, guangxi_trainings, qin):
    from django.urls import reverse

    client.force_login(qin)
    url = reverse("target_split", args=[guangxi_trainings.pk])
    page = client.get(url).content.decode()
    assert "南宁市" in page and "split-total" in page
    short = client.post(url, {f"part_{NANNING}": "300", "part_450200": "400"})
    assert short.status_code == 200
    text = short.content.decode()
    assert "少 300" in text and "请补足差额后再保存" in text
    saved = client.post(url, {f"part_{NANNING}": "600", "part_450200": "400"})
    assert saved.status_code == 302
    assert guangxi_trainings.parts.count() == 2
    detail = client.get(reverse("target_edit", args=[guangxi_trainings.pk])).content.decode()
    assert "各市进度" in detail and "与上级目标相等" in detail


def test_pages_keep_to_scope(client, guangxi_trainings, qin, liang, wei):
    from django.urls import reverse

    target_split(
        actor=qin, channel="page", parent=guangxi_trainings, parts={NANNING: "600", "450200": "400"}
    )
    liuzhou = guangxi_trainings.parts.get(region_id="450200")
    nanning = guangxi_trainings.parts.get(region_id=NANNING)
    client.force_login(liang)
    assert client.get(reverse("target_edit", args=[liuzhou.pk])).status_code == 404
    assert client.get(reverse("target_split", args=[liuzhou.pk])).status_code == 404
    assert client.get(reverse("target_edit", args=[nanning.pk])).status_code == 200
    target_split(actor=liang, channel="page", parent=nanning, parts={"450124": "600"})
    client.force_login(wei)
    mashan = nanning.parts.get()
    page = client.get(reverse("target_edit", args=[mashan.pk]))
    assert page.status_code == 200 and "调整目标" not in page.content.decode()
    refused = client.post(
        reverse("target_edit", args=[mashan.pk]), {"value": "1", "period": "2026"}
    )
    assert refused.status_code == 403
    assert "目标任务由市级、省级审核人员设定和分解" in refused.content.decode()
    assert client.get(reverse("target_split", args=[mashan.pk])).status_code == 403


def test_pairing_progress_page(client, pairings, qin):
    from django.urls import reverse

    client.force_login(qin)
    page = client.get(reverse("pairing_progress"), {"year": "2026"}).content.decode()
    assert "结对帮扶计划完成情况" in page and "未报备计划" in page
    bad = client.get(reverse("pairing_progress"), {"year": "明年"}).content.decode()
    assert "年度“明年”无法识别" in bad


# API -----------------------------------------------------------------------------------


def bearer(user) -> dict:  # noqa: ANN001
    from skillaid.accounts.models import ApiToken

    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_api_lists_targets_and_reads_figures_within_scope(
    client, guangxi_trainings, qin, liang, person_factory
):
    from skillaid.reports.tally import tally_refresh

    person_factory()
    tally_refresh(["ledger_people"])
    rows = client.get("/api/reports/targets", **bearer(qin)).json()
    mine = next(r for r in rows if r["id"] == guangxi_trainings.pk)
    assert mine["whole"] and mine["period"] == "2026" and Decimal(mine["actual"]) == 0
    assert client.get("/api/reports/targets", **bearer(liang)).json() == []
    auth = bearer(liang)
    ok = client.get(
        "/api/reports/figures",
        {"indicator": "ledger_people", "period": "2000-2100", "region": "450124"},
        **auth,
    )
    assert ok.status_code == 200 and Decimal(ok.json()["value"]) == 1
    outside = client.get(
        "/api/reports/figures",
        {"indicator": "ledger_people", "period": "2026", "region": "450200"},
        **auth,
    )
    assert outside.status_code == 404
    bad = client.get(
        "/api/reports/figures", {"indicator": "ledger_people", "period": "明年"}, **auth
    )
    assert bad.status_code == 422 and "统计期间“明年”无法识别" in bad.json()["detail"]


def test_setup_loads_the_targets_and_names_a_bad_line(regions, tmp_path, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    import skillaid.reports.targets as targets

    out, err = StringIO(), StringIO()
    call_command("setup", stdout=out, stderr=err)
    assert "Plan targets: 20 new" in out.getvalue()
    path = tmp_path / "plan_targets.csv"
    path.write_text(
        "plan,source,indicator,target,unit,period_start,period_end,kind\n"
        "某规划,002 一,新增,-5,人,2021,2025,at_least\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(targets, "PLAN_TARGETS", path)
    call_command("setup", stdout=out, stderr=err)
    assert "plan_targets.csv 有错误，未载入：第2行：目标值“-5”不是非负数" in err.getvalue()
    assert Target.objects.count() == 20


# Who adjusts a part, and a split kept whole ------------------------------------------------


@pytest.fixture
def split_to_nanning(guangxi_trainings, qin, liang):
    """The province's 1000 split to 南宁 600 and 柳州 400; 南宁's 600 split by the city to
    马山县 400 and 隆安县 200."""
    target_split(
        actor=qin, channel="page", parent=guangxi_trainings, parts={NANNING: "600", "450200": "400"}
    )
    nanning = guangxi_trainings.parts.get(region_id=NANNING)
    target_split(
        actor=liang, channel="page", parent=nanning, parts={"450124": "400", "450123": "200"}
    )
    return nanning


def test_the_city_reviewer_cannot_change_the_part_the_province_gave_them(split_to_nanning, liang):
    nanning = split_to_nanning
    for data in ({"value": "0"}, {"value": "600", "period": "2026H1"}, {"note": "x"}):
        with pytest.raises(PermissionDenied) as e:
            target_edit(actor=liang, channel="page", target=nanning, data=data)
        assert "由上级下达的目标任务只能由上级调整" in str(e.value)
        assert "您可以把它分解到下级地区" in str(e.value)
    nanning.refresh_from_db()
    assert nanning.value == 600 and nanning.set_by.username == "qin"
    assert not AuditEntry.objects.filter(object_id=str(nanning.pk), actor=liang).exists()


def test_the_city_reviewer_edits_the_parts_they_split_to_counties(split_to_nanning, liang):
    mashan = split_to_nanning.parts.get(region_id="450124")
    longan = split_to_nanning.parts.get(region_id="450123")
    target_edit(actor=liang, channel="page", target=mashan, data={"value": "450", "note": "加码"})
    mashan.refresh_from_db()
    assert mashan.value == 450 and mashan.set_by == liang
    # Lowering one below its share leaves 南宁's 600 unmet: refused, saying by how much.
    with pytest.raises(ValidationError) as e:
        target_edit(actor=liang, channel="page", target=longan, data={"value": "100"})
    assert "分解合计 550.00人次，比上级目标 600.00人次 少 50.00" in str(e.value)
    target_edit(actor=liang, channel="page", target=longan, data={"value": "150"})
    longan.refresh_from_db()
    assert longan.value == 150
    # A part's period is its parent's.
    with pytest.raises(ValidationError, match="分解目标的统计期间随上级目标"):
        target_edit(
            actor=liang, channel="page", target=longan, data={"value": "150", "period": "2026H1"}
        )


def test_the_province_adjusts_its_part_within_the_split_rule(split_to_nanning, qin):
    nanning = split_to_nanning
    # 南宁 lowered to 500: the province's 1000 would be short by 100.
    with pytest.raises(ValidationError) as e:
        target_edit(actor=qin, channel="page", target=nanning, data={"value": "500"})
    assert "比上级目标 1,000.00人次 少 100.00" in str(e.value)
    # 南宁 raised to 700 over its counties' 600: refused until the city's split is adjusted.
    with pytest.raises(ValidationError) as e:
        target_edit(actor=qin, channel="page", target=nanning, data={"value": "700"})
    assert "比已分解到下级地区的合计 600.00人次 多 100.00" in str(e.value)
    assert "请先调整分解" in str(e.value)
    # The same through the province's split.
    with pytest.raises(ValidationError, match="请先调整南宁市的分解"):
        target_split(
            actor=qin,
            channel="page",
            parent=nanning.parent,
            parts={NANNING: "700", "450200": "400"},
        )
    nanning.refresh_from_db()
    assert nanning.value == 600


def test_a_parents_value_keeps_its_split_whole_and_the_page_says_the_excess(
    client, split_to_nanning, guangxi_trainings, qin
):
    from django.urls import reverse

    # Raising the province's 1000 above its cities' 1000 is refused, by how much.
    with pytest.raises(ValidationError) as e:
        target_edit(actor=qin, channel="page", target=guangxi_trainings, data={"value": "1200"})
    assert "多 200.00" in str(e.value) and "请先调整分解" in str(e.value)
    # Lowering it is saved; the page then says by how much the cities exceed it.
    client.force_login(qin)
    url = reverse("target_edit", args=[guangxi_trainings.pk])
    saved = client.post(url, {"value": "900", "period": "2026"}, follow=True)
    text = saved.content.decode()
    assert "已保存目标任务" in text
    assert "分解合计 1,000.00，超出上级目标 100.00" in text
    assert 'id="split-status"' in text
    refused = client.post(url, {"value": "1200", "period": "2026"}).content.decode()
    assert "多 200.00" in refused and "请先调整分解" in refused
    guangxi_trainings.refresh_from_db()
    assert guangxi_trainings.value == 900


def test_a_rate_parent_is_not_raised_above_a_part(guangxi_trainings, qin):
    guangxi_trainings.kind = TargetKind.AT_LEAST_PER_PERSON
    guangxi_trainings.value = Decimal(3)
    guangxi_trainings.save()
    target_split(
        actor=qin, channel="page", parent=guangxi_trainings, parts={NANNING: "3", "450200": "5"}
    )
    with pytest.raises(ValidationError, match="南宁市的分解目标低于 4.00"):
        target_edit(actor=qin, channel="page", target=guangxi_trainings, data={"value": "4"})
    nanning = guangxi_trainings.parts.get(region_id=NANNING)
    with pytest.raises(ValidationError, match="目标值低于上级目标 3.00"):
        target_edit(actor=qin, channel="page", target=nanning, data={"value": "2"})


def test_a_parents_new_period_is_carried_to_its_parts_and_theirs(
    split_to_nanning, guangxi_trainings, qin
):
    target_edit(
        actor=qin,
        channel="page",
        target=guangxi_trainings,
        data={"value": "1000", "period": "2026H2"},
    )
    rows = Target.objects.all()  # the province, its two cities, 南宁's two counties
    assert rows.count() == 5
    assert {(t.period_start, t.period_end) for t in rows} == {
        (dt.date(2026, 7, 1), dt.date(2026, 12, 31))
    }
    mashan = split_to_nanning.parts.get(region_id="450124")
    entry = AuditEntry.objects.filter(object_id=str(mashan.pk)).latest("id")
    assert entry.actor == qin and "随上级目标调整统计期间" in entry.note
    assert "period_start" in entry.changes


def test_the_pages_refuse_the_city_reviewer_the_provinces_part(client, split_to_nanning, liang):
    from django.urls import reverse

    nanning = split_to_nanning
    client.force_login(liang)
    url = reverse("target_edit", args=[nanning.pk])
    page = client.get(url).content.decode()
    assert 'id="target-form"' not in page
    assert "由上级下达的目标任务只能由上级调整" in page and 'id="split-link"' in page
    assert 'id="parent-split-status"' not in page  # the province's split is not theirs to read
    refused = client.post(url, {"value": "0", "period": "2026"})
    assert refused.status_code == 403
    assert "由上级下达的目标任务只能由上级调整" in refused.content.decode()
    nanning.refresh_from_db()
    assert nanning.value == 600
    # The split of their city is theirs; so is a county's part of it.
    assert client.get(reverse("target_split", args=[nanning.pk])).status_code == 200
    mashan = nanning.parts.get(region_id="450124")
    county = client.get(reverse("target_edit", args=[mashan.pk])).content.decode()
    assert 'id="target-form"' in county and 'id="parent-split-status"' in county
    saved = client.post(
        reverse("target_edit", args=[mashan.pk]), {"value": "420", "period": "2026"}
    )
    assert saved.status_code == 302
    mashan.refresh_from_db()
    assert mashan.value == 420
    listing = client.get(reverse("targets")).content.decode()
    assert "分解</a>" in listing
