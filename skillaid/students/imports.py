"""A school's roll (学籍花名册) from Excel or CSV, on the shared import framework.

One row is one student of the school named by the import (`school`): name, ID number,
major, class type, track and its enterprise, entry and expected graduation, and
optionally the student number, the designated staff member, the status with its date
and reason. A row is matched to an enrolment already there by the person, the school and
the entry date; the same file twice changes nothing. A new row enrols the student through
`student_enrol` (the person found in the ledger by ID number, or registered); a changed
row corrects the enrolment through `student_update`; a status other than the one held is
moved through `student_status_change`, which needs the date (状态变动日期) and for 休学,
退学 and 转学 a reason. Every bad cell is reported with its row, column and reason, and
the other rows are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from skillaid.accounts.capabilities import require
from skillaid.accounts.imports.framework import Importer, Row
from skillaid.accounts.models import Channel, User
from skillaid.institutions.models import Institution
from skillaid.lib.columns import Column, Columns, FieldError, Header
from skillaid.lib.sheets import ImportResult, Limits, Progress, cell_text
from skillaid.people import fields
from skillaid.people.models import Person
from skillaid.people.services import check_id

from .enrolments import (
    EDITABLE,
    enrolment_terms,
    student_enrol,
    student_status_change,
    student_update,
)
from .models import StudentEnrolment, StudentStatus

COLUMNS = Columns(
    (
        Column("name", "姓名", ("学生姓名",), required=True),
        Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码"), required=True),
        Column("major", "专业", ("专业名称", "就读专业"), required=True),
        Column("class_type", "班级类型", ("层次", "培养层次", "班级层次"), required=True),
        Column("track", "培养方式", ("班级性质", "办班形式")),
        Column("partner_name", "合作企业", ("订单企业", "用人单位", "合作企业名称")),
        Column("partner_uscc", "合作企业统一社会信用代码", ("统一社会信用代码", "企业信用代码")),
        Column("entered_on", "入学日期", ("入学时间",), required=True),
        Column("expected_graduation", "预计毕业日期", ("预计毕业时间", "毕业时间"), required=True),
        Column("status", "学籍状态", ("状态",)),
        Column("status_on", "状态变动日期", ("变动日期",)),
        Column("reason", "变动原因", ("原因",)),
        Column("student_number", "学号", ("学籍号",)),
        Column("staff_name", "帮扶责任人", ("责任人", "帮扶责任人姓名")),
        Column("staff_phone", "责任人电话", ("帮扶责任人电话", "联系电话")),
        Column("county", "户籍县区代码", ("县区代码",)),
    ),
    anchors=("id_number", "name"),
)
TEXT = ("id_number", "student_number", "partner_uscc", "county", "staff_phone")


def status_of(raw: object) -> str:
    text = fields.text(raw)
    if not text:
        return ""
    for value, label in StudentStatus.choices:
        if text in (value, label):
            return value
    raise FieldError(
        f"学籍状态“{text}”无法识别（可填：{'、'.join(StudentStatus.labels)}）", "status"
    )


class StudentImport(Importer):
    """One school's roll; `school` is the school's id."""

    kind = "student_import"
    label = "技工院校学籍导入"
    columns = COLUMNS
    hint = "，请使用学籍导入模板（姓名、身份证号、专业、班级类型、入学日期、预计毕业日期）"
    start_url = "student_import"

    def __init__(self, *, actor: User, school: int | None = None, **kwargs: Any) -> None:
        super().__init__(actor=actor, **kwargs)
        self.school_id = school

    @classmethod
    def options_from_job(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"school": params.get("school")}

    @classmethod
    def add_arguments(cls, parser: Any) -> None:
        parser.add_argument("--school", type=int, required=True, help="the school's id")

    @classmethod
    def options_from_command(cls, options: dict[str, Any]) -> dict[str, Any]:
        return {"school": options.get("school")}

    def before_reading(self) -> None:
        school = Institution.objects.filter(pk=self.school_id).first() if self.school_id else None
        if school is None:
            raise PermissionError("未指定就读院校，或该院校不存在")
        try:
            require(self.actor, "student.edit", school)
        except PermissionDenied as exc:
            raise PermissionError(str(exc)) from exc
        self.school = school

    def prepare(self, header: Header) -> None:
        # ID number → (its first row, that row's cells as text)
        self.seen: dict[str, tuple[int, tuple[str, ...]]] = {}

    def handle(self, row: Row) -> dict[str, Any]:
        data: dict[str, Any] = {c: row.get(c) for c in self.header.positions}
        for column in TEXT:
            if column in data:
                data[column] = cell_text(data[column]).strip()
        checked = check_id(data.get("id_number"))
        if not checked.ok:
            raise FieldError(checked.error or "身份证号无效", "id_number")
        data["id_number"] = checked.number or ""
        if not fields.text(data.get("name")):
            raise FieldError("姓名为空", "name")
        errors: dict[str, str] = {}
        values = enrolment_terms(data, errors)
        if errors:
            column, message = next(iter(errors.items()))
            raise FieldError(message, column)
        data.update(values)
        data["status"] = status_of(data.get("status"))
        if data["status"] and data["status"] != StudentStatus.STUDYING:
            try:
                data["status_on"] = fields.date(data.get("status_on"))
            except FieldError as exc:
                raise FieldError(str(exc), "status_on") from exc
            if data["status_on"] is None:
                raise FieldError(
                    f"学籍状态为{StudentStatus(data['status']).label}时须填写状态变动日期",
                    "status_on",
                )
        number = data["id_number"]
        fingerprint = tuple(cell_text(c) for c in row.cells)
        first = self.seen.setdefault(number, (row.number, fingerprint))
        if first[1] != fingerprint:
            raise FieldError(f"身份证号与第{first[0]}行重复且内容不同", "id_number")
        return data

    def write(self, row: Row, values: dict[str, Any]) -> str:
        # One row, one transaction: a status the row cannot move to leaves no enrolment
        # half made.
        with transaction.atomic():
            return self.write_row(row, values)

    def write_row(self, row: Row, values: dict[str, Any]) -> str:
        person = Person.objects.with_id_number(values["id_number"]).first()
        existing = (
            StudentEnrolment.objects.filter(
                person=person, school=self.school, entered_on=values["entered_on"]
            ).first()
            if person is not None
            else None
        )
        outcome = "unchanged"
        if existing is None:
            data = {
                **{k: values.get(k) for k in (*EDITABLE, "entered_on", "id_number", "name")},
                "school": self.school.pk,
                "county": values.get("county") or "",
                "import_record_id": self.record.pk if self.record else None,
                "import_row": row.number,
            }
            existing = student_enrol(actor=self.actor, channel=self.channel, data=data)
            outcome = "created"
        else:
            if student_update(
                actor=self.actor,
                channel=self.channel,
                enrolment=existing,
                data={k: values.get(k) for k in EDITABLE},
            ):
                outcome = "updated"
        wanted = values.get("status")
        if wanted and wanted != existing.status:
            student_status_change(
                actor=self.actor,
                channel=self.channel,
                enrolment=existing,
                to_status=wanted,
                on=values.get("status_on"),
                reason=fields.text(values.get("reason")),
            )
            outcome = "created" if outcome == "created" else "updated"
        return outcome


def import_students(
    path: Path,
    *,
    actor: User,
    school: Institution,
    name: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
    channel: str = Channel.IMPORT,
) -> ImportResult:
    """A school's roll from one file, as the command, a job and tests run it."""
    importer = StudentImport(
        actor=actor, school=school.pk, progress=progress, dry_run=dry_run, channel=channel
    )
    return importer.run(path, name=name, limits=limits)
