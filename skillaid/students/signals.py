"""What the students app tells the apps above it, without knowing them. Sent inside the
transaction that made the change, so a receiver's work commits or rolls back with it."""

from __future__ import annotations

from django.dispatch import Signal

# A graduation recorded or corrected: sender=StudentEnrolment, enrolment=…,
# graduation=…, actor=…, channel=… (the employment services follow up a graduate who
# has no job yet).
graduated = Signal()
