"""What the subsidies app does when training or evaluation tells it something."""

from __future__ import annotations

from decimal import Decimal

from skillaid.accounts.models import Action, audit

from .applications import upgrading_recompute
from .claims import class_claim, recompute_person
from .models import ClaimLine, Hold, LineStatus, RuleKind

# People whose held lines are looked up in one query, when many facts are recorded at once.
PEOPLE_A_QUERY = 900


def on_class_closed(sender, *, training_class, actor, channel, **kwargs) -> None:  # noqa: ANN001
    """A class has closed: its claim lines are computed in the same transaction."""
    class_claim(training_class, actor=actor, channel=channel)


def on_attendance_settled(sender, *, record, actor, channel, **kwargs) -> None:  # noqa: ANN001
    """A flagged sign-in is settled: the trainee's held lines are decided again."""
    recompute_person(record.session.training_class, record.person_id, actor=actor)


def on_facts_recorded(sender, *, person_ids, actor, channel, **kwargs) -> None:  # noqa: ANN001
    """Facts about people are recorded (a comparison run's accepted results, a clerk's
    check of papers): their lines held for an unverified basis are decided again — due
    once verified, refused when contradicted. A line also held for a flagged sign-in is
    decided again with it (a contradicted basis refuses it at once; a verified one leaves
    it held for the sign-in). In the same transaction as the facts."""
    ids = sorted(set(person_ids))
    for start in range(0, len(ids), PEOPLE_A_QUERY):
        part = ids[start : start + PEOPLE_A_QUERY]
        held = (
            ClaimLine.objects.filter(
                person_id__in=part,
                status=LineStatus.HELD,
                hold__in=(Hold.UNVERIFIED_BASIS, Hold.FLAGGED_SIGNIN),
            )
            .select_related("claim__training_class")
            .order_by("person_id", "id")
        )
        done: set[tuple[int, int]] = set()
        for line in held:
            c = line.claim.training_class
            if c is None:
                if line.hold == Hold.UNVERIFIED_BASIS:
                    upgrading_recompute(line, actor=actor, channel=channel)
                continue
            if (c.pk, line.person_id) in done:
                continue
            done.add((c.pk, line.person_id))
            recompute_person(
                c,
                line.person_id,
                actor=actor,
                holds=(Hold.UNVERIFIED_BASIS, Hold.FLAGGED_SIGNIN),
                channel=channel,
                note="比对或核验结果记录后重新核定补贴明细",
            )


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
