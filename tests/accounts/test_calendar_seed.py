"""Seeding the calendar from chinese-calendar: every year it knows, twice changes nothing, and
a year an administrator entered is never overwritten; `skillaid setup` seeds it."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
from django.core.management import call_command

from skillaid.accounts.holidays import (
    CalendarDay,
    CalendarSource,
    CalendarYear,
    calendar_seed,
    calendar_year_enter,
    library_years,
    missing_years_note,
)
from skillaid.accounts.models import AuditEntry, Channel


def _table() -> list[tuple]:
    return list(
        CalendarDay.objects.order_by("date").values_list(
            "calendar_year__year", "date", "kind", "name"
        )
    )


def test_every_year_the_library_knows_is_seeded_with_chinese_names(db):
    result = calendar_seed()
    first, last = min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year
    assert result.created == list(range(first, last + 1)) and result.kept == []
    assert set(CalendarYear.objects.values_list("source", flat=True)) == {CalendarSource.SEEDED}
    day = CalendarDay.objects.get(date=dt.date(2026, 2, 17))
    assert (day.kind, day.name) == ("holiday", "春节")
    assert CalendarDay.objects.get(date=dt.date(2026, 2, 28)).kind == "workday"
    row = CalendarYear.objects.get(year=2026)
    assert row.basis == f"chinese-calendar {chinese_calendar.__version__}"
    assert row.recorded_by.username == "system"
    entry = AuditEntry.objects.about(row).get()
    assert entry.channel == Channel.COMMAND and entry.actor_name == "系统（自动任务）"


def test_seeding_twice_changes_nothing(db):
    calendar_seed()
    before, entries = _table(), AuditEntry.objects.count()
    again = calendar_seed()
    assert again.created == [] and len(again.kept) == len(library_years())
    assert _table() == before and AuditEntry.objects.count() == entries


def test_a_year_an_administrator_entered_is_never_overwritten(db, zhou):
    # The administrator corrected 2026 (say, a later notice moved a day) and entered 2027.
    calendar_year_enter(
        actor=zhou, channel=Channel.PAGE, year=2026, text="2026-01-01至2026-01-03 元旦 休"
    )
    calendar_year_enter(actor=zhou, channel=Channel.PAGE, year=2027, text="2027-01-01 元旦 休")
    result = calendar_seed()
    assert 2026 not in result.created and 2026 in result.kept and 2027 in result.kept
    row = CalendarYear.objects.get(year=2026)
    assert row.source == CalendarSource.ENTERED and row.recorded_by == zhou
    assert row.lines() == ["2026-01-01至2026-01-03 元旦 休"]
    assert CalendarYear.objects.get(year=2027).lines() == ["2027-01-01 元旦 休"]
    assert CalendarYear.objects.get(year=2025).source == CalendarSource.SEEDED


def test_setup_seeds_the_calendar_and_names_the_year_still_missing(db, capsys):
    call_command("setup")
    out = capsys.readouterr().out
    assert CalendarYear.objects.filter(year=2026).exists()
    assert "years (latest 2026) in the holiday calendar (23 new)" in out
    call_command("setup")
    assert "(0 new)" in capsys.readouterr().out


def test_the_seed_command_acts_as_the_given_user(db, zhou, capsys):
    call_command("calendar_seed", user="zhou")
    assert "added from chinese-calendar" in capsys.readouterr().out
    assert CalendarYear.objects.get(year=2004).recorded_by == zhou


def test_a_missing_next_year_is_noted_only_while_it_is_missing(db, zhou):
    calendar_seed()
    note = missing_years_note(dt.date(2026, 12, 2))
    assert note.startswith("节假日安排尚未录入2027年：跨入该年的工作日（如公示期）将无法计算")
    calendar_year_enter(actor=zhou, channel=Channel.PAGE, year=2027, text="2027-01-01 元旦 休")
    assert missing_years_note(dt.date(2026, 12, 2)) == ""
    assert missing_years_note(dt.date(2027, 3, 1)).startswith("节假日安排尚未录入2028年")
