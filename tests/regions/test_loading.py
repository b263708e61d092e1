from skillaid.regions.loading import (
    load_divisions,
    load_key_counties,
    load_resettlement_sites,
    read_divisions,
)
from skillaid.regions.models import KeyCounty, Region, ResettlementSite


def test_divisions_cover_every_province_with_history(regions):
    assert Region.objects.filter(level="province").count() >= 34
    mashan = Region.objects.get(code="450124")
    assert (
        mashan.name == "马山县"
        and mashan.parent.name == "南宁市"
        and mashan.parent.parent.name == "广西壮族自治区"
    )
    old = Region.objects.get(code="450127")  # 横县 became 横州市 in 2021
    assert not old.is_current and old.valid_to == 2021
    assert Region.objects.search("融水").filter(code="450225").exists()
    assert Region.objects.within("450100").filter(code="450124").exists()


def test_the_44_key_counties_and_22_sites_are_matched_to_codes(regions):
    assert KeyCounty.objects.count() == 44
    assert KeyCounty.objects.get(region__name="融水苗族自治县").category == "national"
    assert KeyCounty.objects.get(region__name="凭祥市").category == "reference"
    assert ResettlementSite.objects.count() == 22
    assert ResettlementSite.objects.get(name="马山县城区合作安置区").county.name == "马山县"


def test_loading_twice_changes_nothing(regions):
    assert load_divisions() == 0
    assert load_key_counties()[0] == 0 and load_resettlement_sites()[0] == 0
    assert KeyCounty.objects.count() == 44


def test_an_unmatched_row_is_reported_not_invented(regions, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "seq,city,county,category,paired_school\n1,南宁市,不存在县,国重,某校\n2,南宁市,马山县,某类,某校\n",
        encoding="utf-8",
    )
    _, problems = load_key_counties(path)
    assert [(p.row, "不存在县" in p.reason) for p in problems] == [(2, True), (3, False)]


def test_read_divisions_parses_renamed_codes():
    by_code = {d.code: d for d in read_divisions()}
    assert by_code["450103"].name == "青秀区" and "新城区" in by_code["450103"].history
