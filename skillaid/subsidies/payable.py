"""Which lines may be paid now: the one definition payment batches and pages share.

A line is payable when it is due (not refused, held, in a batch or paid), its claim is
approved, it was published and the publication's period has ended, and no objection to
it is open (an open objection holds the line: its status is then HELD, hold OBJECTION).
A line whose bank transfer failed is payable again in a new batch.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import ClaimLine, ClaimState, LineStatus, ObjectionState


def payable_lines(day: dt.date | None = None) -> QuerySet[ClaimLine]:
    day = day or timezone.localdate()
    return ClaimLine.objects.filter(
        status__in=(LineStatus.DUE, LineStatus.FAILED),
        claim__status=ClaimState.APPROVED,
        publication__isnull=False,
        publication__ends_on__lt=day,
        amount__gt=0,
    ).exclude(objections__state=ObjectionState.OPEN)
