"""The ledger of a region as rows for the export function: Chinese headers, masked ID numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from skillaid.accounts.exports import Column
from skillaid.lib.idnumber import redact
from skillaid.regions.models import Region

from .models import Category, Person

HEADERS = [
    "序号",
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "民族",
    "联系电话",
    "文化程度",
    "所属县（区）",
    "乡镇（街道）",
    "村（社区）",
    "户编号",
    "与户主关系",
    "家庭类别",
    "监测类型",
    "培训意愿",
    "意向工种",
    "就读技工院校意愿",
    "就业意愿",
    "调查日期",
]


def _yes(value: bool | None) -> str:
    if value is None:
        return "未知"  # an answer the survey could not read as yes or no
    return "是" if value else "否"


INTENT_CAPTIONS = {"training": "有培训意愿", "school": "有就读技工院校意愿", "job": "有就业意愿"}


def ledger_title(scope: str, filters: dict[str, str], on: dt.date) -> str:
    """The title row of an exported ledger: whose, what it was filtered by, and when."""
    parts = []
    if filters.get("region"):
        region = Region.objects.filter(code=filters["region"]).first()
        parts.append(region.name if region else filters["region"])
    if filters.get("category") in Category.values:
        parts.append(Category(filters["category"]).label)
    if filters.get("intent") in INTENT_CAPTIONS:
        parts.append(INTENT_CAPTIONS[filters["intent"]])
    if filters.get("q"):
        # A whole ID number typed into the search is named only masked.
        parts.append(f"查询“{redact(filters['q'])}”")
    parts.append(f"导出于 {on:%Y-%m-%d}")
    return f"{scope} 帮扶劳动力台账（{'；'.join(parts)}）"


def ledger_rows(people) -> Iterator[list[object]]:  # noqa: ANN001
    """Each person of `people` as a row under HEADERS, streamed from the database."""
    rows = people.select_related("county", "household").only(
        *[f.name for f in Person._meta.concrete_fields if f.name not in ("id_sealed",)],
        "county__name",
        "household__number",
        "household__category",
        "household__monitoring_kind",
    )
    for n, p in enumerate(rows.iterator(chunk_size=2000), start=1):
        h = p.household
        yield [
            n,
            p.name,
            p.id_masked,
            p.get_sex_display(),
            p.birth_date,
            p.ethnicity,
            p.phone,
            p.education,
            p.county.name,
            p.township,
            p.village,
            h.number if h else "",
            p.relation,
            h.get_category_display() if h else "",
            h.get_monitoring_kind_display() if h else "",
            _yes(p.wants_training),
            p.training_occupations,
            _yes(p.wants_school),
            _yes(p.wants_job),
            p.surveyed_on,
        ]


WIDTHS = {"序号": 8, "姓名": 10, "身份证号": 20, "性别": 6, "民族": 8}
COLUMNS = [Column(h, WIDTHS.get(h, 14)) for h in HEADERS]
