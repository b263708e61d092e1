import datetime as dt
import zoneinfo

from hypothesis import given
from hypothesis import strategies as st

from skillaid.lib import chain

text = st.text(max_size=40)


@given(
    head=st.tuples(text, st.none() | st.integers(0, 2**62), text, text, text, text),
    tails=st.lists(st.tuples(text, st.none() | st.integers(0, 2**62), text, text), max_size=5),
)
def test_the_bulk_path_hashes_as_one_entry_at_a_time_does(head, tails):
    previous = chain.GENESIS
    one_by_one = []
    for tail in tails:
        previous = chain.link([*head, *tail], previous)
        one_by_one.append(previous)
    assert chain.link_many(head, tails, chain.GENESIS) == one_by_one


def test_a_field_boundary_cannot_move_without_changing_the_hash():
    assert chain.link(["a,b", "c"], chain.GENESIS) != chain.link(["a", "b,c"], chain.GENESIS)
    assert chain.link(["a", None], chain.GENESIS) != chain.link(["a", "null"], chain.GENESIS)


def test_a_moment_is_the_same_text_in_any_zone():
    utc = dt.datetime(2026, 12, 2, 4, 21, 39, 5, tzinfo=dt.UTC)
    shanghai = utc.astimezone(zoneinfo.ZoneInfo("Asia/Shanghai"))
    assert chain.moment(utc) == chain.moment(shanghai) == "2026-12-02T04:21:39.000005Z"


def test_canonical_json_ignores_key_order():
    assert chain.canonical_json({"b": 1, "a": [1, "二"]}) == '{"a":[1,"二"],"b":1}'
