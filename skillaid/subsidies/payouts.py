"""Paying claim lines: payee accounts, budgets, batches, the bank file, results, reversals.

Every change goes through one of these services, which check the capability and the
scope (accounts.capabilities), write the audit entry and keep the lines' statuses in
step with their payments:

- `account_record`: the county clerk records a payee's bank account (sealed at rest).
- `budget_set`: a city or province bureau sets a region's yearly budget.
- `batch_build`: the payable lines (payable.payable_lines, the one definition) of one
  county and one subsidy kind, within the user's scope and with an account, become a
  draft batch, one pending payment per line; the lines become BATCHED. A batch whose
  total would pass the budget's remaining amount is refused, naming the shortfall.
- `batch_lock` fixes it (the budget is checked again); `batch_withdraw` gives a batch
  not yet sent to the bank up (its payments withdrawn, the lines payable again).
- `batch_export_start` queues the job that writes the bank's file (`write_bank_file`),
  through the shared export, with its SHA-256 recorded.
- `result_record` (called by the bank result import, bank_results.py) records one bank
  row's result: paid → PAID; failed → FAILED with the bank's reason, payable again in a
  new batch (re-issue).
- `payment_reverse`: a paid payment reversed by an audited Reversal → line REVERSED.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import Column, export, export_title
from skillaid.accounts.models import Action, Channel, User, audit, audit_changes
from skillaid.accounts.scope import Scope
from skillaid.lib.money import parse_yuan
from skillaid.regions.models import Level, Region

from .models import (
    BatchState,
    Budget,
    ClaimLine,
    ClaimState,
    Fund,
    LineStatus,
    Payee,
    PayeeAccount,
    PayeeKind,
    Payment,
    PaymentBatch,
    PaymentStatus,
    Reversal,
    RuleKind,
)
from .notices import notify_paid
from .payable import payable_lines
from .rules import region_chain

ZERO = Decimal("0.00")
EXPORT_KIND = "payment_batch_export"
# Kinds of subsidy a budget is set for: every kind a line can have.
BUDGET_KINDS = [(v, label) for v, label in RuleKind.choices if v != RuleKind.LIMIT]
BANK_COLUMNS = [
    Column("序号", 6),
    Column("姓名/收款单位", 24),
    Column("社保卡银行账号", 26),
    Column("开户行", 28),
    Column("金额", 14),
]
_DIGITS = re.compile(r"^\d{10,30}$")


# --- payees and their accounts -------------------------------------------------------------


PayeeKey = tuple[str, object]


def payee_key(line: ClaimLine) -> PayeeKey:
    """Whose account a line is paid into: the trainee's, the enterprise's (or agency's) or
    the institution's."""
    if line.payee in ("", Payee.TRAINEE, Payee.STUDENT):
        return (PayeeKind.PERSON, line.person_id)
    # An agency (人力资源服务机构) is known by its credit code, as an enterprise is.
    if line.payee in (Payee.ENTERPRISE, Payee.AGENCY) and line.claim.enterprise_uscc:
        return (PayeeKind.ENTERPRISE, line.claim.enterprise_uscc)
    return (PayeeKind.INSTITUTION, line.claim.institution_id)


def accounts_for(keys: Iterable[PayeeKey]) -> dict[PayeeKey, PayeeAccount]:
    keys = set(keys)
    people = [v for k, v in keys if k == PayeeKind.PERSON and v]
    institutions = [v for k, v in keys if k == PayeeKind.INSTITUTION and v]
    enterprises = [v for k, v in keys if k == PayeeKind.ENTERPRISE and v]
    found: dict[PayeeKey, PayeeAccount] = {}
    rows = PayeeAccount.objects.filter(
        Q(person_id__in=people)
        | Q(institution_id__in=institutions)
        | Q(enterprise_uscc__in=enterprises, kind=PayeeKind.ENTERPRISE)
    )
    for a in rows:
        if a.kind == PayeeKind.PERSON:
            found[(PayeeKind.PERSON, a.person_id)] = a
        elif a.kind == PayeeKind.INSTITUTION:
            found[(PayeeKind.INSTITUTION, a.institution_id)] = a
        else:
            found[(PayeeKind.ENTERPRISE, a.enterprise_uscc)] = a
    return found


def clean_account_number(raw: object) -> str:
    number = "".join(str(raw or "").split()).replace("-", "")
    if not number:
        raise ValidationError({"account": "必填"})
    if not _DIGITS.match(number):
        raise ValidationError({"account": "银行账号应为10至30位数字"})
    return number


def may_record(user: User, *, person=None, institution=None, enterprise=None) -> bool:  # noqa: ANN001
    """Whether `user` may record this payee's account: the county clerk of the person's or
    the institution's county (an enterprise's: the county of its claim), or the
    institution's own officer for its account."""
    if not can(user, "payee_account.edit"):
        return False
    scope = Scope.of(user)
    if person is not None:
        return scope.contains_region(person.county_id)
    if enterprise is not None:
        return scope.contains_region(enterprise.county_id)
    return scope.has_institution(institution.pk) or scope.contains_region(institution.region_id)


def account_record(
    *,
    actor: User,
    data: dict[str, object],
    channel: str,
    person=None,  # noqa: ANN001
    institution=None,  # noqa: ANN001
    enterprise=None,  # noqa: ANN001
) -> PayeeAccount:
    """Record (or change) the bank account of a person, an institution or an enterprise (given
    by a claim of its own, which names it and its county); audited, with the number kept
    only sealed and masked."""
    subject = person or institution or (enterprise.enterprise_name if enterprise else None)
    if subject is None:
        raise ValueError("a person, an institution or an enterprise's claim")
    require(actor, "payee_account.edit")
    if person is not None:
        county = person.county_id
        existing = PayeeAccount.objects.filter(person=person).first()
        new = PayeeAccount(kind=PayeeKind.PERSON, person=person)
    elif enterprise is not None:
        uscc = enterprise.enterprise_uscc
        if not uscc:
            raise ValidationError("该申领没有企业统一社会信用代码")
        county = enterprise.county_id
        existing = PayeeAccount.objects.filter(
            kind=PayeeKind.ENTERPRISE, enterprise_uscc=uscc
        ).first()
        new = PayeeAccount(kind=PayeeKind.ENTERPRISE, enterprise_uscc=uscc)
    else:
        county = institution.region_id
        existing = PayeeAccount.objects.filter(institution=institution).first()
        new = PayeeAccount(kind=PayeeKind.INSTITUTION, institution=institution)
    if not may_record(actor, person=person, institution=institution, enterprise=enterprise):
        raise PermissionDenied(f"您不能登记该收款账户：{subject}不在您的管辖范围内")
    errors: dict[str, str] = {}
    holder = str(data.get("holder_name") or "").strip()
    bank = str(data.get("bank_name") or "").strip()
    if not holder:
        errors["holder_name"] = "必填"
    elif len(holder) > 128:
        errors["holder_name"] = "不超过128个字"
    if not bank:
        errors["bank_name"] = "必填"
    elif len(bank) > 128:
        errors["bank_name"] = "不超过128个字"
    number = ""
    try:
        number = clean_account_number(data.get("account"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    account = existing or new
    account.county_id = county
    old_number = account.account_number if existing else ""
    values = {"holder_name": holder, "bank_name": bank}
    if number != old_number:
        account.set_account_number(number)
        masked = account.account_masked
        account.account_masked = existing.account_masked if existing else ""
        values["account_masked"] = masked
    account.recorded_by = actor
    account.recorded_at = timezone.now()
    with transaction.atomic():
        changes = audit_changes(account, values, actor=actor, channel=channel)
        if existing and number != old_number and "account_masked" not in changes:
            # Another number with the same first and last digits: saved and logged all the same.
            account.save()
            audit(
                actor=actor,
                channel=channel,
                action=Action.UPDATE,
                object_type=account,
                person_id=account.person_id,
                changes={"account_masked": [account.account_masked, account.account_masked]},
                note="更换银行账号",
            )
    return account


def accounts_visible_to(user: User) -> QuerySet[PayeeAccount]:
    return Scope.of(user).filter(PayeeAccount.objects.all(), region="county__code")


# --- budgets -------------------------------------------------------------------------------


def budgets_visible_to(user: User) -> QuerySet[Budget]:
    """A bureau's budgets: those of its region and below, and those above it that pay its
    counties (a county clerk sees the city's budget its lines are paid from)."""
    scope = Scope.of(user)
    rows = Budget.objects.select_related("region")
    if scope.everything:
        return rows
    if scope.region_prefix is None or not user.region_id:
        return rows.none()
    return rows.filter(scope.q(region="region__code") | Q(region__in=region_chain(user.region_id)))


def budget_for(user: User, pk: object) -> Budget:
    try:
        return budgets_visible_to(user).get(pk=int(str(pk)))
    except (ValueError, Budget.DoesNotExist):
        raise Http404("没有这项资金预算") from None


def budget_set(
    *, actor: User, data: dict[str, object], channel: str, budget: Budget | None = None
) -> Budget:
    """Set a region's yearly budget for one fund and subsidy kind (new, or its amount)."""
    require(actor, "budget.edit")
    errors: dict[str, str] = {}
    if budget is None:
        code = str(data.get("region") or "").strip()
        region = Region.objects.filter(code=code).first() if code else None
        if not code:
            errors["region"] = "必填"
        elif region is None:
            errors["region"] = f"地区代码 {code} 不存在"
        elif not Scope.of(actor).contains_region(region.code):
            errors["region"] = f"{region.name}不在您的管辖范围内"
        try:
            year = int(str(data.get("year") or "").strip())
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors["year"] = "年度应为四位数字，如 2026"
            year = 0
        fund = str(data.get("fund") or "")
        if fund not in Fund.values:
            errors["fund"] = "请选择资金来源"
        kind = str(data.get("kind") or "")
        if kind not in dict(BUDGET_KINDS):
            errors["kind"] = "请选择补贴类别"
    else:
        require(actor, "budget.edit", budget)
    try:
        amount = parse_yuan(data.get("amount"), "年度额度")
    except ValueError as exc:
        errors["amount"] = str(exc)
        amount = ZERO
    if errors:
        raise ValidationError(errors)
    note = str(data.get("note") or "").strip()[:255]
    with transaction.atomic():
        if budget is None:
            if Budget.objects.filter(region=region, year=year, fund=fund, kind=kind).exists():
                raise ValidationError(
                    {
                        "region": f"{region.name}{year}年该资金来源、该补贴类别的预算已设立，请修改原预算"
                    }
                )
            budget = Budget(created_by=actor)
            values = {"region_id": region.code, "year": year, "fund": fund, "kind": kind}
            audit_changes(
                budget, {**values, "amount": amount, "note": note}, actor=actor, channel=channel
            )
            return budget
        given, budget = budget, Budget.objects.select_for_update(of=("self",)).get(pk=budget.pk)
        figures = budget_figures(budget)
        used = figures.paid + figures.pending
        if amount < used:
            raise ValidationError(
                {
                    "amount": f"额度不能低于已发放和在途批次的合计 {used} 元（已发放{figures.paid}元，在途{figures.pending}元）"
                }
            )
        audit_changes(budget, {"amount": amount, "note": note}, actor=actor, channel=channel)
    given.amount, given.note = budget.amount, budget.note
    return budget


@dataclass(frozen=True)
class Figures:
    """What a budget stands at: `approved` the approved lines of its region, kind and year
    that are not refused or reversed; `committed` those of them not yet paid; `paid` the
    payments of its batches the bank paid, less reversals; `pending` the payments in its
    batches awaiting the bank; `remaining` what a new batch may still take."""

    amount: Decimal
    approved: Decimal
    committed: Decimal
    paid: Decimal
    reversed: Decimal
    pending: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.paid - self.pending


def _sum(rows: QuerySet, field: str = "amount") -> Decimal:
    return (rows.aggregate(s=Sum(field))["s"] or ZERO).quantize(ZERO)


def budget_figures(budget: Budget) -> Figures:
    lines = ClaimLine.objects.filter(
        county__code__startswith=_prefix(budget.region),
        kind=budget.kind,
        claim__status=ClaimState.APPROVED,
        claimed_on__year=budget.year,
    )
    approved = _sum(
        lines.filter(
            status__in=(
                LineStatus.DUE,
                LineStatus.HELD,
                LineStatus.BATCHED,
                LineStatus.PAID,
                LineStatus.FAILED,
            )
        )
    )
    committed = _sum(
        lines.filter(
            status__in=(LineStatus.DUE, LineStatus.HELD, LineStatus.BATCHED, LineStatus.FAILED)
        )
    )
    payments = Payment.objects.filter(batch__budget=budget)
    paid_gross = _sum(payments.filter(status=PaymentStatus.PAID))
    reversed_ = _sum(Reversal.objects.filter(payment__batch__budget=budget))
    pending = _sum(payments.filter(status=PaymentStatus.PENDING))
    return Figures(budget.amount, approved, committed, paid_gross - reversed_, reversed_, pending)


def _prefix(region: Region) -> str:
    from skillaid.regions.models import code_prefix

    return code_prefix(region.code)


def budgets_for_county(county: Region, year: int, kind: str = "") -> QuerySet[Budget]:
    """The budgets a batch of `county` may be paid from: its own, its city's, its province's."""
    rows = Budget.objects.filter(region__in=region_chain(county), year=year).select_related(
        "region"
    )
    return rows.filter(kind=kind) if kind else rows


def shortfall_message(budget: Budget, total: Decimal, remaining: Decimal) -> str:
    return (
        f"本批次合计{total}元，超出{budget}剩余额度{max(remaining, ZERO)}元，"
        f"缺口{total - remaining}元"
    )


# --- batches -------------------------------------------------------------------------------


def batches_visible_to(user: User) -> QuerySet[PaymentBatch]:
    return Scope.of(user).filter(
        PaymentBatch.objects.select_related("county", "budget__region", "created_by"),
        region="county__code",
    )


def batch_for(user: User, pk: object) -> PaymentBatch:
    """One batch in scope, or 404 (a batch outside scope is not said to exist)."""
    try:
        return batches_visible_to(user).get(pk=int(str(pk)))
    except (ValueError, PaymentBatch.DoesNotExist):
        raise Http404("没有这个发放批次") from None


@dataclass
class Candidates:
    """What a new batch of one county and kind would take: the lines with an account, and
    the payees without one (who cannot be paid until the county clerk records it)."""

    lines: list[ClaimLine]
    accounts: dict[PayeeKey, PayeeAccount]
    lacking: list[tuple[PayeeKey, str, Decimal, int]]  # key, name, amount, lines

    @property
    def ready(self) -> list[ClaimLine]:
        return [x for x in self.lines if payee_key(x) in self.accounts]

    @property
    def total(self) -> Decimal:
        return sum((x.amount for x in self.ready), ZERO)


def payable_in_scope(user: User, day: dt.date | None = None) -> QuerySet[ClaimLine]:
    return Scope.of(user).filter(payable_lines(day), region="county__code")


def candidates(
    user: User, county: Region | str, kind: str = "", day: dt.date | None = None
) -> Candidates:
    code = county.code if isinstance(county, Region) else str(county)
    rows = payable_in_scope(user, day).filter(county_id=code)
    if kind:
        rows = rows.filter(kind=kind)
    lines = list(rows.select_related("claim", "person", "claim__institution").order_by("id"))
    found = accounts_for(payee_key(x) for x in lines)
    lacking: dict[PayeeKey, list] = {}
    for x in lines:
        key = payee_key(x)
        if key not in found:
            entry = lacking.setdefault(key, [x.payee_name or x.person_name, ZERO, 0])
            entry[1] += x.amount
            entry[2] += 1
    return Candidates(
        lines, found, [(k, name, amount, n) for k, (name, amount, n) in lacking.items()]
    )


def batch_build(
    *,
    actor: User,
    county: str,
    budget: int | Budget,
    channel: str,
    day: dt.date | None = None,
) -> PaymentBatch:
    """A draft batch of the county's payable lines of the budget's kind that have an account."""
    require(actor, "batch.make")
    day = day or timezone.localdate()
    region = Region.objects.filter(code=str(county or "").strip(), level=Level.COUNTY).first()
    if region is None:
        raise ValidationError({"county": "请选择县（区）"})
    if not Scope.of(actor).contains_region(region.code):
        raise PermissionDenied(f"{region.name}不在您的管辖范围内")
    budget_id = budget.pk if isinstance(budget, Budget) else budget
    with transaction.atomic():
        try:
            chosen = (
                budgets_for_county(region, day.year)
                .select_for_update(of=("self",))
                .get(pk=int(str(budget_id)))
            )
        except (ValueError, TypeError, Budget.DoesNotExist):
            raise ValidationError(
                {"budget": f"请选择{region.name}{day.year}年可用的资金预算"}
            ) from None
        found = candidates(actor, region, chosen.kind, day)
        ids = [x.pk for x in found.ready]
        # The lines again, locked, and only those still payable (another batch may have
        # taken some meanwhile); the constraint on payments is the last guard.
        lines = list(
            ClaimLine.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, status__in=(LineStatus.DUE, LineStatus.FAILED))
            .select_related("claim", "person")
            .order_by("id")
        )
        if not lines:
            if found.lacking:
                names = "、".join(name for _, name, _, _ in found.lacking[:10])
                raise ValidationError(
                    f"{region.name}没有可纳入批次的明细：{len(found.lacking)}个收款方尚未登记"
                    f"银行账户（{names}{'等' if len(found.lacking) > 10 else ''}）"
                )
            raise ValidationError(
                f"{region.name}目前没有可发放的{chosen}明细（须已审批、公示期满、无未处理异议）"
            )
        total = sum((x.amount for x in lines), ZERO)
        remaining = budget_figures(chosen).remaining
        if total > remaining:
            raise ValidationError(shortfall_message(chosen, total, remaining))
        batch = PaymentBatch.objects.create(
            county=region,
            budget=chosen,
            created_by=actor,
            total=total,
            line_count=len(lines),
        )
        rows = _rows(lines)
        payments = []
        for number, (key, members) in enumerate(rows, start=1):
            account = found.accounts[key]
            for line in members:
                payments.append(
                    Payment(
                        line=line,
                        batch=batch,
                        row=number,
                        amount=line.amount,
                        payee_name=account.holder_name,
                        bank_name=account.bank_name,
                        account_sealed=account.account_sealed,
                        account_masked=account.account_masked,
                    )
                )
        try:
            with transaction.atomic():
                Payment.objects.bulk_create(payments)
        except IntegrityError:
            raise ValidationError("有明细已在其他批次中待发放或已发放，请刷新后重试") from None
        ClaimLine.objects.filter(pk__in=[x.pk for x in lines]).update(
            status=LineStatus.BATCHED, reason=""
        )
        batch.row_count = len(rows)
        batch.save(update_fields=["row_count"])
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=batch,
            changes={
                "county": [None, region.code],
                "budget": [None, str(chosen)],
                "total": [None, str(total)],
                "line_count": [None, len(lines)],
            },
            note=f"生成发放批次：{region.name} {len(lines)}条 {total}元",
        )
    return batch


def _rows(lines: list[ClaimLine]) -> list[tuple[PayeeKey, list[ClaimLine]]]:
    """The bank file's rows: one per trainee line, one per other payee (its lines summed)."""
    rows: list[tuple[PayeeKey, list[ClaimLine]]] = []
    grouped: dict[PayeeKey, list[ClaimLine]] = {}
    for line in lines:
        key = payee_key(line)
        if key[0] == PayeeKind.PERSON:
            rows.append((key, [line]))
        elif key in grouped:
            grouped[key].append(line)
        else:
            grouped[key] = [line]
            rows.append((key, grouped[key]))
    return rows


def _locked(batch: PaymentBatch) -> PaymentBatch:
    return (
        PaymentBatch.objects.select_for_update(of=("self",))
        .select_related("budget", "county")
        .get(pk=batch.pk)
    )


def batch_lock(*, actor: User, batch: PaymentBatch, channel: str) -> PaymentBatch:
    """Fix a draft batch: nothing is added or taken out of it any more."""
    require(actor, "batch.make", batch)
    with transaction.atomic():
        given, batch = batch, _locked(batch)
        if batch.state != BatchState.DRAFT:
            raise ValidationError(f"该批次{batch.get_state_display()}，不能再锁定")
        budget = Budget.objects.select_for_update(of=("self",)).get(pk=batch.budget_id)
        figures = budget_figures(budget)
        if figures.paid + figures.pending > budget.amount:
            # The budget was lowered since the batch was built.
            remaining = figures.remaining + batch.total
            raise ValidationError(shortfall_message(budget, batch.total, remaining))
        batch.state, batch.locked_at, batch.locked_by = BatchState.LOCKED, timezone.now(), actor
        batch.save(update_fields=["state", "locked_at", "locked_by"])
        _log_state(actor, channel, batch, BatchState.DRAFT, "锁定发放批次")
    given.refresh_from_db()
    return batch


def batch_withdraw(*, actor: User, batch: PaymentBatch, channel: str, reason: str) -> PaymentBatch:
    """Give up a batch the bank has not been sent: its payments are marked withdrawn (never
    deleted) and its lines are payable again."""
    require(actor, "batch.make", batch)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "撤销批次须填写原因"})
    with transaction.atomic():
        given, batch = batch, _locked(batch)
        if batch.state not in (BatchState.DRAFT, BatchState.LOCKED):
            raise ValidationError(
                f"该批次{batch.get_state_display()}：银行文件已生成，不能撤销，请导入银行结果文件"
            )
        before = batch.state
        for p in batch.payments.filter(status=PaymentStatus.PENDING).select_related("line"):
            p.settle(PaymentStatus.WITHDRAWN, reason)
            failed_before = p.line.payments.filter(status=PaymentStatus.FAILED).exists()
            ClaimLine.objects.filter(pk=p.line_id).update(
                status=LineStatus.FAILED if failed_before else LineStatus.DUE
            )
        batch.state = BatchState.WITHDRAWN
        batch.save(update_fields=["state"])
        _log_state(actor, channel, batch, before, f"撤销发放批次：{reason}")
    given.refresh_from_db()
    return batch


def _log_state(actor: User, channel: str, batch: PaymentBatch, before: str, note: str) -> None:
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=batch,
        changes={"state": [before, batch.state]},
        note=note[:255],
    )


# --- the bank file -------------------------------------------------------------------------


def export_refusal(batch: PaymentBatch) -> str:
    """Why the bank file of `batch` may not be written now ('' if it may)."""
    if batch.state in (BatchState.DRAFT,):
        return "请先锁定批次，再生成银行文件"
    if batch.state == BatchState.WITHDRAWN:
        return "该批次已撤销"
    if (
        batch.state == BatchState.RECONCILED
        or batch.payments.exclude(status=PaymentStatus.PENDING).exists()
    ):
        return "该批次已导出并已登记银行结果（已发放或失败），不能再次导出；如需重发失败的明细，请生成新批次"
    return ""


def batch_export_start(*, actor: User, batch: PaymentBatch):  # noqa: ANN201
    """Queue the job that writes the batch's bank file; returns the job."""
    from skillaid.accounts.jobs import job_start

    require(actor, "batch.make", batch)
    refusal = export_refusal(batch)
    if refusal:
        raise ValidationError(refusal)
    job = job_start(kind=EXPORT_KIND, owner=actor, params={"batch": batch.pk})
    PaymentBatch.objects.filter(pk=batch.pk).update(export_job_id=job.pk)
    batch.refresh_from_db()
    return job


def bank_rows(batch: PaymentBatch) -> list[tuple[int, str, str, str, Decimal]]:
    """(序号, 收款人, 账号, 开户行, 金额) of each row of the bank file, the number whole."""
    from skillaid.people.models import sealer

    box = sealer()
    rows: dict[int, list] = {}
    for p in batch.payments.filter(status=PaymentStatus.PENDING).order_by("row", "id"):
        entry = rows.get(p.row)
        if entry is None:
            rows[p.row] = [p.row, p.payee_name, box.open(p.account_sealed), p.bank_name, p.amount]
        else:
            entry[4] += p.amount
    return [tuple(r) for r in rows.values()]  # type: ignore[misc]


def write_bank_file(batch: PaymentBatch, actor: User, progress=None) -> tuple[str, str, int]:  # noqa: ANN001
    """Write the bank file under MEDIA_ROOT; returns (name, sha256, rows)."""
    rows = bank_rows(batch)
    name = f"exports/batches/batch-{batch.pk}-{timezone.now():%Y%m%d%H%M%S}.xlsx"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    total = len(rows)

    def numbered():  # noqa: ANN202
        for i, row in enumerate(rows, start=1):
            if progress and (i % 200 == 0 or i == total):
                progress(i, total)
            yield list(row)

    export(
        BANK_COLUMNS,
        numbered(),
        title=export_title(
            f"补贴发放批次第{batch.pk}号银行代发文件",
            scope=batch.county.full_name,
            filters=[f"{batch.line_count}条明细", f"合计{batch.total}元"],
        ),
        actor=actor,
        channel=Channel.PAGE,
        object_type=batch,
        object_id=batch.pk,
        target=path,
        sheet_name="代发明细",
        filters={"batch": batch.pk},
    )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return name, digest, total


def run_export_job(job, progress):  # noqa: ANN001, ANN201
    """The runner of EXPORT_KIND jobs (registered from SubsidiesConfig.ready)."""
    from skillaid.accounts.jobs import Outcome

    batch = PaymentBatch.objects.select_related("county", "budget").get(pk=job.params["batch"])
    require(job.owner, "batch.make", batch)
    with transaction.atomic():
        batch = _locked(batch)
        refusal = export_refusal(batch)
        if refusal:
            raise ValidationError(refusal)
        name, digest, rows = write_bank_file(batch, job.owner, progress)
        before = batch.state
        batch.bank_file, batch.bank_file_sha256 = name, digest
        batch.exported_at = timezone.now()
        batch.state = BatchState.EXPORTED
        batch.save(update_fields=["bank_file", "bank_file_sha256", "exported_at", "state"])
        audit(
            actor=job.owner,
            channel=Channel.PAGE,
            action=Action.UPDATE,
            object_type=batch,
            changes={"state": [before, batch.state], "bank_file_sha256": [None, digest]},
            note=f"生成银行代发文件 {rows} 行，SHA-256 {digest}",
        )
    return Outcome(counts={"rows": rows})


# --- the bank's result ---------------------------------------------------------------------


def result_record(
    *,
    actor: User,
    batch: PaymentBatch,
    row: int,
    amount: Decimal,
    paid: bool,
    reason: str,
) -> str:
    """Record the bank's result for one row of the batch's file; returns 'updated' or
    'unchanged' (the same result again). Raises ValidationError naming what is wrong."""
    if batch.state not in (BatchState.EXPORTED, BatchState.RECONCILED):
        raise ValidationError(
            {"row": f"该批次{batch.get_state_display()}，尚未生成银行文件，不能登记银行结果"}
        )
    payments = list(batch.payments.filter(row=row).select_related("line").order_by("id"))
    live = [p for p in payments if p.status != PaymentStatus.WITHDRAWN]
    if not live:
        raise ValidationError({"row": f"本批次没有序号为{row}的行"})
    expected = sum((p.amount for p in live), ZERO)
    if amount != expected:
        raise ValidationError({"amount": f"金额{amount}元与本批次第{row}行的{expected}元不符"})
    target = PaymentStatus.PAID if paid else PaymentStatus.FAILED
    if all(p.status == target for p in live):
        return "unchanged"
    if any(p.status != PaymentStatus.PENDING for p in live):
        done = live[0].get_status_display()
        raise ValidationError({"result": f"第{row}行已登记为“{done}”，不能改为其他结果"})
    if not paid and not reason.strip():
        raise ValidationError({"reason": "发放失败须写明失败原因"})
    with transaction.atomic():
        for p in live:
            p.settle(target, "" if paid else reason.strip())
            ClaimLine.objects.filter(pk=p.line_id).update(
                status=LineStatus.PAID if paid else LineStatus.FAILED,
                reason="" if paid else f"发放失败：{reason.strip()}"[:500],
            )
            audit(
                actor=actor,
                channel=Channel.IMPORT,
                action=Action.UPDATE,
                object_type=p,
                person_id=p.line.person_id,
                changes={"status": [PaymentStatus.PENDING, target]},
                note=f"银行结果：批次第{batch.pk}号第{row}行{'成功' if paid else '失败：' + reason}"[
                    :255
                ],
            )
    return "updated"


def batch_settle_state(batch: PaymentBatch, *, result_sha256: str, filename: str) -> None:
    """After a result file: its SHA-256 kept; reconciled once nothing is pending."""
    batch.result_sha256, batch.result_filename = result_sha256, filename[:255]
    fields = ["result_sha256", "result_filename"]
    if (
        batch.state == BatchState.EXPORTED
        and not batch.payments.filter(status=PaymentStatus.PENDING).exists()
    ):
        batch.state, batch.reconciled_at = BatchState.RECONCILED, timezone.now()
        fields += ["state", "reconciled_at"]
    batch.save(update_fields=fields)
    if batch.state == BatchState.RECONCILED:
        notify_paid(batch)


# --- reversal ------------------------------------------------------------------------------


def payment_reverse(*, actor: User, payment: Payment, reason: str, channel: str) -> Reversal:
    """Take a paid payment back (冲回): an audited Reversal; the line becomes REVERSED."""
    require(actor, "payment.reverse", payment.batch)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "冲回须填写原因"})
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(of=("self",))
            .select_related("line", "batch")
            .get(pk=payment.pk)
        )
        if payment.status != PaymentStatus.PAID:
            raise ValidationError(f"只有已发放的款项可以冲回（该笔{payment.get_status_display()}）")
        if Reversal.objects.filter(payment=payment).exists():
            raise ValidationError("该笔发放已冲回")
        reversal = Reversal.objects.create(
            payment=payment, amount=payment.amount, reason=reason[:500], created_by=actor
        )
        ClaimLine.objects.filter(pk=payment.line_id).update(
            status=LineStatus.REVERSED, reason=f"已冲回：{reason}"[:500]
        )
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=reversal,
            person_id=payment.line.person_id,
            changes={"payment": [None, payment.pk], "amount": [None, str(payment.amount)]},
            note=f"冲回 {payment.payee_name} {payment.amount}元：{reason}"[:255],
        )
    return reversal


def payment_for(user: User, pk: object) -> Payment:
    try:
        return Payment.objects.select_related("batch", "line").get(
            pk=int(str(pk)), batch__in=batches_visible_to(user)
        )
    except (ValueError, Payment.DoesNotExist):
        raise Http404("没有这笔发放记录") from None


def may(user: User, batch: PaymentBatch) -> dict[str, bool]:
    """The actions the batch page offers `user` now."""
    make = can(user, "batch.make", batch)
    return {
        "lock": make and batch.state == BatchState.DRAFT,
        "withdraw": make and batch.state in (BatchState.DRAFT, BatchState.LOCKED),
        "export": make and not export_refusal(batch),
        "result": can(user, "batch.reconcile", batch) and batch.state == BatchState.EXPORTED,
        "reverse": can(user, "payment.reverse", batch),
        "download": make and bool(batch.bank_file),
    }
