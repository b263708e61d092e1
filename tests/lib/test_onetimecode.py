"""Opening codes: what they look like, how they are typed back, and what is kept of them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from skillaid.lib import onetimecode

KEY = b"k" * 32
codes = st.text(alphabet=onetimecode.ALPHABET, min_size=8, max_size=8)


def test_a_new_code_is_eight_characters_without_look_alikes():
    seen = {onetimecode.generate() for _ in range(500)}
    assert len(seen) == 500  # random, not a sequence
    for code in seen:
        assert len(code) == onetimecode.LENGTH
        assert not set(code) & set("01OIL")
        assert onetimecode.well_formed(code)


@given(codes)
def test_a_code_typed_as_people_type_it_is_the_same_code(code):
    shown = onetimecode.display(code)
    assert shown[4] == "-" and shown.replace("-", "") == code
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    for typed in (shown, code.lower(), f" {code[:4]} {code[4:]} ", full_width):
        assert onetimecode.normalise(typed) == code
        assert onetimecode.matches(
            KEY, typed, "person:1", onetimecode.digest(KEY, code, "person:1")
        )


@given(codes, codes)
def test_only_the_code_itself_matches_its_digest(code, other):
    kept = onetimecode.digest(KEY, code, "person:7")
    assert onetimecode.matches(KEY, other, "person:7", kept) == (other == code)


@given(codes)
def test_the_digest_keeps_nothing_of_the_code_and_binds_it_to_its_person(code):
    kept = onetimecode.digest(KEY, code, "person:7")
    assert code not in kept and code.lower() not in kept and len(kept) == 64
    assert not onetimecode.matches(KEY, code, "person:8", kept)
    assert not onetimecode.matches(b"another key", code, "person:7", kept)


@given(st.text(max_size=12))
def test_anything_that_is_not_eight_characters_of_the_alphabet_matches_nothing(text):
    kept = onetimecode.digest(KEY, "ABCDEFGH", "person:1")
    if not onetimecode.well_formed(text):
        assert not onetimecode.matches(KEY, text, "person:1", kept)
