"""Phone numbers on printed papers: masked, the ends readable."""

from hypothesis import given
from hypothesis import strategies as st

from skillaid.lib.phones import mask


def test_a_mobile_keeps_its_first_three_and_last_four_digits():
    assert mask("13812345678") == "138****5678"


def test_a_landline_keeps_its_dash():
    assert mask("0771-5551234") == "077*-***1234"


def test_a_short_number_shows_only_its_last_two_digits():
    assert mask("12345") == "***45"


def test_nothing_stays_nothing():
    assert mask("") == ""


@given(st.from_regex(r"1[3-9]\d{9}", fullmatch=True))
def test_a_mobile_never_shows_its_middle(phone):
    masked = mask(phone)
    assert len(masked) == 11 and masked[3:7] == "****"
    assert masked[:3] == phone[:3] and masked[-4:] == phone[-4:]
