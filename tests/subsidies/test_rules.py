"""Policy rules: versions, the rule in force for the nearest region, and the seed loader."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.accounts.models import AuditEntry, Channel
from skillaid.regions.models import Level, Region
from skillaid.subsidies.loading import COLUMNS, RULES_FILE, load_policy_rules
from skillaid.subsidies.models import PolicyRule, PolicyRuleVersion
from skillaid.subsidies.rules import region_chain, rule_in_force, rules_in_force
from skillaid.subsidies.services import rule_change, terms_of
from tests.conftest import GUANGXI, MASHAN, NANNING

YONGAN = "350481"
SHENZHEN = "440300"
DAY = dt.date(2025, 3, 1)


@pytest.fixture
def seeded(regions):
    return load_policy_rules()


def test_the_seeded_rules_load_with_their_sources_and_amounts(seeded):
    assert seeded.problems == []
    assert seeded.created == PolicyRule.objects.count() == 22
    workshop = rule_in_force("gx-workshop-project-training", MASHAN, DAY)
    assert workshop.amount == Decimal("200.00") and workshop.cap_per_time == Decimal("1000.00")
    assert workshop.source == "003 桂人社发〔2022〕7号 四（十）"
    assert workshop.get_payee_display() == "企业"
    living = rule_in_force("living", MASHAN, DAY)
    assert living.amount == Decimal("50.00") and living.get_amount_unit_display() == "元/人·天"
    apprentice = rule_in_force("apprenticeship", MASHAN, DAY)
    assert apprentice.amount == Decimal("5000.00") and apprentice.amount_is_minimum
    assert apprentice.rule.region is None and apprentice.payee == "enterprise"
    yongan = rule_in_force("project", YONGAN, DAY)
    assert yongan.rule.code == "ya-urgent-project-training"
    assert yongan.amount == Decimal("650.00") and yongan.payee == "institution"
    assert yongan.rule.region.name == "永安市"
    upgrading = rule_in_force("upgrading", NANNING, DAY)
    assert upgrading.level_amounts == {"5": "1000.00", "4": "1500.00", "3": "2000.00"}
    assert upgrading.level_amount("4") == Decimal("1500.00") and upgrading.level_amount("2") is None
    assert rule_in_force("training", MASHAN, DAY).amount_unit == "catalogue"
    # Technical-school students: the aid of 001 四（十二） to the student, free tuition (a
    # national-practice amount, its source said) to the school.
    student_aid = rule_in_force("student_aid", MASHAN, DAY)
    assert student_aid.amount == Decimal("3000.00") and student_aid.payee == "student"
    assert student_aid.source == "001 人社部发〔2019〕2号 四（十二）"
    assert student_aid.household_categories == ["lifted", "monitored"]
    tuition = rule_in_force("tuition", MASHAN, DAY)
    assert tuition.amount == Decimal("2000.00") and tuition.payee == "institution"
    assert "财教〔2012〕376号" in tuition.source
    # The Shenzhen variant is Shenzhen's, not Guangxi's.
    living_once = "sz-limit-living-allowance-per-year"
    assert rule_in_force(living_once, "440304", DAY).rule.region_id == SHENZHEN
    assert rule_in_force(living_once, MASHAN, DAY) is None
    # Guangxi's workshop rule is not Yong'an's, nor Yong'an's Guangxi's.
    assert rule_in_force("gx-workshop-project-training", YONGAN, DAY) is None
    assert rule_in_force("ya-urgent-project-training", MASHAN, DAY) is None
    # Employment services (003 三（五）, 四（十一））: three postings recommended, a
    # follow-up within three months, the agency subsidy's six-month contract and three
    # months of insurance; the agency subsidy's amount is the region's own, not seeded.
    for code, value in (
        ("gx-limit-referrals-per-worker", 3),
        ("gx-limit-followup-months", 3),
        ("gx-limit-agency-contract-months", 6),
        ("gx-limit-agency-insurance-months", 3),
    ):
        rule = rule_in_force(code, MASHAN, DAY)
        assert rule.limit_value == Decimal(value) and "003 桂人社发〔2022〕7号" in rule.source
        assert rule_in_force(code, YONGAN, DAY) is None
    assert rule_in_force("agency_service", MASHAN, DAY) is None


def test_loading_twice_changes_nothing(seeded):
    versions = list(PolicyRuleVersion.objects.values_list("pk", "number", "amount"))
    entries = AuditEntry.objects.count()
    again = load_policy_rules()
    assert again.created == 0 and again.unchanged == 22 and again.problems == []
    assert list(PolicyRuleVersion.objects.values_list("pk", "number", "amount")) == versions
    assert AuditEntry.objects.count() == entries


def test_a_province_change_survives_the_next_setup(seeded, qin):
    rule = PolicyRule.objects.get(code="gx-workshop-project-training")
    terms = terms_of(rule.current_version) | {"amount": "220"}
    rule_change(actor=qin, channel=Channel.PAGE, rule=rule, terms=terms, reason="提标")
    load_policy_rules()
    assert rule_in_force(rule.code, MASHAN, DAY).amount == Decimal("220.00")
    assert rule.versions.count() == 2


def _write(tmp_path, rows: list[dict[str, str]], header=COLUMNS):  # noqa: ANN001
    import csv

    path = tmp_path / "rules.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in header})
    return path


def _good(**changes: str) -> dict[str, str]:
    row = {
        "code": "gx-test-rule",
        "kind": "project",
        "region": GUANGXI,
        "name": "测试规则",
        "source_document": "003",
        "valid_from": "2022-01-01",
        "payee": "trainee",
        "amount": "100",
        "amount_unit": "person",
        "from": "测试",
    }
    return row | changes


def test_a_bad_row_is_refused_naming_file_row_column_and_why(tmp_path, regions):
    path = _write(
        tmp_path,
        [
            _good(),
            _good(code="gx-negative", amount="-5"),
            _good(code="gx-fen", cap_per_time="10.005"),
            _good(code="gx-nowhere", region="459999"),
            _good(code="gx-no-payee", payee=""),
            _good(code="gx-backwards", valid_until="2021-01-01"),
            _good(code="Bad Code"),
        ],
    )
    load = load_policy_rules(path)
    assert load.created == 1
    said = [str(p) for p in load.problems]
    assert said == [
        "rules.csv 第3行 amount 列（补贴标准（元））：补贴标准（元）不能为负数",
        "rules.csv 第4行 cap_per_time 列（单次上限（元））：单次上限（元）“10.005”精确到分（两位小数）",
        "rules.csv 第5行 region 列：区划代码“459999”不存在",
        "rules.csv 第6行 payee 列（补贴对象（收款方））：请选择补贴对象（收款方）",
        "rules.csv 第7行 valid_until 列（截止日期）：截止日期不能早于起始日期",
        "rules.csv 第8行 code 列：编码只能由小写字母、数字和连字符组成，如 gx-workshop-training",
    ]
    assert list(PolicyRule.objects.values_list("code", flat=True)) == ["gx-test-rule"]


def test_a_file_without_a_column_is_refused_whole(tmp_path, regions):
    path = _write(tmp_path, [_good()], header=[c for c in COLUMNS if c != "amount"])
    load = load_policy_rules(path)
    assert [str(p) for p in load.problems] == [
        "rules.csv 第1行 amount 列（补贴标准（元））：表头缺少此列"
    ]
    assert not PolicyRule.objects.exists()


def test_each_change_is_a_new_version_and_the_old_stays(seeded, qin):
    rule = PolicyRule.objects.get(code="gx-workshop-project-training")
    first = rule.current_version
    terms = terms_of(first) | {"amount": "250.00", "valid_from": dt.date(2025, 1, 1)}
    second = rule_change(actor=qin, channel=Channel.PAGE, rule=rule, terms=terms, reason="调整标准")
    assert second.number == 2 and second.amount == Decimal("250.00")
    first.refresh_from_db()
    assert first.amount == Decimal("200.00")  # unchanged, still readable
    # Before the amendment the first version still applies; from it, the second.
    assert rule_in_force(rule.code, MASHAN, dt.date(2024, 12, 31)).number == 1
    assert rule_in_force(rule.code, MASHAN, dt.date(2025, 1, 1)).number == 2
    entry = AuditEntry.objects.filter(object_type="subsidies.policyruleversion").latest("id")
    assert entry.actor == qin and entry.object_id == str(second.pk)
    assert "补贴标准（元） 200.00 → 250.00" in entry.note
    assert "起始日期 2022-02-22 → 2025-01-01" in entry.note and "调整标准" in entry.note


def test_a_change_needs_a_reason_and_a_difference(seeded, qin):
    rule = PolicyRule.objects.get(code="gx-workshop-project-training")
    terms = terms_of(rule.current_version)
    with pytest.raises(ValidationError) as exc:
        rule_change(actor=qin, channel=Channel.PAGE, rule=rule, terms=terms, reason="")
    assert exc.value.message_dict == {"reason": ["请填写修改原因"]}
    with pytest.raises(ValidationError, match="没有修改任何内容"):
        rule_change(actor=qin, channel=Channel.PAGE, rule=rule, terms=terms, reason="核对")
    assert rule.versions.count() == 1


def test_who_may_change_which_rule(seeded, qin, liang, wei, zhou):
    workshop = PolicyRule.objects.get(code="gx-workshop-project-training")
    national = PolicyRule.objects.get(code="national-skill-upgrading")
    yongan = PolicyRule.objects.get(code="ya-urgent-project-training")
    terms = terms_of(workshop.current_version) | {"amount": "210"}
    for user in (liang, wei):
        with pytest.raises(PermissionDenied, match="省级审核人员"):
            rule_change(actor=user, channel=Channel.PAGE, rule=workshop, terms=terms, reason="x")
    for rule in (national, yongan):
        with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
            rule_change(
                actor=qin,
                channel=Channel.PAGE,
                rule=rule,
                terms=terms_of(rule.current_version) | {"note": "改"},
                reason="x",
            )
    version = rule_change(
        actor=zhou,
        channel=Channel.PAGE,
        rule=national,
        terms=terms_of(national.current_version) | {"level_amounts": "5=1100;4=1500;3=2000"},
        reason="国家调整",
    )
    assert version.level_amounts["5"] == "1100.00"


def test_the_nearest_region_wins(seeded, qin):
    from skillaid.subsidies.services import rule_create

    base = terms_of(rule_in_force("upgrading", MASHAN, DAY))
    rule_create(
        actor=qin,
        channel=Channel.PAGE,
        code="gx-skill-upgrading",
        kind="upgrading",
        region=Region.objects.get(code=GUANGXI),
        terms=base | {"level_amounts": "5=1200;4=1800;3=2400", "valid_from": "2024-01-01"},
    )
    rule_create(
        actor=qin,
        channel=Channel.PAGE,
        code="mashan-skill-upgrading",
        kind="upgrading",
        region=Region.objects.get(code=MASHAN),
        terms=base
        | {"level_amounts": "5=1300", "valid_from": "2024-01-01", "valid_until": "2024-12-31"},
    )
    assert (
        rule_in_force("upgrading", MASHAN, dt.date(2024, 6, 1)).rule.code
        == "mashan-skill-upgrading"
    )
    # The county's rule has ended: the province's is the nearest in force.
    assert rule_in_force("upgrading", MASHAN, DAY).rule.code == "gx-skill-upgrading"
    assert (
        rule_in_force("upgrading", "450123", dt.date(2024, 6, 1)).rule.code == "gx-skill-upgrading"
    )
    # Before the province's rule began, the national default applied.
    assert (
        rule_in_force("upgrading", MASHAN, dt.date(2023, 6, 1)).rule.code
        == "national-skill-upgrading"
    )
    assert rule_in_force("upgrading", YONGAN, DAY).rule.code == "national-skill-upgrading"
    assert [v.rule.code for v in rules_in_force("upgrading", MASHAN, dt.date(2024, 6, 1))] == [
        "mashan-skill-upgrading",
        "gx-skill-upgrading",
        "national-skill-upgrading",
    ]


# -- the property: for random region trees, validity windows and days -------------------

EPOCH = dt.date(2020, 1, 1)
windows = st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 30)))


@st.composite
def worlds(draw):  # noqa: ANN001, ANN201
    """A small region tree (provinces 91–92, their cities and counties), rules placed on
    its regions or nationwide, each with one to three versions' windows (in months)."""
    regions: list[tuple[str, str, str | None]] = []
    for p in range(draw(st.integers(1, 2))):
        province = f"9{p + 1}0000"
        regions.append((province, Level.PROVINCE, None))
        for c in range(draw(st.integers(0, 2))):
            city = f"9{p + 1}{c + 1:02d}00"
            regions.append((city, Level.CITY, province))
            for k in range(draw(st.integers(0, 2))):
                regions.append((f"{city[:4]}{k + 1:02d}", Level.COUNTY, city))
    codes = [r[0] for r in regions]
    rules = draw(
        st.lists(
            st.tuples(
                st.one_of(st.none(), st.sampled_from(codes)),
                st.lists(windows, min_size=1, max_size=3),
            ),
            max_size=6,
        )
    )
    return regions, rules, draw(st.sampled_from(codes)), draw(st.integers(0, 100))


def _month(n: int) -> dt.date:
    return dt.date(EPOCH.year + n // 12, n % 12 + 1, 1)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_the_chosen_rule_is_in_force_covers_the_region_and_none_nearer_is(world):
    regions, rules, target, month = world
    day = _month(month)
    with transaction.atomic():
        Region.objects.bulk_create(
            [Region(code=c, name=c, level=lv, parent_id=p) for c, lv, p in regions]
        )
        made = []
        for i, (region, versions) in enumerate(rules):
            rule = PolicyRule.objects.create(code=f"r{i}", kind="project", region_id=region)
            for n, (start, length) in enumerate(versions, start=1):
                PolicyRuleVersion.objects.create(
                    rule=rule,
                    number=n,
                    name=f"r{i}v{n}",
                    source_document="测试",
                    valid_from=_month(start),
                    valid_until=None if length is None else _month(start + length),
                    payee="trainee",
                    amount=Decimal(n),
                    amount_unit="person",
                )
            made.append(rule)
        chain = region_chain(target)
        chosen = rule_in_force("project", target, day)

        def distance(rule: PolicyRule) -> int | None:
            """Steps from the target up to the rule's region; None: the rule is elsewhere."""
            if rule.region_id is None:
                return len(chain)
            return chain.index(rule.region_id) if rule.region_id in chain else None

        in_force = [(distance(r), r) for r in made if distance(r) is not None and r.version_on(day)]
        if chosen is None:
            assert in_force == []
        else:
            assert chosen.covers(day)
            assert distance(chosen.rule) is not None
            # It is the newest version of its rule covering the day.
            assert all(
                v.number <= chosen.number for v in chosen.rule.versions.all() if v.covers(day)
            )
            assert min(d for d, _ in in_force) == distance(chosen.rule)
        transaction.set_rollback(True)


def test_the_shipped_file_names_a_source_for_every_row():
    import csv

    with RULES_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and all(r["source_document"].strip() and r["from"].strip() for r in rows)


def test_a_saved_version_is_never_changed_nor_deleted(seeded):
    version = PolicyRule.objects.get(code="gx-workshop-project-training").current_version
    version.amount = Decimal("1")
    with pytest.raises(ValueError, match="请保存为新版本"):
        version.save()
    with pytest.raises(ValueError, match="不能删除"):
        version.delete()
    assert PolicyRuleVersion.objects.get(pk=version.pk).amount == Decimal("200.00")


def test_setup_loads_the_rules_and_names_a_bad_row(tmp_path, regions, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    import skillaid.subsidies.loading as loading

    path = _write(tmp_path, [_good(), _good(code="gx-negative", amount="-5")])
    monkeypatch.setattr(loading, "RULES_FILE", path)
    out, err = StringIO(), StringIO()
    call_command("setup", stdout=out, stderr=err)
    assert "1 policy rules (1 new)" in out.getvalue()
    assert "rules.csv 第3行 amount 列（补贴标准（元））：补贴标准（元）不能为负数" in err.getvalue()
