"""The review mechanism on its own, with a tiny two-stage workflow declared here: a claim a
school officer submits, the county clerk reviews, then the city reviewer approves."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, models
from django.test.utils import isolate_apps

from skillaid.accounts.models import AuditEntry, Role
from skillaid.accounts.review import (
    Move,
    ReviewStep,
    Workflow,
    review_history,
    review_move,
    review_moves,
    review_queue,
    review_register,
    review_unregister,
    reviews,
)
from tests.conftest import LONGAN, MASHAN

pytestmark = pytest.mark.django_db


class ClaimState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待县级审核"
    COUNTY_OK = "county_ok", "县级已审核待市级审批"
    APPROVED = "approved", "市级已批准"
    RETURNED = "returned", "退回修改"


def _role(*roles: str):  # noqa: ANN202
    return lambda user: user.role in roles


def _city_only(claim, step) -> None:  # noqa: ANN001
    # A rule of the domain, checked with the move: a claim of nothing is never approved.
    if claim.amount <= 0:
        raise ValidationError("申请金额须大于零")


def _moves() -> tuple[Move, ...]:
    county = _role(Role.COUNTY_CLERK)
    city = _role(Role.CITY_REVIEWER)
    return (
        Move(
            "submit",
            "提交申请",
            (ClaimState.DRAFT, ClaimState.RETURNED),
            ClaimState.SUBMITTED,
            _role(Role.SCHOOL_OFFICER, Role.ADMIN),
            "只有院校可以提交",
            maker=True,
            verb="提交",
        ),
        Move(
            "county_ok",
            "县级审核通过",
            (ClaimState.SUBMITTED,),
            ClaimState.COUNTY_OK,
            _role(Role.COUNTY_CLERK, Role.ADMIN),
            "只有县级经办人员可以审核",
        ),
        Move(
            "county_return",
            "县级退回",
            (ClaimState.SUBMITTED,),
            ClaimState.RETURNED,
            county,
            "只有县级经办人员可以退回",
            reason=True,
        ),
        Move(
            "city_approve",
            "市级批准",
            (ClaimState.COUNTY_OK,),
            ClaimState.APPROVED,
            city,
            "只有市级审核人员可以批准",
            apply=_city_only,
        ),
    )


@pytest.fixture
def Claim(regions):  # noqa: N802
    """A model of this test only, its table made inside the test's transaction."""
    with isolate_apps("tests"):

        class Claim(models.Model):
            county = models.CharField(max_length=6)
            status = models.CharField(max_length=16, default=ClaimState.DRAFT)
            amount = models.IntegerField(default=100)

            class Meta:
                app_label = "tests"

            def __str__(self) -> str:
                return f"申请#{self.pk}"

    editor = connection.schema_editor()
    sql, params = editor.table_sql(Claim)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)

    def scope(user):  # noqa: ANN001, ANN202
        if user.role == Role.SCHOOL_OFFICER:
            return Claim.objects.all()
        return Claim.objects.filter(county__startswith=user.region_prefix)

    workflow = Workflow(
        model=Claim,
        title="补贴申请审核",
        noun="补贴申请",
        states=ClaimState,
        moves=_moves(),
        scope=scope,
        url=lambda c: f"/claims/{c.pk}/",
    )
    review_register(workflow)
    yield Claim
    review_unregister(workflow)


def test_an_illegal_move_is_refused(Claim, lu, wei, liang):  # noqa: N803
    claim = Claim.objects.create(county=MASHAN)
    with pytest.raises(ValidationError) as info:
        review_move(claim, ClaimState.COUNTY_OK, actor=wei)
    assert "补贴申请处于“草稿”状态，不能审核" in info.value.messages
    review_move(claim, ClaimState.SUBMITTED, actor=lu)
    # No move leads from 已提交 straight to 市级已批准, whoever asks.
    with pytest.raises(ValidationError):
        review_move(claim, ClaimState.APPROVED, actor=liang)
    with pytest.raises(ValidationError) as info:
        review_move(claim, "paid", actor=liang)
    assert "不是补贴申请审核中可以转入的状态" in info.value.messages[0]
    claim.refresh_from_db()
    assert claim.status == ClaimState.SUBMITTED
    assert review_history(claim).count() == 1


def test_the_maker_never_checks_their_own_object(Claim, zhou):  # noqa: N803
    claim = Claim.objects.create(county=MASHAN)
    claim = review_move(claim, ClaimState.SUBMITTED, actor=zhou)
    # The administrator may make either move, but not both on the same claim.
    assert [m.name for m in review_moves(claim, zhou)] == []
    with pytest.raises(PermissionDenied) as info:
        review_move(claim, ClaimState.COUNTY_OK, actor=zhou)
    assert "提交人不能审核自己提交的事项" in str(info.value)
    assert review_queue(zhou) == []


def test_a_return_needs_a_reason(Claim, lu, wei):  # noqa: N803
    claim = Claim.objects.create(county=MASHAN)
    review_move(claim, ClaimState.SUBMITTED, actor=lu)
    for blank in ("", "   "):
        with pytest.raises(ValidationError) as info:
            review_move(claim, ClaimState.RETURNED, actor=wei, reason=blank)
        assert info.value.message_dict == {"reason": ["县级退回须填写原因"]}
    with pytest.raises(ValidationError) as info:
        review_move(claim, ClaimState.RETURNED, actor=wei, reason="长" * 501)
    assert "原因最多500字，现为501字" in info.value.message_dict["reason"][0]
    review_move(claim, ClaimState.RETURNED, actor=wei, reason="缺少培训合格证明")
    assert review_history(claim).last().reason == "缺少培训合格证明"


def test_each_step_records_who_when_from_to_why_and_the_audit_entry(Claim, lu, wei):  # noqa: N803
    claim = Claim.objects.create(county=MASHAN)
    when = dt.datetime(2026, 12, 3, 2, 30, tzinfo=dt.UTC)
    with time_machine.travel(when, tick=False):
        review_move(claim, ClaimState.SUBMITTED, actor=lu, channel="api")
        review_move(claim, ClaimState.RETURNED, actor=wei, reason="  金额有误 ")
    submit, back = review_history(claim)
    assert (submit.move, submit.maker, submit.actor, submit.channel) == ("submit", True, lu, "api")
    assert (back.object_type, back.object_id) == ("tests.claim", claim.pk)
    assert (back.actor, back.actor_name, back.at) == (wei, "韦丽", when)
    assert (back.from_state, back.to_state, back.reason) == ("submitted", "returned", "金额有误")
    assert (back.label, back.from_label, back.to_label) == (
        "县级退回",
        "已提交待县级审核",
        "退回修改",
    )
    assert back.maker is False and back.channel == "page"
    entry = AuditEntry.objects.filter(object_type="tests.claim", object_id=str(claim.pk)).first()
    assert entry.actor == wei and entry.changes == {"status": ["submitted", "returned"]}
    assert entry.note == "县级退回：金额有误"
    with pytest.raises(PermissionDenied):
        back.save()
    with pytest.raises(PermissionDenied):
        ReviewStep.objects.filter(pk=back.pk).update(reason="")


def test_a_refusal_by_the_domain_leaves_no_step_and_no_change(Claim, lu, wei, liang):  # noqa: N803
    claim = Claim.objects.create(county=MASHAN, amount=0)
    review_move(claim, ClaimState.SUBMITTED, actor=lu)
    review_move(claim, ClaimState.COUNTY_OK, actor=wei)
    with pytest.raises(ValidationError) as info:
        review_move(claim, ClaimState.APPROVED, actor=liang)
    assert info.value.messages == ["申请金额须大于零"]
    claim.refresh_from_db()
    assert claim.status == ClaimState.COUNTY_OK and review_history(claim).count() == 2


def test_a_two_stage_flow_passes_the_county_then_the_city(Claim, lu, wei, liang):  # noqa: N803
    claim = Claim.objects.create(county=MASHAN)
    review_move(claim, ClaimState.SUBMITTED, actor=lu)
    with pytest.raises(PermissionDenied) as info:
        review_move(claim, ClaimState.COUNTY_OK, actor=liang)
    assert "只有县级经办人员可以审核" in str(info.value)
    claim = review_move(claim, ClaimState.COUNTY_OK, actor=wei)
    with pytest.raises(PermissionDenied):
        review_move(claim, ClaimState.APPROVED, actor=wei)
    claim = review_move(claim, ClaimState.APPROVED, actor=liang)
    assert claim.status == ClaimState.APPROVED
    assert [(s.move, s.actor) for s in review_history(claim)] == [
        ("submit", lu),
        ("county_ok", wei),
        ("city_approve", liang),
    ]


def test_the_queue_shows_what_waits_for_this_user_in_scope(Claim, lu, wei, huang, liang):  # noqa: N803
    mine = Claim.objects.create(county=MASHAN)
    theirs = Claim.objects.create(county=LONGAN)
    Claim.objects.create(county=MASHAN)  # a draft waits for no checker

    def waiting(user) -> list:  # noqa: ANN001
        return [obj for w in review_queue(user) for obj in w.objects]

    for claim in (mine, theirs):
        review_move(claim, ClaimState.SUBMITTED, actor=lu)
    assert waiting(wei) == [mine]
    assert waiting(huang) == [theirs]  # another county's clerk sees their own only
    assert waiting(liang) == []  # the city's move comes after the county's
    assert waiting(lu) == [] and not reviews(lu)
    review_move(mine, ClaimState.COUNTY_OK, actor=wei)
    assert waiting(wei) == []
    (queued,) = review_queue(liang)
    assert queued.workflow.title == "补贴申请审核" and queued.total == 1
    assert queued.objects == [mine] and queued.objects[0].review_since is not None


def test_another_countys_clerk_may_not_move_it(Claim, lu, wei, huang):  # noqa: N803
    claim = Claim.objects.create(county=MASHAN)
    claim = review_move(claim, ClaimState.SUBMITTED, actor=lu)
    assert [m.name for m in review_moves(claim, wei)] == ["county_ok", "county_return"]
    assert review_moves(claim, huang) == []
    with pytest.raises(PermissionDenied):
        review_move(claim, ClaimState.COUNTY_OK, actor=huang)


def test_a_table_naming_an_unknown_state_is_refused_at_registration(Claim):  # noqa: N803
    bad = Move("pay", "支付", (ClaimState.APPROVED,), "paid", lambda u: True, "")
    with pytest.raises(ImproperlyConfigured):
        review_register(
            Workflow(
                model=Claim,
                title="",
                noun="",
                states=ClaimState,
                moves=(*_moves(), bad),
                scope=lambda u: Claim.objects.all(),
                url=str,
            )
        )
