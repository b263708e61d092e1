"""The policy rule pages, their export and the API: read by the bureaus, changed by the
province reviewer as a new version, every bad value refused in Chinese beside its field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

import pytest

from skillaid.accounts.models import ApiToken, AuditEntry
from skillaid.subsidies.forms import RuleTermsForm
from skillaid.subsidies.loading import load_policy_rules
from skillaid.subsidies.models import PolicyRule
from skillaid.subsidies.rules import rule_in_force
from tests.conftest import MASHAN
from tests.exports import export_rows

WORKSHOP = "gx-workshop-project-training"


@pytest.fixture
def seeded(regions):
    load_policy_rules()


def _form(rule: PolicyRule, **changes: object) -> dict[str, object]:
    """The edit form as the page fills it, with `changes` typed over it."""
    data = {k: v for k, v in RuleTermsForm.initial_of(rule.current_version).items()}
    data = {k: v for k, v in data.items() if v not in (None, False, [])}
    for key, value in list(data.items()):
        if isinstance(value, dt.date):
            data[key] = value.isoformat()
    return data | changes


def test_the_province_reviewer_saves_a_change_as_a_new_version(client, seeded, qin):
    client.force_login(qin)
    rule = PolicyRule.objects.get(code=WORKSHOP)
    page = client.get(f"/policies/{WORKSHOP}/edit/")
    assert page.status_code == 200 and "保存后生成第2版" in page.content.decode()
    answer = client.post(
        f"/policies/{WORKSHOP}/edit/",
        _form(rule, amount="1,000.00", cap_per_time="1500", reason="试行提标"),
    )
    assert answer.status_code == 302 and answer["Location"] == f"/policies/{WORKSHOP}/"
    versions = list(rule.versions.order_by("number"))
    assert [(v.number, v.amount) for v in versions] == [
        (1, Decimal("200.00")),
        (2, Decimal("1000.00")),
    ]
    assert versions[1].recorded_by == qin and versions[1].reason == "试行提标"
    entry = AuditEntry.objects.filter(object_type="subsidies.policyruleversion").latest("id")
    assert entry.actor == qin and "补贴标准（元） 200.00 → 1000.00" in entry.note
    detail = client.get(f"/policies/{WORKSHOP}/").content.decode()
    assert "第2版" in detail and "第1版" in detail and "覃芳" in detail
    assert (
        "补贴标准（元）：200.00 → 1000.00" in detail
        and "单次上限（元）：1000.00 → 1500.00" in detail
    )


@pytest.mark.parametrize(
    ("field", "value", "where", "message"),
    [
        ("amount", "-200", "amount", "补贴标准（元）不能为负数"),
        ("amount", "200.123", "amount", "补贴标准（元）“200.123”精确到分（两位小数）"),
        ("amount", "二百", "amount", "补贴标准（元）“二百”不是金额"),
        (
            "cap_per_time",
            "1,000.001",
            "cap_per_time",
            "单次上限（元）“1000.001”精确到分（两位小数）",
        ),
        ("valid_until", "2020-01-01", "valid_until", "截止日期不能早于起始日期"),
        ("name", "", "name", "请填写名称"),
        ("reason", "", "reason", "请填写修改原因"),
        ("level_amounts", "5=1000", "level_amounts", "只有按等级计发的规则填写分等级标准"),
        ("amount_unit", "level", "level_amounts", "按等级计发的规则须填写各等级金额"),
    ],
)
def test_bad_input_is_refused_in_chinese_beside_its_field(
    client, seeded, qin, field, value, where, message
):
    client.force_login(qin)
    rule = PolicyRule.objects.get(code=WORKSHOP)
    data = _form(rule, reason="核对") | {field: value}
    answer = client.post(f"/policies/{WORKSHOP}/edit/", data)
    assert answer.status_code == 200
    form = answer.context["form"]
    assert any(message in e for e in form.errors[where]), form.errors
    html = answer.content.decode()
    # Beside the field: inside the field's own block.
    block = html[html.index(f'id="field-{where}"') :]
    block = block[: block.index('<div class="field')] if '<div class="field' in block else block
    assert message in block
    assert rule.versions.count() == 1


def test_the_clerk_reads_but_cannot_change(client, seeded, wei):
    client.force_login(wei)
    listed = client.get("/policies/")
    assert listed.status_code == 200
    html = listed.content.decode()
    assert "项目制就业技能培训补贴（就业帮扶车间，非标准职业）" in html and "新建规则" not in html
    # Another province's rule is not in a Mashan clerk's list, nor on its own page.
    assert "永安市" not in html
    assert client.get("/policies/ya-urgent-project-training/").status_code == 404
    detail = client.get(f"/policies/{WORKSHOP}/").content.decode()
    assert "修改（生成新版本）" not in detail
    assert client.get(f"/policies/{WORKSHOP}/edit/").status_code == 403
    rule = PolicyRule.objects.get(code=WORKSHOP)
    assert client.post(f"/policies/{WORKSHOP}/edit/", _form(rule, reason="x")).status_code == 403
    assert client.get("/policies/new/").status_code == 403
    assert rule.versions.count() == 1


def test_the_officer_has_no_rules_page(client, seeded, lu):
    client.force_login(lu)
    assert client.get("/policies/").status_code == 403
    assert "补贴政策" not in client.get("/").content.decode()


def test_the_list_filters_by_kind_region_and_day_and_exports_the_same_rows(client, seeded, qin):
    client.force_login(qin)
    query = {"kind": "project", "region": MASHAN, "on": "2025-01-01"}
    page = client.get(f"/policies/?{urlencode(query)}")
    codes = [r.code for r in page.context["page"]]
    assert codes == [WORKSHOP]
    before = client.get(f"/policies/?{urlencode(query | {'on': '2021-06-01'})}")
    assert [r.code for r in before.context["page"]] == []
    _, token = ApiToken.issue(user=qin, name="rules")
    api = client.get(
        f"/api/policy-rules?{urlencode(query)}", HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert [r["code"] for r in api] == codes
    rows = export_rows(client.get(f"/policies/export.xlsx?{urlencode(query)}"))
    assert [r[0] for r in rows[2:]] == codes
    assert rows[2][8] == 200 and rows[2][9] == 1000
    entry = AuditEntry.objects.filter(action="export").latest("id")
    assert entry.actor == qin


def test_a_new_rule_for_the_province_wins_over_the_national_default(client, seeded, qin):
    client.force_login(qin)
    answer = client.post(
        "/policies/new/",
        {
            "code": "gx-skill-upgrading",
            "kind": "upgrading",
            "region": "450000",
            "name": "广西技能提升补贴",
            "source_document": "桂人社规〔2025〕1号",
            "valid_from": "2025-01-01",
            "payee": "trainee",
            "amount_unit": "level",
            "level_amounts": "5=1200；4=1800；3=2400",
            "bases": ["insured"],
            "reason": "本省另定标准",
        },
    )
    assert answer.status_code == 302, answer.context["form"].errors
    chosen = rule_in_force("upgrading", MASHAN, dt.date(2025, 6, 1))
    assert chosen.rule.code == "gx-skill-upgrading" and chosen.level_amounts["4"] == "1800.00"
    outside = client.post(
        "/policies/new/",
        {
            "code": "gd-skill-upgrading",
            "kind": "upgrading",
            "region": "440000",
            "name": "x",
            "source_document": "x",
            "valid_from": "2025-01-01",
            "payee": "trainee",
            "amount_unit": "level",
            "level_amounts": "5=1",
        },
    )
    assert outside.status_code == 200
    assert "不在您的管辖范围内" in outside.context["form"].errors["region"][0]


def test_the_api_gives_a_rule_with_every_version(client, seeded, qin, wei, lu):
    client.force_login(qin)
    rule = PolicyRule.objects.get(code=WORKSHOP)
    client.post(
        f"/policies/{WORKSHOP}/edit/",
        _form(rule, amount="220", valid_from="2025-01-01", reason="提标"),
    )
    _, token = ApiToken.issue(user=wei, name="rules")
    body = client.get(f"/api/policy-rules/{WORKSHOP}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["region_code"] == "450000" and body["version"]["number"] == 2
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["versions"][0]["amount"] == "220.00"
    assert body["versions"][0]["changes"] == [
        {"field": "起始日期", "old": "2022-02-22", "new": "2025-01-01"},
        {"field": "补贴标准（元）", "old": "200.00", "new": "220.00"},
    ]
    assert body["versions"][1]["amount"] == "200.00" and body["versions"][1]["changes"] == []
    on = client.get(
        "/api/policy-rules?on=2022-03-01&kind=project",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    ).json()
    # On 2022-03-01 the first version was in force.
    assert [(r["code"], r["version"]["number"]) for r in on] == [(WORKSHOP, 1)]
    hidden = client.get(
        "/api/policy-rules/ya-urgent-project-training", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert hidden.status_code == 404
    _, officer = ApiToken.issue(user=lu, name="rules")
    denied = client.get("/api/policy-rules", HTTP_AUTHORIZATION=f"Bearer {officer}")
    assert denied.status_code == 403


def test_the_province_reviewer_cannot_change_the_national_default_by_its_address(
    client, seeded, qin, zhou
):
    client.force_login(qin)
    national = "national-skill-upgrading"
    detail = client.get(f"/policies/{national}/").content.decode()
    assert "修改（生成新版本）" not in detail
    refused = client.get(f"/policies/{national}/edit/")
    assert refused.status_code == 403 and "全国默认标准由系统管理员维护" in refused.content.decode()
    rule = PolicyRule.objects.get(code=national)
    assert client.post(f"/policies/{national}/edit/", _form(rule, reason="x")).status_code == 403
    assert rule.versions.count() == 1
    client.force_login(zhou)
    assert "修改（生成新版本）" in client.get(f"/policies/{national}/").content.decode()
