"""The matching engine: registry files loaded and checked, compared with our people."""

from __future__ import annotations

import csv
import datetime as dt
import hmac
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from stdnum.cn import ric

from skillaid.lib.idnumber import make_number
from skillaid.matching import engine

TODAY = dt.date(2026, 11, 1)
HEADER = ["身份证号", "姓名", "户类型", "识别日期", "退出日期", "县区"]


def near(number: str, at: int = 14) -> str:
    """A valid number whose first 17 characters differ from `number` in one place."""
    digit = "5" if number[at] != "5" else "6"
    body = number[:at] + digit + number[at + 1 : 17]
    return body + ric.calc_check_digit(body + "0")


A = make_number("450124", dt.date(1990, 1, 1), 11)  # consistent
B = make_number("450124", dt.date(1991, 2, 3), 12)  # different category
C = make_number("450124", dt.date(1992, 3, 4), 13)  # different since
D = make_number("450124", dt.date(1993, 4, 5), 14)  # different county
E = make_number("450123", dt.date(1985, 5, 5), 15)  # near_name
F = make_number("450123", dt.date(2000, 1, 1), 16)  # near_id: theirs is near(F)
G = make_number("450123", dt.date(2001, 1, 1), 17)  # only ours
H = make_number("450125", dt.date(1970, 6, 6), 18)  # only theirs
Z = make_number("450123", dt.date(1999, 9, 9), 19)  # ordinary household, rightly unlisted
X = next(
    n for i in range(100) if (n := make_number("450126", dt.date(1988, 8, 8), i)).endswith("X")
)

THEIRS = [
    [A, "韦一", "脱贫户", "2020-01-01", "", "450124"],
    [B, "韦二", "监测户", "2021-03-04", "", "450124"],
    [C, "韦三", "脱贫户", "2019-05-06", "", "450124"],
    [D, "韦四", "脱贫户", "2021-03-04", "", "450123"],
    [E, "黄三", "脱贫户", "", "", ""],
    [near(F), "陆四", "", "", "", ""],
    [H, "梁六", "边缘易致贫户", "2022-01-01", "2024-12-31", "450125"],
]
OURS = [
    (1, A, "韦一", dt.date(1990, 1, 1), "450124", "脱贫户", dt.date(2020, 1, 1)),
    (2, B, "韦二", dt.date(1991, 2, 3), "450124", "脱贫户", dt.date(2021, 3, 4)),
    (3, C, "韦三", dt.date(1992, 3, 4), "450124", "脱贫户", dt.date(2020, 5, 6)),
    (4, D, "韦四", dt.date(1993, 4, 5), "450124", "脱贫户", dt.date(2021, 3, 4)),
    (5, E, "黄五", dt.date(1985, 5, 5), "450123", "脱贫户", None),
    (6, F, "陆四", dt.date(2000, 1, 1), "450123", "脱贫户", None),
    (7, G, "覃七", dt.date(2001, 1, 1), "450123", "监测户", None),
    # An ordinary household's member: the assisted registry does not list them, rightly.
    (8, Z, "农八", dt.date(1999, 9, 9), "450123", "一般户", None),
]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        csv.writer(f).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, str):
                sheet.write_string(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    return path


def load(tmp_path: Path, src: Path, **kw) -> tuple[engine.LoadResult, Path]:
    dest = tmp_path / (src.stem + ".parquet")
    kw.setdefault("kind", "assisted")
    kw.setdefault("hashed", False)
    return engine.snapshot_load(src, dest, today=TODAY, **kw), dest


def rows_of(path: Path) -> list[tuple]:
    return duckdb.sql(f"SELECT * FROM read_parquet('{path}')").fetchall()


def outcomes(results: Path) -> dict[tuple, tuple]:
    got = {}
    for row in duckdb.sql(
        f"SELECT outcome, person_id, row, differences FROM read_parquet('{results}')"
    ).fetchall():
        got[(row[1], row[2])] = (row[0], row[3])
    return got


@pytest.fixture
def ours(tmp_path: Path) -> Path:
    dest = tmp_path / "ours.parquet"
    sealed = {f"sealed-{i}": row[1] for i, row in enumerate(OURS)}
    rows = [(r[0], f"sealed-{i}", *r[2:]) for i, r in enumerate(OURS)]
    assert engine.ours_write(
        dest, [rows[:3], rows[3:]], open_many=lambda tokens: [sealed[t] for t in tokens]
    ) == len(OURS)
    return dest


def test_each_outcome_plain(tmp_path: Path, ours: Path) -> None:
    src = write_csv(tmp_path / "reg.csv", [["防止返贫监测对象名单"], HEADER, *THEIRS])
    result, snapshot = load(tmp_path, src)
    assert (result.rows_read, result.rows_loaded, result.rejected_count) == (7, 7, 0)
    comparison = engine.compare(snapshot, ours, tmp_path / "run", kind="assisted", hashed=False)
    got = outcomes(comparison.results)
    # The header is on row 2: the first data row is row 3.
    assert got == {
        (1, 3): ("consistent", ""),
        (2, 4): ("different", "category"),
        (3, 5): ("different", "since"),
        (4, 6): ("different", "county"),
        (5, 7): ("near_name", ""),
        (6, 8): ("near_id", ""),
        (7, None): ("only_ours", ""),
        (None, 9): ("only_theirs", ""),
    }
    assert comparison.counts == {
        "consistent": 1,
        "different": 3,
        "near_name": 1,
        "near_id": 1,
        "only_ours": 1,
        "only_theirs": 1,
    }
    near_row = duckdb.sql(
        f"SELECT their_name, their_id_masked FROM read_parquet('{comparison.results}') "
        "WHERE outcome = 'near_id'"
    ).fetchall()[0]
    assert near_row == ("陆四", near(F)[:6] + "********" + near(F)[-4:])
    their = duckdb.sql(
        f"SELECT their_category, their_since, their_until, their_county FROM "
        f"read_parquet('{comparison.results}') WHERE outcome = 'only_theirs'"
    ).fetchall()[0]
    assert their == ("边缘易致贫户", dt.date(2022, 1, 1), dt.date(2024, 12, 31), "450125")


def test_keyed_hash_file_matched_the_same_way(tmp_path: Path, ours: Path) -> None:
    key = b"exchange-2026-11"
    hashed_rows = [[hmac.new(key, r[0].encode(), "sha256").hexdigest(), *r[1:]] for r in THEIRS]
    src = write_csv(
        tmp_path / "hashed.csv", [["身份证号密文", *HEADER[1:]], *hashed_rows], encoding="utf-8"
    )
    result, snapshot = load(tmp_path, src, hashed=True)
    assert result.rows_loaded == 7
    assert rows_of(snapshot)[0][1:5] == (None, hashed_rows[0][0], "韦一", None)
    comparison = engine.compare(
        snapshot, ours, tmp_path / "run", kind="assisted", hashed=True, exchange_key=key
    )
    got = outcomes(comparison.results)
    # No near_id without ID numbers: F and near(F) stay apart.
    assert got == {
        (1, 2): ("consistent", ""),
        (2, 3): ("different", "category"),
        (3, 4): ("different", "since"),
        (4, 5): ("different", "county"),
        (5, 6): ("near_name", ""),
        (6, None): ("only_ours", ""),
        (7, None): ("only_ours", ""),
        (None, 7): ("only_theirs", ""),
        (None, 8): ("only_theirs", ""),
    }
    masked = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{comparison.results}') WHERE their_id_masked IS NOT NULL"
    ).fetchall()[0][0]
    assert masked == 0


def test_keyed_hash_is_hmac_sha256() -> None:
    values = [A, B, H[:-1] + "x", "１２３"]
    for key in (b"k", b"x" * 64, b"y" * 100, bytes(range(32))):
        assert engine.keyed_hash(values, key) == [
            hmac.new(key, v.encode(), "sha256").hexdigest() for v in (A, B, H[:-1] + "X", "123")
        ]


def test_exchange_file_holds_no_plain_number(tmp_path: Path) -> None:
    key = b"exchange"
    dest = tmp_path / "out.csv"
    n = engine.exchange_write(
        dest, [(A, "韦一"), (B, "韦二")], key=key, header=["身份证号", "姓名"]
    )
    assert n == 2
    data = dest.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert A not in text and B not in text
    lines = list(csv.reader(text.splitlines()))
    assert lines[0] == ["身份证号密文", "姓名"]
    assert lines[1] == [hmac.new(key, A.encode(), "sha256").hexdigest(), "韦一"]


def test_bad_rows_rejected_with_row_column_reason(tmp_path: Path) -> None:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in A)  # full-width digits
    rows = [
        HEADER,
        [wide, "韦一", "", "", "", ""],  # 2: normalised, loaded
        [B[:6] + " " + B[6:], "韦二", "", "", "", ""],  # 3: normalised
        ["4.50124E+17", "韦三", "", "", "", ""],  # 4
        [C[:-1] + ("1" if C[-1] != "1" else "2"), "韦四", "", "", "", ""],  # 5
        [D, "", "", "", "", ""],  # 6: no name
        [E, "黄五", "", "2020-13-45", "", ""],  # 7: bad date
        ["", "陆六", "", "", "", ""],  # 8: no ID
        ["45012419900231001X", "覃七", "", "", "", ""],  # 9: no such day
        ["", "", "", "", "", ""],  # 10: blank, not a row
        [X.lower(), "梁八", "", "", "", ""],  # 11: normalised
    ]
    result, snapshot = load(tmp_path, write_csv(tmp_path / "bad.csv", rows))
    assert result.rows_read == 9
    assert result.rows_loaded == 3
    assert result.normalised_count == 3
    reasons = {(r.row, r.column): r.reason for r in result.rejected}
    assert reasons == {
        (
            4,
            "身份证号",
        ): "身份证号被 Excel 存成了数字（科学计数法），后几位已丢失，请把该列设为文本后重新录入",
        (5, "身份证号"): f"校验码错误：末位应为 {C[-1]}，实为 {'1' if C[-1] != '1' else '2'}",
        (6, "姓名"): "姓名为空",
        (7, "识别日期"): "日期“2020-13-45”无法识别",
        (8, "身份证号"): "身份证号为空",
        (9, "身份证号"): "出生日期 19900231 不存在",
    }
    for r in result.rejected:
        assert C not in r.reason
    loaded = {row[0]: row[1] for row in rows_of(snapshot)}
    assert loaded[2] == A
    assert loaded[3] == B
    assert loaded[11] == X


def test_missing_column_is_refused_naming_it(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "noid.csv", [["姓名", "户类型"], ["韦一", "脱贫户"]])
    with pytest.raises(engine.SnapshotError) as exc:
        load(tmp_path, src)
    assert "身份证号" in str(exc.value) and "公民身份号码" in str(exc.value)
    src = write_csv(tmp_path / "nothing.csv", [["甲", "乙"], ["1", "2"]])
    with pytest.raises(engine.SnapshotError, match="姓名"):
        load(tmp_path, src)


def test_unknown_and_missing_optional_columns_listed(tmp_path: Path) -> None:
    src = write_csv(tmp_path / "few.csv", [["公民身份号码", "姓名", "备注"], [A, "韦一", "x"]])
    result, _ = load(tmp_path, src)
    assert result.unknown_columns == ["备注"]
    assert result.missing_columns == ["户类型", "识别日期", "退出日期", "县区"]
    assert result.rows_loaded == 1


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    src = write_csv(tmp_path / "enc.csv", [["标题"], HEADER, *THEIRS], encoding=encoding)
    result, snapshot = load(tmp_path, src)
    assert result.rows_loaded == len(THEIRS)
    assert [r[3] for r in rows_of(snapshot)] == [r[1] for r in THEIRS]


def test_xlsx_with_dates_and_a_number_cell(tmp_path: Path) -> None:
    rows = [
        ["防止返贫监测对象名单"],
        HEADER,
        [A, "韦一", "脱贫户", dt.datetime(2020, 1, 1), None, "450124"],
        [450124199102030000, "韦二", "", None, None, None],  # a number: digits lost
        [B, "韦 二", "监测户", "2021/3/4", None, None],
    ]
    result, snapshot = load(tmp_path, write_xlsx(tmp_path / "reg.xlsx", rows))
    assert result.rows_read == 3 and result.rows_loaded == 2
    assert result.rejected[0].row == 4 and "科学计数法" in result.rejected[0].reason
    got = rows_of(snapshot)
    assert got[0][:7] == (3, A, None, "韦一", dt.date(1990, 1, 1), "脱贫户", dt.date(2020, 1, 1))
    assert got[1][:7] == (5, B, None, "韦二", dt.date(1991, 2, 3), "监测户", dt.date(2021, 3, 4))


def test_results_are_repeatable(tmp_path: Path, ours: Path) -> None:
    src = write_csv(tmp_path / "reg.csv", [HEADER, *THEIRS * 3])  # duplicates too
    result, snapshot = load(tmp_path, src)
    assert result.duplicate_ids == len(THEIRS)
    first = engine.compare(snapshot, ours, tmp_path / "one", kind="assisted", hashed=False)
    second = engine.compare(snapshot, ours, tmp_path / "two", kind="assisted", hashed=False)
    assert first.results.read_bytes() == second.results.read_bytes()
    assert not list((tmp_path / "one").glob(".compare-*"))


def test_changes_between_runs(tmp_path: Path, ours: Path) -> None:
    before, snap1 = load(tmp_path, write_csv(tmp_path / "m1.csv", [HEADER, *THEIRS]))
    later = [list(r) for r in THEIRS]
    later[0][2] = "监测户"  # A: consistent -> different
    later[1][2] = "脱贫户"  # B: different -> consistent
    del later[6]  # H gone
    later.append([G, "覃七", "", "", "", ""])  # G: only ours -> consistent
    later.append([make_number("450126", dt.date(1999, 9, 9), 1), "新人", "", "", "", ""])
    _, snap2 = load(tmp_path, write_csv(tmp_path / "m2.csv", [HEADER, *later]))
    one = engine.compare(snap1, ours, tmp_path / "r1", kind="assisted", hashed=False)
    two = engine.compare(snap2, ours, tmp_path / "r2", kind="assisted", hashed=False)
    counts = engine.changes(one.results, two.results, tmp_path / "changes.parquet")
    assert counts == {
        "→only_theirs": 1,
        "consistent→different": 1,
        "different→consistent": 1,
        "only_ours→consistent": 1,
        "only_theirs→": 1,
    }
    moved = rows_of(tmp_path / "changes.parquet")
    assert (1, 2, "consistent", "different") in moved
    assert (7, 8, "only_ours", "consistent") in moved


def test_other_kinds_load(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "ins.csv",
        [
            ["证件号码", "姓名", "参保单位", "缴费月数", "参保起始"],
            [A, "韦一", "某厂", "1,024", "2024年1月1日"],
        ],
    )
    result, snapshot = load(tmp_path, src, kind="insurance")
    assert result.rows_loaded == 1
    assert rows_of(snapshot)[0][5:] == ("某厂", 1024, dt.date(2024, 1, 1), None)


def test_cleanup_removes_the_run_directory(tmp_path: Path) -> None:
    run = engine.run_dir(tmp_path / "runs")
    (run / "ours.parquet").write_bytes(b"x")
    engine.cleanup(run)
    assert not run.exists()


def test_ours_opened_in_a_second_process_gives_the_same_file(tmp_path: Path) -> None:
    from skillaid.lib.sealed import Sealer

    box = Sealer("engine test")
    rows = [(r[0], box.seal(r[1]), *r[2:]) for r in OURS]
    here, there = tmp_path / "here.parquet", tmp_path / "there.parquet"
    engine.ours_write(here, [rows[:2], rows[2:]], open_many=box.open_many)
    engine.ours_write(there, [rows[:2], [], rows[2:]], open_many=box.open_many, workers=1)
    assert rows_of(here) == rows_of(there)
    assert [r[1] for r in rows_of(there)] == [r[1] for r in OURS]


def test_names_normalised_as_the_ledger_does(tmp_path: Path) -> None:
    rows = [
        ["身份证号", "姓名"],
        [A, "阿依古丽•买买提"],
        [B, "ＷＥＩ Er"],
        [C, "韦.三"],
        [D, " \u3000 "],
    ]
    result, snapshot = load(tmp_path, write_csv(tmp_path / "names.csv", rows))
    assert [r[3] for r in rows_of(snapshot)] == ["阿依古丽·买买提", "WEIEr", "韦·三"]
    assert [(r.row, r.column, r.reason) for r in result.rejected] == [(5, "姓名", "姓名为空")]
