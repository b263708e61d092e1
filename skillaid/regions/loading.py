"""Load the division table and the Guangxi key counties and resettlement sites."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db import transaction

from .models import KeyCounty, KeyCountyCategory, Level, Region, ResettlementSite

DATA_DIR = Path(__file__).parent / "data"
_PERIOD = re.compile(r"^\[(\d*)-(\d*)\](.*)$")

CATEGORY_BY_LABEL = {
    "国重": KeyCountyCategory.NATIONAL,
    "区重": KeyCountyCategory.REGIONAL,
    "参照": KeyCountyCategory.REFERENCE,
}


@dataclass
class Division:
    code: str
    name: str
    level: str
    parent: str | None
    is_current: bool
    valid_from: int | None
    valid_to: int | None
    history: str


def _parse_names(raw: str) -> tuple[str, bool, int | None, int | None, str]:
    """'[1983-2003]新城区,[2004-]青秀区' -> the latest name and its period."""
    periods = []
    for part in raw.split(","):
        match = _PERIOD.match(part)
        if match:
            start, end, name = match.groups()
            periods.append((name, int(start) if start else None, int(end) if end else None))
        else:
            periods.append((part, None, None))
    name, start, end = max(periods, key=lambda p: (p[2] is None, p[2] or 0, p[1] or 0))
    history = raw if len(periods) > 1 or start or end else ""
    return name, end is None, start, end, history


def read_divisions() -> list[Division]:
    """Read python-stdnum's GB/T 2260 table, including codes no longer in use."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    out: list[Division] = []
    province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not line.startswith(" "):
            province, rest = line.split(" ", 1)
            name = rest.split('"')[1]
            out.append(
                Division(province + "0000", name, Level.PROVINCE, None, True, None, None, "")
            )
            continue
        suffix, rest = line.strip().split(" ", 1)
        if suffix == "0000":
            continue
        code = province + suffix
        name, current, start, end, history = _parse_names(rest.split('"')[1])
        if suffix.endswith("00"):
            out.append(
                Division(code, name, Level.CITY, province + "0000", current, start, end, history)
            )
        else:
            out.append(
                Division(code, name, Level.COUNTY, code[:4] + "00", current, start, end, history)
            )
    known = {d.code for d in out}
    for d in out:
        if d.parent and d.parent not in known:
            d.parent = d.code[:2] + "0000"
    return out


@transaction.atomic
def load_divisions() -> int:
    """Insert or refresh every division; returns how many rows changed."""
    existing = {r.code: r for r in Region.objects.all()}
    changed = 0
    divisions = read_divisions()
    # Parents first, so that foreign keys resolve.
    order = {Level.PROVINCE: 0, Level.CITY: 1, Level.COUNTY: 2}
    new_rows = []
    for d in sorted(divisions, key=lambda d: order[d.level]):
        fields = {
            "name": d.name,
            "level": d.level,
            "parent_id": d.parent,
            "is_current": d.is_current,
            "valid_from": d.valid_from,
            "valid_to": d.valid_to,
            "history": d.history,
        }
        row = existing.get(d.code)
        if row is None:
            new_rows.append(Region(code=d.code, **fields))
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(row, k, v)
            row.save()
            changed += 1
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        Region.objects.bulk_create([r for r in new_rows if r.level == level], batch_size=500)
    return changed + len(new_rows)


def county_stem(name: str) -> str:
    """The part of a county's name that short forms keep: 融水苗族自治县 -> 融水."""
    if len(name) <= 3:
        return name[:-1]
    return name[:2]


def find_county(city: Region, name: str) -> Region | None:
    """Find a current county of `city` by the short name the policy tables use."""
    counties = list(Region.objects.current().filter(parent=city, level=Level.COUNTY))
    for county in counties:
        if county.name == name:
            return county
    stem, suffix = name[:-1], name[-1]
    matches = [c for c in counties if c.name.startswith(stem) and c.name.endswith(suffix)]
    return matches[0] if len(matches) == 1 else None


def find_city(name: str) -> Region | None:
    """A Guangxi city of the current division table by its name."""
    return (
        Region.objects.current().filter(level=Level.CITY, name=name, code__startswith="45").first()
    )


@dataclass
class Problem:
    file: str
    row: int
    reason: str


@transaction.atomic
def load_key_counties(path: Path | None = None) -> tuple[int, list[Problem]]:
    path = path or DATA_DIR / "guangxi_pairing_counties.csv"
    problems: list[Problem] = []
    changed = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            city = find_city(row["city"])
            county = find_county(city, row["county"]) if city else None
            category = CATEGORY_BY_LABEL.get(row["category"].strip())
            if county is None or category is None:
                what = "类别" if county else "县"
                problems.append(
                    Problem(
                        path.name,
                        line_no,
                        f"找不到{what}：{row['city']}{row['county']} {row['category']}",
                    )
                )
                continue
            _, created = KeyCounty.objects.update_or_create(
                region=county, defaults={"category": category, "source": "003 附件1"}
            )
            changed += created
    return changed, problems


@transaction.atomic
def load_resettlement_sites(path: Path | None = None) -> tuple[int, list[Problem]]:
    path = path or DATA_DIR / "guangxi_pairing_resettlement.csv"
    problems: list[Problem] = []
    changed = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for line_no, row in enumerate(csv.DictReader(fh), start=2):
            city = find_city(row["city"])
            site = row["site"].strip()
            county = None
            if city:
                candidates = [
                    c
                    for c in Region.objects.current().filter(parent=city, level=Level.COUNTY)
                    if c.name != "市辖区" and site.startswith(county_stem(c.name))
                ]
                county = candidates[0] if len(candidates) == 1 else None
            if county is None:
                problems.append(
                    Problem(path.name, line_no, f"无法确定安置区所在县：{row['city']}{site}")
                )
                continue
            _, created = ResettlementSite.objects.update_or_create(
                name=site,
                defaults={"county": county, "scale": row["scale"].strip(), "source": "003 附件2"},
            )
            changed += created
    return changed, problems
