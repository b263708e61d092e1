"""What training tells the apps above it, without knowing them: a class has closed, a
flagged sign-in has been settled. Sent inside the transaction that made the change, so a
receiver's work (the class's subsidy claim) commits or rolls back with it."""

from __future__ import annotations

from django.dispatch import Signal

# sender=TrainingClass, training_class=…, actor=…, channel=…
class_closed = Signal()
# sender=Attendance, record=…, actor=…, channel=…
attendance_settled = Signal()
