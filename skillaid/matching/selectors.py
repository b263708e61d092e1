"""Who sees which snapshots and runs: one selector each, shared by pages, API and exports."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope

from .decisions import items_visible_to
from .models import ComparisonRun, RegistrySnapshot, ReviewItem, ReviewState


def _sees(user: User) -> bool:
    return can(user, "matching.run") or can(user, "matching.review")


def snapshots_visible_to(user: User) -> QuerySet[RegistrySnapshot]:
    """Snapshots of a region in the user's, or of a region that holds the user's (the
    province's registry is compared by each county)."""
    scope = Scope.of(user)
    if not _sees(user) or scope.region_prefix is None:
        return RegistrySnapshot.objects.none()
    rows = RegistrySnapshot.objects.select_related("region", "loaded_by", "exchange_key")
    if scope.everything:
        return rows
    holding = [scope.region_prefix[:2] + "0000", scope.region_prefix[:4] + "00"]
    return rows.filter(
        scope.q(region="region__code") | Q(region_id__in=holding) | Q(region_id=scope.region_prefix)
    )


def runs_visible_to(user: User) -> QuerySet[ComparisonRun]:
    """Runs whose scope lies in the user's, or holds it (rows are then cut to the user's)."""
    scope = Scope.of(user)
    if not _sees(user) or scope.region_prefix is None:
        return ComparisonRun.objects.none()
    rows = ComparisonRun.objects.select_related("snapshot", "started_by", "job", "previous")
    if scope.everything:
        return rows
    prefix = scope.region_prefix
    holding = [prefix[:n] for n in range(0, len(prefix) + 1)]
    return rows.filter(Q(scope_region__startswith=prefix) | Q(scope_region__in=holding))


def snapshot_for(user: User, pk: object) -> RegistrySnapshot:
    try:
        return snapshots_visible_to(user).get(pk=int(pk))
    except (RegistrySnapshot.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该名单快照") from exc


def run_for(user: User, pk: object) -> ComparisonRun:
    try:
        return runs_visible_to(user).get(pk=int(pk))
    except (ComparisonRun.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该比对") from exc


def item_for(user: User, pk: object) -> ReviewItem:
    try:
        return (
            items_visible_to(user)
            .select_related("person", "run__snapshot", "reviewer", "maker")
            .get(pk=int(pk))
        )
    except (ReviewItem.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该比对结果") from exc


def item_list(
    user: User, *, run: ComparisonRun | None = None, state: str = ReviewState.PENDING
) -> QuerySet[ReviewItem]:
    """The review queue: items in the user's scope, of one run or all, in one state."""
    rows = items_visible_to(user).select_related("person", "run__snapshot", "maker")
    if run is not None:
        rows = rows.filter(run=run)
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("run_id", "id")
