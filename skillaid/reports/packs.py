"""Report packs (报表): the tables officials file, as an .xlsx with their multi-row Chinese
headers and as a PDF, built as a job with a progress bar, and submitted (报送).

`pack_build(kind, region_code=, year=, period=, actor=)` writes both files without a web
request (the job, the command and the benchmark call it). The same data gives the same
workbook, byte for byte: its date is the data's as-of day, not the clock
(lib.report_sheet), and its file name carries its SHA-256, so building it again writes
the same file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import export_report
from skillaid.accounts.jobs import Job, JobState, Outcome, job_start, jobs_visible_to
from skillaid.accounts.models import Action, Channel, User, audit
from skillaid.accounts.papers import PaperUnavailable, render_pdf
from skillaid.lib.report_sheet import Table, header_cells
from skillaid.regions.models import Region

from . import packs_tables, periods
from .figures import where_for
from .models import Submission
from .periods import Period
from .tally import refreshed_at

JOB_KIND = "report_pack"
JOB_LABEL = "报表生成"
PDF_TEMPLATE = "reports/packs_pdf.html"


@dataclass(frozen=True)
class PackKind:
    kind: str
    name: str  # 技能脱贫千校行动进展情况表
    periods: tuple[str, ...]  # the periods it is made for: year, H1, H2, Q1…Q4
    build: Callable[..., list[Table]]
    source: str = ""


KINDS: dict[str, PackKind] = {
    k.kind: k
    for k in (
        PackKind(
            "thousand_schools",
            "技能脱贫千校行动进展情况表",
            ("year",),
            packs_tables.thousand_schools,
            "人社部发〔2019〕2号（十七）",
        ),
        PackKind(
            "pairing_summary",
            "结对帮扶半年和年度总结汇总表",
            ("H1", "year"),
            packs_tables.pairing_summaries,
            "桂人社发〔2022〕7号（十五）",
        ),
        PackKind(
            "progress",
            "目标任务进展统计表",
            ("year", "H1", "H2", "Q1", "Q2", "Q3", "Q4"),
            packs_tables.progress_statistics,
        ),
        PackKind(
            "ledger",
            "县级台账汇总表",
            ("year", "H1", "H2", "Q1", "Q2", "Q3", "Q4"),
            packs_tables.ledger_summary,
        ),
    )
}

PERIOD_LABELS = {
    "year": "全年",
    "H1": "上半年",
    "H2": "下半年",
    "Q1": "第一季度",
    "Q2": "第二季度",
    "Q3": "第三季度",
    "Q4": "第四季度",
}


def pack_kind(kind: str) -> PackKind:
    try:
        return KINDS[kind]
    except KeyError:
        names = "、".join(f"{k.kind}（{k.name}）" for k in KINDS.values())
        raise ValidationError(f"没有报表“{str(kind)[:32]}”：可选 {names}") from None


def pack_period(kind: PackKind, year: int, period: str) -> Period:
    """The period a pack covers: `period` is year, H1, H2 or Q1…Q4 (what Submission keeps)."""
    token = (period or "year").strip()
    if token not in kind.periods:
        allowed = "、".join(PERIOD_LABELS[p] for p in kind.periods)
        raise ValidationError(f"{kind.name}按{allowed}生成，不能选“{token[:16]}”")
    if not 2000 <= int(year) <= 2100:
        raise ValidationError(f"年度“{year}”不对：请写四位年份，如 2026")
    return periods.parse(str(year) if token == "year" else f"{year}{token}")


def data_as_of(period: Period) -> dt.date:
    """The day a pack's figures are counted to: the day the figures were last rebuilt, or the
    period's last day if that came first. Never the clock: a pack built twice from the same
    figures is the same file."""
    refreshed = refreshed_at()
    if refreshed is None:  # no figures yet: nothing to reproduce but the empty table
        return min(timezone.localdate(), period.end)
    return min(timezone.localtime(refreshed).date(), period.end)


def _region_for(actor: User, code: str) -> Region:
    try:
        where_for(actor, region=code)
    except Http404:
        raise PermissionDenied(f"地区“{str(code)[:12]}”不在您的管辖范围内") from None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise ValidationError(f"地区代码“{str(code)[:12]}”不存在")
    return region


def pack_title(kind: PackKind, region: Region, period: Period) -> str:
    return f"{region.name}{period.label}{kind.name}"


def pack_build(
    kind: str,
    *,
    region_code: str,
    year: int,
    period: str,
    actor: User,
    progress: Callable[[int, int], None] | None = None,
    job: Job | None = None,
) -> dict[str, object]:
    """Write the pack's workbook and PDF under MEDIA_ROOT/reports/packs/; returns
    {"xlsx": path, "pdf": path or "", "sha256": of the xlsx, "rows", "title", "as_of",
    "pdf_error": why no PDF, or ""}."""
    require(actor, "report.pack")
    spec = pack_kind(kind)
    span = pack_period(spec, year, period)
    region = _region_for(actor, region_code)
    as_of = data_as_of(span)
    created = timezone.make_aware(dt.datetime.combine(as_of, dt.time()))
    steps = [0]
    total = 5

    def step() -> None:
        steps[0] += 1
        if progress:
            progress(min(steps[0], total - 1), total)

    tables = spec.build(region, span, as_of, step)
    if progress:
        total = max(total, steps[0] + 2)
        progress(steps[0], total)
    title = pack_title(spec, region, span)
    buffer = io.BytesIO()
    rows = export_report(
        tables,
        target=buffer,
        created=created,
        title=title,
        actor=actor,
        channel=Channel.PAGE if job is not None else Channel.COMMAND,
        object_type=Job,
        object_id=job.pk if job is not None else "",
        filters={"kind": kind, "region": region.code, "year": year, "period": period},
    )
    data = buffer.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    stem = f"reports/packs/{spec.kind}-{region.code}-{span.code}-{digest[:16]}"
    root = Path(settings.MEDIA_ROOT)
    xlsx = root / f"{stem}.xlsx"
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    xlsx.write_bytes(data)
    if progress:
        progress(total - 1, total)
    pdf, pdf_error = "", ""
    try:
        content = render_pdf(
            PDF_TEMPLATE,
            {"title": title, "tables": [pdf_table(t) for t in tables], "source": spec.source},
            as_of=created,
        )
    except PaperUnavailable as exc:
        pdf_error = str(exc)
    else:
        path = root / f"{stem}.pdf"
        path.write_bytes(content)
        pdf = str(path)
    if progress:
        progress(total, total)
    return {
        "xlsx": str(xlsx),
        "pdf": pdf,
        "sha256": digest,
        "rows": rows,
        "title": title,
        "as_of": as_of.isoformat(),
        "pdf_error": pdf_error,
    }


def pdf_table(table: Table) -> dict[str, object]:
    """A table as the PDF template lays it out: header rows of cells with their spans, and
    the values formatted as the workbook shows them."""
    grid: dict[int, list[dict[str, object]]] = {}
    for cell in header_cells(table.heads):
        grid.setdefault(cell.first_row, []).append(
            {
                "label": cell.label,
                "colspan": cell.last_col - cell.first_col + 1,
                "rowspan": cell.last_row - cell.first_row + 1,
            }
        )
    columns = table.columns
    widths = sum(c.width for c in columns) or 1

    def shown(values: object) -> list[dict[str, object]]:
        out = []
        for i, column in enumerate(columns):
            v = values[i] if i < len(values) else None  # type: ignore[index]
            out.append({"text": _text(v, column.number), "num": _is_number(v)})
        return out

    return {
        "name": table.name,
        "title": table.title,
        "lines": table.lines,
        "head": [grid[r] for r in sorted(grid)],
        "rows": [shown(r) for r in table.rows],
        "total": shown(table.total) if table.total is not None else None,
        "notes": table.notes,
        "width": len(columns),
        "cols": [f"{c.width * 100 / widths:.1f}" for c in columns],
    }


def _is_number(v: object) -> bool:
    return isinstance(v, int | float | Decimal) and not isinstance(v, bool)


def _text(v: object, number: str) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.date):
        return f"{v:%Y-%m-%d}"
    if _is_number(v):
        if number == packs_tables.MONEY:
            return f"{v:,.2f}"
        if number == packs_tables.RATE:
            return f"{v:.1f}"
        return f"{v:,}" if isinstance(v, int) else str(v)
    return str(v)


# --- the job --------------------------------------------------------------------------------


def pack_start(*, actor: User, kind: str, region_code: str, year: int, period: str) -> Job:
    """Check what is asked and queue the job that builds the pack; returns the job."""
    require(actor, "report.pack")
    spec = pack_kind(kind)
    pack_period(spec, year, period)
    region = _region_for(actor, region_code)
    return job_start(
        kind=JOB_KIND,
        owner=actor,
        params={"kind": spec.kind, "region": region.code, "year": int(year), "period": period},
    )


def run_pack_job(job: Job, progress) -> Outcome:  # noqa: ANN001
    """The runner of JOB_KIND jobs (registered from reports.setup_packs)."""
    p = job.params
    built = pack_build(
        p["kind"],
        region_code=p["region"],
        year=int(p["year"]),
        period=p["period"],
        actor=job.owner,
        progress=progress,
        job=job,
    )
    job.filename = f"{built['title']}.xlsx"[:255]
    job.save(update_fields=["filename"])
    media = Path(settings.MEDIA_ROOT)
    files = [
        {
            "label": "下载Excel",
            "url": reverse("pack_file", args=[job.pk, "xlsx"]),
            "name": str(Path(built["xlsx"]).relative_to(media)),
        }
    ]
    if built["pdf"]:
        files.append(
            {
                "label": "下载PDF",
                "url": reverse("pack_file", args=[job.pk, "pdf"]),
                "name": str(Path(built["pdf"]).relative_to(media)),
            }
        )
    return Outcome(
        counts={"rows": int(built["rows"])},
        files=files,
        extra={
            "sha256": built["sha256"],
            "title": built["title"],
            "as_of": built["as_of"],
            "pdf_error": built["pdf_error"],
        },
    )


def pack_jobs_visible_to(user: User):  # noqa: ANN201
    return jobs_visible_to(user).filter(kind=JOB_KIND)


def pack_file(job: Job, fmt: str) -> Path | None:
    """The kept file of a finished pack job, if still there."""
    if fmt not in ("xlsx", "pdf"):
        return None
    for f in job.result.get("files", []):
        if f["name"].endswith(f".{fmt}"):
            path = Path(settings.MEDIA_ROOT) / f["name"]
            return path if path.is_file() else None
    return None


# --- 报送 -------------------------------------------------------------------------------------


def submission_record(*, actor: User, job: Job, channel: str = Channel.PAGE) -> Submission:
    """Record that the pack a job built was submitted (报送) for its region and period."""
    if job.kind != JOB_KIND or job.state != JobState.DONE:
        raise ValidationError("只能报送已生成完成的报表")
    p = job.params
    region = Region.objects.get(code=p["region"])
    submission = Submission(
        report=p["kind"],
        region=region,
        year=int(p["year"]),
        period=p["period"],
        job=job,
        sha256=job.result.get("sha256", ""),
        submitted_by=actor,
    )
    require(actor, "report.submit", submission)
    with transaction.atomic():
        submission.save()
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=submission,
            object_id=submission.pk,
            changes={"sha256": [None, submission.sha256]},
            note=f"报送{KINDS[p['kind']].name}：{region.name}{p['year']}年{PERIOD_LABELS.get(p['period'], p['period'])}",
        )
    return submission


def submissions_visible_to(user: User):  # noqa: ANN201
    from skillaid.accounts.scope import Scope

    return Scope.of(user).filter(
        Submission.objects.select_related("region", "submitted_by", "job"), region="region__code"
    )
