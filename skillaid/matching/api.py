"""精准比对 over HTTP, through the same selectors and services as the pages: the snapshots
in scope, starting a comparison, a run's state and counts (cut to the caller's scope), and
deciding review items."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Channel

from . import results, runs
from .decisions import item_accept, item_reject
from .models import ComparisonRun, RegistrySnapshot, ReviewItem, ReviewState
from .selectors import item_for, item_list, run_for, snapshot_for, snapshots_visible_to

router = Router(tags=["matching"])


class SnapshotOut(Schema):
    id: int
    kind: str
    kind_label: str
    source: str
    version: int
    as_of: dt.date
    region: str
    hashed: bool
    rows_loaded: int
    rejected: int

    @staticmethod
    def of(s: RegistrySnapshot) -> SnapshotOut:
        return SnapshotOut(
            id=s.pk,
            kind=s.kind,
            kind_label=s.kind_label,
            source=s.source,
            version=s.version,
            as_of=s.as_of,
            region=s.region_id,
            hashed=s.hashed,
            rows_loaded=s.rows_loaded,
            rejected=s.rejected,
        )


class RunOut(Schema):
    id: int
    snapshot_id: int
    state: str  # running, done, failed
    progress: int
    error: str
    ours: int
    counts: dict[str, int]
    previous_id: int | None
    changes: dict[str, int]
    pending_review: int

    @staticmethod
    def of(run: ComparisonRun, user) -> RunOut:  # noqa: ANN001
        job = run.job
        state = "done" if run.finished else (job.state if job else "queued")
        return RunOut(
            id=run.pk,
            snapshot_id=run.snapshot_id,
            state="failed" if state == "failed" else state,
            progress=100 if run.finished else (job.percent if job else 0),
            error=job.error if job and state == "failed" else "",
            ours=run.ours,
            counts=results.visible_counts(run, user) if run.finished else {},
            previous_id=run.previous_id,
            changes=results.visible_change_counts(run, user) if run.finished else {},
            pending_review=item_list(user, run=run).count(),
        )


class ItemOut(Schema):
    id: int
    run_id: int
    outcome: str
    outcome_label: str
    person_id: int
    person_name: str
    id_masked: str
    their_name: str
    their_id_masked: str
    differences: str
    their: dict[str, str]
    state: str
    reason: str

    @staticmethod
    def of(i: ReviewItem) -> ItemOut:
        return ItemOut(
            id=i.pk,
            run_id=i.run_id,
            outcome=i.outcome,
            outcome_label=i.get_outcome_display(),
            person_id=i.person_id,
            person_name=i.person.name,
            id_masked=i.person.id_masked,
            their_name=i.their_name,
            their_id_masked=i.their_id_masked,
            differences=i.differences,
            their=i.their,
            state=i.state,
            reason=i.reason,
        )


class DecideIn(Schema):
    decision: str  # accept | reject
    reason: str = ""


@router.get(
    "/matching/snapshots", response=list[SnapshotOut], summary="Registry snapshots in scope"
)
def list_snapshots(request: HttpRequest):  # noqa: ANN201
    require(request.user, "matching.run")
    return [SnapshotOut.of(s) for s in snapshots_visible_to(request.user)[:200]]


@router.post(
    "/matching/snapshots/{pk}/runs",
    response={201: RunOut},
    summary="Compare the snapshot with our people in the caller's scope (a background job)",
)
def start_run(request: HttpRequest, pk: int):  # noqa: ANN201
    snapshot = snapshot_for(request.user, pk)
    run = runs.comparison_start(actor=request.user, snapshot=snapshot, channel=Channel.API)
    return Status(201, RunOut.of(run_for(request.user, run.pk), request.user))


@router.get("/matching/runs/{pk}", response=RunOut, summary="A run's state, counts and changes")
def read_run(request: HttpRequest, pk: int):  # noqa: ANN201
    return RunOut.of(run_for(request.user, pk), request.user)


@router.get(
    "/matching/review",
    response=list[ItemOut],
    summary="Review items in scope (state: pending, accepted, rejected)",
)
def list_items(request: HttpRequest, state: str = ReviewState.PENDING, run: int | None = None):  # noqa: ANN201
    require(request.user, "matching.review")
    the_run = run_for(request.user, run) if run else None
    return [ItemOut.of(i) for i in item_list(request.user, run=the_run, state=state)[:500]]


@router.post(
    "/matching/review/{pk}", response=ItemOut, summary="Accept or reject (with a reason) an item"
)
def decide_item(request: HttpRequest, pk: int, data: DecideIn):  # noqa: ANN201
    item = item_for(request.user, pk)
    if data.decision == "accept":
        item_accept(actor=request.user, item=item, reason=data.reason, channel=Channel.API)
    elif data.decision == "reject":
        item_reject(actor=request.user, item=item, reason=data.reason, channel=Channel.API)
    else:
        raise ValidationError({"decision": "decision 须为 accept（确认）或 reject（驳回）"})
    return ItemOut.of(item_for(request.user, pk))
