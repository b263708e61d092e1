"""Property: no sequence of batches, locks, exports, bank results (paid, failed, wrong
amounts), re-issues, withdrawals, reversals and budget changes pays a line twice, pays a
line more than its amount, leaves a line's status out of step with its payments, or
passes a budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.subsidies import payouts
from skillaid.subsidies.models import (
    ClaimLine,
    LineStatus,
    Payment,
    PaymentBatch,
    PaymentStatus,
    Reversal,
)
from tests.conftest import MASHAN
from tests.subsidies.payment_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

KINDS = ("training", "living")
ops = st.lists(
    st.one_of(
        st.tuples(st.just("build"), st.sampled_from(KINDS)),
        st.tuples(st.just("lock"), st.integers(0, 5)),
        st.tuples(st.just("export"), st.integers(0, 5)),
        st.tuples(
            st.just("result"),
            st.integers(0, 5),
            st.lists(st.sampled_from(["paid", "failed", "wrong"]), min_size=1, max_size=4),
        ),
        st.tuples(st.just("reverse"), st.integers(0, 5)),
        st.tuples(st.just("withdraw"), st.integers(0, 5)),
        st.tuples(st.just("budget"), st.sampled_from(KINDS), st.integers(0, 6000)),
    ),
    min_size=1,
    max_size=14,
)


def check(budgets) -> None:  # noqa: ANN001
    for line in ClaimLine.objects.filter(status__in=[s for s, _ in LineStatus.choices]):
        payments = list(Payment.objects.filter(line=line).select_related("reversal"))
        live = [p for p in payments if p.status in (PaymentStatus.PENDING, PaymentStatus.PAID)]
        assert len(live) <= 1, f"line {line.pk} has {len(live)} pending or paid payments"
        paid = [p for p in payments if p.status == PaymentStatus.PAID]
        reversed_ = [p for p in paid if hasattr(p, "reversal")]
        net = sum((p.amount for p in paid), Decimal(0)) - sum(
            (p.amount for p in reversed_), Decimal(0)
        )
        assert net <= line.amount, f"line {line.pk} paid {net} of {line.amount}"
        pending = [p for p in payments if p.status == PaymentStatus.PENDING]
        if pending:
            assert line.status == LineStatus.BATCHED
        elif reversed_:
            assert line.status == LineStatus.REVERSED
        elif paid:
            assert line.status == LineStatus.PAID
        elif payments and payments[-1].status == PaymentStatus.FAILED:
            assert line.status == LineStatus.FAILED
    for b in budgets:
        b.refresh_from_db()
        f = payouts.budget_figures(b)
        assert f.paid + f.pending <= b.amount, f"{b}: {f} passes {b.amount}"
        batched = Payment.objects.filter(batch__budget=b).exclude(
            status=PaymentStatus.WITHDRAWN
        ).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        back = Reversal.objects.filter(payment__batch__budget=b).aggregate(s=Sum("amount"))["s"]
        assert batched - (back or 0) - f.paid - f.pending == sum(
            (p.amount for p in Payment.objects.filter(batch__budget=b, status="failed")),
            Decimal(0),
        )


def apply(op, liang, budgets) -> None:  # noqa: ANN001
    batches = list(PaymentBatch.objects.order_by("id"))
    pick = batches[op[1] % len(batches)] if batches and isinstance(op[1], int) else None
    name = op[0]
    if name == "build":
        payouts.batch_build(actor=liang, county=MASHAN, budget=budgets[op[1]], channel="page")
    elif name == "budget":
        payouts.budget_set(
            actor=liang, budget=budgets[op[1]], channel="page", data={"amount": str(op[2])}
        )
    elif pick is None:
        return
    elif name == "lock":
        payouts.batch_lock(actor=liang, batch=pick, channel="page")
    elif name == "export":
        job = payouts.batch_export_start(actor=liang, batch=pick)
        job.refresh_from_db()
        assert job.state in ("done", "failed"), job.error
    elif name == "withdraw":
        payouts.batch_withdraw(actor=liang, batch=pick, channel="page", reason="重做")
    elif name == "reverse":
        paid = pick.payments.filter(status=PaymentStatus.PAID, reversal__isnull=True).first()
        if paid:
            payouts.payment_reverse(actor=liang, payment=paid, reason="追回", channel="page")
    elif name == "result":
        rows = sorted(set(pick.payments.values_list("row", flat=True)))
        for row, outcome in zip(rows, op[2], strict=False):
            due = pick.payments.filter(row=row).aggregate(s=Sum("amount"))["s"]
            try:
                payouts.result_record(
                    actor=liang,
                    batch=pick,
                    row=row,
                    amount=due + Decimal("0.01") if outcome == "wrong" else due,
                    paid=outcome == "paid",
                    reason="" if outcome == "paid" else "账户冻结",
                )
            except ValidationError:
                pass
        pick.refresh_from_db()
        payouts.batch_settle_state(pick, result_sha256="0" * 64, filename="result.xlsx")


@pytest.fixture
def world(payable_class, liang):
    payable_class(3)
    return liang


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=ops, amounts=st.tuples(st.integers(0, 5000), st.integers(0, 1000)))
def test_no_sequence_pays_a_line_twice_or_passes_a_budget(world, steps, amounts):
    liang = world
    with transaction.atomic():
        year = timezone.localdate().year
        budgets = {
            kind: payouts.budget_set(
                actor=liang,
                channel="page",
                data={
                    "region": MASHAN,
                    "year": year,
                    "fund": "employment",
                    "kind": kind,
                    "amount": str(amount),
                },
            )
            for kind, amount in zip(KINDS, amounts, strict=True)
        }
        for op in steps:
            try:
                apply(op, liang, budgets)
            except (ValidationError, PermissionDenied):
                pass
            check(budgets.values())
        transaction.set_rollback(True)
