"""Payment batches and budgets over HTTP, through the same selectors as the pages: read
only. Account numbers appear masked; the whole numbers leave only in the bank file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from skillaid.accounts.capabilities import require
from skillaid.accounts.lists import Filters

from . import payouts
from .models import BatchState, Budget, Payment, PaymentBatch

router = Router(tags=["payment batches and budgets"])


class BudgetOut(Schema):
    id: int
    region_code: str
    region: str
    year: int
    fund: str
    fund_label: str
    kind: str
    amount: Decimal
    approved: Decimal
    committed: Decimal
    paid: Decimal
    reversed: Decimal
    pending: Decimal
    remaining: Decimal

    @staticmethod
    def of(b: Budget) -> BudgetOut:
        f = payouts.budget_figures(b)
        return BudgetOut(
            id=b.pk,
            region_code=b.region_id,
            region=b.region.name,
            year=b.year,
            fund=b.fund,
            fund_label=b.get_fund_display(),
            kind=b.kind,
            amount=b.amount,
            approved=f.approved,
            committed=f.committed,
            paid=f.paid,
            reversed=f.reversed,
            pending=f.pending,
            remaining=f.remaining,
        )


class BatchOut(Schema):
    id: int
    county_code: str
    county: str
    budget_id: int
    budget: str
    state: str
    state_label: str
    total: Decimal
    line_count: int
    row_count: int
    created_at: dt.datetime
    created_by: str
    bank_file_sha256: str
    result_sha256: str

    @staticmethod
    def of(b: PaymentBatch) -> BatchOut:
        return BatchOut(
            id=b.pk,
            county_code=b.county_id,
            county=b.county.name,
            budget_id=b.budget_id,
            budget=str(b.budget),
            state=b.state,
            state_label=b.get_state_display(),
            total=b.total,
            line_count=b.line_count,
            row_count=b.row_count,
            created_at=b.created_at,
            created_by=b.created_by.display_name if b.created_by else "",
            bank_file_sha256=b.bank_file_sha256,
            result_sha256=b.result_sha256,
        )


class PaymentOut(Schema):
    id: int
    row: int
    line_id: int
    person_name: str
    payee_name: str
    bank_name: str
    account_masked: str
    amount: Decimal
    status: str
    failure_reason: str
    reversed: bool

    @staticmethod
    def of(p: Payment) -> PaymentOut:
        return PaymentOut(
            id=p.pk,
            row=p.row,
            line_id=p.line_id,
            person_name=p.line.person_name,
            payee_name=p.payee_name,
            bank_name=p.bank_name,
            account_masked=p.account_masked,
            amount=p.amount,
            status=p.status,
            failure_reason=p.failure_reason,
            reversed=hasattr(p, "reversal"),
        )


class BatchDetailOut(BatchOut):
    payments: list[PaymentOut]


class BatchFilters(Filters):
    state: str = ""
    county: str = ""


class BudgetFilters(Filters):
    year: int | None = None


@router.get("/batches", response=list[BatchOut], summary="Payment batches in the caller's scope")
def list_batches(request: HttpRequest, filters: Query[BatchFilters]):  # noqa: ANN201
    require(request.user, "payment.read")
    rows = payouts.batches_visible_to(request.user)
    if filters.state in BatchState.values:
        rows = rows.filter(state=filters.state)
    if filters.county:
        rows = rows.filter(county__code__startswith=filters.county)
    return [BatchOut.of(b) for b in rows[:500]]


@router.get("/batches/{pk}", response=BatchDetailOut, summary="One batch with its payments")
def read_batch(request: HttpRequest, pk: int):  # noqa: ANN201
    require(request.user, "payment.read")
    batch = payouts.batch_for(request.user, pk)
    payments = batch.payments.select_related("line", "reversal").order_by("row", "id")
    return BatchDetailOut(
        **BatchOut.of(batch).dict(), payments=[PaymentOut.of(p) for p in payments]
    )


@router.get(
    "/budgets",
    response=list[BudgetOut],
    summary="Budgets in the caller's scope: amount, approved, committed, paid, remaining",
)
def list_budgets(request: HttpRequest, filters: Query[BudgetFilters]):  # noqa: ANN201
    require(request.user, "payment.read")
    rows = payouts.budgets_visible_to(request.user)
    if filters.year:
        rows = rows.filter(year=filters.year)
    return [BudgetOut.of(b) for b in rows[:500]]
