"""Loading a registry file as a versioned snapshot: a background job, or a command.

The rows go through the engine (DuckDB, 10,000,000 rows in seconds), not through the
import framework's row-by-row loop; what the framework gives every import is kept: the
Chinese header aliases (skillaid.lib.columns, read by the engine), the rejected-rows
workbook (lib.sheets.ImportResult.write_report) and the import history (ImportRecord,
with who, when, the file's SHA-256 and the counts).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.imports.framework import (
    Importer,
    problems_of,
    record_failed,
    record_finish,
    record_start,
)
from skillaid.accounts.jobs import Job, Outcome, job_start
from skillaid.accounts.models import Action, Channel, User, audit
from skillaid.accounts.scope import Scope
from skillaid.lib.columns import Columns
from skillaid.lib.sheets import ImportResult, Progress, Rejection, file_sha256
from skillaid.regions.models import Region

from . import engine
from .models import ExchangeKey, RegistrySnapshot

JOB_KIND = "registry_snapshot"
JOB_LABEL = "比对名单导入"
SUFFIXES = (".csv", ".xlsx", ".xls")


class SnapshotImport(Importer):
    """The import history's view of a snapshot load (kind and label); its rows are read by
    the engine, so `run` is never called."""

    kind = JOB_KIND
    label = JOB_LABEL
    columns = Columns([])
    start_url = "matching_snapshot_new"


def media_dir(*parts: str) -> Path:
    path = Path(settings.MEDIA_ROOT, "registry", *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class SnapshotTerms:
    """What the loader says of the file: kind, source, as-of date, region, hashed or plain."""

    kind: str
    source: str
    as_of: dt.date
    region: str
    hashed: bool = False
    key: int | None = None

    def as_params(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source": self.source,
            "as_of": self.as_of.isoformat(),
            "region": self.region,
            "hashed": self.hashed,
            "key": self.key,
        }

    @classmethod
    def from_params(cls, p: dict[str, Any]) -> SnapshotTerms:
        return cls(
            kind=p["kind"],
            source=p["source"],
            as_of=dt.date.fromisoformat(p["as_of"]),
            region=p["region"],
            hashed=bool(p.get("hashed")),
            key=p.get("key"),
        )


def snapshot_terms_check(*, actor: User, data: dict[str, Any]) -> SnapshotTerms:
    """The terms of a load, checked (ValidationError by field, in Chinese)."""
    require(actor, "matching.run")
    errors: dict[str, str] = {}
    kind = str(data.get("kind") or "")
    if kind not in engine.KINDS:
        errors["kind"] = f"名单类型“{kind}”不存在，可选：" + "、".join(
            f"{k}（{v.label}）" for k, v in engine.KINDS.items()
        )
    source = str(data.get("source") or "").strip()
    if not source:
        errors["source"] = "请填写来源系统，如“广西防返贫监测信息平台”"
    elif len(source) > 128:
        errors["source"] = "来源系统名称最多128字"
    as_of = data.get("as_of")
    if isinstance(as_of, str):
        try:
            as_of = dt.date.fromisoformat(as_of)
        except ValueError:
            as_of = None
    if not isinstance(as_of, dt.date):
        errors["as_of"] = "请填写数据截止日期（如 2026-11-01）"
    region = str(data.get("region") or actor.region_id or "").strip()
    scope = Scope.of(actor)
    if not Region.objects.filter(code=region).exists():
        errors["region"] = f"地区代码 {region or '（空）'} 不存在"
    elif not scope.contains_region(region):
        errors["region"] = f"地区 {region} 不在您的管辖范围内"
    hashed = bool(data.get("hashed"))
    key = None
    if hashed:
        name = data.get("key")
        key_obj = (
            ExchangeKey.objects.filter(retired_at__isnull=True)
            .filter(**({"pk": name} if isinstance(name, int) else {"name": str(name or "")}))
            .first()
        )
        if key_obj is None:
            errors["key"] = "密文文件须选择与对方约定的交换密钥"
        else:
            key = key_obj.pk
    if errors:
        raise ValidationError(errors)
    return SnapshotTerms(kind, source, as_of, region, hashed, key)  # type: ignore[arg-type]


def snapshot_start(*, actor: User, terms: SnapshotTerms, upload) -> Job:  # noqa: ANN001
    """Keep the upload and queue its load; the job page shows the progress."""
    require(actor, "matching.run")
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError(
            {"file": f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .csv、.xlsx 或 .xls 文件"}
        )
    return job_start(kind=JOB_KIND, owner=actor, upload=upload, params=terms.as_params())


def run_snapshot_job(job: Job, progress: Progress) -> Outcome:
    """The job's runner: load the kept upload as a snapshot."""
    terms = SnapshotTerms.from_params(job.params)
    snapshot, result, record = snapshot_load(
        actor=job.owner,
        path=Path(job.file.path),
        name=job.filename,
        terms=terms,
        channel=Channel.PAGE,
        job=job,
        progress=progress,
    )
    counts = {**result.summary(), "snapshot": snapshot.pk}
    return Outcome(
        counts=counts,
        problems=record.problems if record else problems_of(result),
        report=record.report.name if record and record.report else "",
    )


def snapshot_load(
    *,
    actor: User,
    path: Path,
    terms: SnapshotTerms,
    channel: str,
    name: str | None = None,
    job: Job | None = None,
    progress: Progress | None = None,
) -> tuple[RegistrySnapshot, ImportResult, Any]:
    """Load `path` through the engine and keep it as the next version of its source and kind.

    A missing required column refuses the whole file (ValidationError, in Chinese). The
    import history keeps the record and the rejected-rows workbook as for any import.
    """
    require(actor, "matching.run")
    name = name or path.name
    # An upload was held to the upload cap when it was kept (job_start); a file given on
    # the command line may be a whole province's registry, read by the engine in a stream.
    importer = SnapshotImport(actor=actor, job=job, channel=channel)
    result = ImportResult(filename=name)
    result.sha256 = file_sha256(path)
    record = record_start(importer, result)
    work = media_dir("loading") / f"{record.pk}.parquet"
    try:
        loaded = engine.snapshot_load(
            path, work, kind=terms.kind, hashed=terms.hashed, progress=progress
        )
    except engine.SnapshotError as exc:
        record_failed(record, exc)
        work.unlink(missing_ok=True)
        raise ValidationError(f"{name}：{exc}") from None
    except BaseException as exc:
        record_failed(record, exc)
        work.unlink(missing_ok=True)
        raise
    result.rows = loaded.rows_read
    result.created = loaded.rows_loaded
    result.duplicates = loaded.duplicate_ids
    result.rejected = [Rejection(r.row, r.column, r.reason, []) for r in loaded.rejected]
    result.rejected_unlisted = max(loaded.rejected_count - len(result.rejected), 0)
    if result.rejected_unlisted:
        result.warn(
            0,
            "文件",
            f"另有 {result.rejected_unlisted} 行被拒绝，未逐行列出（只列出前 {len(result.rejected)} 行）",
        )
    if loaded.unknown_columns:
        result.warn(0, "表头", "未识别的列（未读取）：" + "、".join(loaded.unknown_columns))
    if loaded.normalised_count:
        result.warn(
            0,
            "身份证号",
            f"{loaded.normalised_count} 个身份证号经规范化（全角数字、空格、小写x）后载入",
        )
    record_finish(record, result)
    with transaction.atomic():
        # One version after another per source and kind, under a lock on the source's rows.
        same = RegistrySnapshot.objects.filter(source=terms.source, kind=terms.kind)
        list(
            same.select_for_update().values_list("pk", flat=True)
        )  # PostgreSQL: no FOR UPDATE with an aggregate
        last = same.aggregate(v=Max("version"))["v"]
        snapshot = RegistrySnapshot.objects.create(
            kind=terms.kind,
            source=terms.source,
            version=(last or 0) + 1,
            as_of=terms.as_of,
            region_id=terms.region,
            hashed=terms.hashed,
            exchange_key_id=terms.key,
            filename=name[:255],
            sha256=result.sha256,
            rows_read=loaded.rows_read,
            rows_loaded=loaded.rows_loaded,
            duplicate_ids=loaded.duplicate_ids,
            rejected=loaded.rejected_count,
            loaded_by=actor,
            loaded_at=timezone.now(),
            job=job,
            import_record=record,
        )
        kept = f"registry/snapshots/{snapshot.pk}-{terms.kind}-v{snapshot.version}.parquet"
        media_dir("snapshots")
        shutil.move(str(work), Path(settings.MEDIA_ROOT) / kept)
        snapshot.file.name = kept
        snapshot.save(update_fields=["file"])
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=snapshot,
            note=f"导入比对名单：{snapshot}，{loaded.rows_loaded} 行"[:255],
        )
    return snapshot, result, record


KEEP_VERSIONS = 13  # a year of monthly snapshots and the one before


def registry_purge(*, keep: int = KEEP_VERSIONS) -> dict[str, int]:
    """Delete the files of snapshots older than the newest `keep` versions of each source
    and kind, with the results of their runs; the rows (who loaded what when, the counts)
    stay for good. The uploads themselves go with the jobs' files (`purge-files`)."""
    from .models import ComparisonRun

    counts = {"snapshots": 0, "runs": 0}
    pairs = RegistrySnapshot.objects.values_list("source", "kind").distinct()
    for source, kind in pairs:
        old = RegistrySnapshot.objects.filter(source=source, kind=kind).order_by("-version")[keep:]
        for snapshot in old:
            if snapshot.file:
                snapshot.file.delete(save=True)
                counts["snapshots"] += 1
            for run in ComparisonRun.objects.filter(snapshot=snapshot).exclude(results=""):
                for f in (run.results, run.changes_file):
                    if f:
                        f.delete(save=False)
                run.save(update_fields=["results", "changes_file"])
                counts["runs"] += 1
    return counts
