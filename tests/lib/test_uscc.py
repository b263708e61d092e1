import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skillaid.lib.uscc import UsccError, check, make_code

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
bodies = st.tuples(
    st.text(string.digits, min_size=8, max_size=8), st.text(ALPHABET, min_size=9, max_size=9)
).map("".join)


@given(bodies)
def test_a_code_with_its_check_character_is_accepted_in_any_case_and_width(body):
    code = make_code(body)
    assert check(code) == code
    assert check(f"  {code.lower()} ") == code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert check(full_width) == code


@given(bodies, st.sampled_from(ALPHABET))
def test_any_other_check_character_is_refused_naming_the_right_one(body, wrong):
    code = make_code(body)
    if wrong == code[-1]:
        return
    with pytest.raises(UsccError, match=f"末位应为 {code[-1]}，实为 {wrong}"):
        check(body + wrong)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "为空"),
        ("91450100MA5K0000", "应为18位，实为16位"),
        ("9145010OMA5K00001E", "前8位应为数字"),
        ("91450100MA5K0000IE", "不含 I、O、Z、S、V"),
    ],
)
def test_bad_codes_say_why(raw, message):
    with pytest.raises(UsccError, match=message):
        check(raw)
