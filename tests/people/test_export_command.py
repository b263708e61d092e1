"""`skillaid export-ledger`: the ledger of a region to .xlsx from the command line."""

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from tests.conftest import LONGAN, MASHAN


def test_a_county_is_exported_filtered_with_a_title_that_says_so(person_factory, tmp_path):
    person_factory(name="韦一", category="lifted", wants_job=True)
    person_factory(name="韦二", category="ordinary", wants_job=True)
    person_factory(county=LONGAN, name="黄一", category="lifted", wants_job=True)
    out = tmp_path / "马山.xlsx"
    call_command(
        "export_ledger", str(out), "--region", MASHAN, "--category", "lifted", "--intent", "job"
    )
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    assert rows[0][0].startswith(
        "广西壮族自治区南宁市马山县 帮扶劳动力台账（脱贫户；有就业意愿；导出于 "
    )
    assert [r[1] for r in rows[2:]] == ["韦一"] and "*" in rows[2][2]


def test_an_unknown_region_or_user_is_refused_with_exit_2(regions, tmp_path, capsys):
    for args in (["--region", "459999"], ["--user", "nobody"]):
        with pytest.raises(SystemExit) as stop:
            call_command("export_ledger", str(tmp_path / "x.xlsx"), *args)
        assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "459999: not a code in the division table" in err and "nobody: no such user" in err
    assert not (tmp_path / "x.xlsx").exists()
