"""Sealing of ID numbers: what is sealed opens to the same text, never twice the same ciphertext."""

from __future__ import annotations

import pytest
from cryptography.exceptions import InvalidTag
from hypothesis import assume, given
from hypothesis import strategies as st

from skillaid.lib.sealed import Sealer

box = Sealer("test secret")


@given(st.lists(st.text(max_size=40), max_size=20))
def test_seal_many_opens_to_each_value(values):
    sealed = box.seal_many(values)
    assert [box.open(token) for token in sealed] == values


def test_equal_values_seal_differently_and_keep_one_index():
    one, two = box.seal_many(["450122199001011234", "450122199001011234"])
    assert one != two
    assert one[:16] != two[:16]  # distinct nonces, which lead each token
    assert box.open(box.seal("450122199001011234")) == "450122199001011234"
    assert box.index("450122199001011234") == box.index("450122199001011234")


def test_a_token_does_not_open_under_another_key():
    token = box.seal("450122199001011234")
    with pytest.raises(InvalidTag):
        Sealer("another secret").open(token)


secrets = st.text(min_size=1, max_size=30)


@given(old=secrets, new=secrets, value=st.text(max_size=40))
def test_a_sealer_with_an_old_key_opens_what_either_key_sealed(old, new, value):
    rotating = Sealer(new, old)
    assert rotating.open(Sealer(old).seal(value)) == value
    assert rotating.open(rotating.seal(value)) == value
    assert Sealer(new).open(rotating.seal(value)) == value  # it seals with the new key only
    assert rotating.index(value) == Sealer(new).index(value)
    assert rotating.indexes(value)[-1] == Sealer(old).index(value)


@given(old=secrets, new=secrets, value=st.text(max_size=40))
def test_what_the_old_key_sealed_does_not_open_under_the_new_key_alone(old, new, value):
    assume(old != new)
    with pytest.raises(InvalidTag):
        Sealer(new).open(Sealer(old).seal(value))
    assert Sealer(new).index(value) != Sealer(old).index(value)


def test_an_empty_key_is_refused():
    with pytest.raises(ValueError):
        Sealer("")


def test_open_many_opens_under_own_and_older_keys():
    rotating = Sealer("new secret", "test secret")
    mixed = [*box.seal_many(["4501", "4502"]), *rotating.seal_many(["4503", ""])]
    assert rotating.open_many(mixed) == ["4501", "4502", "4503", ""]
    with pytest.raises(InvalidTag):
        Sealer("another secret").open_many(mixed[:1])
