"""The pages of 精准比对: snapshots, runs, the review queue, exchange keys, school feedback."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, may, require
from skillaid.accounts.exports import download, export_response, export_title, user_scope
from skillaid.accounts.imports.uploads import upload_form, upload_note
from skillaid.accounts.jobs import jobs_of
from skillaid.accounts.models import Channel
from skillaid.accounts.review import review_history, review_moves
from skillaid.errors import apply_errors
from skillaid.lib.sheets import UnreadableFile
from skillaid.people.models import Person

from . import engine, exchange, feedback, results, runs, snapshots
from .decisions import consistent_accept, item_accept, item_reject, items_accept
from .forms import DecideForm, ExchangeExportForm, ExchangeKeyForm, SnapshotForm
from .models import OUTCOMES, ComparisonRun, ExchangeKey, Outcome, ReviewState
from .selectors import (
    item_for,
    item_list,
    run_for,
    runs_visible_to,
    snapshot_for,
    snapshots_visible_to,
)

PAGE = 50
EXPORT_MAX = 1_048_000  # rows an Excel sheet holds, below its title and header
OUTCOME_LABELS = dict(Outcome.choices)


def _sees(request: HttpRequest) -> None:
    if not (can(request.user, "matching.run") or can(request.user, "matching.review")):
        raise PermissionDenied("精准比对由人社部门办理；院校请查看“比对反馈”")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _sees(request)
    return render(
        request,
        "matching/index.html",
        {
            "snapshots": snapshots_visible_to(request.user)[:30],
            "runs": runs_visible_to(request.user)[:30],
            "pending": item_list(request.user).count(),
            **may(request.user, "matching.run", "matching.exchange", "matching.exchange_key"),
        },
    )


@login_required
def snapshot_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "matching.run")
    form = upload_form(
        request, SnapshotForm, initial={"region": request.user.region_id or "450000"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            terms = snapshots.snapshot_terms_check(
                actor=request.user,
                data={**data, "key": data["key"].pk if data.get("key") else None},
            )
            job = snapshots.snapshot_start(actor=request.user, terms=terms, upload=data["file"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("job", pk=job.pk)
    return render(
        request,
        "matching/snapshot_new.html",
        {
            "form": form,
            "jobs": jobs_of(request.user, snapshots.JOB_KIND),
            "upload_note": upload_note(),
            "kinds": engine.KINDS,
        },
    )


@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _sees(request)
    snapshot = snapshot_for(request.user, pk)
    return render(
        request,
        "matching/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "runs": runs_visible_to(request.user).filter(snapshot=snapshot)[:30],
            "versions": snapshots_visible_to(request.user).filter(
                source=snapshot.source, kind=snapshot.kind
            ),
            **may(request.user, "matching.run"),
        },
    )


@login_required
@require_POST
def run_start(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = snapshot_for(request.user, pk)
    try:
        run = runs.comparison_start(actor=request.user, snapshot=snapshot, channel=Channel.PAGE)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("matching_snapshot", pk=snapshot.pk)
    return redirect("matching_run", pk=run.pk)


def _moved(outcome: str | None) -> str:
    """An outcome in a move since the previous run, in Chinese ('' is absent from that run)."""
    return OUTCOME_LABELS.get(outcome or "", "（无）")


def _people(rows: list[dict[str, Any]]) -> dict[int, Person]:
    ids = {r["person_id"] for r in rows if r.get("person_id") is not None}
    return Person.objects.select_related("county").in_bulk(ids)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _sees(request)
    run = run_for(request.user, pk)
    outcome = request.GET.get("outcome", "")
    if outcome and outcome not in OUTCOMES:
        raise Http404("没有这种比对结果")
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    rows = (
        results.visible_rows(
            run, request.user, outcome=outcome, offset=(page - 1) * PAGE, limit=PAGE
        )
        if outcome
        else []
    )
    people = _people(rows)
    lines = [(r, people.get(r.get("person_id")), results.their_fields(r)) for r in rows]
    counts = results.visible_counts(run, request.user) if run.finished else {}
    changes = results.visible_changes(run, request.user, limit=100) if run.finished else []
    change_people = _people(changes)
    return render(
        request,
        "matching/run_detail.html",
        {
            "run": run,
            "counts": [(o, OUTCOME_LABELS[o], counts.get(o, 0)) for o in OUTCOMES],
            "outcome": outcome,
            "outcome_label": OUTCOME_LABELS.get(outcome, ""),
            "lines": lines,
            "page": page,
            "has_next": len(rows) == PAGE,
            "changes": [
                (c, change_people.get(c.get("person_id")), _moved(c["before"]), _moved(c["after"]))
                for c in changes
            ],
            "change_counts": {
                "→".join(_moved(x) for x in k.split("→")): v
                for k, v in (
                    results.visible_change_counts(run, request.user) if run.finished else {}
                ).items()
            },
            "pending": item_list(request.user, run=run).count(),
            "failed": bool(run.job and run.job.state == "failed"),
            "may_accept": can(request.user, "matching.review")
            and request.user.pk not in (run.started_by_id, run.snapshot.loaded_by_id),
        },
    )


EXPORT_HEADERS = [
    "比对结果",
    "不一致项",
    "姓名",
    "身份证号",
    "所属县（区）",
    "对方行号",
    "对方姓名",
    "对方身份证号",
    "对方信息",
]


@login_required
def run_export(request: HttpRequest, pk: int) -> FileResponse:
    """The results the viewer sees, as Excel: masked ID numbers only."""
    _sees(request)
    run = run_for(request.user, pk)
    outcome = request.GET.get("outcome", "")
    if outcome and outcome not in OUTCOMES:
        raise Http404("没有这种比对结果")

    def lines():  # noqa: ANN202
        # Streamed batch by batch: a province's run holds millions of rows.
        for rows in results.visible_batches(
            run,
            request.user,
            outcomes=[outcome] if outcome else OUTCOMES,
            ours_only=False,
            limit=EXPORT_MAX,
        ):
            people = _people(rows)
            for r in rows:
                p = people.get(r.get("person_id"))
                their = results.their_fields(r)
                yield [
                    OUTCOME_LABELS.get(r["outcome"], r["outcome"]),
                    r.get("differences") or "",
                    p.name if p else "",
                    p.id_masked if p else "",
                    p.county.name if p else "",
                    r.get("row"),
                    r.get("their_name") or "",
                    r.get("their_id_masked") or "",
                    "；".join(f"{k}：{v}" for k, v in their.items() if v),
                ]

    subject = f"精准比对结果 {run.snapshot}"
    return export_response(
        EXPORT_HEADERS,
        lines(),
        filename="精准比对结果",
        title=export_title(
            subject,
            scope=user_scope(request.user),
            filters=[OUTCOME_LABELS.get(outcome, "")] if outcome else [],
        ),
        actor=request.user,
        channel=Channel.PAGE,
        object_type=ComparisonRun,
        object_id=run.pk,
        sheet_name="比对结果",
        filters={"outcome": outcome},
    )


@login_required
@require_POST
def run_accept_consistent(request: HttpRequest, pk: int) -> HttpResponse:
    run = run_for(request.user, pk)
    try:
        count = consistent_accept(actor=request.user, run=run, channel=Channel.PAGE)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已确认 {count} 人的比对结果，记入人员核实记录")
    return redirect("matching_run", pk=run.pk)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "matching.review")
    state = request.GET.get("state", ReviewState.PENDING)
    if state not in ReviewState.values:
        state = ReviewState.PENDING
    items = item_list(request.user, state=state)
    if request.method == "POST":
        chosen = items.filter(pk__in=request.POST.getlist("item"))
        try:
            count = items_accept(
                actor=request.user,
                items=chosen,
                reason=request.POST.get("reason", ""),
                channel=Channel.PAGE,
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, f"已确认 {count} 条比对结果")
        return redirect("matching_review")
    return render(
        request,
        "matching/review_queue.html",
        {
            "items": items[:200],
            "total": items.count(),
            "state": state,
            "states": ReviewState.choices,
            "user_id": request.user.pk,
        },
    )


@login_required
def review_item(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "matching.review")
    item = item_for(request.user, pk)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        reason = form.cleaned_data["reason"]
        try:
            if action == "accept":
                item_accept(actor=request.user, item=item, reason=reason, channel=Channel.PAGE)
            elif action == "reject":
                item_reject(actor=request.user, item=item, reason=reason, channel=Channel.PAGE)
            else:
                raise ValidationError("请选择确认或驳回")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "已确认" if action == "accept" else "已驳回")
            return redirect("matching_review")
    return render(
        request,
        "matching/review_item.html",
        {
            "item": item,
            "form": form,
            "moves": [m.name for m in review_moves(item, request.user)],
            "history": review_history(item),
            "their": item.their,
        },
    )


@login_required
def keys_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "matching.exchange")
    form = (
        ExchangeKeyForm(request.POST or None)
        if can(request.user, "matching.exchange_key")
        else None
    )
    secret = None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            key, secret = exchange.exchange_key_create(
                actor=request.user, channel=Channel.PAGE, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # Shown this once, in this response, and never kept in plain anywhere.
            return render(request, "matching/key_created.html", {"key": key, "secret": secret})
    return render(
        request,
        "matching/keys.html",
        {
            "keys": ExchangeKey.objects.select_related("created_by"),
            "form": form,
            "export_form": ExchangeExportForm(),
        },
    )


@login_required
@require_POST
def key_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "matching.exchange")
    key = get_object_or_404(ExchangeKey, pk=pk)
    form = ExchangeExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择名单类型")
        return redirect("matching_keys")
    handle = tempfile.NamedTemporaryFile(suffix=".csv", delete=False)  # noqa: SIM115
    handle.close()
    path = Path(handle.name)
    try:
        exchange.exchange_export(
            actor=request.user, key=key, kind=form.cleaned_data["kind"], dest=path
        )
        data = path.read_bytes()
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("matching_keys")
    finally:
        path.unlink(missing_ok=True)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    name = f"密文交换-{key.name}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def feedback_page(request: HttpRequest) -> HttpResponse:
    lines = feedback.feedback_for(request.user)
    return render(request, "matching/feedback.html", {"lines": lines})


@login_required
def feedback_export(request: HttpRequest) -> HttpResponse:
    lines = feedback.feedback_for(request.user)
    return download(
        request,
        feedback.HEADERS,
        feedback.feedback_rows(lines),
        subject="比对反馈",
        object_type="people.personfact",
    )
