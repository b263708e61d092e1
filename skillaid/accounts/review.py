"""The one review mechanism (maker-checker): states, legal moves, reasons, history and a queue.

A reviewed model declares its workflow once: its states, and a table of moves, each from
some states to one state, with who may make it (a predicate on the user, such as a role
or a capability), whether it is the maker's move (submitting) or a checker's (approving,
returning, rejecting), and whether it needs a reason. `review_move` is the only way an
object changes state under review: it refuses an illegal move, a checker's move by the
object's maker, a move outside the actor's scope, and a return or rejection without a
reason; it writes the step (who, when, from, to, why, by which channel) and the audit
entry in the same transaction as the object's new state.

An object is named by its model's label and primary key, as the audit log names it. The
app that owns a reviewed model registers its workflow from its AppConfig.ready(), with
the function that scopes its objects to a user, so that this module imports no app above
it; `review_queue(user)` then gathers, from every registered workflow, what waits for
this user's move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from skillaid.lib.idnumber import redact

from .models import Action, Channel, User, audit
from .notices import NoticeKind, notify

REASON_MAX = 500  # characters of a reason a step keeps


@dataclass(frozen=True)
class Move:
    """One legal move: from any of `source` to `target`, by a user `who` accepts.

    `maker` marks the maker's move (submitting for review); every other move is a
    checker's, which the object's maker may never make. `apply`, if given, is called
    with the locked object (its new state already set) and the unsaved step; it sets
    the object's own fields that go with the move and may refuse the move by raising
    ValidationError (a class declared too late, a class whose first session has begun).
    """

    name: str
    label: str
    source: tuple[str, ...]
    target: str
    who: Callable[[User], bool]
    refusal: str
    maker: bool = False
    reason: bool = False
    verb: str = "审核"
    apply: Callable[[models.Model, ReviewStep], None] | None = None


@dataclass(frozen=True)
class Workflow:
    """The review of one model: its states and moves, how to scope it, and how to name it.

    `scope(user)` is the queryset of objects within the user's reach (the app's selector);
    a move outside it is refused and the queue looks nowhere else. The maker of an object
    is whoever made one of its maker steps and, if `maker_field` names a user field of the
    model, the user it holds (kept current by every maker move).
    """

    model: type[models.Model]
    title: str
    noun: str
    states: type[models.TextChoices]
    moves: tuple[Move, ...]
    scope: Callable[[User], QuerySet]
    url: Callable[[models.Model], str]
    state_field: str = "status"
    maker_field: str | None = None
    maker_refusal: str = "提交人不能审核自己提交的事项"
    reason_field: str = "reason"
    reason_refusal: str = ""
    describe: Callable[[models.Model], str] = str
    related: tuple[str, ...] = ()  # select_related for the queue's `describe`
    # Whether a return or a final approval records a notice to the makers (accounts.notices);
    # off where the maker is not waiting on each object (a comparison run's many results).
    notices: bool = True

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def state_label(self, value: str) -> str:
        return dict(self.states.choices).get(value, value or "—")

    def check(self) -> None:
        """Refuses a table that names a state the model lacks or a move twice."""
        states = set(self.states.values)
        seen: set[tuple[str, str]] = set()
        names: set[str] = set()
        for m in self.moves:
            unknown = {*m.source, m.target} - states
            if unknown:
                raise ImproperlyConfigured(f"{self.label}: move {m.name} names {unknown}")
            pairs = {(s, m.target) for s in m.source}
            if pairs & seen or m.name in names:
                raise ImproperlyConfigured(f"{self.label}: move {m.name} declared twice")
            seen |= pairs
            names.add(m.name)


_WORKFLOWS: dict[str, Workflow] = {}


def review_register(workflow: Workflow) -> None:
    """Register a model's workflow; registering it again (a second ready() in tests) replaces it."""
    workflow.check()
    _WORKFLOWS[workflow.label] = workflow


def review_unregister(workflow: Workflow) -> None:
    _WORKFLOWS.pop(workflow.label, None)


def workflow_for(obj: models.Model | type[models.Model]) -> Workflow:
    label = obj._meta.label_lower
    try:
        return _WORKFLOWS[label]
    except KeyError:
        raise ImproperlyConfigured(f"no review workflow registered for {label}") from None


def workflows() -> list[Workflow]:
    return list(_WORKFLOWS.values())


class ReviewStepQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN201
        raise PermissionDenied("审核记录只能追加，不能修改")

    def delete(self):  # noqa: ANN201
        raise PermissionDenied("审核记录只能追加，不能删除")

    def about(self, obj: models.Model) -> ReviewStepQuerySet:
        return self.filter(object_type=obj._meta.label_lower, object_id=obj.pk)


class ReviewStep(models.Model):
    """One move of a reviewed object: who made it, when, from which state to which, and why."""

    object_type = models.CharField("对象", max_length=64)  # the model's label
    object_id = models.BigIntegerField("对象编号")
    move = models.CharField("环节", max_length=32)
    from_state = models.CharField("原状态", max_length=32, blank=True)
    to_state = models.CharField("新状态", max_length=32)
    maker = models.BooleanField("提交方", default=False)
    actor = models.ForeignKey(
        User,
        verbose_name="办理人",
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField("办理人姓名", max_length=150)
    at = models.DateTimeField("时间", default=timezone.now)
    reason = models.CharField("原因", max_length=REASON_MAX, blank=True)
    # Blank for a step rebuilt from what was recorded before steps were kept.
    channel = models.CharField("渠道", max_length=16, choices=Channel.choices, blank=True)

    objects = ReviewStepQuerySet.as_manager()

    class Meta:
        app_label = "accounts"
        ordering = ["at", "id"]
        verbose_name = "审核记录"
        verbose_name_plural = "审核记录"
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionDenied("审核记录只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN201
        raise PermissionDenied("审核记录只能追加，不能删除")

    def _workflow(self) -> Workflow | None:
        return _WORKFLOWS.get(self.object_type)

    @property
    def label(self) -> str:
        """What the step did, in Chinese (批准开班, 退回修改 …)."""
        wf = self._workflow()
        move = next((m for m in wf.moves if m.name == self.move), None) if wf else None
        return move.label if move else self.move

    @property
    def from_label(self) -> str:
        wf = self._workflow()
        return wf.state_label(self.from_state) if wf else self.from_state

    @property
    def to_label(self) -> str:
        wf = self._workflow()
        return wf.state_label(self.to_state) if wf else self.to_state


def _active(user: User) -> bool:
    """An active user, or the system user acting for a job (User.acts)."""
    return bool(user and user.is_authenticated and user.acts)


def review_makers(obj: models.Model) -> set[int]:
    """The users who made the object: its maker field, and whoever made one of its maker steps."""
    wf = workflow_for(obj)
    makers = set(
        ReviewStep.objects.about(obj)
        .filter(maker=True, actor__isnull=False)
        .values_list("actor_id", flat=True)
    )
    if wf.maker_field:
        maker_id = getattr(obj, wf.model._meta.get_field(wf.maker_field).attname)
        if maker_id is not None:
            makers.add(maker_id)
    return makers


def _in_scope(wf: Workflow, user: User, obj: models.Model) -> bool:
    return wf.scope(user).filter(pk=obj.pk).exists()


def review_moves(obj: models.Model, user: User) -> list[Move]:
    """The moves `user` may make on `obj` now: the ones its page offers."""
    wf = workflow_for(obj)
    state = getattr(obj, wf.state_field)
    if not _active(user):
        return []
    moves = [m for m in wf.moves if state in m.source and m.who(user)]
    if not moves or not _in_scope(wf, user, obj):
        return []
    if any(not m.maker for m in moves) and user.pk in review_makers(obj):
        moves = [m for m in moves if m.maker]
    return moves


@transaction.atomic
def review_move(
    obj: models.Model,
    to: str,
    *,
    actor: User,
    reason: str = "",
    channel: str = Channel.PAGE,
) -> models.Model:
    """Move `obj` to state `to`, if the table allows it from its state for `actor`.

    Returns the object as saved (a fresh instance, locked for the rest of the
    transaction). Refusals: PermissionDenied for who may not, ValidationError for what
    the state or the input does not allow, each with a message in Chinese.
    """
    wf = workflow_for(obj)
    locked = wf.model._default_manager.select_for_update().get(pk=obj.pk)
    state = getattr(locked, wf.state_field)
    candidates = [m for m in wf.moves if m.target == to]
    if not candidates:
        raise ValidationError(f"“{wf.state_label(to)}”不是{wf.noun}审核中可以转入的状态")
    move = next((m for m in candidates if state in m.source), candidates[0])
    if not move.maker and actor.pk in review_makers(locked):
        raise PermissionDenied(wf.maker_refusal)
    if not (_active(actor) and move.who(actor) and _in_scope(wf, actor, locked)):
        raise PermissionDenied(move.refusal)
    if state not in move.source:
        raise ValidationError(f"{wf.noun}处于“{wf.state_label(state)}”状态，不能{move.verb}")
    reason = (reason or "").strip()
    if move.reason and not reason:
        raise ValidationError({wf.reason_field: wf.reason_refusal or f"{move.label}须填写原因"})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {wf.reason_field: f"原因最多{REASON_MAX}字，现为{len(reason)}字，请精简后再提交"}
        )
    step = ReviewStep(
        object_type=wf.label,
        object_id=locked.pk,
        move=move.name,
        from_state=state,
        to_state=move.target,
        maker=move.maker,
        actor=actor,
        actor_name=actor.display_name[:150],
        at=timezone.now(),
        reason=reason,
        channel=channel,
    )
    setattr(locked, wf.state_field, move.target)
    if move.maker and wf.maker_field:
        setattr(locked, wf.maker_field, actor)
    if move.apply is not None:
        move.apply(locked, step)
    locked.save()
    step.save()
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=locked,
        changes={wf.state_field: [state, move.target]},
        note=(move.label + (f"：{reason}" if reason else ""))[:255],
    )
    _notify_makers(wf, move, locked, reason)
    return locked


def _notify_makers(wf: Workflow, move: Move, obj: models.Model, reason: str) -> None:
    """A checker's move that sends the object back (return, reject: the moves that need a
    reason) or ends its review with approval tells its makers; a step between levels does
    not. The text names the object as the review queue does (never a whole ID number)."""
    if move.maker or not wf.notices:
        return
    if move.reason:
        kind = NoticeKind.RETURNED
    elif any(move.target in m.source for m in wf.moves if not m.maker):
        return  # passed on to the next level of review
    else:
        kind = NoticeKind.APPROVED
    text = f"{wf.noun}{wf.describe(obj)}：{move.label}" + (f"。原因：{reason}" if reason else "")
    notify(review_makers(obj), kind, redact(text), url=wf.url(obj))


def review_history(obj: models.Model) -> QuerySet[ReviewStep]:
    """The object's steps, oldest first: its review history."""
    return ReviewStep.objects.about(obj).select_related("actor")


def reviews(user: User) -> bool:
    """Whether `user` makes a checker's move in any registered workflow: the menu shows 待我审核."""
    return _active(user) and any(
        not m.maker and m.who(user) for wf in _WORKFLOWS.values() for m in wf.moves
    )


@dataclass
class Waiting:
    """What waits for one user in one workflow: the oldest first, and how many in all."""

    workflow: Workflow
    objects: list[models.Model]
    total: int


QUEUE_LIMIT = 100  # objects listed per workflow; the total is counted


def review_waiting(wf: Workflow, user: User) -> QuerySet:
    """The objects of `wf` in `user`'s scope, in a state where `user` makes a checker's move,
    that `user` did not make; each with `review_since`, when it came to that state."""
    states = {s for m in wf.moves if not m.maker and m.who(user) for s in m.source}
    if not states or not _active(user):
        return wf.model._default_manager.none()
    made = ReviewStep.objects.filter(object_type=wf.label, maker=True, actor=user).values(
        "object_id"
    )
    rows = (
        wf.scope(user)
        .filter(**{f"{wf.state_field}__in": states})
        .exclude(pk__in=made)
        .select_related(*wf.related, *([wf.maker_field] if wf.maker_field else []))
    )
    if wf.maker_field:
        rows = rows.exclude(**{wf.maker_field: user})
    since = (
        ReviewStep.objects.filter(object_type=wf.label, object_id=OuterRef("pk"))
        .order_by("-at", "-id")
        .values("at")[:1]
    )
    return rows.annotate(review_since=Subquery(since)).order_by(
        models.F("review_since").asc(nulls_first=True), "pk"
    )


def review_queue(user: User) -> list[Waiting]:
    """From every registered workflow, what waits for `user`'s move within their scope."""
    queue = []
    for wf in _WORKFLOWS.values():
        rows = review_waiting(wf, user)
        total = rows.count()
        if total:
            queue.append(Waiting(wf, list(rows[:QUEUE_LIMIT]), total))
    return queue
