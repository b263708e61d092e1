"""Job postings from Excel or CSV (招聘岗位导入), on the shared import framework.

One row is one posting: the employer by its unified social credit code (the unit must be
registered first), the title, the occupation by code or by its exact name in the
catalogue, the workplace by region code or full name, the wage range, the places, the
requirements, the validity and, optionally, the campaign and the fair. A row is the same
posting as one already there when the employer, title, occupation, workplace and first
day agree (`Posting.import_key`): it is then updated, or left alone when nothing
differs, so the same file twice changes nothing. Each bad cell is reported with its
row, column and reason, and nothing of that row is stored; the other rows are kept.

Who may import what is who may post what (employment.postings): an employer's account
its own unit's postings, an agency's account those of registered employers (the agency
recorded as the poster), a bureau those in its regions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from skillaid.accounts.capabilities import require
from skillaid.accounts.imports.framework import Importer, Row
from skillaid.accounts.models import Channel, User
from skillaid.lib.columns import Column, Columns, FieldError, Header
from skillaid.lib.sheets import ImportResult, Limits, Progress, UnreadableFile, cell_text
from skillaid.people import fields

from .models import Posting
from .postings import (
    EDITABLE,
    employer_find,
    import_key,
    occupation_find,
    posting_create,
    posting_parties,
    posting_terms,
    posting_update,
)

COLUMNS = Columns(
    (
        Column("employer_name", "单位名称", ("用人单位", "用人单位名称", "企业名称", "招聘单位")),
        Column(
            "employer",
            "统一社会信用代码",
            ("信用代码", "单位统一社会信用代码", "社会信用代码"),
            required=True,
        ),
        Column("title", "岗位名称", ("招聘岗位", "岗位"), required=True),
        Column("occupation_code", "职业编码", ("职业代码", "工种编码")),
        Column("occupation", "职业（工种）", ("职业", "工种", "职业(工种)", "职业工种")),
        Column(
            "region",
            "工作地",
            ("工作地区", "工作地点区划", "区划代码", "工作地区划代码"),
            required=True,
        ),
        Column("address", "工作地点", ("详细地址", "地址")),
        Column("wage_min", "月薪下限", ("最低月薪", "薪酬下限", "工资下限"), required=True),
        Column("wage_max", "月薪上限", ("最高月薪", "薪酬上限", "工资上限"), required=True),
        Column("places", "招聘人数", ("人数", "招聘数量"), required=True),
        Column("requirements", "岗位要求", ("任职要求", "招聘条件")),
        Column("valid_from", "有效期起", ("开始日期", "发布日期", "有效期开始"), required=True),
        Column("valid_until", "有效期止", ("截止日期", "有效期至", "有效期结束"), required=True),
        Column("campaign", "专项活动", ("活动", "招聘活动")),
        Column("fair", "招聘会", ("招聘会名称",)),
    ),
    anchors=("employer", "title"),
)
TEXT = ("employer", "occupation_code", "region", "places")


def _folded(name: str) -> str:
    """A unit's name as compared: full-width folded (（集团） as (集团)), no spaces."""
    return "".join(fields.text(name).split())


class PostingImport(Importer):
    """Postings from a file, as the importing user may post them."""

    kind = "posting_import"
    label = "招聘岗位导入"
    columns = COLUMNS
    hint = (
        "，请使用招聘岗位导入模板（单位名称、统一社会信用代码、岗位名称、职业编码或职业（工种）、"
        "工作地、月薪下限、月薪上限、招聘人数、有效期起、有效期止）"
    )
    start_url = "employment_posting_import"
    person_columns = None

    def before_reading(self) -> None:
        try:
            require(self.actor, "posting.edit")
        except PermissionDenied as exc:
            raise PermissionError(str(exc)) from exc

    def prepare(self, header: Header) -> None:
        if "occupation" not in header.positions and "occupation_code" not in header.positions:
            raise UnreadableFile("表头缺少“职业编码”或“职业（工种）”列，至少需要其中一列")
        # A posting's key → (its first row, that row's cells as text)
        self.seen: dict[str, tuple[int, tuple[str, ...]]] = {}

    def handle(self, row: Row) -> dict[str, Any]:
        data: dict[str, Any] = {c: row.get(c) for c in self.header.positions}
        for column in TEXT:
            if column in data:
                data[column] = cell_text(data[column]).strip()
        try:
            employer = employer_find(data.get("employer"))
        except ValueError as exc:
            raise FieldError(str(exc), "employer") from exc
        name = cell_text(data.get("employer_name")).strip()
        if name and _folded(name) != _folded(employer.name):
            raise FieldError(
                f"单位名称“{name}”与统一社会信用代码登记的单位（{employer.name}）不符",
                "employer_name",
            )
        try:
            posting_employer, agency = posting_parties(self.actor, employer)
        except ValidationError as exc:
            raise FieldError("；".join(exc.messages), "employer") from exc
        except PermissionDenied as exc:
            raise FieldError(str(exc), "employer") from exc
        code, text = data.pop("occupation_code", ""), data.get("occupation")
        try:
            data["occupation"] = occupation_find(f"{code} {cell_text(text).strip()}".strip())
        except ValueError as exc:
            raise FieldError(str(exc), "occupation_code" if code else "occupation") from exc
        try:
            values = posting_terms({k: data.get(k) for k in EDITABLE})
        except ValidationError as exc:
            column, messages = next(iter(exc.message_dict.items()))
            raise FieldError("；".join(messages), column) from exc
        key = import_key(
            posting_employer,
            values["title"],
            values["occupation"],
            values["region"],
            values["valid_from"],
        )
        fingerprint = tuple(cell_text(c) for c in row.cells)
        first = self.seen.setdefault(key, (row.number, fingerprint))
        if first[0] != row.number:
            if first[1] == fingerprint:
                return {"duplicate": True}
            raise FieldError(
                f"与第{first[0]}行是同一岗位（单位、岗位名称、职业、工作地、有效期起相同）但内容不同",
                "title",
            )
        return {
            "values": values,
            "employer": posting_employer,
            "agency": agency,
            "key": key,
        }

    def write(self, row: Row, values: dict[str, Any]) -> str:
        if values.get("duplicate"):
            return "duplicates"
        # One row, one transaction: a row refused by the service leaves nothing behind.
        try:
            with transaction.atomic():
                return self.write_row(values)
        except PermissionDenied as exc:
            raise FieldError(str(exc), "region") from exc

    def write_row(self, found: dict[str, Any]) -> str:
        values = found["values"]
        existing = Posting.objects.filter(
            employer=found["employer"], import_key=found["key"]
        ).first()
        if existing is None:
            posting_create(
                actor=self.actor,
                channel=self.channel,
                data={**values, "employer": found["employer"]},
            )
            return "created"
        changes = posting_update(
            actor=self.actor, channel=self.channel, posting=existing, data=values
        )
        return "updated" if changes else "unchanged"


def import_postings(
    path: Path,
    *,
    actor: User,
    name: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    channel: str = Channel.IMPORT,
) -> ImportResult:
    """Postings from one file, as the command, a job and tests run it."""
    importer = PostingImport(actor=actor, progress=progress, dry_run=dry_run, channel=channel)
    return importer.run(path, name=name, limits=limits)
