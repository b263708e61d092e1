"""Two placements of one person, by two agencies, confirmed at the same moment by two
clerks: the person is locked while the line is decided, so one line is due and the other
refused naming it (PostgreSQL; SQLite takes one writer at a time)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from skillaid.subsidies.models import ClaimLine, LineStatus
from tests.employment.fixtures_placements import *  # noqa: F403
from tests.employment.fixtures_placements import agency_rule, confirm, report

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_confirmations_at_once_pay_one_subsidy(
    today, rules, agent, other_agent, firm, worker, mo, wei
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time; nothing runs concurrently")
    agency_rule()
    one = report(agent.user, worker, firm, start="2026-03-01")
    two = report(other_agent.user, worker, firm, start="2026-04-01", end="2027-03-31")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(clerk, placement) -> None:  # noqa: ANN001
        try:
            start.wait(10)
            confirm(clerk, placement)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=a) for a in ((mo, one), (wei, two))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    lines = list(ClaimLine.objects.order_by("pk"))
    assert sorted(x.status for x in lines) == [LineStatus.DUE, LineStatus.REFUSED]
    refused = next(x for x in lines if x.status == LineStatus.REFUSED)
    due = next(x for x in lines if x.status == LineStatus.DUE)
    assert refused.blocked_by_id == due.pk
