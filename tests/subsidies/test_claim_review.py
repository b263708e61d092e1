"""A claim's review on the shared mechanism: submitted by the institution, checked by the
county, approved above as the region's rule says; nobody approves their own submission.
Its page, the class page and the person page within scope, and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from skillaid.accounts.apitokens import ApiToken
from skillaid.accounts.review import review_history, review_move, review_queue
from skillaid.subsidies.models import (
    Claim,
    ClaimState,
    LineStatus,
)
from skillaid.subsidies.review import claim_moves
from tests.conftest import MASHAN

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def seeded_rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


@pytest.fixture
def claim(lu, school, run_class, person_factory):
    a = person_factory(category="脱贫户", name="蓝海燕")
    b = person_factory(category="脱贫户", name="覃海")
    c = run_class(lu, attended={a: 2, b: 2}, count=2)
    return Claim.objects.get(training_class=c)


def levels_rule(actor, county: str, value: int) -> None:
    """The county's own approval levels, in place of the nationwide default."""
    from skillaid.regions.models import Region
    from skillaid.subsidies.services import rule_create

    rule_create(
        actor=actor,
        channel="page",
        code=f"approval-levels-{county}",
        kind="limit",
        region=Region.objects.get(code=county),
        replaces="limit-approval-levels",
        terms={
            "name": "补贴申领审核层级（本县）",
            "source_document": "县人社局通知",
            "valid_from": "2021-01-01",
            "limit_value": str(value),
            "limit_unit": "级审核",
        },
        reason="本县另定",
    )


def names(claim, user) -> list[str]:
    return [m.name for m in claim_moves(claim, user)]


def test_two_levels_the_county_checks_and_the_city_approves(claim, lu, wei, liang, qin):
    assert names(claim, lu) == ["submit"] and names(claim, wei) == []
    claim = review_move(claim, ClaimState.SUBMITTED, actor=lu)
    with pytest.raises(PermissionDenied):
        review_move(claim, ClaimState.CHECKED, actor=lu)
    assert names(claim, wei) == ["check", "return_county", "reject_county"]
    assert any(w.workflow.noun == "补贴申领" for w in review_queue(wei))
    claim = review_move(claim, ClaimState.CHECKED, actor=wei)
    assert names(claim, wei) == []
    assert names(claim, liang) == ["approve", "return", "reject"]
    claim = review_move(claim, ClaimState.APPROVED, actor=liang)
    steps = list(review_history(claim))
    assert [s.move for s in steps] == ["submit", "check", "approve"]
    assert [s.actor for s in steps] == [lu, wei, liang]


def test_nobody_approves_what_they_submitted(claim, zhou):
    claim.institution = None
    claim.save()
    claim = review_move(claim, ClaimState.SUBMITTED, actor=zhou)
    assert names(claim, zhou) == []
    with pytest.raises(PermissionDenied, match="提交人不能审核自己提交的补贴申领"):
        review_move(claim, ClaimState.CHECKED, actor=zhou)


def test_a_county_with_one_level_approves_alone(claim, lu, wei, qin):
    levels_rule(qin, MASHAN, 1)
    claim = review_move(claim, ClaimState.SUBMITTED, actor=lu)
    assert names(claim, wei) == ["approve_county", "return_county", "reject_county"]
    with pytest.raises(ValidationError, match="实行1级审核"):
        review_move(claim, ClaimState.CHECKED, actor=wei)
    claim = review_move(claim, ClaimState.APPROVED, actor=wei)
    assert claim.status == ClaimState.APPROVED


def test_three_levels_the_city_checks_and_the_province_approves(claim, lu, wei, liang, qin):
    levels_rule(qin, MASHAN, 3)
    claim = review_move(claim, ClaimState.SUBMITTED, actor=lu)
    claim = review_move(claim, ClaimState.CHECKED, actor=wei)
    assert names(claim, liang) == ["city_check", "return", "reject"]
    with pytest.raises(ValidationError, match="市级复核后由省级审批"):
        review_move(claim, ClaimState.APPROVED, actor=liang)
    claim = review_move(claim, ClaimState.CITY_CHECKED, actor=liang)
    assert names(claim, liang) == []
    claim = review_move(claim, ClaimState.APPROVED, actor=qin)
    assert [s.move for s in review_history(claim)] == [
        "submit",
        "check",
        "city_check",
        "approve_final",
    ]


def test_a_region_rule_must_replace_a_rule_of_its_kind_within_its_region(qin):
    from skillaid.regions.models import Region
    from skillaid.subsidies.services import rule_create

    with pytest.raises(ValidationError) as caught:
        rule_create(
            actor=qin,
            channel="page",
            code="mashan-bad",
            kind="living",
            region=Region.objects.get(code=MASHAN),
            replaces="limit-approval-levels",
            terms={
                "name": "x",
                "source_document": "y",
                "valid_from": "2021-01-01",
                "amount": "1",
                "amount_unit": "person",
            },
        )
    assert "只能由同类规则替代" in caught.value.message_dict["replaces"][0]


def test_a_rejection_refuses_every_line_with_its_reason(claim, lu, wei):
    claim = review_move(claim, ClaimState.SUBMITTED, actor=lu)
    with pytest.raises(ValidationError):
        review_move(claim, ClaimState.REJECTED, actor=wei)
    claim = review_move(claim, ClaimState.REJECTED, actor=wei, reason="培训场地与申报不符")
    lines = list(claim.lines.all())
    assert lines and all(x.status == LineStatus.REFUSED for x in lines)
    assert all(x.reason == "申领不予补贴：培训场地与申报不符" for x in lines)


def test_the_claim_page_is_404_outside_scope_and_shows_lines_within(client, claim, lu, wei, huang):
    url = reverse("claim_detail", args=[claim.pk])
    client.force_login(huang)
    assert client.get(url).status_code == 404
    client.force_login(wei)
    page = client.get(url).content.decode()
    assert "蓝海燕" in page and "1200.00" in page and "职业培训补贴（按需求目录标准）" in page
    assert "提交审核" not in page  # the county does not submit the institution's claim
    client.force_login(lu)
    page = client.get(url).content.decode()
    assert "提交审核" in page
    response = client.post(
        reverse("claim_review", args=[claim.pk]), {"move": "submit"}, follow=True
    )
    assert "已提交审核" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimState.SUBMITTED and claim.submitted_by == lu
    # The class page shows its claim; the list page lists it.
    page = client.get(reverse("class_detail", args=[claim.training_class_id])).content.decode()
    assert 'id="claim"' in page and "应发合计" in page
    assert str(claim.training_class) in client.get(reverse("claims")).content.decode()


def test_the_person_page_lists_their_lines(client, claim, wei):
    person = claim.lines.first().person
    client.force_login(wei)
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "补贴申领与发放" in page and "职业培训补贴" in page


def test_the_api_lists_within_scope_and_makes_moves(client, claim, lu, wei, huang):
    def bearer(user):
        _, token = ApiToken.issue(user=user, name="t")
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    assert client.get("/api/claims", **bearer(huang)).json() == []
    listed = client.get("/api/claims", **bearer(wei)).json()
    assert [c["id"] for c in listed] == [claim.pk]
    # Two trainees at the catalogue's 1,200; no living allowance outside project training.
    assert Decimal(listed[0]["due"]) == Decimal("2400.00")
    assert client.get(f"/api/claims/{claim.pk}", **bearer(huang)).status_code == 404
    one = client.get(f"/api/claims/{claim.pk}", **bearer(lu)).json()
    assert one["moves"] == ["submit"] and {x["rule_code"] for x in one["lines"]} >= {
        "national-catalogue-training-subsidy"
    }
    r = client.post(
        f"/api/claims/{claim.pk}/review",
        {"move": "check"},
        content_type="application/json",
        **bearer(wei),
    )
    assert r.status_code == 403 and "可办理" in r.json()["detail"]
    r = client.post(
        f"/api/claims/{claim.pk}/review",
        {"move": "submit"},
        content_type="application/json",
        **bearer(lu),
    )
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert r.json()["history"][0]["label"] == "提交审核"


def test_one_person_never_makes_two_levels_of_the_same_claim(claim, lu, zhou):
    """An administrator holds every level's capability; each level is still another person's."""
    claim = review_move(claim, ClaimState.SUBMITTED, actor=lu)
    claim = review_move(claim, ClaimState.CHECKED, actor=zhou)
    assert names(claim, zhou) == ["return", "reject"]
    with pytest.raises(PermissionDenied, match="同一人不能办理同一申领的两级审核"):
        review_move(claim, ClaimState.APPROVED, actor=zhou)


def test_the_county_neither_computes_nor_submits_an_institutions_claim(client, claim, wei):
    client.force_login(wei)
    page = client.get(reverse("claim_detail", args=[claim.pk])).content.decode()
    assert "按现行规则重新计算" not in page
    response = client.post(reverse("claim_recompute", args=[claim.pk]), follow=True)
    assert "培训班的补贴申领由培训机构计算和提交" in response.content.decode()
