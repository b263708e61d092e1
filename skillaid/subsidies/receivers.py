"""What the subsidies app does when training or evaluation tells it something."""

from __future__ import annotations

from decimal import Decimal

from skillaid.accounts.models import Action, audit

from .claims import class_claim, recompute_person
from .models import ClaimLine, LineStatus, RuleKind


def on_class_closed(sender, *, training_class, actor, channel, **kwargs) -> None:  # noqa: ANN001
    """A class has closed: its claim lines are computed in the same transaction."""
    class_claim(training_class, actor=actor, channel=channel)


def on_attendance_settled(sender, *, record, actor, channel, **kwargs) -> None:  # noqa: ANN001
    """A flagged sign-in is settled: the trainee's held lines are decided again."""
    recompute_person(record.session.training_class, record.person_id, actor=actor)


def on_certificate_saved(sender, instance, created, **kwargs) -> None:  # noqa: ANN001
    """A certificate issued for a roster line is linked to that trainee's claim lines, so a
    later skill-upgrading application for it finds the training subsidy already paid. A
    revoked certificate stops the lines that rest on it alone (a skill-upgrading subsidy)
    from being paid: they are refused, naming the revocation."""
    if instance.revoked_on is not None:
        for line in ClaimLine.objects.filter(
            certificate=instance,
            kind=RuleKind.UPGRADING,
            status__in=(LineStatus.DUE, LineStatus.HELD, LineStatus.FAILED),
        ):
            before = line.status
            line.status, line.hold, line.amount = LineStatus.REFUSED, "", Decimal("0.00")
            line.reason = (
                f"证书{instance.number}已于{instance.revoked_on:%Y-%m-%d}注销："
                f"{instance.revoked_reason}"
            )[:500]
            line.save()
            audit(
                actor=None,
                channel="page",
                action=Action.UPDATE,
                object_type=line,
                person_id=line.person_id,
                changes={"status": [before, line.status]},
                note=line.reason[:255],
            )
        return
    if instance.enrolment_id:
        linked = ClaimLine.objects.filter(
            enrolment_id=instance.enrolment_id, certificate__isnull=True
        ).exclude(status=LineStatus.REFUSED)
        ids = list(linked.values_list("pk", flat=True))
        if ids:
            linked.update(certificate=instance)
            audit(
                actor=None,
                channel="page",
                action=Action.UPDATE,
                object_type=instance,
                person_id=instance.person_id,
                changes={"claim_lines": ids},
                note=f"证书{instance.number}关联补贴明细{len(ids)}条",
            )
