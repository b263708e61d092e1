"""A year's holidays typed one a line: ranges, Excel's tabs and Chinese dates read; every bad
line named with its number and why; what is written back reads back the same."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillaid.lib.holiday_lines import (
    HOLIDAY,
    WORKDAY,
    Entry,
    HolidayLinesError,
    format_lines,
    parse,
)

D = dt.date


def _problems(text: str, year: int = 2028) -> list[tuple[int, str]]:
    with pytest.raises(HolidayLinesError) as caught:
        parse(text, year=year)
    return [(p.line, p.message) for p in caught.value.problems]


def test_a_range_gives_every_day_and_a_make_up_day_its_own_line():
    entries = parse("2028-01-26至2028-01-28 春节 休\n\n2028-01-29 春节 班", year=2028)
    assert [(e.day, e.kind, e.name, e.line) for e in entries] == [
        (D(2028, 1, 26), HOLIDAY, "春节", 1),
        (D(2028, 1, 27), HOLIDAY, "春节", 1),
        (D(2028, 1, 28), HOLIDAY, "春节", 1),
        (D(2028, 1, 29), WORKDAY, "春节", 3),
    ]


def test_excel_columns_chinese_dates_short_range_ends_and_no_name_are_read():
    text = "2028年1月1日\t元旦\t休\n２０２８/10/1～10/3 国庆节 放假\n2028.5.1 休"
    assert [(e.day, e.kind, e.name) for e in parse(text, year=2028)] == [
        (D(2028, 1, 1), HOLIDAY, "元旦"),
        (D(2028, 5, 1), HOLIDAY, ""),
        (D(2028, 10, 1), HOLIDAY, "国庆节"),
        (D(2028, 10, 2), HOLIDAY, "国庆节"),
        (D(2028, 10, 3), HOLIDAY, "国庆节"),
    ]


def test_every_bad_line_is_named_with_its_number_and_why():
    text = "\n".join(
        [
            "2028-01-01 元旦 休",  # 1 good
            "元旦放假一天",  # 2 unreadable
            "2028-02-30 春节 休",  # 3 no such day
            "2027-12-31 元旦 休",  # 4 another year
            "2028-01-01 元旦 休",  # 5 twice
            "2028-02-07 春节 班",  # 6 a Monday
            "2028-02-06 春节 上学",  # 7 unknown kind
            "2028-10-07至2028-10-01 国庆节 休",  # 8 reversed
            "2028-10-01至2028-12-01 国庆节 休",  # 9 a slip of the end date
        ]
    )
    problems = _problems(text)
    assert [line for line, _ in problems] == [2, 3, 4, 5, 6, 7, 8, 9]
    messages = dict(problems)
    assert "第2行：“元旦放假一天”看不懂" in messages[2]
    assert messages[3] == "第3行：日期“2028-02-30”不存在"
    assert messages[4] == "第4行：日期2027-12-31不属于2028年"
    assert messages[5] == "第5行：2028-01-01已在第1行写过，同一天只能写一次"
    assert messages[6].startswith("第6行：2028-02-07是星期一，本来就是工作日")
    assert "“上学”无法识别" in messages[7]
    assert messages[8] == "第8行：起止日期颠倒：2028-10-07至2028-10-01"
    assert messages[9] == (
        "第9行：2028-10-01至2028-12-01共62天，一段放假或调休不超过31天，请检查结束日期"
    )


def test_an_empty_text_is_refused_without_naming_a_line():
    assert _problems("  \n\n") == [
        (
            0,
            "请逐行填写2028年的放假日期和调休上班日期，如“2028-01-01 元旦 休”或“2028-02-06 春节 班”",
        )
    ]


def test_a_range_overlapping_an_earlier_line_names_both_lines():
    problems = _problems("2028-10-01至2028-10-07 国庆节 休\n2028-10-07 国庆节 休")
    assert problems == [(2, "第2行：2028-10-07已在第1行写过，同一天只能写一次")]


@st.composite
def years(draw: st.DrawFn) -> tuple[int, list[Entry]]:
    """A year of scattered special days, and maybe one long holiday of one name."""
    year = draw(st.integers(2000, 2100))
    start = D(year, 1, 1)
    entries: dict[dt.date, Entry] = {}
    for offset in draw(st.sets(st.integers(0, 364), max_size=40)):
        day = start + dt.timedelta(days=offset)
        kind = draw(st.sampled_from([HOLIDAY, WORKDAY])) if day.weekday() >= 5 else HOLIDAY
        name = draw(st.sampled_from(["", "春节", "中秋 国庆"]))
        entries[day] = Entry(day, kind, name)
    if draw(st.booleans()):
        first = start + dt.timedelta(days=draw(st.integers(0, 300)))
        for i in range(draw(st.integers(1, 64))):
            day = first + dt.timedelta(days=i)
            entries[day] = Entry(day, HOLIDAY, "春节")
    return year, sorted((e for e in entries.values() if e.day.year == year), key=lambda e: e.day)


def test_a_run_longer_than_a_range_may_be_is_written_as_several():
    entries = [Entry(D(2028, 1, 1) + dt.timedelta(days=i), HOLIDAY, "春节") for i in range(40)]
    assert format_lines(entries) == [
        "2028-01-01至2028-01-31 春节 休",
        "2028-02-01至2028-02-09 春节 休",
    ]
    assert [e.key for e in parse("\n".join(format_lines(entries)), year=2028)] == [
        e.key for e in entries
    ]


@given(years())
def test_what_is_written_back_reads_back_the_same(year_entries):
    year, entries = year_entries
    lines = format_lines(entries)
    if not entries:
        assert lines == []
        return
    assert [e.key for e in parse("\n".join(lines), year=year)] == [e.key for e in entries]
    assert len(lines) <= len(entries)
