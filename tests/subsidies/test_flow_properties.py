"""Property: whatever sequence of reviews, recomputations, publications, objections,
batches, bank results, re-issues and reversals befalls two classes that share their
trainees, no person is paid more than the rules allow, no line is paid twice, nothing is
paid before its claim is approved and its publication has ended without an objection
upheld, and no budget is passed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.accounts.review import review_move
from skillaid.subsidies import payouts
from skillaid.subsidies.claims import class_claim
from skillaid.subsidies.models import (
    Claim,
    ClaimLine,
    ClaimState,
    Objection,
    ObjectionState,
    Payment,
    PaymentBatch,
    PaymentStatus,
)
from skillaid.subsidies.publication import objection_raise, objection_resolve, publication_create
from skillaid.subsidies.review import claim_moves
from tests.conftest import MASHAN
from tests.subsidies.payment_fixtures import account_for
from tests.subsidies.publishing import local

pytestmark = pytest.mark.django_db

MOVES = ["submit", "check", "approve", "return_county", "reject_county", "return", "reject"]
ops = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.integers(0, 1), st.sampled_from(MOVES)),
        st.tuples(st.just("recompute"), st.integers(0, 1)),
        st.tuples(st.just("publish")),
        st.tuples(st.just("wait"), st.integers(1, 12)),
        st.tuples(st.just("object"), st.integers(0, 3)),
        st.tuples(st.just("resolve"), st.booleans()),
        st.tuples(st.just("build")),
        st.tuples(st.just("lock")),
        st.tuples(st.just("export")),
        st.tuples(st.just("result"), st.lists(st.booleans(), min_size=1, max_size=3)),
        st.tuples(st.just("reverse")),
        st.tuples(st.just("fact"), st.sampled_from(["verified", "contradicted"])),
    ),
    min_size=1,
    max_size=18,
)


@pytest.fixture
def world(lu, rival, school, wei, liang, run_class, person_factory, work_calendar):
    """Two closed classes of the same occupation and level, in 马山县, with the same three
    trainees: the second class's lines are refused while the first's stand. The third,
    韦小军, declared 农村转移就业劳动者 with no fact yet: his line is held until one is
    recorded (the "fact" step)."""
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝海燕", "覃海")]
    people.append(person_factory(name="韦小军"))
    bases = {people[2]: "migrant"}
    with time_machine.travel(local(2026, 9, 1), tick=False):
        first = run_class(lu, attended={p: 2 for p in people}, count=2, bases=bases)
    with time_machine.travel(first.closed_moment + dt.timedelta(hours=1), tick=False):
        second = run_class(
            rival,
            attended={p: 2 for p in people},
            count=2,
            name="隆安县家政服务员培训班",
            bases=bases,
        )
    for p in people:
        account_for(p, wei)
    claims = [Claim.objects.get(training_class=c) for c in (first, second)]
    officers = {claims[0].pk: lu, claims[1].pk: rival}
    return claims, officers, people, second.closed_moment + dt.timedelta(days=1)


def actor_for(move: str, claim: Claim, officers, wei, liang):  # noqa: ANN001, ANN201
    if move == "submit":
        return officers[claim.pk]
    if move in ("check", "return_county", "reject_county"):
        return wei
    return liang


def apply(op, *, claims, officers, wei, liang, budget, traveller) -> None:  # noqa: ANN001
    name = op[0]
    if name == "move":
        claim = Claim.objects.get(pk=claims[op[1]].pk)
        actor = actor_for(op[2], claim, officers, wei, liang)
        move = next((m for m in claim_moves(claim, actor) if m.name == op[2]), None)
        if move is not None:
            review_move(claim, move.target, actor=actor, reason="核查")
    elif name == "recompute":
        claim = Claim.objects.get(pk=claims[op[1]].pk)
        class_claim(claim.training_class, actor=officers[claim.pk])
    elif name == "fact":
        from django.utils import timezone

        from skillaid.people.facts import person_fact_check

        person = ClaimLine.objects.get(claim=claims[0], enrolment__basis="migrant").person
        person_fact_check(
            actor=wei,
            channel="page",
            person=person,
            kind="migrant",
            verdict=op[1],
            as_of=timezone.localdate(),
            papers="务工证明" if op[1] == "verified" else "村委会证明",
        )
    elif name == "publish":
        publication_create(actor=wei, county=MASHAN, channel="page")
    elif name == "wait":
        traveller.shift(dt.timedelta(days=op[1]))
    elif name == "object":
        lines = list(ClaimLine.objects.filter(publication__isnull=False).order_by("id"))
        if lines:
            line = lines[op[1] % len(lines)]
            objection_raise(
                publication=line.publication, line_id=line.pk, text="本人未参加培训", ip=None
            )
    elif name == "resolve":
        objection = Objection.objects.filter(state=ObjectionState.OPEN).first()
        if objection is not None:
            objection_resolve(
                actor=wei, objection=objection, upheld=op[1], reason="已核查", channel="page"
            )
    elif name == "build":
        payouts.batch_build(actor=liang, county=MASHAN, budget=budget, channel="page")
    else:
        batch = PaymentBatch.objects.order_by("-id").first()
        if batch is None:
            return
        if name == "lock":
            payouts.batch_lock(actor=liang, batch=batch, channel="page")
        elif name == "export":
            payouts.batch_export_start(actor=liang, batch=batch)
        elif name == "reverse":
            paid = Payment.objects.filter(status=PaymentStatus.PAID, reversal__isnull=True).first()
            if paid is not None:
                payouts.payment_reverse(actor=liang, payment=paid, reason="追回", channel="page")
        elif name == "result":
            rows = sorted(set(batch.payments.values_list("row", flat=True)))
            for row, ok in zip(rows, op[1], strict=False):
                due = batch.payments.filter(row=row).aggregate(s=Sum("amount"))["s"]
                payouts.result_record(
                    actor=liang,
                    batch=batch,
                    row=row,
                    amount=due,
                    paid=ok,
                    reason="" if ok else "账户冻结",
                )
            batch.refresh_from_db()
            payouts.batch_settle_state(batch, result_sha256="0" * 64, filename="result.xlsx")


def check(people, budget) -> None:  # noqa: ANN001
    from skillaid.people.models import PersonFact

    # A line on a declared basis is never due, paid or on its way without a verified fact.
    for line in ClaimLine.objects.filter(person__in=people).exclude(status__in=("refused", "held")):
        if line.evidence.get("basis_declared"):
            fact = line.evidence["basis_verdict"]["fact"]
            assert fact is not None, f"line {line.pk} {line.status} on an unverified basis"
            assert PersonFact.objects.get(pk=fact).verdict == "verified"
    for person in people:
        net = Decimal(0)
        for line in ClaimLine.objects.filter(person=person):
            payments = list(Payment.objects.filter(line=line).select_related("reversal"))
            live = [p for p in payments if p.status in (PaymentStatus.PENDING, PaymentStatus.PAID)]
            assert len(live) <= 1, f"line {line.pk} has {len(live)} live payments"
            for p in payments:
                if p.status != PaymentStatus.PAID or hasattr(p, "reversal"):
                    continue
                net += p.amount
                # Nothing is paid but an approved claim's line whose notice ended clean.
                assert line.claim.status == ClaimState.APPROVED
                assert (
                    line.publication is not None
                    and line.publication.ends_on < p.batch.created_at.date()
                )
                assert not line.objections.filter(state=ObjectionState.UPHELD).exists()
        # One occupation and level: one training subsidy, whichever class it came from.
        assert net <= Decimal("1200.00"), f"{person.name} paid {net}"
        live_lines = ClaimLine.objects.filter(
            person=person, kind="training", status__in=("due", "held", "batched", "paid", "failed")
        )
        assert live_lines.count() <= 1, f"{person.name} has {live_lines.count()} live lines"
    budget.refresh_from_db()
    figures = payouts.budget_figures(budget)
    assert figures.paid + figures.pending <= budget.amount


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=ops, amount=st.sampled_from([1200, 2400, 100000]))
def test_no_sequence_pays_more_than_the_rules_allow(world, wei, liang, steps, amount):
    claims, officers, people, start = world
    with time_machine.travel(start, tick=False) as traveller, transaction.atomic():
        budget = payouts.budget_set(
            actor=liang,
            channel="page",
            data={
                "region": MASHAN,
                "year": start.year,
                "fund": "employment",
                "kind": "training",
                "amount": str(amount),
            },
        )
        for op in steps:
            try:
                with transaction.atomic():
                    apply(
                        op,
                        claims=claims,
                        officers=officers,
                        wei=wei,
                        liang=liang,
                        budget=budget,
                        traveller=traveller,
                    )
            except (ValidationError, PermissionDenied):
                pass
            check(people, budget)
        transaction.set_rollback(True)
