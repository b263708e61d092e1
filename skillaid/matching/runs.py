"""Comparison runs: a snapshot matched with our people, as a job with progress.

The same snapshot and the same data give the same result (the engine orders its results
deterministically); each run keeps its results file and is compared with the previous
run of the same source and kind in the same scope (what changed since last month).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from skillaid.accounts import keys
from skillaid.accounts.capabilities import require
from skillaid.accounts.jobs import Job, Outcome, job_start
from skillaid.accounts.models import Action, Channel, User, audit
from skillaid.accounts.scope import Scope
from skillaid.lib.sheets import Progress
from skillaid.people.models import Person

from . import engine, ours, results
from .models import TO_REVIEW, ComparisonRun, RegistrySnapshot, ReviewItem

JOB_KIND = "registry_compare"
JOB_LABEL = "精准比对"
ITEM_BATCH = 5_000  # review items made at a time (an IN list SQLite takes)


def run_dir(run: ComparisonRun) -> Path:
    path = Path(settings.MEDIA_ROOT, "registry", "runs", str(run.pk))
    path.mkdir(parents=True, exist_ok=True)
    return path


def comparison_start(
    *,
    actor: User,
    snapshot: RegistrySnapshot,
    channel: str = Channel.PAGE,
    background: bool = True,
) -> ComparisonRun:
    """Queue a comparison of `snapshot` with our people in `actor`'s scope (or, for the
    command line, do it now)."""
    require(actor, "matching.run")
    if not snapshot.file:
        raise ValidationError("该名单快照的文件已删除，不能再比对，请重新导入")
    scope = Scope.of(actor)
    with transaction.atomic():
        run = ComparisonRun.objects.create(
            snapshot=snapshot,
            started_by=actor,
            scope_region=scope.region_prefix or "",
        )
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=run,
            note=f"发起精准比对：{snapshot}"[:255],
        )
    if not background:
        return comparison_run(run)
    job = job_start(kind=JOB_KIND, owner=actor, params={"run": run.pk})
    ComparisonRun.objects.filter(pk=run.pk).update(job=job)
    run.refresh_from_db()
    return run


def run_comparison_job(job: Job, progress: Progress) -> Outcome:
    run = ComparisonRun.objects.select_related("snapshot", "started_by").get(pk=job.params["run"])
    comparison_run(run, progress=progress)
    run.refresh_from_db()
    return Outcome(counts={**run.counts, "run": run.pk})


def comparison_run(run: ComparisonRun, *, progress: Progress | None = None) -> ComparisonRun:
    """Do the run: our people to the engine, compare, changes, review items."""
    snapshot, actor = run.snapshot, run.started_by
    require(actor, "matching.run")
    out = run_dir(run)
    # Plain ID numbers exist only here, in the engine's private directory of the run.
    work = engine.run_dir(out)
    sealer = keys.sealer()
    try:
        ours_file = work / "ours.parquet"
        count = engine.ours_write(
            ours_file,
            ours.ours_rows(snapshot.kind, actor, snapshot.region_id),
            open_many=sealer.open_many,
            extra=ours.EXTRA.get(snapshot.kind, ()),
        )
        key = snapshot.exchange_key.secret if snapshot.hashed and snapshot.exchange_key else None
        compared = engine.compare(
            Path(snapshot.file.path),
            ours_file,
            out,
            kind=snapshot.kind,
            hashed=snapshot.hashed,
            exchange_key=key,
            progress=progress,
        )
    finally:
        engine.cleanup(work)
    name = str(Path(compared.results).relative_to(settings.MEDIA_ROOT))
    previous = (
        ComparisonRun.objects.filter(
            snapshot__source=snapshot.source,
            snapshot__kind=snapshot.kind,
            scope_region=run.scope_region,
            finished_at__isnull=False,
        )
        .exclude(pk=run.pk)
        .exclude(results="")
        .order_by("-finished_at", "-pk")
        .first()
    )
    changes: dict[str, int] = {}
    changes_name = ""
    if previous is not None and previous.results.storage.exists(previous.results.name):
        dest = out / "changes.parquet"
        changes = dict(engine.changes(Path(previous.results.path), Path(compared.results), dest))
        changes_name = str(dest.relative_to(settings.MEDIA_ROOT))
    # The counts the starter sees: a county's run on a province's registry does not count
    # the other counties' people as "only theirs".
    run.results.name = name
    counts = results.visible_counts(run, actor)
    if changes_name:
        run.changes_file.name = changes_name
        changes = results.visible_change_counts(run, actor)
    with transaction.atomic():
        _review_items(run, Path(compared.results))
        ComparisonRun.objects.filter(pk=run.pk).update(
            ours=count,
            counts=counts,
            results=name,
            previous=previous,
            changes=changes,
            changes_file=changes_name,
            finished_at=timezone.now(),
        )
        audit(
            actor=actor,
            channel=Channel.IMPORT,
            action=Action.UPDATE,
            object_type=run,
            changes={"counts": [None, counts]},
            note=f"精准比对完成：{snapshot}"[:255],
        )
    run.refresh_from_db()
    return run


def _review_items(run: ComparisonRun, path: Path) -> None:
    """What a person must decide, one row each: near matches and differences."""
    rows = results.read(path, outcomes=[str(o) for o in TO_REVIEW])
    for start in range(0, len(rows), ITEM_BATCH):
        chunk = rows[start : start + ITEM_BATCH]
        counties = dict(
            Person.objects.filter(pk__in={r["person_id"] for r in chunk}).values_list(
                "pk", "county_id"
            )
        )
        ReviewItem.objects.bulk_create(
            [
                ReviewItem(
                    run=run,
                    outcome=r["outcome"],
                    person_id=r["person_id"],
                    county_id=counties[r["person_id"]],
                    row=r.get("row"),
                    differences=(r.get("differences") or "")[:255],
                    their_name=(r.get("their_name") or "")[:64],
                    their_id_masked=(r.get("their_id_masked") or "")[:18],
                    their=results.their_fields(r),
                    maker=run.started_by,
                )
                for r in chunk
                if r["person_id"] in counties
            ],
            batch_size=500,
        )
