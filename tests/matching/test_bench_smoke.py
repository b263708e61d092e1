"""The matching benchmark, small: its data, a plain and a keyed-hash run, and its floor."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "matching.py"


@pytest.fixture
def bench():  # noqa: ANN201
    spec = importlib.util.spec_from_file_location("bench_matching", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_small_run(bench, transactional_db, regions, tmp_path: Path) -> None:  # noqa: ANN001
    made = bench.make_data(tmp_path, 9_000, 1_000, setup=False)
    assert made["people"] == 1_000
    plain = bench.measure(tmp_path, hashed=False)
    hashed = bench.measure(tmp_path, hashed=True)
    # 750 of ours are registry rows: 1 in 50 with another name, 1 in 20 another category,
    # 1 in 40 another date; of the other 250 (k = 750…999), k = 800 and 900 have near ID numbers.
    counts = plain["counts"]
    assert counts["near_name"] == 15
    assert counts["near_id"] == 2
    assert counts["consistent"] + counts["different"] + counts["near_name"] == 750
    assert counts["only_ours"] == 248
    assert counts["only_theirs"] == 9_000 - 750 - 2
    assert hashed["counts"]["near_id"] == 0
    assert hashed["counts"]["only_ours"] == 250
    assert {
        k: v
        for k, v in hashed["counts"].items()
        if k not in ("near_id", "only_ours", "only_theirs")
    } == {k: v for k, v in counts.items() if k not in ("near_id", "only_ours", "only_theirs")}
    assert bench.floor(tmp_path) > 0
    assert not list((tmp_path / "runs").iterdir())  # the run's plain-ID files are gone
