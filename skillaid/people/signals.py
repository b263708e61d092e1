"""What people tells the apps above it, without knowing them: facts about people have
been recorded (a comparison run's accepted results, a clerk's check of papers). Sent
inside the transaction that recorded them, so a receiver's work (recomputing the claim
lines held for an unverified basis) commits or rolls back with them."""

from __future__ import annotations

from django.dispatch import Signal

# sender=PersonFact, person_ids=[…], actor=…, channel=…
facts_recorded = Signal()
