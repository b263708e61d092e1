"""Import of certificates issued elsewhere, from Excel or CSV, on the import framework:
each row is one certificate, recorded through certificate_record (which finds the holder
in the ledger or registers them); a bad row is reported with its column and the others
are kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skillaid.accounts.imports.framework import Importer, Row
from skillaid.accounts.models import Channel, User
from skillaid.lib.columns import Column, Columns, FieldError, Header
from skillaid.lib.sheets import ImportResult, Limits, Progress, cell_text

from .services import certificate_record

COLUMNS = Columns(
    (
        Column("number", "证书编号", ("证书号", "证书号码"), required=True),
        Column("name", "姓名", ("持证人", "持证人姓名"), required=True),
        Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码"), required=True),
        Column("kind", "证书类型", ("证书类别", "证书种类"), required=True),
        Column("occupation_code", "职业编码", ("职业代码", "工种编码")),
        Column(
            "occupation_name",
            "职业（工种）",
            ("职业(工种)", "职业（工种）名称", "职业名称", "工种", "项目名称"),
            required=True,
        ),
        Column("level", "等级", ("技能等级", "证书等级")),
        Column("issuer", "发证机构", ("评价机构", "发证单位", "认定机构"), required=True),
        Column("issued_on", "发证日期", ("发证时间", "取证日期"), required=True),
        Column("county", "户籍县区代码", ("县区代码",)),
    ),
    anchors=("number", "id_number"),
)
TEXT = ("number", "id_number", "occupation_code", "county")


class CertificateImport(Importer):
    """One certificate file; `county` is the home county of holders not yet in the ledger
    whose ID number does not name a current county."""

    kind = "certificate_import"
    label = "外部证书导入"
    columns = COLUMNS
    hint = "，请使用证书导入模板"
    start_url = "certificate_import"

    def __init__(self, *, actor: User, county: str = "", **kwargs: Any) -> None:
        super().__init__(actor=actor, **kwargs)
        self.county = county

    @classmethod
    def options_from_job(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"county": params.get("county", "")}

    @classmethod
    def add_arguments(cls, parser: Any) -> None:
        parser.add_argument("--county", default="", help="home county of holders not in the ledger")

    @classmethod
    def options_from_command(cls, options: dict[str, Any]) -> dict[str, Any]:
        return {"county": options.get("county") or ""}

    def prepare(self, header: Header) -> None:
        # certificate number -> (its first row, that row's cells as text)
        self.seen: dict[str, tuple[int, tuple[str, ...]]] = {}

    def handle(self, row: Row) -> dict[str, Any]:
        data: dict[str, object] = {column: row.get(column) for column in self.header.positions}
        for column in TEXT:
            if column in data:
                data[column] = cell_text(data[column])
        data["county"] = data.get("county") or self.county
        # The same number twice with the same cells is one certificate listed twice; with
        # other cells nobody can tell which row is right.
        number = "".join(str(data.get("number") or "").split()).upper()
        fingerprint = tuple(cell_text(c) for c in row.cells)
        first = self.seen.setdefault(number, (row.number, fingerprint))
        if first[1] != fingerprint:
            raise FieldError(f"证书编号{number}与第{first[0]}行重复且内容不同", "number")
        return data

    def write(self, row: Row, values: dict[str, Any]) -> str:
        # The holder is found in the ledger by ID number, or registered, inside the service.
        _, outcome = certificate_record(actor=self.actor, data=values, channel=self.channel)
        return outcome


def import_certificates(
    path: Path,
    *,
    actor: User,
    county: str = "",
    name: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """The certificate import of one file, as the command and a job run it."""
    importer = CertificateImport(
        actor=actor, county=county, progress=progress, dry_run=dry_run, channel=Channel.IMPORT
    )
    return importer.run(path, name=name, limits=limits)
