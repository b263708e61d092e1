"""Load the Guangxi pairing tables (003 attachments 1 and 2): schools and their pairings.

Reports, and does not invent, a pairing whose school or partner cannot be found.
Running it twice changes nothing.
"""

from __future__ import annotations

import csv
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from skillaid.accounts.system import system_user
from skillaid.institutions.models import (
    CatalogueStatus,
    Institution,
    InstitutionKind,
    InstitutionStatus,
)
from skillaid.regions.loading import DATA_DIR, Problem, _city, find_county
from skillaid.regions.models import Level, Region, ResettlementSite

from .models import Pairing

PROVINCE = "450000"


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


class _Schools:
    def __init__(self, result: PairingLoad) -> None:
        self.result = result
        self.cities = list(Region.objects.current().filter(level=Level.CITY, code__startswith="45"))
        self.cache: dict[str, Institution] = {}

    def get(self, name: str, source: str) -> Institution:
        if name not in self.cache:
            school, created = Institution.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind_from_name(name),
                    "region_id": region_from_name(name, self.cities),
                    # The pairing table is the province's own list of its schools.
                    "status": CatalogueStatus.LISTED,
                    "status_since": timezone.localdate(),
                    "source": source,
                },
            )
            if created:
                InstitutionStatus.objects.create(
                    institution=school,
                    status=CatalogueStatus.LISTED,
                    on=timezone.localdate(),
                    reason=f"据{source}载入",
                    by=system_user(),  # setup and load-pairings are automatic work
                )
                self.result.schools_created += 1
            self.cache[name] = school
        return self.cache[name]


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [
            (n, {k: (v or "").strip() for k, v in row.items() if k})
            for n, row in enumerate(csv.DictReader(fh), start=2)
        ]


@transaction.atomic
def load_pairings(counties: Path | None = None, sites: Path | None = None) -> PairingLoad:
    counties = counties or DATA_DIR / "guangxi_pairing_counties.csv"
    sites = sites or DATA_DIR / "guangxi_pairing_resettlement.csv"
    result = PairingLoad()
    schools = _Schools(result)
    for path, partner in ((counties, "county"), (sites, "site")):
        rows = _rows(path)
        need = {"city", "county" if partner == "county" else "site", "paired_school"}
        if rows and not need <= set(rows[0][1]):
            missing = "、".join(sorted(need - set(rows[0][1])))
            result.problems.append(Problem(path.name, 1, f"缺少列：{missing}"))
            continue
        source = "003 附件1" if partner == "county" else "003 附件2"
        for line_no, row in rows:
            school_name = row["paired_school"]
            if partner == "county":
                label = f"{row['city']}{row['county']}"
                city = _city(row["city"])
                target = find_county(city, row["county"]) if city else None
            else:
                label = row["site"]
                target = ResettlementSite.objects.filter(name=row["site"]).first()
            if target is None:
                what = "县" if partner == "county" else "安置区"
                result.problems.append(Problem(path.name, line_no, f"找不到{what}：{label}"))
                continue
            if not school_name:
                result.problems.append(
                    Problem(path.name, line_no, f"{label} 在源表中没有结对院校，未创建结对关系")
                )
                continue
            school = schools.get(school_name, source)
            _, created = Pairing.objects.get_or_create(
                school=school,
                **{partner: target},
                defaults={"source": source},
            )
            if created:
                if partner == "county":
                    result.county_pairings_created += 1
                else:
                    result.site_pairings_created += 1
    return result
