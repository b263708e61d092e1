"""The engine's SQL checks of ID numbers agree with `idnumber.check`, cell for cell."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.lib import idnumber, names
from skillaid.matching import engine

TODAY = dt.date(2026, 11, 1)
WIDE = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")

valid = st.builds(
    idnumber.make_number,
    st.sampled_from(["450124", "110101", "820000", "190101", "450123", "999999"]),
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.integers(0, 999),
)


@st.composite
def cells(draw) -> str:  # noqa: ANN001
    number = draw(valid)
    how = draw(
        st.sampled_from(
            ["as is", "lower", "wide", "spaces", "digit", "short", "scientific", "tab", "junk"]
        )
    )
    if how == "lower":
        return number[:-1] + ("x" if number[-1] == "X" else number[-1])
    if how == "wide":
        return number.translate(WIDE)
    if how == "spaces":
        at = draw(st.integers(0, 18))
        return number[:at] + draw(st.sampled_from([" ", "\u3000", "\t", "  "])) + number[at:]
    if how == "digit":
        at = draw(st.integers(0, 17))
        return number[:at] + draw(st.sampled_from("0123456789X")) + number[at + 1 :]
    if how == "short":
        return number[: draw(st.integers(0, 17))]
    if how == "scientific":
        return draw(st.sampled_from(["4.50124E+17", "4.50124e17", " 4.5E+17 ", "1E5"]))
    if how == "tab":
        return " " + number + "\t"
    if how == "junk":
        return draw(st.text(alphabet="0123456789Xx ．.E+-ａ１\u3000\u00a0\u200bΩ", max_size=20))
    return number


names_ = st.sampled_from(
    ["韦一", "阿依古丽•买买提", "ＷＥＩ", " 韦 二 ", "\u200b韦三", "a.b", "é", "覃\u3000七"]
) | st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\r\n\x00"),
    max_size=6,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(cells(), names_), min_size=1, max_size=40))
def test_sql_and_python_agree(cells_: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "ids.csv"
        with src.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["身份证号", "姓名"])
            writer.writerows([raw, name] for raw, name in cells_)
        dest = Path(tmp) / "ids.parquet"
        result = engine.snapshot_load(src, dest, kind="assisted", hashed=False, today=TODAY)
        loaded = {
            row: (number, name)
            for row, number, name in duckdb.sql(
                f"SELECT row, id, name FROM read_parquet('{dest}')"
            ).fetchall()
        }
        refused = {r.row: r.reason for r in result.rejected}
        for row, (raw, name) in enumerate(cells_, start=2):
            if not raw.strip() and not name.strip():
                continue  # a blank row is no row
            checked = idnumber.check(raw, provinces=engine.PROVINCES, today=TODAY)
            if not checked.ok:
                assert row not in loaded, raw
                assert refused.get(row) == checked.error, raw
            elif not names.normalise(name):
                assert refused.get(row) == "姓名为空", name
            else:
                assert loaded.get(row) == (checked.number, names.normalise(name)), (raw, name)
        repaired = sum(
            1
            for raw, name in cells_
            if (c := idnumber.check(raw, provinces=engine.PROVINCES, today=TODAY)).ok
            and c.notes
            and names.normalise(name)
        )
        assert result.normalised_count == repaired
