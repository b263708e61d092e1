"""Import of certificates issued elsewhere, from Excel or CSV, with the rejected-rows report."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError

from skillaid.accounts.models import Channel, User
from skillaid.lib.sheets import (
    Limits,
    Progress,
    Rejection,
    SheetResult,
    UnreadableFile,
    cell_text,
    column_letter,
    find_columns,
    header_key,
    open_table,
)

from .services import certificate_record

COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("证书编号", "证书号", "证书号码"),
    "name": ("姓名", "持证人", "持证人姓名"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码"),
    "kind": ("证书类型", "证书类别", "证书种类"),
    "occupation_code": ("职业编码", "职业代码", "工种编码"),
    "occupation_name": (
        "职业（工种）",
        "职业(工种)",
        "职业（工种）名称",
        "职业名称",
        "工种",
        "项目名称",
    ),
    "level": ("等级", "技能等级", "证书等级"),
    "issuer": ("发证机构", "评价机构", "发证单位", "认定机构"),
    "issued_on": ("发证日期", "发证时间", "取证日期"),
    "county": ("户籍县区代码", "县区代码"),
}
LABELS = {k: v[0] for k, v in COLUMNS.items()}
_ALIASES = {header_key(a): k for k, aliases in COLUMNS.items() for a in aliases}
PROGRESS_EVERY = 500  # rows between two progress reports of a job
REQUIRED = ("number", "name", "id_number", "kind", "occupation_name", "issuer", "issued_on")


CertificateResult = SheetResult


def import_certificates(
    path: Path,
    *,
    actor: User,
    county: str = "",
    name: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> CertificateResult:
    """Each row is one certificate; a bad row is reported with its column and the others are kept.

    `county` is the home county of holders not yet in the ledger whose ID number
    does not name a current county.
    """
    name = name or path.name
    table = open_table(path, name=name, limits=limits)
    progress = progress or (lambda done, total: None)
    result = CertificateResult(filename=name)
    rows = table.rows()
    columns, result.headers, header_row = find_columns(rows, _ALIASES, ("number", "id_number"))
    if not columns:
        raise UnreadableFile("找不到“证书编号”和“身份证号”列，请使用证书导入模板")
    missing = [LABELS[c] for c in REQUIRED if c not in columns]
    if missing:
        raise UnreadableFile(f"缺少列：{'、'.join(missing)}")

    def where(column: str) -> str:
        i = columns.get(column)
        return f"{column_letter(i)}列“{LABELS[column]}”" if i is not None else LABELS[column]

    seen: dict[str, tuple[int, tuple]] = {}
    total = max(table.total - header_row, 0)
    for row_no, cells in enumerate(rows, start=header_row + 1):
        if (row_no - header_row) % PROGRESS_EVERY == 0:
            progress(row_no - header_row, total)
        if all(c in (None, "") for c in cells):
            continue
        result.rows += 1
        data = {column: (cells[i] if i < len(cells) else None) for column, i in columns.items()}
        for column in ("number", "id_number", "occupation_code", "county"):
            if column in data:
                data[column] = cell_text(data[column])
        data.setdefault("county", county)
        data["county"] = data["county"] or county
        number = "".join(str(data.get("number") or "").split()).upper()
        fingerprint = tuple(cell_text(c) for c in cells)
        if number in seen and seen[number][1] != fingerprint:
            result.rejected.append(
                Rejection(
                    row_no,
                    where("number"),
                    f"证书编号{number}与第{seen[number][0]}行重复且内容不同",
                    list(cells),
                )
            )
            continue
        seen.setdefault(number, (row_no, fingerprint))
        try:
            _, outcome = certificate_record(actor=actor, data=data, channel=Channel.IMPORT)
        except ValidationError as exc:
            column, messages = next(iter(exc.message_dict.items()))
            result.rejected.append(
                Rejection(
                    row_no,
                    where(column) if column in COLUMNS else column,
                    "；".join(messages),
                    list(cells),
                )
            )
        else:
            result.count(outcome)
    return result
