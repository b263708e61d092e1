import json
from io import StringIO

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


def test_command_prints_json_and_reads_given_files(tmp_path, regions):
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
    out, err = StringIO(), StringIO()
    call_command(
        "load_pairings",
        "--counties",
        str(counties),
        "--sites",
        str(sites),
        "--json",
        stdout=out,
        stderr=err,
    )
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["schools_created"] == 1 and summary["county_pairings_created"] == 1
    assert summary["site_pairings_created"] == 0
    assert [(p["file"], p["row"]) for p in summary["problems"]] == [("c.csv", 3), ("s.csv", 2)]
    assert "找不到县" in summary["problems"][0]["reason"]
    assert "c.csv row 3" in err.getvalue()
