"""The one name rule: how a name is normalised and when two names are the same."""

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from skillaid.lib.names import normalise, same_name

HAN = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=6
)
NOISE = st.sampled_from([" ", "\u3000", "\t", "\u200b", "\u200d", "\ufeff", "\n"])
DOTS = st.sampled_from("·•‧∙⋅・･.．")


@given(HAN, st.lists(st.tuples(st.integers(0, 6), NOISE), max_size=4))
def test_spaces_and_invisible_characters_anywhere_do_not_make_another_name(name, noise):
    typed = name
    for at, ch in noise:
        typed = typed[:at] + ch + typed[at:]
    assert same_name(typed, name) and normalise(typed) == normalise(name)


@given(HAN, HAN, DOTS, DOTS)
def test_every_middle_dot_of_a_minority_name_is_the_same_dot(first, last, a, b):
    assert same_name(f"{first}{a}{last}", f"{first}{b}{last}")
    assert normalise(f"{first}{a}{last}") == f"{first}·{last}"


@given(st.text(max_size=8))
def test_normalising_twice_changes_nothing_and_keeps_no_space(text):
    once = normalise(text)
    assert normalise(once) == once
    assert not any(c.isspace() or unicodedata.category(c) in ("Cc", "Cf") for c in once)


@given(HAN, HAN)
def test_different_characters_are_different_names(a, b):
    assert same_name(a, b) == (a == b)


@given(st.text(alphabet=" \u3000\u200b", max_size=4))
def test_an_empty_name_matches_nobody(blank):
    assert not same_name(blank, blank) and not same_name(blank, "")


def test_full_width_letters_are_the_plain_ones():
    assert same_name("ＡＢＣ", "ABC") and not same_name("阿依古丽", "阿依古")


NAMEISH = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.sampled_from(" \t\u3000\u200b.．·•ＡaZ9\x1f"),
        st.characters(),
    ),
    max_size=8,
)


@settings(max_examples=300)
@given(st.lists(st.one_of(st.text(max_size=8), NAMEISH), max_size=20))
def test_the_column_form_of_the_rule_gives_the_same_names(values):
    import polars as pl

    from skillaid.lib.names import normalise_column

    column = normalise_column(pl.Series(values, dtype=pl.String))
    assert column.to_list() == [normalise(v) for v in values]
