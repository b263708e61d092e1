"""What the employment services' parts tell each other, inside the transaction that made
the change."""

from __future__ import annotations

from django.dispatch import Signal

# A referral recorded: sender=Referral, referral=…, actor=…, channel=… (its follow-up).
referral_recorded = Signal()
# A referral's outcome became 已录用: sender=Referral, referral=…, actor=…, channel=….
referral_hired = Signal()
