import datetime as dt

import pytest
from pydantic import TypeAdapter, ValidationError

from skillaid.lib import dates


@pytest.mark.parametrize(
    ("day", "early"),
    [
        (dt.date(1899, 12, 31), True),
        (dt.date(26, 12, 1), True),
        (dt.datetime(1899, 12, 31, 23, 59), True),
        (dt.date(1900, 1, 1), False),
        (dt.date(2026, 12, 1), False),
        (None, False),
        ("1899-12-31", False),  # text is parsed by the caller, then checked
    ],
)
def test_only_a_date_before_1900_is_too_early(day, early):
    assert dates.too_early(day) is early


def test_an_api_date_before_1900_is_refused_with_the_chinese_message():
    day = TypeAdapter(dates.Day)
    assert day.validate_python("1900-01-01") == dt.date(1900, 1, 1)
    with pytest.raises(ValidationError, match="1900"):
        day.validate_python("0026-12-01")
