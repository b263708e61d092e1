"""The bank's result file (银行代发结果), read back on the shared import framework.

Each row names a row of the batch's bank file by its 序号 (or by the account number),
its amount and the result, 成功 or 失败 with the reason. The amount must be the bank
file's for that row; a row that does not match is refused with its row, column and why,
and the others are recorded (payouts.result_record). The file's SHA-256 is kept on the
batch; the batch is reconciled once no payment of it awaits a result.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from skillaid.accounts.capabilities import can
from skillaid.accounts.imports.framework import Importer, Row
from skillaid.accounts.models import User
from skillaid.lib.columns import Column, Columns, FieldError, Header
from skillaid.lib.money import parse_yuan
from skillaid.lib.sheets import UnreadableFile, cell_text

from .models import BatchState, PaymentBatch, PaymentStatus
from .payouts import batch_settle_state, result_record

KIND = "bank_result_import"

COLUMNS = Columns(
    (
        Column("row", "序号", ("行号", "序号（银行文件）")),
        Column("name", "姓名/收款单位", ("姓名", "户名", "收款人", "收款单位")),
        Column("account", "社保卡银行账号", ("账号", "银行账号", "收款账号", "卡号")),
        Column("bank", "开户行", ("开户银行",)),
        Column("amount", "金额", ("金额（元）", "发放金额", "代发金额"), required=True),
        Column("result", "结果", ("发放结果", "处理结果", "状态"), required=True),
        Column("reason", "失败原因", ("原因", "备注", "失败说明")),
    ),
    anchors=("amount", "result"),
)

PAID_WORDS = ("成功", "已发放", "已到账")
FAILED_WORDS = ("失败", "退回", "退票", "未到账")


class BankResultImport(Importer):
    kind = KIND
    label = "银行发放结果导入"
    columns = COLUMNS
    hint = "，请上传银行返回的代发结果文件（含“序号”或“账号”、“金额”、“结果”列）"
    person_columns = None

    def __init__(self, *, actor: User, batch: int, **kwargs: Any) -> None:
        super().__init__(actor=actor, **kwargs)
        self.batch = PaymentBatch.objects.select_related("county").get(pk=batch)

    @classmethod
    def options_from_job(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"batch": int(params["batch"])}

    def before_reading(self) -> None:
        if not can(self.actor, "batch.reconcile", self.batch):
            raise PermissionError("您不能为该批次导入银行结果")
        if self.batch.state != BatchState.EXPORTED:
            raise PermissionError(
                f"该批次{self.batch.get_state_display()}：只有已生成银行文件、尚未对账完毕的批次可以导入结果"
            )

    def prepare(self, header: Header) -> None:
        if "row" not in header.positions and "account" not in header.positions:
            raise UnreadableFile("缺少列：序号或社保卡银行账号（至少一列，用于对应银行文件的行）")
        self.by_account: dict[str, set[int]] = {}
        if "row" not in header.positions:
            from skillaid.people.models import sealer

            box = sealer()
            for row, token in self.batch.payments.exclude(
                status=PaymentStatus.WITHDRAWN
            ).values_list("row", "account_sealed"):
                self.by_account.setdefault(box.open(token), set()).add(row)

    def handle(self, row: Row) -> dict[str, Any]:
        number = self._row_number(row)
        try:
            amount: Decimal = parse_yuan(cell_text(row.get("amount")), "金额")
        except ValueError as exc:
            raise FieldError(str(exc), "amount") from None
        result = row.text("result")
        if any(w in result for w in FAILED_WORDS):
            paid = False
        elif any(w in result for w in PAID_WORDS):
            paid = True
        elif not result:
            raise FieldError("结果为空，应为“成功”或“失败”", "result")
        else:
            raise FieldError(f"结果“{result}”无法识别，应为“成功”或“失败”", "result")
        return {"row": number, "amount": amount, "paid": paid, "reason": row.text("reason")}

    def _row_number(self, row: Row) -> int:
        if "row" in self.header.positions:
            text = row.text("row")
            try:
                value = Decimal(text)
                if value != value.to_integral_value() or value < 1:
                    raise ValueError
                return int(value)
            except (ArithmeticError, ValueError):
                raise FieldError(f"序号“{text}”不是正整数" if text else "序号为空", "row") from None
        account = "".join(row.text("account").split())
        if not account:
            raise FieldError("账号为空", "account")
        rows = self.by_account.get(account)
        if not rows:
            raise FieldError("本批次没有这个账号", "account")
        if len(rows) > 1:
            raise FieldError("本批次有多行使用这个账号，请按“序号”对应", "account")
        return next(iter(rows))

    def write(self, row: Row, values: dict[str, Any]) -> str:
        return result_record(actor=self.actor, batch=self.batch, **values)

    def run(self, path: Path, *, name: str | None = None, limits=None):  # noqa: ANN001, ANN201
        result = super().run(path, name=name, limits=limits)
        if not self.dry_run:
            self.batch.refresh_from_db()
            batch_settle_state(self.batch, result_sha256=result.sha256, filename=result.filename)
        return result


def import_bank_result(path: Path, *, actor: User, batch: PaymentBatch, name: str = ""):  # noqa: ANN201
    """The result import of one file, as a job runs it (tests and commands call this)."""
    return BankResultImport(actor=actor, batch=batch.pk).run(path, name=name or path.name)
