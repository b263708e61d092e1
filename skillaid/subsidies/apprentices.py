"""Apprenticeship claims (企业新型学徒制培训补贴): an enterprise claims for its apprentices
with their list, and the county clerk records the claim.

A claim names the enterprise (name and unified social credit code) and the period it
covers (申领期间, e.g. 2026-01-01 to 2026-12-31); one enterprise's claim for one period
is one claim, found again when the list is imported again. The apprentice list is an
Excel import on the shared framework: per row the ID number, name, occupation, level
and apprenticeship start and end; the person is found in the ledger by ID number (or
registered, as the certificate import does); a bad row is reported with its row, column
and reason, and the others are kept. Each apprentice is one line to the enterprise.

Units: apprentice-years (学徒·年) of the apprenticeship within the claim period. The
part of the apprenticeship inside the period is counted in whole months (from its first
day, a month is complete on the same day of the next month; a part month left over is
not counted), and a year is twelve of them: 9 months are 0.75 apprentice-year. The
amount is the rule's rate × months ÷ 12, in yuan to the cent (10 months at 5,000 yuan
are 4,166.67 yuan; the units shown are rounded to 0.83). The rule is the apprenticeship
rule in force for the county on the first day of the period.

An apprentice-month is paid once: a month already covered by a live apprenticeship line
of the same person (another period, another enterprise) refuses the line, naming that
line.

What the system cannot know, the apprentice training contract (学徒培训合同), is attached
to the claim once, with its SHA-256, and kept: a later import for the same claim keeps
it, and another file in its place is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from skillaid.accounts.capabilities import require
from skillaid.accounts.imports.framework import Importer, Row
from skillaid.accounts.jobs import upload_limits
from skillaid.accounts.models import Action, Channel, User, audit
from skillaid.catalogue.models import Occupation
from skillaid.catalogue.services import parse_level
from skillaid.lib import uscc
from skillaid.lib.columns import Column, Columns, FieldError, Header
from skillaid.lib.dates import add_months
from skillaid.lib.sheets import (
    ImportResult,
    Limits,
    Progress,
    UnreadableFile,
    cell_text,
    check_size,
)
from skillaid.people import fields
from skillaid.people.services import check_id, person_match_or_register
from skillaid.regions.models import Level, Region

from .claims import OPEN_STATES, money
from .models import (
    LIVE,
    AmountUnit,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    LineStatus,
    Payee,
    PolicyRuleVersion,
    RuleKind,
)
from .rules import rule_in_force

CONTRACT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".zip")
TWELVE = Decimal("12")


# --- the period -----------------------------------------------------------------------


def whole_months(start: dt.date, end: dt.date) -> int:
    """Complete months from `start` to `end`, both days included: 2026-01-01 to
    2026-01-31 is one, 2026-01-15 to 2026-02-13 none, 2026-01-15 to 2026-02-14 one."""
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    while months > 0 and add_months(start, months) > end + dt.timedelta(days=1):
        months -= 1
    return months


def covered(
    start: dt.date, end: dt.date, period_from: dt.date, period_until: dt.date
) -> tuple[dt.date, dt.date] | None:
    """The part of the apprenticeship within the claim period, or None."""
    first, last = max(start, period_from), min(end, period_until)
    return (first, last) if first <= last else None


def apprentice_years(months: int) -> Decimal:
    return (Decimal(months) / TWELVE).quantize(Decimal("0.01"), ROUND_HALF_UP)


# --- the claim and its contract -------------------------------------------------------


def enterprise_claim_find(
    *, county: str, uscc_code: str, period_from: dt.date, period_until: dt.date
) -> Claim | None:
    """The enterprise's claim for this period in this county (not a rejected one)."""
    return (
        Claim.objects.filter(
            kind=ClaimKind.APPRENTICESHIP,
            county_id=county,
            enterprise_uscc=uscc_code,
            period_from=period_from,
            period_until=period_until,
        )
        .exclude(status=ClaimState.REJECTED)
        .first()
    )


def enterprise_terms(
    actor: User, data: dict[str, Any]
) -> tuple[Region, str, str, dt.date, dt.date]:
    """The county, enterprise name, credit code and period of an enterprise's claim, or
    ValidationError naming each field at fault."""
    errors: dict[str, str] = {}
    county = Region.objects.filter(code=str(data.get("county") or "").strip()).first()
    if county is None or county.level != Level.COUNTY:
        errors["county"] = "请选择企业所在的县（区）"
    else:
        try:
            require(actor, "claim.record", CountyInScope(county))
        except PermissionDenied as exc:
            errors["county"] = str(exc)
    name = " ".join(str(data.get("enterprise_name") or "").split())
    if not name:
        errors["enterprise_name"] = "请填写企业名称"
    elif len(name) > 128:
        errors["enterprise_name"] = "企业名称不能超过128个字"
    code = ""
    try:
        code = uscc.check(data.get("enterprise_uscc"))
    except uscc.UsccError as exc:
        errors["enterprise_uscc"] = str(exc)
    period_from, period_until = data.get("period_from"), data.get("period_until")
    if not isinstance(period_from, dt.date):
        errors["period_from"] = "请填写申领期间的起始日期"
    if not isinstance(period_until, dt.date):
        errors["period_until"] = "请填写申领期间的截止日期"
    if isinstance(period_from, dt.date) and isinstance(period_until, dt.date):
        if period_until < period_from:
            errors["period_until"] = "截止日期不能早于起始日期"
        elif whole_months(period_from, period_until) > 12:
            errors["period_until"] = "申领期间不能超过12个月，跨年度的请分期申领"
    if errors:
        raise ValidationError(errors)
    return county, name, code, period_from, period_until


class CountyInScope:
    """A county as `within` asks it (accounts.capabilities): in scope if its code is."""

    def __init__(self, county: Region) -> None:
        self.county = county

    def within(self, scope) -> bool:  # noqa: ANN001
        return scope.contains_region(self.county.code)

    def __str__(self) -> str:
        return self.county.name


def contract_check(upload: UploadedFile) -> str:
    """The contract's SHA-256, or ValidationError: its type and size as other uploads."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in CONTRACT_SUFFIXES:
        raise ValidationError(
            {
                "contract": f"学徒培训合同须为 PDF、JPG、PNG 或 ZIP 文件，"
                f"“{Path(upload.name or '').name}”不是"
            }
        )
    try:
        check_size(upload.size, upload_limits())
    except UnreadableFile as exc:
        raise ValidationError({"contract": str(exc)}) from exc
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def apprenticeship_claim_open(
    *,
    actor: User,
    data: dict[str, Any],
    contract: UploadedFile | None,
    channel: str = "page",
) -> Claim:
    """The enterprise's draft claim for the period, made if new, with its contract
    attached once. A claim already submitted takes no new list."""
    county, name, code, period_from, period_until = enterprise_terms(actor, data)
    claim = enterprise_claim_find(
        county=county.code, uscc_code=code, period_from=period_from, period_until=period_until
    )
    if claim is not None:
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        if claim.status not in OPEN_STATES:
            raise ValidationError(
                {
                    "enterprise_uscc": f"该企业{period_from:%Y-%m-%d}至{period_until:%Y-%m-%d}"
                    f"的申领（第{claim.pk}号）已{claim.get_status_display()}，不能再导入学徒名单"
                }
            )
    digest = contract_check(contract) if contract is not None else ""
    if claim is not None and claim.attachment_sha256:
        if digest and digest != claim.attachment_sha256:
            raise ValidationError(
                {
                    "contract": f"该申领已附学徒培训合同“{claim.attachment_name}”"
                    f"（SHA-256 {claim.attachment_sha256[:12]}…），附件一经提交不再替换"
                }
            )
        return claim
    if not digest:
        raise ValidationError({"contract": "请上传学徒培训合同（PDF、JPG、PNG 或 ZIP）"})
    if claim is None:
        claim = Claim.objects.create(
            kind=ClaimKind.APPRENTICESHIP,
            county=county,
            enterprise_name=name,
            enterprise_uscc=code,
            period_from=period_from,
            period_until=period_until,
            created_by=actor,
        )
    shown = Path(contract.name).name[:255]
    claim.attachment.save(f"{claim.pk}-contract{Path(shown).suffix.lower()}", contract, save=False)
    claim.attachment_name, claim.attachment_sha256 = shown, digest
    claim.save(update_fields=["attachment", "attachment_name", "attachment_sha256"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=claim,
        changes={"attachment": shown, "sha256": digest},
        note=f"{name}企业新型学徒制补贴申领附学徒培训合同“{shown}”",
    )
    return claim


# --- one apprentice's line ------------------------------------------------------------


def apprentice_line(
    claim: Claim,
    *,
    person,  # noqa: ANN001 - a people.Person
    occupation: Occupation | None,
    occupation_name: str,
    level: str,
    start: dt.date,
    end: dt.date,
    version: PolicyRuleVersion | None,
) -> ClaimLine:
    """The unsaved line for one apprentice of `claim`, or why nothing is due."""
    first, last = covered(start, end, claim.period_from, claim.period_until) or (start, start)
    months = whole_months(first, last)
    line = ClaimLine(
        claim=claim,
        kind=RuleKind.APPRENTICESHIP,
        person=person,
        person_name=person.name,
        id_masked=person.id_masked,
        county_id=claim.county_id,
        rule=version,
        payee=Payee.ENTERPRISE,
        payee_name=claim.enterprise_name,
        occupation=occupation,
        level=level,
        unit=AmountUnit.PER_APPRENTICE_YEAR,
        claimed_on=claim.claimed_on,
        cap=version.cap_per_time if version else None,
        evidence={
            "occupation_name": occupation_name,
            "apprentice_from": start.isoformat(),
            "apprentice_until": end.isoformat(),
            "covered_from": first.isoformat(),
            "covered_until": last.isoformat(),
            "months": months,
            "enterprise_uscc": claim.enterprise_uscc,
        },
    )

    def refuse(reason: str, by: int | None = None) -> ClaimLine:
        line.status, line.reason, line.amount = LineStatus.REFUSED, reason[:500], Decimal("0.00")
        line.blocked_by_id = by
        return line

    if version is None:
        return refuse(f"{claim.period_from:%Y-%m-%d}本地没有适用的企业新型学徒制培训补贴规则")
    if version.levels and level not in version.levels:
        return refuse(f"{version.name}限{version.labels('levels')}")
    if months == 0:
        return refuse(
            f"学徒期在申领期间内为{first:%Y-%m-%d}至{last:%Y-%m-%d}，不足一个月，不计补贴"
        )
    taken = earlier_months(person.pk, claim.pk, first, last)
    if taken is not None:
        return refuse(
            f"该学徒{taken.evidence.get('covered_from')}至{taken.evidence.get('covered_until')}"
            f"已由第{taken.pk}号补贴明细（{taken.payee_name}）享受企业新型学徒制培训补贴，"
            "同一学徒同一期间只补贴一次",
            taken.pk,
        )
    if version.amount is None:
        return refuse(f"{version.name}未规定补贴标准")
    line.units, line.rate = apprentice_years(months), version.amount
    amount = money(version.amount * Decimal(months) / TWELVE)
    explained = f"{months}个月（{line.units}学徒·年）×{version.amount}元"
    if version.cap_per_time is not None and amount > version.cap_per_time:
        amount = version.cap_per_time
        explained += f"，按单次上限{version.cap_per_time}元"
    line.amount, line.reason, line.status = amount, explained, LineStatus.DUE
    return line


def earlier_months(
    person_id: int, claim_id: int, first: dt.date, last: dt.date
) -> ClaimLine | None:
    """A live apprenticeship line of the person in another claim covering any of these days."""
    for line in ClaimLine.objects.filter(
        person_id=person_id, kind=RuleKind.APPRENTICESHIP, status__in=LIVE
    ).exclude(claim_id=claim_id):
        try:
            other_first = dt.date.fromisoformat(line.evidence["covered_from"])
            other_last = dt.date.fromisoformat(line.evidence["covered_until"])
        except (KeyError, TypeError, ValueError):
            return line  # a line whose period is not known blocks rather than pays twice
        if other_first <= last and first <= other_last:
            return line
    return None


# The fields whose sameness makes a re-imported row `unchanged`.
SAME = ("person_name", "occupation_id", "level", "status", "amount", "units", "reason")


# --- the import -----------------------------------------------------------------------

COLUMNS = Columns(
    (
        Column("id_number", "身份证号", ("身份证号码", "公民身份号码", "证件号码"), required=True),
        Column("name", "姓名", ("学徒姓名",), required=True),
        Column("occupation_code", "职业编码", ("职业代码", "工种编码")),
        Column(
            "occupation_name",
            "职业（工种）",
            ("职业(工种)", "培训职业", "职业名称", "工种", "培训工种"),
            required=True,
        ),
        Column("level", "等级", ("培训等级", "技能等级")),
        Column(
            "start",
            "学徒期起",
            ("学徒培训起始日期", "培训开始日期", "起始日期", "开始日期", "学徒开始日期"),
            required=True,
        ),
        Column(
            "end",
            "学徒期止",
            ("学徒培训截止日期", "培训结束日期", "截止日期", "结束日期", "学徒结束日期"),
            required=True,
        ),
    ),
    anchors=("id_number", "name"),
)


def parse_day(row: Row, column: str) -> dt.date:
    try:
        day = fields.date(row.get(column), today=dt.date.max)
    except FieldError as exc:
        raise FieldError(str(exc), column) from exc
    if day is None:
        raise FieldError("日期为空", column)
    return day


class ApprenticeImport(Importer):
    """One enterprise's apprentice list into its claim (`claim`: the claim's id). A dry
    run may name no claim: the enterprise's terms (`terms`) make one that is rolled back."""

    kind = "apprentice_import"
    label = "学徒名单导入"
    columns = COLUMNS
    hint = "，请使用学徒名单模板（身份证号、姓名、职业（工种）、等级、学徒期起、学徒期止）"
    start_url = "apprentice_import"

    def __init__(
        self, *, actor: User, claim: int | None = None, terms: dict | None = None, **kwargs: Any
    ) -> None:
        super().__init__(actor=actor, **kwargs)
        self.claim_id, self.terms = claim, terms or {}

    @classmethod
    def options_from_job(cls, params: dict[str, Any]) -> dict[str, Any]:
        return {"claim": params.get("claim"), "terms": params.get("terms") or {}}

    @classmethod
    def add_arguments(cls, parser: Any) -> None:
        parser.add_argument(
            "--claim", type=int, required=True, help="the apprenticeship claim's id"
        )

    @classmethod
    def options_from_command(cls, options: dict[str, Any]) -> dict[str, Any]:
        return {"claim": options.get("claim")}

    def before_reading(self) -> None:
        if self.claim_id is None and not self.dry_run:
            raise PermissionError("未指定企业新型学徒制补贴申领")
        if self.claim_id is not None:
            claim = Claim.objects.filter(pk=self.claim_id, kind=ClaimKind.APPRENTICESHIP).first()
            if claim is None:
                raise PermissionError("没有这笔企业新型学徒制补贴申领")
            require(self.actor, "claim.record", claim)
            if claim.status not in OPEN_STATES:
                raise PermissionError(f"该申领已{claim.get_status_display()}，不能再导入学徒名单")

    def prepare(self, header: Header) -> None:
        if self.claim_id is not None:
            # Read, not locked: an import started from a page runs in the worker outside
            # any transaction, where no lock can be taken (SQLite ignores the request,
            # PostgreSQL refuses it); the claim was checked open before the job started.
            self.claim = Claim.objects.get(pk=self.claim_id)
        else:
            # A dry run before the claim exists: inside the rolled-back transaction.
            terms = dict(self.terms)
            for key in ("period_from", "period_until"):
                terms[key] = dt.date.fromisoformat(terms[key]) if terms.get(key) else None
            county, name, code, period_from, period_until = enterprise_terms(self.actor, terms)
            self.claim = Claim.objects.create(
                kind=ClaimKind.APPRENTICESHIP,
                county=county,
                enterprise_name=name,
                enterprise_uscc=code,
                period_from=period_from,
                period_until=period_until,
                created_by=self.actor,
            )
        self.version = rule_in_force(
            RuleKind.APPRENTICESHIP, self.claim.county_id, self.claim.period_from
        )
        # ID number → (its first row, that row's cells)
        self.seen: dict[str, tuple[int, tuple[str, ...]]] = {}

    def handle(self, row: Row) -> dict[str, Any]:
        checked = check_id(row.get("id_number"))
        if not checked.ok:
            raise FieldError(checked.error or "身份证号无效", "id_number")
        name = row.text("name")
        if not name:
            raise FieldError("姓名为空", "name")
        occupation_name = row.text("occupation_name")
        if not occupation_name:
            raise FieldError("职业（工种）为空", "occupation_name")
        code = row.text("occupation_code") if row.has("occupation_code") else ""
        occupation = Occupation.objects.filter(code=code).first() if code else None
        occupation = occupation or Occupation.objects.filter(name=occupation_name).first()
        level = ""
        if row.has("level") and row.text("level"):
            try:
                level = parse_level(row.get("level"))
            except ValueError as exc:
                raise FieldError(str(exc), "level") from exc
        start, end = parse_day(row, "start"), parse_day(row, "end")
        if end < start:
            raise FieldError(f"学徒期止 {end:%Y-%m-%d} 早于学徒期起 {start:%Y-%m-%d}", "end")
        claim = self.claim
        if covered(start, end, claim.period_from, claim.period_until) is None:
            raise FieldError(
                f"学徒期 {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 不在申领期间"
                f"（{claim.period_from:%Y-%m-%d} 至 {claim.period_until:%Y-%m-%d}）内",
                "start",
            )
        number = checked.number or ""
        fingerprint = tuple(cell_text(c) for c in row.cells)
        first = self.seen.setdefault(number, (row.number, fingerprint))
        if first[1] != fingerprint:
            raise FieldError(f"身份证号与第{first[0]}行重复且内容不同", "id_number")
        return {
            "id_number": number,
            "name": name,
            "occupation": occupation,
            "occupation_name": occupation_name[:64],
            "level": level,
            "start": start,
            "end": end,
        }

    def write(self, row: Row, values: dict[str, Any]) -> str:
        claim = self.claim
        # A new apprentice is registered in the county of their ID number; one whose number
        # names no current county, in the enterprise's.
        number = values["id_number"]
        home = number[:6]
        if not Region.objects.current().filter(code=home, level=Level.COUNTY).exists():
            home = claim.county_id
        person = person_match_or_register(
            id_number=number,
            name=values["name"],
            county=home,
            actor=self.actor,
            channel=self.channel,
            source="学徒名单导入",
            # Apprentices come from any county: an enterprise employs whom it hires.
            scoped=False,
        ).person_or_raise()
        fresh = apprentice_line(
            claim,
            person=person,
            occupation=values["occupation"],
            occupation_name=values["occupation_name"],
            level=values["level"],
            start=values["start"],
            end=values["end"],
            version=self.version,
        )
        existing = claim.lines.filter(person=person).first()
        if existing is not None:
            if existing.evidence == fresh.evidence and all(
                getattr(existing, f) == getattr(fresh, f) for f in SAME
            ):
                return "unchanged"
            fresh.pk = existing.pk
            fresh.save()
            outcome = "updated"
        else:
            fresh.save()
            outcome = "created"
        audit(
            actor=self.actor,
            channel=self.channel,
            action=Action.CREATE if outcome == "created" else Action.UPDATE,
            object_type=fresh,
            person_id=person.pk,
            changes={"status": fresh.status, "amount": str(fresh.amount)},
            note=f"学徒名单导入：{claim.enterprise_name}，{fresh.get_status_display()}{fresh.amount}元",
        )
        return outcome


def import_apprentices(
    path: Path,
    *,
    actor: User,
    claim: Claim | None = None,
    terms: dict | None = None,
    name: str | None = None,
    limits: Limits | None = None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """The apprentice list of one file into `claim`, as the command, a job and tests run it."""
    importer = ApprenticeImport(
        actor=actor,
        claim=claim.pk if claim is not None else None,
        terms=terms,
        progress=progress,
        dry_run=dry_run,
        channel=Channel.IMPORT,
    )
    return importer.run(path, name=name, limits=limits)
