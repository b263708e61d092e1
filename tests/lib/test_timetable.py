"""A timetable's problems each carry the line they are on, so pages and the API can say it there."""

from __future__ import annotations

import pytest

from skillaid.lib.timetable import Problem, TimetableError, parse


def test_each_problem_names_its_line_counting_blank_lines():
    text = "2026-12-01 09:00-12:00 教室 韦老师\n\n明天上午\n2026-12-02 12:00-09:00 教室 韦老师"
    with pytest.raises(TimetableError) as info:
        parse(text)
    assert [p.line for p in info.value.problems] == [3, 4]
    assert info.value.problems[0].message.startswith("第3行“明天上午”看不懂")
    assert "第4行的结束时间不晚于开始时间" in str(info.value)


def test_an_overlap_is_said_at_the_later_line():
    text = "2026-12-01 13:00-17:00 教室 韦老师\n2026-12-01 09:00-14:00 教室 韦老师"
    with pytest.raises(TimetableError) as info:
        parse(text)
    # Line 2 starts first and runs into line 1: the problem is said at line 2, the later
    # typed of the two, whichever starts first.
    assert info.value.problems == [Problem(2, "第2行与第1行的时间重叠")]


def test_good_lines_come_back_in_time_order_with_their_numbers():
    lines = parse("2026-12-02 09:00-12:00 教室 韦老师\n2026-12-01 09:00-12:00 教室 韦老师")
    assert [(line.number, line.day.day) for line in lines] == [(2, 1), (1, 2)]
