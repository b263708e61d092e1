"""The 节假日安排 pages: read by the bureaus, a year entered or replaced by an administrator
only, every bad line shown under its number with nothing stored, each change in the log."""

from __future__ import annotations

import datetime as dt

import pytest

from skillaid.accounts.holidays import CalendarDay, CalendarSource, CalendarYear
from skillaid.accounts.models import Action, AuditEntry, Channel
from skillaid.accounts.workdays import add_working_days
from tests.conftest import make_user

YEAR_2027 = "2027-01-01 元旦 休\n2027-02-06至2027-02-12 春节 休\n2027-02-13 春节 班"


def test_a_county_clerk_reads_the_calendar_but_may_not_enter_a_year(client, work_calendar, wei):
    client.force_login(wei)
    listing = client.get("/calendar/").content.decode()
    assert "2026年" in listing and "chinese-calendar 预置" in listing
    assert "录入新年度" not in listing and "/calendar/new/" not in listing
    assert "节假日安排尚未录入" in listing  # 2027 is not in the library
    year = client.get("/calendar/2026/").content.decode()
    assert "2026-10-10" in year and "调休上班日" in year and "/calendar/2026/edit/" not in year
    for url in ("/calendar/new/", "/calendar/2026/edit/"):
        answer = client.get(url)
        assert answer.status_code == 403 and "节假日安排由系统管理员录入" in answer.content.decode()
    answer = client.post("/calendar/new/", {"year": 2027, "days": YEAR_2027})
    assert answer.status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_a_school_officer_and_a_person_get_no_calendar(client, work_calendar, lu):
    person = make_user("trainee", "person", None, "蓝海燕")
    for user in (lu, person):
        client.force_login(user)
        for url in ("/calendar/", "/calendar/2026/", "/calendar/new/"):
            assert client.get(url).status_code in (302, 403), (user, url)
        assert not client.get("/calendar/").content.decode().count("2026年")


def test_the_menu_links_the_calendar_for_bureaus_only(client, work_calendar, zhou, lu):
    client.force_login(zhou)
    assert 'id="nav-calendar"' in client.get("/calendar/").content.decode()
    client.force_login(lu)
    assert 'id="nav-calendar"' not in client.get("/").content.decode()


def test_the_administrator_enters_a_year_and_counts_reach_into_it(client, work_calendar, zhou):
    client.force_login(zhou)
    form = client.get("/calendar/new/?year=2027").content.decode()
    assert 'value="2027"' in form
    answer = client.post(
        "/calendar/new/",
        {"year": "2027", "days": YEAR_2027, "basis": "国务院办公厅关于2027年部分节假日安排的通知"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/calendar/2027/"
    row = CalendarYear.objects.get(year=2027)
    assert row.source == CalendarSource.ENTERED and row.recorded_by == zhou
    assert row.days.count() == 1 + 7 + 1
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 13)
    entry = AuditEntry.objects.about(row).get()
    assert (entry.action, entry.channel, entry.actor) == (Action.CREATE, Channel.PAGE, zhou)
    assert entry.changes["days"] == [None, YEAR_2027.splitlines()]
    page = client.get("/calendar/2027/").content.decode()
    assert "已录入2027年节假日安排" in page and "星期六" in page and "系统管理员录入" in page
    assert "加入：2027-01-01 元旦 休" in page
    listing = client.get("/calendar/").content.decode()
    assert "尚未录入2027年" not in listing
    assert listing.index("2027年") < listing.index("2026年") < listing.index("2004年")


def test_bad_lines_are_shown_under_their_numbers_and_nothing_is_stored(client, work_calendar, zhou):
    client.force_login(zhou)
    text = "2027-01-01 元旦 休\n2027-02-08 春节 班\n2028-01-01 元旦 休\n2027-13-01 休"
    answer = client.post("/calendar/new/", {"year": "2027", "days": text})
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "第2行：2027-02-08是星期一，本来就是工作日" in page
    assert "第3行：日期2028-01-01不属于2027年" in page
    assert "第4行：日期“2027-13-01”不存在" in page
    assert 'id="id_days_lines"' in page and page.count('class="bad"') == 3
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()


def test_a_year_already_known_is_edited_on_its_own_page_not_entered_again(
    client, work_calendar, zhou
):
    client.force_login(zhou)
    answer = client.post("/calendar/new/", {"year": "2026", "days": "2026-01-01 元旦 休"})
    assert "2026年的节假日安排已录入，请打开该年度页面修改" in answer.content.decode()
    assert CalendarYear.objects.get(year=2026).source == CalendarSource.SEEDED


@pytest.mark.parametrize("year", ["1999", "2101", "二〇二七", ""])
def test_a_year_out_of_range_or_not_a_number_is_refused(client, work_calendar, zhou, year):
    client.force_login(zhou)
    answer = client.post("/calendar/new/", {"year": year, "days": "2027-01-01 元旦 休"})
    assert answer.status_code == 200 and 'class="errorlist"' in answer.content.decode()
    assert not CalendarYear.objects.exclude(source=CalendarSource.SEEDED).exists()


def test_editing_a_seeded_year_replaces_its_days_and_logs_what_changed(client, work_calendar, zhou):
    client.force_login(zhou)
    row = CalendarYear.objects.get(year=2026)
    form = client.get("/calendar/2026/edit/").content.decode()
    assert "2026-10-01至2026-10-07 国庆节 休" in form and "原由 chinese-calendar 预置" in form
    lines = row.lines()
    # Suppose a later notice moved the make-up Saturday of National Day a week on.
    edited = [line for line in lines if line != "2026-10-10 国庆节 班"] + ["2026-10-17 国庆节 班"]
    answer = client.post("/calendar/2026/edit/", {"days": "\n".join(edited), "basis": "补充通知"})
    assert answer.status_code == 302
    row.refresh_from_db()
    assert row.source == CalendarSource.ENTERED and row.basis == "补充通知"
    assert not CalendarDay.objects.filter(date=dt.date(2026, 10, 10)).exists()
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 17)).kind == "workday"
    entry = AuditEntry.objects.about(row).latest("id")
    assert entry.action == Action.UPDATE and entry.actor == zhou
    assert entry.changes["source"] == ["seeded", "entered"]
    page = client.get("/calendar/2026/").content.decode()
    assert "删去：2026-10-10 国庆节 班" in page and "加入：2026-10-17 国庆节 班" in page
    # Saving the same again changes nothing and logs nothing.
    entries = AuditEntry.objects.count()
    client.post("/calendar/2026/edit/", {"days": "\n".join(edited), "basis": "补充通知"})
    assert AuditEntry.objects.count() == entries


def test_an_unknown_year_page_is_a_404(client, work_calendar, zhou):
    client.force_login(zhou)
    assert client.get("/calendar/2031/").status_code == 404
    assert client.get("/calendar/2031/edit/").status_code == 404


def test_a_text_far_longer_than_a_year_is_refused_whole(client, work_calendar, zhou):
    client.force_login(zhou)
    answer = client.post("/calendar/new/", {"year": "2027", "days": "2027-01-01 元旦 休\n" * 2000})
    assert answer.status_code == 200 and "不超过 20000 字符" in answer.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()
