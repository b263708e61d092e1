"""The calendar over the API: read by the bureaus, a year put by an administrator only with
bad lines as 422 naming each line, working days counted as the pages count them."""

from __future__ import annotations

import pytest

from skillaid.accounts.holidays import CalendarYear
from skillaid.accounts.models import ApiToken, AuditEntry, Channel


@pytest.fixture
def bearer(work_calendar):
    def make(user) -> dict[str, str]:  # noqa: ANN001
        _, token = ApiToken.issue(user=user, name="calendar")
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    return make


def test_a_clerk_reads_the_years_and_a_years_days(client, bearer, wei):
    auth = bearer(wei)
    years = client.get("/api/calendar", **auth).json()
    assert [y["year"] for y in years][:2] == [2026, 2025] and years[0]["source"] == "seeded"
    year = client.get("/api/calendar/2026", **auth).json()
    assert {"date": "2026-10-10", "kind": "workday", "name": "国庆节"} in year["days"]
    assert "2026-10-01至2026-10-07 国庆节 休" in year["lines"]
    assert client.get("/api/calendar/2031", **auth).status_code == 404


def test_working_days_are_counted_and_an_unknown_year_is_422_naming_it(client, bearer, wei):
    auth = bearer(wei)
    after = client.get("/api/calendar/working-days?start=2026-09-30&days=5", **auth).json()
    assert after == {"start": "2026-09-30", "end": "2026-10-13", "days": 5}
    between = client.get("/api/calendar/working-days?start=2026-09-30&end=2026-10-13", **auth)
    assert between.json()["days"] == 5
    unknown = client.get("/api/calendar/working-days?start=2026-12-28&days=5", **auth)
    assert unknown.status_code == 422
    assert unknown.json()["detail"]["__all__"].startswith("2027年的法定节假日安排尚未录入")
    neither = client.get("/api/calendar/working-days?start=2026-09-30", **auth)
    assert neither.status_code == 422 and "days" in neither.json()["detail"]
    too_far = client.get("/api/calendar/working-days?start=2026-09-30&days=99999", **auth)
    assert too_far.status_code == 422


def test_an_officer_reads_no_calendar(client, bearer, lu):
    assert client.get("/api/calendar", **bearer(lu)).status_code == 403


def test_only_an_administrator_puts_a_year_and_bad_lines_come_back_numbered(
    client, bearer, wei, zhou
):
    body = {"days": "2027-01-01 元旦 休\n2027-02-13 春节 班", "basis": "通知"}
    refused = client.put("/api/calendar/2027", body, content_type="application/json", **bearer(wei))
    assert refused.status_code == 403 and not CalendarYear.objects.filter(year=2027).exists()
    auth = bearer(zhou)
    bad = client.put(
        "/api/calendar/2027",
        {"days": "2027-01-01 元旦 休\n2027-01-04 元旦 班"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422
    assert bad.json()["detail"]["days"] == [
        {
            "line": 2,
            "msg": "第2行：2027-01-04是星期一，本来就是工作日，"
            "不必登记为调休上班日（调休上班日是要上班的周六或周日）",
        }
    ]
    assert not CalendarYear.objects.filter(year=2027).exists()
    saved = client.put("/api/calendar/2027", body, content_type="application/json", **auth)
    assert saved.status_code == 200 and saved.json()["lines"] == body["days"].splitlines()
    entry = AuditEntry.objects.about(CalendarYear.objects.get(year=2027)).get()
    assert entry.channel == Channel.API and entry.actor == zhou
