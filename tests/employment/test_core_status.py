"""The seeker core that other employment services call (seekers.py)."""

import datetime as dt

import time_machine

from skillaid.employment.models import EmploymentStatus
from skillaid.employment.seekers import seeker_ensure, status_record


@time_machine.travel(dt.datetime(2026, 6, 1, 10, 0), tick=False)
def test_status_follows_the_latest_confirmation(person_factory, wei):
    """A seeker made by another service waits for a confirmation; a back-dated one is kept
    in the history without replacing the later current status."""
    p = person_factory()
    s = seeker_ensure(person=p, source="clerk", on=dt.date(2026, 5, 1))
    assert s.status == EmploymentStatus.UNKNOWN
    status_record(
        actor=wei,
        channel="page",
        seeker=s,
        status="local",
        confirmed_on=dt.date(2026, 5, 20),
        confirmed_by="phone",
    )
    s.refresh_from_db()
    assert s.status == "local" and s.status_on == dt.date(2026, 5, 20)
    status_record(
        actor=wei,
        channel="page",
        seeker=s,
        status="unemployed",
        confirmed_on=dt.date(2026, 5, 2),
        confirmed_by="phone",
    )
    s.refresh_from_db()
    assert s.status == "local"
