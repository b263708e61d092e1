"""How far each class has come, on the class list and in the county's class export."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.accounts.models import AuditEntry
from skillaid.training.attendance import attendance_sign
from skillaid.training.rollup import EXPORT_HEADERS, rollups
from tests.exports import export_rows
from tests.training.fixtures import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def halfway(lu, school, class_factory, person_factory):
    """Two sessions; after the first, 蓝海燕 signed in and out, 覃海 only in."""
    good = person_factory(category="脱贫户", name="蓝海燕")
    late = person_factory(category="脱贫户", name="覃海")
    c = class_factory(lu, trainees=[good, late], count=2)
    first = c.sessions.order_by("starts_at").first()
    with time_machine.travel(first.starts_at + dt.timedelta(minutes=1), tick=False):
        for person in (good, late):
            attendance_sign(session=first, direction="in", method="terminal", person=person)
    with time_machine.travel(first.ends_at, tick=False):
        attendance_sign(session=first, direction="out", method="terminal", person=good)
    return c, first, good, late


def test_attendance_to_date_counts_only_sessions_held(halfway):
    c, first, good, late = halfway
    at = first.ends_at + dt.timedelta(hours=1)
    r = rollups([c], now=at)[c.pk]
    assert (r.sessions, r.held, r.trainees, r.attended) == (2, 1, 2, 1)
    assert str(r.attendance_rate) == "50.0"
    during = rollups([c], now=first.starts_at + dt.timedelta(minutes=5))[c.pk]
    assert during.held == 0 and during.attendance_rate is None  # not over: no rate yet


def test_the_list_and_the_export_show_each_class_in_scope(client, wei, huang, lu, halfway):
    c, first, good, late = halfway
    last = c.sessions.order_by("starts_at").last()
    with time_machine.travel(last.ends_at + dt.timedelta(hours=1), tick=False):
        complete(lu, c, {good: True, late: False})
        client.force_login(wei)
        listing = client.get("/classes/").content.decode()
        assert "25.0%" in listing and "2/1" in listing  # 1 of 4 trainee-sessions; 2 done, 1 passed
        response = client.get("/classes/export.xlsx", {"status": "approved"})
    assert response.status_code == 200
    rows = export_rows(response)
    header_at = next(i for i, row in enumerate(rows) if row[0] == "培训班")
    assert rows[header_at][: len(EXPORT_HEADERS)] == EXPORT_HEADERS
    data = dict(zip(EXPORT_HEADERS, rows[header_at + 1], strict=False))
    assert data["培训班"] == c.name and data["培训地"] == "马山县"
    assert (data["学员人数"], data["课次"], data["已开课次"]) == (2, 2, 2)
    assert (data["出勤率（%）"], data["已结业"], data["考核合格"]) == (25.0, 2, 1)
    assert AuditEntry.objects.filter(
        action="export", object_type="training.trainingclass", actor=wei
    ).exists()

    client.force_login(huang)  # 隆安's clerk: 马山's class is not hers
    assert c.name not in str(export_rows(client.get("/classes/export.xlsx")))
