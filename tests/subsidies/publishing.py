"""Claims carried to approval the way the bureaus approve them, on dates chosen so that
publication periods fall across the holidays the tests are about."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from skillaid.accounts.review import review_move
from skillaid.subsidies.models import Claim, ClaimState
from tests.subsidies.fixtures import at

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=SHANGHAI)


def approve(claim: Claim, *, officer, checker, approver) -> Claim:  # noqa: ANN001
    """Submitted by the officer, checked by the county, approved by the city."""
    review_move(claim, ClaimState.SUBMITTED, actor=officer)
    review_move(claim, ClaimState.CHECKED, actor=checker)
    review_move(claim, ClaimState.APPROVED, actor=approver)
    claim.refresh_from_db()
    return claim


def approved_claim(
    run_class, *, officer, checker, approver, attended: dict, on: dt.datetime, **extra
):  # noqa: ANN001
    """A class declared on `on`, run (its sessions start 8 days later), closed, and its
    claim approved the day after it closed. `extra` goes to the class (county, name…)."""
    with at(on):
        c = run_class(officer, attended=attended, count=extra.pop("count", 3), **extra)
    with at(c.closed_moment + dt.timedelta(days=1)):
        return approve(
            Claim.objects.get(training_class=c), officer=officer, checker=checker, approver=approver
        )
