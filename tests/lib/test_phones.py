"""Phone numbers typed in any of the usual ways come out as one spelling, or are refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillaid.lib import phones

FULL_WIDTH = str.maketrans("0123456789-+", "０１２３４５６７８９－＋")


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), st.sampled_from(["", " ", "-"]))
def test_a_mobile_number_in_any_spelling_is_the_same_number(number, sep):
    spaced = sep.join([number[:3], number[3:7], number[7:]])
    for typed in (number, spaced, "+86" + spaced, spaced.translate(FULL_WIDTH)):
        assert phones.normalize(typed) == number


@pytest.mark.parametrize("typed", ["0771-5551234", "07715551234"])
def test_a_landline_with_its_area_code_is_kept(typed):
    assert phones.normalize(typed) == typed


@pytest.mark.parametrize("typed", ["1380000", "23800000001", "abc", "0771-12"])
def test_anything_else_is_refused_in_chinese(typed):
    with pytest.raises(ValueError, match="不是11位手机号"):
        phones.normalize(typed)


def test_nothing_is_nothing():
    assert phones.normalize(None) == "" and phones.normalize("  ") == ""
