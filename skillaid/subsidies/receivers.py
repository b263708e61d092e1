"""What the subsidies app does when training or evaluation tells it something."""

from __future__ import annotations

from .claims import class_claim, recompute_person
from .models import ClaimLine, LineStatus


def on_class_closed(sender, *, training_class, actor, channel, **kwargs) -> None:  # noqa: ANN001
    """A class has closed: its claim lines are computed in the same transaction."""
    class_claim(training_class, actor=actor, channel=channel)


def on_attendance_settled(sender, *, record, actor, channel, **kwargs) -> None:  # noqa: ANN001
    """A flagged sign-in is settled: the trainee's held lines are decided again."""
    recompute_person(record.session.training_class, record.person_id, actor=actor)


def on_certificate_saved(sender, instance, created, **kwargs) -> None:  # noqa: ANN001
    """A certificate issued for a roster line is linked to that trainee's claim lines, so a
    later skill-upgrading application for it finds the training subsidy already paid."""
    if instance.enrolment_id and instance.revoked_on is None:
        ClaimLine.objects.filter(
            enrolment_id=instance.enrolment_id, certificate__isnull=True
        ).exclude(status=LineStatus.REFUSED).update(certificate=instance)
