import json
from io import StringIO

import pytest
from django.core.management import call_command

from skillaid.institutions.models import CatalogueStatus, Institution
from skillaid.pairings.loading import load_pairings
from skillaid.pairings.models import Pairing
from tests.conftest import MASHAN


def test_it_loads_every_pairing_and_reports_the_site_without_a_school(regions):
    result = load_pairings()
    assert (result.county_pairings_created, result.site_pairings_created) == (44, 21)
    assert result.schools_created == Institution.objects.count() == 29
    [problem] = result.problems
    assert problem.file == "guangxi_pairing_resettlement.csv" and problem.row == 22
    assert "忻城县聚福新城安置区" in problem.reason and "没有结对院校" in problem.reason
    assert not Pairing.objects.filter(site__name="忻城县聚福新城安置区").exists()
    mashan = Pairing.objects.get(county_id=MASHAN)
    assert mashan.school.name == "广西南宁技师学院"
    assert mashan.school.region_id == "450100" and mashan.school.kind == "technician_college"
    assert mashan.school.status == CatalogueStatus.LISTED
    assert Institution.objects.get(name="广西机电技师学院").region_id == "450000"
    assert Institution.objects.get(name="广西商贸高级技工学校").kind == "senior_technical_school"


def test_loading_twice_changes_nothing(regions):
    load_pairings()
    before = list(Pairing.objects.values_list("pk", "school_id", "county_id", "site_id"))
    again = load_pairings()
    assert (again.schools_created, again.county_pairings_created, again.site_pairings_created) == (
        0,
        0,
        0,
    )
    assert list(Pairing.objects.values_list("pk", "school_id", "county_id", "site_id")) == before


def run(*args: str) -> tuple[int, dict, str]:
    """`skillaid load-pairings ...`: its exit code, its JSON summary and its standard error."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("load_pairings", *args, "--json", stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue().strip().splitlines()[-1]), err.getvalue()


def test_the_command_imports_one_table_like_every_import(tmp_path, regions):
    """`load-pairings FILE` reads a county table or a site table by its columns, with the
    summary, exit codes and rejected rows of every import command."""
    counties = tmp_path / "c.csv"
    counties.write_text(
        "seq,city,county,category,paired_school\n1,南宁市,马山县,国重,广西南宁技师学院\n"
        "2,南宁市,不存在县,国重,某技工学校\n",
        encoding="utf-8",
    )
    sites = tmp_path / "s.csv"
    sites.write_text(
        "seq,city,site,scale,paired_school\n1,南宁市,马山县城区合作安置区,万人以上,\n",
        encoding="utf-8-sig",
    )
    code, summary, err = run(str(counties))
    assert code == 3
    assert (summary["rows"], summary["created"], summary["rejected"]) == (2, 1, 1)
    assert summary["schools_created"] == 1 and summary["warnings"] == 0
    assert "c.csv row 3 C列“县”: rejected: 找不到县：南宁市不存在县" in err
    code, summary, err = run(str(sites))
    assert code == 3 and (summary["created"], summary["rejected"]) == (0, 1)
    assert "s.csv row 2" in err and "没有结对院校" in err
    assert Pairing.objects.count() == 1

    code, summary, _ = run(str(counties), "--dry-run")
    assert code == 3 and summary["unchanged"] == 1 and summary["created"] == 0
    good = tmp_path / "good.csv"
    good.write_text(
        "city,county,paired_school\n南宁市,隆安县,广西南宁技师学院\n", encoding="gb18030"
    )
    code, summary, _ = run(str(good))
    assert code == 0 and summary["created"] == 1 and summary["schools_created"] == 0
    nothing = tmp_path / "x.csv"
    nothing.write_text("姓名,身份证号\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(SystemExit) as info:
        call_command("load_pairings", str(nothing), stdout=StringIO(), stderr=err)
    assert info.value.code == 2 and "找不到“设区市”和“结对院校”列" in err.getvalue()


def test_setup_loads_the_tables_without_an_import_record(regions):
    from skillaid.accounts.imports.records import ImportRecord

    load_pairings()
    assert Pairing.objects.count() == 65 and not ImportRecord.objects.exists()
