"""Deciding a comparison's results: near matches and differences one by one, consistent
results in bulk; what is accepted becomes dated, sourced facts on the people.

The review is the shared one (accounts.review): the run's starter is the maker and never
decides; a county clerk decides for their county's people, the reviewers above for theirs;
a rejection needs a reason.
"""

from __future__ import annotations

import dataclasses

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Action, Channel, User, audit
from skillaid.accounts.review import Move, Workflow, review_move
from skillaid.accounts.scope import Scope
from skillaid.people.facts import person_facts_record
from skillaid.people.models import FactSource, Person, PersonFact
from skillaid.regions.models import code_prefix

from . import ours, results
from .facts import ORIGIN_MODEL, Fact, fact_absent, fact_present
from .models import ComparisonRun, Outcome, ReviewItem, ReviewState

BATCH = 10_000  # result rows read, and facts recorded, at a time in a bulk acceptance


def items_visible_to(user: User) -> QuerySet[ReviewItem]:
    """The review items of the people in `user`'s region."""
    return Scope.of(user).filter(ReviewItem.objects.all(), region="county__code")


def _may_decide(user: User) -> bool:
    return can(user, "matching.review")


def _accepted(item: ReviewItem, step) -> None:  # noqa: ANN001
    item.reviewer, item.decided_at, item.reason = step.actor, step.at, step.reason
    fact = fact_present(item.run.snapshot.kind, item.person_id, item.their, item.run.snapshot.as_of)
    _record(item.run, step.actor, [fact] if fact else [], step.channel)


def _rejected(item: ReviewItem, step) -> None:  # noqa: ANN001
    item.reviewer, item.decided_at, item.reason = step.actor, step.at, step.reason


WORKFLOW = Workflow(
    model=ReviewItem,
    title="比对结果确认",
    noun="比对结果",
    states=ReviewState,
    moves=(
        Move(
            "accept",
            "确认",
            (ReviewState.PENDING,),
            ReviewState.ACCEPTED,
            _may_decide,
            "比对结果由人员所在县（区）人社部门或上级审核人员确认",
            verb="确认",
            apply=_accepted,
        ),
        Move(
            "reject",
            "驳回",
            (ReviewState.PENDING,),
            ReviewState.REJECTED,
            _may_decide,
            "比对结果由人员所在县（区）人社部门或上级审核人员确认",
            reason=True,
            verb="驳回",
            apply=_rejected,
        ),
    ),
    scope=items_visible_to,
    url=lambda item: reverse("matching_review_item", args=[item.pk]),
    state_field="state",
    maker_field="maker",
    maker_refusal="发起比对的人员不能确认本次比对的结果",
    # The run's starter does not wait on each result's decision: no notice for each.
    notices=False,
    reason_refusal="驳回须填写原因",
    describe=lambda item: (
        f"{item.get_outcome_display()}：{item.person.name}"
        f"（{item.person.id_masked}）↔ {item.their_name}"
    ),
    related=("person", "run__snapshot"),
)


def _record(run: ComparisonRun, actor: User, facts: list[Fact], channel: str) -> int:
    if not facts:
        return 0
    recorded = person_facts_record(
        actor=actor,
        channel=channel,
        facts=[dataclasses.asdict(f) for f in facts],
        source_kind=FactSource.REGISTRY,
        source=run.snapshot.fact_source,
        origin_model=ORIGIN_MODEL,
        origin_id=run.pk,
    )
    return len(recorded)


def makers_refuse(actor: User, run: ComparisonRun) -> None:
    """Who made a run's results never confirms them: the one who started the run, and the
    one who loaded the registry file it compares (who could have written that file)."""
    if run.started_by_id == actor.pk:
        raise PermissionDenied("发起比对的人员不能确认本次比对的结果")
    if run.snapshot.loaded_by_id == actor.pk:
        raise PermissionDenied("导入该名单的人员不能确认本次比对的结果")


def item_accept(
    *, actor: User, item: ReviewItem, reason: str = "", channel: str = Channel.PAGE
) -> ReviewItem:
    require(actor, "matching.review", item)
    makers_refuse(actor, item.run)
    return review_move(item, ReviewState.ACCEPTED, actor=actor, reason=reason, channel=channel)


def item_reject(
    *, actor: User, item: ReviewItem, reason: str, channel: str = Channel.PAGE
) -> ReviewItem:
    require(actor, "matching.review", item)
    makers_refuse(actor, item.run)
    return review_move(item, ReviewState.REJECTED, actor=actor, reason=reason, channel=channel)


def items_accept(
    *, actor: User, items: QuerySet[ReviewItem], reason: str = "", channel: str = Channel.PAGE
) -> int:
    """Accept several pending items at once (each as its own step); the number accepted."""
    done = 0
    for item in items_visible_to(actor).filter(
        pk__in=items.values("pk"), state=ReviewState.PENDING
    ):
        item_accept(actor=actor, item=item, reason=reason, channel=channel)
        done += 1
    return done


@transaction.atomic
def consistent_accept(*, actor: User, run: ComparisonRun, channel: str = Channel.PAGE) -> int:
    """Accept in bulk the results no one needs to look at, for the people in `actor`'s scope:
    the consistent ones (verified, or contradicted where the registry says the person left)
    and, where the registry covers the person's county, those absent from it whom we hold
    as what it lists (contradicted). Never by the run's starter; each person once a run."""
    require(actor, "matching.review")
    if not run.finished or not run.results:
        raise ValidationError("比对尚未完成，不能确认")
    makers_refuse(actor, run)
    snapshot = run.snapshot
    done = set(
        PersonFact.objects.filter(origin_model=ORIGIN_MODEL, origin_id=run.pk).values_list(
            "person_id", flat=True
        )
    )
    pending = set(
        ReviewItem.objects.filter(run=run)
        .exclude(state=ReviewState.REJECTED)
        .values_list("person_id", flat=True)
    )
    prefix = code_prefix(snapshot.region_id)
    count = 0
    # In batches: a province's run holds millions of rows, never all in memory at once.
    for rows in results.visible_batches(
        run, actor, outcomes=[Outcome.CONSISTENT, Outcome.ONLY_OURS], size=BATCH
    ):
        counties = dict(
            Person.objects.filter(pk__in=[r["person_id"] for r in rows]).values_list(
                "pk", "county_id"
            )
        )
        absent = [
            r["person_id"]
            for r in rows
            if r["outcome"] == Outcome.ONLY_OURS
            and str(counties.get(r["person_id"], "")).startswith(prefix)
        ]
        claimed = ours.claimed(snapshot.kind, absent)
        facts: list[Fact] = []
        for r in rows:
            pid = r["person_id"]
            if pid in done or pid in pending or pid not in counties:
                continue
            if r["outcome"] == Outcome.CONSISTENT:
                fact = fact_present(snapshot.kind, pid, results.their_fields(r), snapshot.as_of)
            elif pid in claimed:
                fact = fact_absent(snapshot.kind, pid, snapshot.as_of, claimed=True)
            else:
                fact = None
            if fact is not None:
                facts.append(fact)
                done.add(pid)
        count += _record(run, actor, facts, channel)
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=run,
        note=f"批量确认一致的比对结果 {count} 人（{timezone.localdate():%Y-%m-%d}）"[:255],
    )
    return count
