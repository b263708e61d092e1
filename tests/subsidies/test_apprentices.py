"""Apprenticeship claims: an enterprise's apprentice list imported from a real .xlsx on the
shared framework (bad rows named, dry run, the same file twice adds nothing), lines of
apprentice-years to the enterprise, the contract attached once and kept with its SHA-256,
and the claim kept within its county."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from skillaid.accounts.imports.records import ImportRecord
from skillaid.accounts.jobs import Job
from skillaid.accounts.review import review_move
from skillaid.lib.sheets import open_table
from skillaid.lib.uscc import make_code
from skillaid.people.models import Person
from skillaid.subsidies.apprentices import (
    apprenticeship_claim_open,
    import_apprentices,
    whole_months,
)
from skillaid.subsidies.models import Claim, ClaimLine
from tests.conftest import LONGAN, MASHAN, new_id

pytestmark = pytest.mark.django_db

USCC = make_code("91450124MA5K00001")
OTHER_USCC = make_code("91450124MA5K00002")
CONTRACT = b"%PDF-1.4\n% apprentice training contract\n"
HEADER = ["身份证号码", "姓名", "职业（工种）", "等级", "学徒培训起始日期", "学徒培训截止日期"]


@pytest.fixture(autouse=True)
def seeded_rules(regions, settings, tmp_path):
    from skillaid.subsidies.loading import load_policy_rules

    settings.MEDIA_ROOT = tmp_path / "media"
    load_policy_rules()


def workbook(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("学徒名单")
    sheet.write_row(0, 0, ["某某机械有限公司企业新型学徒制学徒名单"])
    sheet.write_row(1, 0, header)
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write_datetime(
                    i,
                    j,
                    dt.datetime.combine(value, dt.time()),
                    book.add_format({"num_format": "yyyy-mm-dd"}),
                )
            else:
                sheet.write_string(i, j, str(value))
    book.close()
    return path


@pytest.fixture
def apprentices(person_factory):
    """Three apprentices: 蓝海燕 already in the ledger, 覃海 and 农杰 (of 隆安县) not yet."""
    known = person_factory(name="蓝海燕")
    return {
        "known": known,
        "new": (new_id(MASHAN), "覃海"),
        "other": (new_id(LONGAN), "农杰"),
    }


@pytest.fixture
def good_rows(apprentices):
    known, (new, new_name), (other, other_name) = (
        apprentices["known"],
        apprentices["new"],
        apprentices["other"],
    )
    return [
        [
            known.id_number,
            known.name,
            "家政服务员",
            "四级",
            dt.date(2025, 9, 1),
            dt.date(2027, 8, 31),
        ],
        [new, new_name, "家政服务员", "五级", dt.date(2026, 4, 1), dt.date(2027, 3, 31)],
        [other, other_name, "家政服务员", "五级", "2026-03-01", "2026-12-31"],
    ]


@pytest.fixture
def bad_rows(apprentices):
    known = apprentices["known"]
    return [
        ["450124199001011235", "韦错", "家政服务员", "五级", "2026-01-01", "2026-12-31"],
        [new_id(MASHAN), "黄反", "家政服务员", "五级", "2026-06-01", "2026-02-01"],
        [new_id(MASHAN), "陆外", "家政服务员", "五级", "2027-02-01", "2028-01-31"],
        [new_id(MASHAN), "梁级", "家政服务员", "九级", "2026-01-01", "2026-12-31"],
        [known.id_number, known.name, "家政服务员", "三级", "2026-01-01", "2026-12-31"],
        [new_id(MASHAN), "周日", "家政服务员", "五级", "2026-02-30", "2026-12-31"],
    ]


def terms(county: str = MASHAN, uscc: str = USCC, **extra) -> dict:
    return {
        "county": county,
        "enterprise_name": "马山县某某机械有限公司",
        "enterprise_uscc": uscc,
        "period_from": dt.date(2026, 1, 1),
        "period_until": dt.date(2026, 12, 31),
        **extra,
    }


def contract(content: bytes = CONTRACT, name: str = "学徒培训合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def post(client, path: Path, *, contract_file=None, dry_run=False, **changes):  # noqa: ANN001
    data = {**terms(), **changes}
    data = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}
    with path.open("rb") as f:
        data["file"] = f
        if contract_file is not None:
            data["contract"] = contract_file
        if dry_run:
            data["dry_run"] = "on"
        return client.post(reverse("apprentice_import"), data)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        ("2026-01-01", "2026-12-31", 12),
        ("2026-01-01", "2026-01-31", 1),
        ("2026-01-15", "2026-02-13", 0),
        ("2026-01-15", "2026-02-14", 1),
        # A month from the 31st ends the day before the next month's last day (add_months).
        ("2026-01-31", "2026-02-26", 0),
        ("2026-01-31", "2026-02-27", 1),
        ("2026-04-01", "2026-12-31", 9),
    ],
)
def test_whole_months_count_complete_months_only(start, end, months):
    assert whole_months(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == months


def test_the_list_becomes_lines_of_apprentice_years_to_the_enterprise(
    client, wei, apprentices, good_rows, bad_rows, tmp_path
):
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows + bad_rows)
    client.force_login(wei)
    response = post(client, path, contract_file=contract())
    job = Job.objects.get(kind="apprentice_import")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    assert job.state == "done", job.error
    counts = job.result
    assert (counts["created"], counts["rejected"]) == (3, 6)

    claim = Claim.objects.get(kind="apprenticeship")
    assert (claim.county_id, claim.enterprise_uscc, claim.status) == (MASHAN, USCC, "draft")
    assert (claim.period_from, claim.period_until) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    lines = {line.person_name: line for line in claim.lines.select_related("rule__rule")}
    got = {
        name: (line.status, line.evidence["months"], line.units, line.amount)
        for name, line in lines.items()
    }
    assert got == {
        "蓝海燕": ("due", 12, Decimal("1.00"), Decimal("5000.00")),
        "覃海": ("due", 9, Decimal("0.75"), Decimal("3750.00")),
        "农杰": ("due", 10, Decimal("0.83"), Decimal("4166.67")),
    }
    line = lines["蓝海燕"]
    assert line.rule.rule.code == "national-new-apprenticeship" and line.rate == Decimal("5000.00")
    assert (line.payee, line.payee_name) == ("enterprise", "马山县某某机械有限公司")
    assert line.person == apprentices["known"] and line.level == "4"
    assert line.evidence["covered_from"] == "2026-01-01" and "12个月" in line.reason
    # The new apprentices are registered, each in their own county.
    assert Person.objects.get(name="覃海").county_id == MASHAN
    assert Person.objects.get(name="农杰").county_id == LONGAN
    assert claim.total_due == Decimal("12916.67")

    record = ImportRecord.objects.get(kind="apprentice_import", dry_run=False)
    problems = {(p["row"], p["column"]): p["message"] for p in record.problems}
    assert problems == {
        (6, "A列“身份证号”"): "校验码错误：末位应为 X，实为 5",
        (7, "F列“学徒期止”"): "学徒期止 2026-02-01 早于学徒期起 2026-06-01",
        (
            8,
            "E列“学徒期起”",
        ): "学徒期 2027-02-01 至 2028-01-31 不在申领期间（2026-01-01 至 2026-12-31）内",
        (9, "D列“等级”"): "等级“九级”无法识别（如：五级、四级、三级、专项职业能力）",
        (10, "A列“身份证号”"): "身份证号与第3行重复且内容不同",
        (11, "E列“学徒期起”"): "日期“2026-02-30”不存在",
    }
    # The rejected-rows workbook holds each bad row with its reason, read back.
    report = open_table(Path(record.report.path))
    text = "\n".join(" ".join(str(c) for c in row) for row in report.rows())
    for name in ("韦错", "黄反", "陆外", "梁级", "周日"):
        assert name in text
    assert "早于学徒期起" in text


def test_the_same_file_twice_adds_nothing(client, wei, good_rows, tmp_path):
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows)
    client.force_login(wei)
    post(client, path, contract_file=contract())
    people = Person.objects.count()
    post(client, path)  # the contract is kept: no need to attach it again
    first, second = Job.objects.filter(kind="apprentice_import").order_by("id")
    assert first.result["created"] == 3
    assert (second.result["created"], second.result["updated"], second.result["unchanged"]) == (
        0,
        0,
        3,
    )
    assert Claim.objects.count() == 1 and ClaimLine.objects.count() == 3
    assert Person.objects.count() == people


def test_a_changed_row_updates_its_line_in_place(wei, good_rows, tmp_path):
    claim = apprenticeship_claim_open(actor=wei, data=terms(), contract=contract())
    import_apprentices(workbook(tmp_path / "a.xlsx", good_rows), actor=wei, claim=claim)
    before = claim.lines.get(person_name="覃海")
    good_rows[1][4] = dt.date(2026, 7, 1)
    result = import_apprentices(workbook(tmp_path / "b.xlsx", good_rows), actor=wei, claim=claim)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    after = claim.lines.get(person_name="覃海")
    assert after.pk == before.pk and after.amount == Decimal("2500.00")


def test_a_dry_run_keeps_nothing(client, wei, good_rows, bad_rows, tmp_path):
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows + bad_rows)
    client.force_login(wei)
    people = Person.objects.count()
    response = post(client, path, contract_file=contract(), dry_run=True)
    job = Job.objects.get(kind="apprentice_import")
    assert response.status_code == 302 and job.state == "done", job.error
    assert (job.result["created"], job.result["rejected"]) == (3, 6)
    assert not Claim.objects.exists() and not ClaimLine.objects.exists()
    assert Person.objects.count() == people
    assert ImportRecord.objects.get(kind="apprentice_import").dry_run


def test_the_contract_is_attached_once_and_kept_with_its_sha256(client, wei, good_rows, tmp_path):
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows)
    client.force_login(wei)
    post(client, path, contract_file=contract())
    claim = Claim.objects.get()
    assert claim.attachment_name == "学徒培训合同.pdf"
    assert claim.attachment_sha256 == hashlib.sha256(CONTRACT).hexdigest()
    with claim.attachment.open("rb") as f:
        assert f.read() == CONTRACT

    # Another file in its place is refused; the one attached stays.
    body = post(client, path, contract_file=contract(b"%PDF-1.4 another")).content.decode()
    assert "附件一经提交不再替换" in body
    claim.refresh_from_db()
    assert claim.attachment_sha256 == hashlib.sha256(CONTRACT).hexdigest()
    assert Job.objects.count() == 1

    download = client.get(reverse("claim_attachment", args=[claim.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == CONTRACT
    detail = client.get(reverse("claim_detail", args=[claim.pk])).content.decode()
    assert claim.attachment_sha256 in detail and "2026-01-01 至 2026-12-31" in detail


def test_the_first_import_needs_the_contract_and_a_valid_credit_code(
    client, wei, good_rows, tmp_path, settings
):
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows)
    client.force_login(wei)
    body = post(client, path).content.decode()
    assert "请上传学徒培训合同" in body
    body = post(client, path, contract_file=contract(), enterprise_uscc=USCC[:-1] + "0").content
    assert "统一社会信用代码校验位错误" in body.decode()
    body = post(client, path, contract_file=contract(name="合同.exe")).content.decode()
    assert "学徒培训合同须为 PDF、JPG、PNG 或 ZIP 文件" in body
    settings.SKILLAID_UPLOAD_MAX_MB = 1
    big = contract(b"0" * (1024 * 1024 + 1))
    assert "超过上传上限" in post(client, path, contract_file=big).content.decode()
    body = post(client, path, contract_file=contract(), period_until="2025-12-31").content.decode()
    assert "截止日期不能早于起始日期" in body
    assert not Claim.objects.exists() and not Job.objects.exists()


def test_an_apprentice_month_is_paid_once_across_claims(wei, good_rows, tmp_path):
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows)
    first = apprenticeship_claim_open(actor=wei, data=terms(), contract=contract())
    import_apprentices(path, actor=wei, claim=first)
    paid = first.lines.get(person_name="蓝海燕")
    later = terms(
        uscc=OTHER_USCC, period_from=dt.date(2026, 7, 1), period_until=dt.date(2027, 6, 30)
    )
    second = apprenticeship_claim_open(actor=wei, data=later, contract=contract())
    import_apprentices(path, actor=wei, claim=second)
    again = second.lines.get(person_name="蓝海燕")
    assert again.status == "refused" and again.blocked_by_id == paid.pk
    assert f"第{paid.pk}号补贴明细" in again.reason and "同一期间只补贴一次" in again.reason


def test_the_county_clerk_submits_and_a_submitted_claim_takes_no_more_rows(
    wei, good_rows, tmp_path
):
    claim = apprenticeship_claim_open(actor=wei, data=terms(), contract=contract())
    import_apprentices(workbook(tmp_path / "a.xlsx", good_rows), actor=wei, claim=claim)
    review_move(claim, "submitted", actor=wei, reason="", channel="page")
    claim.refresh_from_db()
    assert claim.status == "submitted"
    with pytest.raises(PermissionError, match="已提交待初审"):
        import_apprentices(workbook(tmp_path / "b.xlsx", good_rows), actor=wei, claim=claim)
    with pytest.raises(Exception, match="不能再导入学徒名单"):
        apprenticeship_claim_open(actor=wei, data=terms(), contract=None)


def test_another_countys_clerk_gets_nothing(client, wei, huang, lu, good_rows, tmp_path):
    claim = apprenticeship_claim_open(actor=wei, data=terms(), contract=contract())
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows)
    import_apprentices(path, actor=wei, claim=claim)
    client.force_login(huang)
    assert client.get(reverse("claim_detail", args=[claim.pk])).status_code == 404
    assert client.get(reverse("claim_attachment", args=[claim.pk])).status_code == 404
    assert client.get(reverse("apprentice_import"), {"claim": claim.pk}).status_code == 404
    # Nor may they claim in a county not theirs, or import into this claim.
    body = post(client, path, contract_file=contract()).content.decode()
    assert f"县（区）{MASHAN}不在您的管辖范围内" in body and Claim.objects.count() == 1
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        import_apprentices(path, actor=huang, claim=claim)
    client.force_login(lu)
    assert client.get(reverse("apprentice_import")).status_code == 403


def test_the_command_imports_into_a_claim_and_refuses_one_submitted(wei, good_rows, tmp_path):
    from io import StringIO

    from django.core.management import call_command

    claim = apprenticeship_claim_open(actor=wei, data=terms(), contract=contract())
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows)
    out = StringIO()
    call_command(
        "import_apprentices", str(path), "--claim", str(claim.pk), "--user", "wei", stdout=out
    )
    assert "3 created" in out.getvalue() and claim.lines.count() == 3
    review_move(claim, "submitted", actor=wei, reason="", channel="page")
    err = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command(
            "import_apprentices", str(path), "--claim", str(claim.pk), "--user", "wei", stderr=err
        )
    assert exc.value.code == 2 and "不能再导入学徒名单" in err.getvalue()


def test_a_dry_run_of_a_list_already_imported_shows_it_unchanged(client, wei, good_rows, tmp_path):
    path = workbook(tmp_path / "学徒名单.xlsx", good_rows)
    client.force_login(wei)
    post(client, path, contract_file=contract())
    post(client, path, dry_run=True)
    dry = Job.objects.filter(kind="apprentice_import").order_by("id").last()
    assert dry.params["dry_run"] and dry.params["claim"] == Claim.objects.get().pk
    assert (dry.result["created"], dry.result["unchanged"]) == (0, 3)


def test_a_list_that_is_no_spreadsheet_opens_no_claim(client, wei, tmp_path):
    path = tmp_path / "学徒名单.pdf"
    path.write_bytes(b"%PDF-1.4")
    client.force_login(wei)
    body = post(client, path, contract_file=contract()).content.decode()
    assert "不支持的文件类型“.pdf”" in body
    assert not Claim.objects.exists() and not Job.objects.exists()
