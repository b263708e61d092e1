"""Classes declared or reviewed before review steps were kept get their history as steps.

A class's status changes were written to the audit log (申报开班, 批准开班, 退回修改：原因 …):
each becomes a step, with its actor, time, channel and reason, so that the history is as
complete as the log. A class whose entries are no longer in the database (archived by
`skillaid audit archive`) gets its steps from its own fields, which keep the latest
declaration and the latest review only; those steps have no channel.
"""

from django.db import migrations

LABEL = "training.trainingclass"
MOVES = {"declared": "declare", "approved": "approve", "returned": "return", "rejected": "reject"}
REVIEWED = {"approved": "approved", "closed": "approved", "returned": "returned", "rejected": "rejected"}


def _from_log(c, entries, users, Step):  # noqa: ANN001, ANN202
    steps = []
    state = "draft"
    for e in entries:
        status = (e.changes or {}).get("status")
        if not isinstance(status, list) or len(status) != 2 or status[1] not in MOVES:
            continue
        before, after = status
        note = e.note or ""
        steps.append(
            Step(
                object_type=LABEL,
                object_id=c.pk,
                move=MOVES[after],
                from_state=before or state,
                to_state=after,
                maker=after == "declared",
                actor_id=e.actor_id if e.actor_id in users else None,
                actor_name=e.actor_name or "系统",
                at=e.at,
                reason=note.split("：", 1)[1][:500] if "：" in note else "",
                channel=e.channel,
            )
        )
        state = after
    return steps


def _from_fields(c, users, Step):  # noqa: ANN001, ANN202
    def step(move, before, after, actor_id, at, reason=""):  # noqa: ANN001, ANN202
        return Step(
            object_type=LABEL,
            object_id=c.pk,
            move=move,
            from_state=before,
            to_state=after,
            maker=move == "declare",
            actor_id=actor_id,
            actor_name=users.get(actor_id, "—"),
            at=at,
            reason=reason,
            channel="",
        )

    steps = []
    reviewed = c.reviewed_at is not None and c.reviewed_by_id is not None
    if reviewed and c.status == "declared" and c.reviewed_at < c.declared_at:
        # Returned, changed and declared again: the return came before this declaration.
        steps.append(step("return", "declared", "returned", c.reviewed_by_id, c.reviewed_at))
        steps.append(step("declare", "returned", "declared", c.declared_by_id, c.declared_at))
        return steps
    steps.append(step("declare", "draft", "declared", c.declared_by_id, c.declared_at))
    if reviewed and c.status in REVIEWED:
        to = REVIEWED[c.status]
        steps.append(
            step(MOVES[to], "declared", to, c.reviewed_by_id, c.reviewed_at, c.review_note)
        )
    return steps


def forwards(apps, schema_editor):  # noqa: ANN001, ANN201
    TrainingClass = apps.get_model("training", "TrainingClass")
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    Step = apps.get_model("accounts", "ReviewStep")
    User = apps.get_model("accounts", "User")
    users = {u.pk: u.full_name or u.username for u in User.objects.only("full_name", "username")}
    done = set(Step.objects.filter(object_type=LABEL).values_list("object_id", flat=True))
    steps = []
    for c in TrainingClass.objects.exclude(declared_at=None).order_by("pk").iterator():
        if c.pk in done:
            continue
        entries = AuditEntry.objects.filter(
            object_type__in=("class", LABEL), object_id=str(c.pk), action="update"
        ).order_by("id")
        steps += _from_log(c, entries, users, Step) or _from_fields(c, users, Step)
        if len(steps) >= 1000:
            Step.objects.bulk_create(steps)
            steps = []
    Step.objects.bulk_create(steps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_review_steps"),
        ("training", "0004_catalogue_moved"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
