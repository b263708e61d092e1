"""Skill-upgrading applications: the clerk records one from a certificate the system holds;
the line is computed by the rule in force and refused by the shared limits, each naming
the rule and the line that blocks it; within scope on pages and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.models import ApiToken
from skillaid.accounts.review import review_move
from skillaid.evaluation.models import Certificate
from skillaid.evaluation.services import certificate_record, certificates_issue
from skillaid.lib.dates import add_months
from skillaid.subsidies.applications import upgrading_apply
from skillaid.subsidies.models import Claim, ClaimLine, RuleKind
from tests.conftest import LONGAN, MASHAN
from tests.subsidies.fixtures import at, verified

pytestmark = pytest.mark.django_db

UPGRADING = "national-skill-upgrading"


@pytest.fixture(autouse=True)
def seeded_rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


_numbers = iter(range(1, 9999))


@pytest.fixture
def certify(wei, occupation):
    """`certify(person, level="4", issued_on=…)`: a certificate issued elsewhere, imported
    by the county clerk through the certificate import's own service; its holder found
    insured by the social-insurance register (unless `insured_verified=False`)."""

    def make(
        person,
        *,
        level: str = "4",
        issued_on: dt.date | None = None,
        occupation_name=None,
        insured_verified: bool = True,
    ):
        issued_on = issued_on or timezone.localdate() - dt.timedelta(days=30)
        if insured_verified and not person.facts.filter(kind="insured").exists():
            # The social-insurance register's comparison found the holder insured.
            verified(person, "insured", source="社会保险参保登记（比对）")
        cert, _ = certificate_record(
            actor=wei,
            data={
                "number": f"S{next(_numbers):010d}",
                "name": person.name,
                "id_number": person.id_number,
                "kind": "职业技能等级证书",
                "occupation_name": occupation_name or occupation.name,
                "level": level,
                "issuer": "南宁市职业技能评价中心",
                "issued_on": issued_on,
            },
        )
        return cert

    return make


def apply(wei, cert, **extra) -> ClaimLine:
    claim = upgrading_apply(
        actor=wei, certificate=cert, insured=extra.pop("insured", True), **extra
    )
    return claim.lines.get()


@pytest.mark.parametrize(
    ("level", "amount"), [("5", "1000.00"), ("4", "1500.00"), ("3", "2000.00")]
)
def test_an_insured_employee_is_paid_by_level(wei, person_factory, certify, level, amount):
    person = person_factory()
    cert = certify(person, level=level)
    line = apply(wei, cert, employer="广西某机械有限公司")
    claim = line.claim
    assert (claim.kind, claim.status, claim.person, claim.county_id) == (
        "upgrading",
        "draft",
        person,
        MASHAN,
    )
    assert (line.kind, line.status, line.amount, line.rate, line.units) == (
        RuleKind.UPGRADING,
        "due",
        Decimal(amount),
        Decimal(amount),
        Decimal("1"),
    )
    assert line.rule.rule.code == UPGRADING and line.rule.number == 1
    assert line.certificate == cert and line.payee == "trainee" and line.payee_name == person.name
    assert line.evidence["basis"] == "insured" and line.evidence["employer"] == "广西某机械有限公司"
    assert line.evidence["certificate"] == cert.number


def test_without_the_insured_declaration_the_rule_refuses(wei, person_factory, certify):
    line = apply(wei, certify(person_factory()), insured=False)
    assert line.status == "refused" and line.amount == 0
    assert "限参保职工（失业保险）" in line.reason and line.rule.rule.code == UPGRADING


def test_a_level_the_rule_does_not_pay_is_refused(wei, person_factory, certify):
    line = apply(wei, certify(person_factory(), level="2"))
    assert line.status == "refused" and "限五级" in line.reason and "二级" in line.reason


def test_the_same_occupation_and_level_is_paid_once(wei, person_factory, certify):
    person = person_factory()
    first = apply(wei, certify(person, level="4"))
    again = apply(wei, certify(person, level="4"))
    assert first.status == "due"
    assert again.status == "refused" and again.blocked_by_id == first.pk
    assert again.limit.rule.code == "limit-once-per-occupation-level"
    assert f"第{first.pk}号补贴明细" in again.reason


def test_a_higher_level_blocks_a_lower_one(wei, person_factory, certify):
    person = person_factory()
    higher = apply(wei, certify(person, level="3"))
    lower = apply(wei, certify(person, level="4"))
    assert higher.status == "due" and higher.amount == Decimal("2000.00")
    assert lower.status == "refused" and lower.blocked_by_id == higher.pk
    assert lower.limit.rule.code == "limit-higher-level-blocks-lower"


def test_a_claim_later_than_twelve_months_after_the_certificate_is_refused(
    wei, person_factory, certify
):
    today = timezone.localdate()
    late = certify(person_factory(), issued_on=add_months(today, -12) - dt.timedelta(days=1))
    line = apply(wei, late)
    assert line.status == "refused" and line.limit.rule.code == "limit-claim-within-months"
    assert "须在12个月内" in line.reason and line.blocked_by_id is None
    on_time = certify(person_factory(name="覃海"), issued_on=add_months(today, -12))
    assert apply(wei, on_time).status == "due"


def test_a_certificate_whose_training_was_subsidised_gets_no_upgrading_subsidy(
    wei, lu, school, run_class, person_factory
):
    person = person_factory(category="脱贫户")
    c = run_class(lu, attended={person: 5})
    training = ClaimLine.objects.get(claim__training_class=c, person=person, kind=RuleKind.TRAINING)
    assert training.status == "due"
    with at(c.closed_moment + dt.timedelta(hours=1)):
        (cert,) = certificates_issue(actor=lu, training_class=c)
        line = apply(wei, cert)
    assert line.status == "refused" and line.blocked_by_id == training.pk
    assert line.limit.rule.code == "limit-training-or-upgrading"
    assert "该证书已享受职业培训补贴" in line.reason


def test_a_draft_is_recorded_again_in_place_and_a_submitted_one_is_not_repeated(
    wei, person_factory, certify
):
    cert = certify(person_factory())
    first = apply(wei, cert, insured=False)
    assert first.status == "refused"
    again = apply(wei, cert, insured=True)
    assert again.claim_id == first.claim_id and again.status == "due"
    assert ClaimLine.objects.count() == 1
    claim = again.claim
    review_move(claim, "submitted", actor=wei, reason="", channel="page")
    with pytest.raises(ValidationError) as exc:
        apply(wei, cert)
    message = exc.value.message_dict["certificate"][0]
    assert f"第{claim.pk}号申领" in message and "已提交待初审" in message
    assert Claim.objects.filter(kind="upgrading").count() == 1


def test_the_clerk_records_on_the_page_and_submits_for_review(client, wei, person_factory, certify):
    person = person_factory()
    cert = certify(person, level="5")
    client.force_login(wei)
    claims_page = client.get(reverse("claims")).content.decode()
    assert "登记技能提升补贴申领" in claims_page and "导入学徒名单" in claims_page
    form = client.get(reverse("upgrading_new"), {"certificate": cert.number}).content.decode()
    assert person.id_masked in form and person.id_number not in form
    response = client.post(
        reverse("upgrading_new"),
        {
            "certificate": cert.number.lower(),
            "insured": "on",
            "employer": "马山县某公司",
            "claimed_on": timezone.localdate().isoformat(),
        },
    )
    claim = Claim.objects.get(kind="upgrading")
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    detail = client.get(response["Location"]).content.decode()
    assert "1000.00" in detail and "职业技能提升补贴" in detail and "提交审核" in detail
    review_move(claim, "submitted", actor=wei, reason="", channel="page")
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.submitted_by == wei
    person_page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "技能提升补贴" in person_page and "1000.00" in person_page


def test_a_bad_form_is_refused_in_chinese_beside_its_field(client, wei, person_factory, certify):
    cert = certify(person_factory())
    client.force_login(wei)
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    body = client.post(
        reverse("upgrading_new"),
        {"certificate": cert.number, "insured": "on", "claimed_on": tomorrow},
    ).content.decode()
    assert "申领日期不能晚于今天" in body
    body = client.post(
        reverse("upgrading_new"), {"certificate": "S404", "claimed_on": "2026-13-01"}
    ).content.decode()
    assert "证书编号“S404”在系统中不存在" in body and "日期格式不对" in body
    assert not Claim.objects.exists()


def test_another_countys_clerk_can_neither_see_nor_record(
    client, wei, huang, lu, person_factory, certify
):
    cert = certify(person_factory())
    claim = apply(wei, cert).claim
    client.force_login(huang)
    body = client.post(
        reverse("upgrading_new"),
        {"certificate": cert.number, "insured": "on", "claimed_on": timezone.localdate()},
    ).content.decode()
    assert "不存在，或持证人不在您的管辖范围内" in body
    assert client.get(reverse("claim_detail", args=[claim.pk])).status_code == 404
    assert cert.number not in client.get(reverse("upgrading_awaiting")).content.decode()
    with pytest.raises(Exception, match="不在您的管辖范围内"):
        upgrading_apply(actor=huang, certificate=cert, insured=True)
    client.force_login(lu)
    assert client.get(reverse("upgrading_new")).status_code == 403


def test_the_awaiting_list_shows_imported_certificates_until_applied_for(
    client, wei, person_factory, certify
):
    fresh = certify(person_factory(name="蓝海燕"))
    old = certify(
        person_factory(name="覃海"), issued_on=timezone.localdate() - dt.timedelta(days=400)
    )
    client.force_login(wei)
    body = client.get(reverse("upgrading_awaiting")).content.decode()
    assert fresh.number in body and old.number not in body
    assert f"?certificate={fresh.number}" in body
    apply(wei, fresh)
    assert fresh.number not in client.get(reverse("upgrading_awaiting")).content.decode()


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_api_records_an_application_within_scope(client, wei, huang, person_factory, certify):
    cert = certify(person_factory(), level="3")
    payload = {"certificate_number": cert.number, "insured": True}
    url, json = "/api/claims/upgrading", "application/json"
    response = client.post(url, payload, content_type=json, **bearer(huang))
    assert response.status_code == 404 and not Claim.objects.exists()
    assert "不在您的管辖范围内" in response.json()["detail"]
    response = client.post(url, payload, content_type=json, **bearer(wei))
    assert response.status_code == 201, response.content
    body = response.json()
    (line,) = body["lines"]
    assert body["kind"] == "upgrading" and body["county"] == MASHAN
    assert (line["status"], line["amount"], line["rule"]) == ("due", "2000.00", UPGRADING)
    # While a draft, recording again replaces its line; once submitted, it is refused.
    again = client.post(url, payload, content_type=json, **bearer(wei))
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    review_move(Claim.objects.get(), "submitted", actor=wei, reason="", channel="page")
    again = client.post(url, payload, content_type=json, **bearer(wei))
    assert again.status_code == 422 and "不能重复申领" in again.json()["detail"]["certificate"]
    assert ClaimLine.objects.count() == 1
    listed = client.get("/api/claims/upgrading/awaiting", {"county": MASHAN}, **bearer(wei))
    assert listed.status_code == 200
    assert cert.number not in [c["number"] for c in listed.json()]


def test_an_out_of_scope_holder_is_refused_by_the_certificate_import_first(wei, person_factory):
    # A certificate of someone of another county cannot even be imported by this clerk,
    # so no application can be recorded for them here.
    other = person_factory(county=LONGAN, name="农杰")
    with pytest.raises(ValidationError):
        certificate_record(
            actor=wei,
            data={
                "number": "S9999999999",
                "name": other.name,
                "id_number": other.id_number,
                "kind": "职业技能等级证书",
                "occupation_name": "家政服务员",
                "level": "4",
                "issuer": "南宁市职业技能评价中心",
                "issued_on": timezone.localdate(),
            },
        )
    assert not Certificate.objects.exists()
