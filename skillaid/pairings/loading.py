"""Load the Guangxi pairing tables (003 attachments 1 and 2): schools and their pairings.

Each table is read by the import framework: one with a 县 column pairs schools with
counties, one with an 安置区 column with resettlement sites. A row whose county, site
or school cannot be found is rejected with its row and reason, never invented.
Running it twice changes nothing. `skillaid setup` loads the tables shipped with
SkillAid on every start without keeping an import record; `skillaid load-pairings
FILE` imports one table like any other import.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from skillaid.accounts.imports.framework import Importer, Row
from skillaid.accounts.models import Channel, User
from skillaid.accounts.system import system_user
from skillaid.institutions.models import (
    CatalogueStatus,
    Institution,
    InstitutionKind,
    InstitutionStatus,
)
from skillaid.lib.columns import Column, Columns, FieldError, Header
from skillaid.lib.sheets import ImportResult, UnreadableFile
from skillaid.regions.loading import DATA_DIR, Problem, find_city, find_county
from skillaid.regions.models import Level, Region, ResettlementSite

from .models import Pairing

PROVINCE = "450000"
SOURCES = {"county": "003 附件1", "site": "003 附件2"}

COLUMNS = Columns(
    (
        Column("seq", "序号", ("seq",)),
        Column("city", "设区市", ("city", "市", "地市"), required=True),
        Column("county", "县", ("county", "县（区）", "县区", "结对县")),
        Column("site", "安置区", ("site", "安置点", "易地扶贫搬迁安置区")),
        Column("category", "类别", ("category", "重点县类别")),
        Column("scale", "规模", ("scale", "安置规模")),
        Column("school", "结对院校", ("paired_school", "结对学校", "技工院校"), required=True),
    ),
    anchors=("city", "school"),
)


def kind_from_name(name: str) -> str:
    if name.endswith("技师学院"):
        return InstitutionKind.TECHNICIAN_COLLEGE
    if name.endswith("高级技工学校"):
        return InstitutionKind.SENIOR_TECHNICAL_SCHOOL
    return InstitutionKind.TECHNICAL_SCHOOL


def region_from_name(name: str, cities: list[Region]) -> str:
    """The city whose name the school carries (广西南宁技师学院 → 南宁市); else the province."""
    for city in cities:
        stem = city.name.removesuffix("市")
        if stem and stem in name:
            return city.code
    return PROVINCE


class PairingImport(Importer):
    """One pairing table: schools paired with counties, or with resettlement sites."""

    kind = "pairing_import"
    label = "结对关系导入"
    columns = COLUMNS
    hint = "，请使用结对帮扶表（003 附件1、附件2）的格式"
    person_columns = None

    def prepare(self, header: Header) -> None:
        if "county" in header.positions:
            self.partner = "county"
        elif "site" in header.positions:
            self.partner = "site"
        else:
            raise UnreadableFile("缺少列：县或安置区（结对的县或安置区）")
        self.source = SOURCES[self.partner]
        self.cities = list(Region.objects.current().filter(level=Level.CITY, code__startswith="45"))
        self.schools: dict[str, Institution] = {}
        self.schools_created = 0

    def import_rows(self, table, header, result: ImportResult) -> None:  # noqa: ANN001
        super().import_rows(table, header, result)
        result.extra["schools_created"] = self.schools_created

    def handle(self, row: Row) -> dict[str, Any]:
        school = row.text("school")
        if self.partner == "county":
            label = f"{row.text('city')}{row.text('county')}"
            city = find_city(row.text("city"))
            name = row.text("county")
            target = find_county(city, name) if city and name else None
            if target is None:
                raise FieldError(f"找不到县：{label}", "county")
        else:
            label = row.text("site")
            target = ResettlementSite.objects.filter(name=label).first() if label else None
            if target is None:
                raise FieldError(f"找不到安置区：{label}", "site")
        if not school:
            raise FieldError(f"{label} 在源表中没有结对院校，未创建结对关系", "school")
        return {"school": school, self.partner: target}

    def write(self, row: Row, values: dict[str, Any]) -> str:
        school = self._school(values.pop("school"))
        _, created = Pairing.objects.get_or_create(
            school=school, **values, defaults={"source": self.source}
        )
        return "created" if created else "unchanged"

    def _school(self, name: str) -> Institution:
        if name not in self.schools:
            school, created = Institution.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind_from_name(name),
                    "region_id": region_from_name(name, self.cities),
                    # The pairing table is the province's own list of its schools.
                    "status": CatalogueStatus.LISTED,
                    "status_since": timezone.localdate(),
                    "source": self.source,
                },
            )
            if created:
                InstitutionStatus.objects.create(
                    institution=school,
                    status=CatalogueStatus.LISTED,
                    on=timezone.localdate(),
                    reason=f"据{self.source}载入",
                    by=self.actor,
                )
                self.schools_created += 1
            self.schools[name] = school
        return self.schools[name]


@dataclass
class PairingLoad:
    schools_created: int = 0
    county_pairings_created: int = 0
    site_pairings_created: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "schools_created": self.schools_created,
            "county_pairings_created": self.county_pairings_created,
            "site_pairings_created": self.site_pairings_created,
            "problems": [asdict(p) for p in self.problems],
        }


@transaction.atomic
def load_pairings(
    counties: Path | None = None,
    sites: Path | None = None,
    *,
    actor: User | None = None,
    keep_record: bool = False,
) -> PairingLoad:
    """Both tables (by default those shipped with SkillAid), with what each created and the
    rows it could not take; loaded by `actor`, or by the system user (setup)."""
    actor = actor or system_user()
    load = PairingLoad()
    for path in (
        counties or DATA_DIR / "guangxi_pairing_counties.csv",
        sites or DATA_DIR / "guangxi_pairing_resettlement.csv",
    ):
        importer = PairingImport(actor=actor, channel=Channel.IMPORT, keep_record=keep_record)
        result = importer.run(path)
        load.schools_created += result.extra.get("schools_created", 0)
        if importer.partner == "county":
            load.county_pairings_created += result.created
        else:
            load.site_pairings_created += result.created
        load.problems += [Problem(path.name, r.row, r.reason) for r in result.rejected]
    return load
