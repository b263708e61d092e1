"""The tables of the four report packs, read from `Tally` (reports.figures) and the pairings'
own plans and summaries, never from scans of people.

Each builder takes the region, the period and the day the data is counted to, and gives
the `Table`s of one workbook (lib.report_sheet), rows in a stable order: schools by region
code and name, pairings by partner county, regions by code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Prefetch, Q

from skillaid.institutions.models import SCHOOL_KINDS, Institution
from skillaid.lib.report_sheet import Table, head
from skillaid.pairings.models import Pairing, PairingSummary, SummaryPeriod, WorkPlan
from skillaid.regions.models import Level, Region, code_prefix

from .figures import Where, figure, figures_by
from .models import Target
from .periods import Period
from .progress import progress_of
from .tally import INDICATORS

MONEY = "#,##0.00"
RATE = "0.0"

Step = Callable[[], None]

# The indicators the packs read, by code (reports.indicators defines them). A code not
# defined here leaves its column empty, said so in the table's notes.
TRAININGS = "trainings"
TRAININGS_ASSISTED = "trainings_assisted"
TRAININGS_MIGRANT = "trainings_migrant"
CERTIFICATES = "certificates"
CERTIFICATES_HIGH = "certificates_high_skilled"
STUDENTS_ASSISTED = "students_assisted"
PAID = "paid"
LEDGER_PEOPLE = "ledger_people"
LEDGER_ASSISTED = "ledger_assisted"
LEDGER_WANTS_TRAINING = "ledger_wants_training"
LEDGER_WANTS_SCHOOL = "ledger_wants_school"
LEDGER_WANTS_JOB = "ledger_wants_job"

EVER = dt.date(2000, 1, 1)


def _missing_note(codes: list[str]) -> list[str]:
    missing = [c for c in dict.fromkeys(codes) if c not in INDICATORS]
    if not missing:
        return []
    return [f"说明：本系统尚未统计的指标（{'、'.join(missing)}）所在列留空。"]


def _counts_notes(codes: list[str]) -> list[str]:
    notes = []
    for code in dict.fromkeys(codes):
        ind = INDICATORS.get(code)
        if ind is not None and not ind.derived:
            notes.append(f"{ind.name}：{ind.counts}。")
    return notes


def _by(code: str, by: str, where: Where, period: Period) -> dict[object, Decimal | None]:
    if code not in INDICATORS:
        return {}
    return figures_by(code, by, where, period)


def _one(code: str, where: Where, period: Period) -> Decimal | None:
    if code not in INDICATORS:
        return None
    return figure(code, where, period)


def _cell(code: str, values: dict[object, Decimal | None], key: object) -> Decimal | int | None:
    """A figure of a breakdown: 0 where the indicator counted nothing, blank where nothing
    here counts it (or a ratio has nothing under it)."""
    if code not in INDICATORS:
        return None
    return _num(values.get(key, Decimal(0)))


def _num(value: Decimal | None) -> Decimal | int | None:
    """A figure as the cell shows it: whole numbers as integers, None as blank."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value


def _sum(rows: list[list[object]], first: int) -> list[object]:
    total: list[object] = []
    for col in range(first, len(rows[0]) if rows else first):
        values = [r[col] for r in rows if isinstance(r[col], int | Decimal)]
        total.append(_num(Decimal(sum(values))) if values else None)
    return total


def scope_lines(
    region: Region, period: Period, as_of: dt.date, unit: str = "填报地区"
) -> list[str]:
    return [f"{unit}：{region.full_name}　　统计期间：{period.label}　　数据截至：{as_of:%Y-%m-%d}"]


# --- 技能脱贫千校行动进展情况表 (001 (十七)) ----------------------------------------------

THOUSAND_CODES = [
    STUDENTS_ASSISTED,
    TRAININGS,
    TRAININGS_ASSISTED,
    TRAININGS_MIGRANT,
    CERTIFICATES,
    CERTIFICATES_HIGH,
    PAID,
]


def thousand_schools(region: Region, period: Period, as_of: dt.date, step: Step) -> list[Table]:
    prefix = code_prefix(region.code)
    where = Where(region=prefix)
    figures = {code: _by(code, "institution", where, period) for code in THOUSAND_CODES}
    step()
    pairings = (
        Pairing.objects.filter(
            Q(county__code__startswith=prefix) | Q(site__county__code__startswith=prefix)
        )
        .select_related("county", "site")
        .order_by("county__code", "site__name", "id")
    )
    partners: dict[int, list[str]] = {}
    for p in pairings:
        partners.setdefault(p.school_id, []).append(p.partner_name)
    ids = set(partners)
    for values in figures.values():
        ids |= {k for k in values if k is not None}
    # The thousand-schools action is the technical schools' (技工院校): training institutions
    # of other kinds are not listed.
    schools = Institution.objects.filter(pk__in=ids, kind__in=SCHOOL_KINDS).order_by(
        "region_id", "name", "id"
    )
    rows: list[list[object]] = []
    for n, school in enumerate(schools, start=1):
        rows.append(
            [n, school.name, "、".join(partners.get(school.pk, []))]
            + [_cell(c, figures[c], school.pk) for c in THOUSAND_CODES]
        )
    step()
    heads = [
        head("序号", width=6),
        head("院校名称", width=24),
        head("结对帮扶县（安置区）", width=34),
        head("技工教育", head("新招收帮扶家庭学生（人）", width=12)),
        head(
            "职业培训（人次）",
            head("合计", width=10),
            head("其中帮扶家庭劳动力", width=12),
            head("其中农民工", width=10),
        ),
        head(
            "技能评价（人次）",
            head("取得证书", width=10),
            head("其中高技能人才", width=12),
        ),
        head("补贴资金发放（元）", width=16, number=MONEY),
    ]
    table = Table(
        name="千校行动进展情况",
        title="技能脱贫千校行动进展情况表",
        lines=scope_lines(region, period, as_of),
        heads=heads,
        rows=rows,
        total=["合计", "", ""] + _sum(rows, 3) if rows else None,
        notes=[
            "依据：人社部发〔2019〕2号（十七），各省级人力资源社会保障部门于每年12月15日前报送。",
            "按院校计：各院校的培训班所在县（区）在本地区内的人次；结对帮扶县为本地区内的结对关系。",
            *_counts_notes(THOUSAND_CODES),
            *_missing_note(THOUSAND_CODES),
        ],
    )
    return [table]


# --- 结对帮扶半年/年度总结汇总表 (003 (十五)) ---------------------------------------------


def pairing_summaries(region: Region, period: Period, as_of: dt.date, step: Step) -> list[Table]:
    prefix = code_prefix(region.code)
    year = period.start.year
    half = period.kind == "half"
    kind = SummaryPeriod.HALF_YEAR if half else SummaryPeriod.ANNUAL
    pairings = list(
        Pairing.objects.filter(
            Q(county__code__startswith=prefix) | Q(site__county__code__startswith=prefix)
        )
        .select_related("school", "county", "site", "site__county")
        .prefetch_related(
            Prefetch(
                "plans", queryset=WorkPlan.objects.filter(year=year).prefetch_related("items")
            ),
            Prefetch("summaries", queryset=PairingSummary.objects.filter(year=year)),
        )
        .order_by("county__code", "site__county__code", "site__name", "id")
    )
    rows: list[list[object]] = []
    texts: list[list[object]] = []
    for n, p in enumerate(pairings, start=1):
        plan = next(iter(p.plans.all()), None)
        planned = None
        if plan is not None:
            planned = sum(
                i.trainees for i in plan.items.all() if not half or i.month <= period.end.month
            )
        county = p.partner_county_code
        where = Where(institution_id=p.school_id, county=county)
        trained = _one(TRAININGS, where, period)
        assisted = _one(TRAININGS_ASSISTED, where, period)
        students = _one(STUDENTS_ASSISTED, where, period)
        rate = None
        if planned and trained is not None:
            rate = (trained / planned * 100).quantize(Decimal("0.1"))
        due = next(d for d in p.summary_dues(year, as_of) if d.period == kind)
        summary = due.summary
        if due.waived:
            state = "结对已结束，免报"
        elif summary is None:
            state = "逾期未报" if due.overdue else "未报送"
        else:
            state = "逾期报送" if summary.late else "按时报送"
        rows.append(
            [
                n,
                p.school.name,
                p.partner_name,
                planned,
                plan.planned_enrolments if plan is not None else None,
                _num(trained),
                _num(assisted),
                _num(students),
                rate,
                summary.submitted_on if summary else None,
                state,
            ]
        )
        if summary is not None:
            texts.append(
                [n, p.school.name, p.partner_name, summary.submitted_on, summary.text.strip()]
            )
        step()
    heads = [
        head("序号", width=6),
        head("结对院校", width=28),
        head("帮扶县（安置区）", width=20),
        head(
            "年度工作计划",
            head("计划培训（人）", width=10),
            head("计划招收两后生（人）", width=12),
        ),
        head(
            "实际完成",
            head("培训（人次）", width=10),
            head("其中帮扶家庭劳动力", width=12),
            head("新招收帮扶家庭学生（人）", width=12),
            head("培训完成率（%）", width=10, number=RATE),
        ),
        head(
            f"{SummaryPeriod(kind).label}",
            head("报送日期", width=12),
            head("报送情况", width=14),
        ),
    ]
    total = None
    if rows:
        sums = _sum(rows, 3)[:5]
        total = ["合计", "", "", *sums, None, None, f"已报送 {len(texts)}/{len(rows)}"]
    codes = [TRAININGS, TRAININGS_ASSISTED, STUDENTS_ASSISTED]
    summary_table = Table(
        name="结对情况",
        title=f"技工院校结对帮扶{period.label}{SummaryPeriod(kind).label}汇总表",
        lines=scope_lines(region, period, as_of),
        heads=heads,
        rows=rows,
        total=total,
        notes=[
            "依据：桂人社发〔2022〕7号（十五），各结对县人社局和各技工院校于每年6月30日、"
            "12月30日前报送半年和年度总结材料。",
            "计划为结对关系报备的年度工作计划（半年总结计至6月）；实际完成为院校在结对县（安置区所在县）的培训班。",
            *_counts_notes(codes),
            *_missing_note(codes),
        ],
    )
    text_table = Table(
        name="总结材料",
        title=f"{period.label}{SummaryPeriod(kind).label}材料",
        lines=scope_lines(region, period, as_of),
        heads=[
            head("序号", width=6),
            head("结对院校", width=28),
            head("帮扶县（安置区）", width=20),
            head("报送日期", width=12),
            head("总结内容", width=90),
        ],
        rows=texts,
    )
    return [summary_table, text_table]


# --- 目标任务进展统计表 ---------------------------------------------------------------------

PROGRESS_CODES = [
    TRAININGS,
    TRAININGS_ASSISTED,
    TRAININGS_MIGRANT,
    CERTIFICATES,
    CERTIFICATES_HIGH,
    PAID,
]


def _parts(region: Region) -> tuple[str, list[Region]]:
    """How a region's figures break down: a province by city, a city by county."""
    if region.level == Level.PROVINCE:
        by, level = "city", Level.CITY
    elif region.level == Level.CITY:
        by, level = "county", Level.COUNTY
    else:
        return "county", [region]
    parts = Region.objects.filter(
        code__startswith=code_prefix(region.code), level=level, is_current=True
    ).order_by("code")
    return by, list(parts)


def progress_statistics(region: Region, period: Period, as_of: dt.date, step: Step) -> list[Table]:
    by, parts = _parts(region)
    where = Where(region=code_prefix(region.code))
    figures = {code: _by(code, by, where, period) for code in PROGRESS_CODES}
    step()
    rows = [
        [n, part.name, *(_cell(c, figures[c], part.code) for c in PROGRESS_CODES)]
        for n, part in enumerate(parts, start=1)
    ]
    heads = [
        head("序号", width=6),
        head("地区", width=16),
        head(
            "补贴性职业技能培训（人次）",
            head("合计", width=10),
            head("其中帮扶家庭劳动力", width=12),
            head("其中农民工", width=10),
        ),
        head(
            "技能评价（人次）",
            head("新增证书", width=10),
            head("其中高技能人才", width=12),
        ),
        head("补贴资金发放（元）", width=16, number=MONEY),
    ]
    by_region = Table(
        name="分地区统计",
        title=f"职业技能培训目标任务进展统计表（{period.label}）",
        lines=scope_lines(region, period, as_of),
        heads=heads,
        rows=rows,
        total=["合计", "", *_sum(rows, 2)] if rows else None,
        notes=[*_counts_notes(PROGRESS_CODES), *_missing_note(PROGRESS_CODES)],
    )
    targets = Target.objects.filter(
        region_id=region.code,
        institution__isnull=True,
        period_start__lte=period.end,
        period_end__gte=period.start,
    ).order_by("plan", "period_start", "title", "id")
    target_rows: list[list[object]] = []
    for n, target in enumerate(targets, start=1):
        p = progress_of(target, today=as_of)
        target_rows.append(
            [
                n,
                target.title,
                target.plan,
                target.source,
                p.period.label,
                f"{target.get_kind_display()}{_num(target.value)}{target.unit}",
                _num(target.value),
                _num(p.actual),
                p.percent,
                _num(p.expected),
                "是" if p.behind else "否",
            ]
        )
    step()
    target_table = Table(
        name="目标任务进度",
        title=f"{region.name}目标任务完成进度",
        lines=scope_lines(region, period, as_of),
        heads=[
            head("序号", width=6),
            head("指标", width=30),
            head("规划/文件", width=24),
            head("依据", width=14),
            head("目标期间", width=14),
            head("目标", width=18),
            head(
                "完成情况",
                head("目标值", width=12),
                head("累计完成", width=12),
                head("完成率（%）", width=10, number=RATE),
                head("按时间进度应完成", width=14),
                head("是否滞后", width=8),
            ),
        ],
        rows=target_rows,
        notes=[
            "累计完成为目标期间开始至数据截至日的数；按时间进度应完成 = 目标值 × 已过时间占比。"
        ],
    )
    return [by_region, target_table]


# --- 县级台账汇总表 -------------------------------------------------------------------------

LEDGER_CODES = [
    LEDGER_PEOPLE,
    LEDGER_ASSISTED,
    LEDGER_WANTS_TRAINING,
    LEDGER_WANTS_SCHOOL,
    LEDGER_WANTS_JOB,
]


def ledger_summary(region: Region, period: Period, as_of: dt.date, step: Step) -> list[Table]:
    prefix = code_prefix(region.code)
    where = Where(region=prefix)
    counties = list(
        Region.objects.filter(code__startswith=prefix, level=Level.COUNTY, is_current=True)
        .exclude(code__endswith="00")
        .order_by("code")
    )
    ever = Period("plan", EVER, period.end)
    total = {code: _by(code, "county", where, ever) for code in LEDGER_CODES}
    new = _by(LEDGER_PEOPLE, "county", where, period)
    trained = _by(TRAININGS, "county", where, period)
    step()
    known = {c.code for c in counties}
    extra = {k for values in total.values() for k in values if k not in known}
    if extra:  # people of divisions since renamed keep their old codes
        counties += list(Region.objects.filter(code__in=extra).order_by("code"))
    rows = []
    for n, county in enumerate(counties, start=1):
        rows.append(
            [
                n,
                county.name,
                _cell(LEDGER_PEOPLE, total[LEDGER_PEOPLE], county.code),
                _cell(LEDGER_PEOPLE, new, county.code),
                _cell(LEDGER_ASSISTED, total[LEDGER_ASSISTED], county.code),
                _cell(LEDGER_WANTS_TRAINING, total[LEDGER_WANTS_TRAINING], county.code),
                _cell(LEDGER_WANTS_SCHOOL, total[LEDGER_WANTS_SCHOOL], county.code),
                _cell(LEDGER_WANTS_JOB, total[LEDGER_WANTS_JOB], county.code),
                _cell(TRAININGS, trained, county.code),
            ]
        )
    step()
    heads = [
        head("序号", width=6),
        head("县（市、区）", width=16),
        head("台账人员（人）", head("累计", width=10), head("其中本期新增", width=12)),
        head("帮扶家庭劳动力（人）", width=14),
        head(
            "意愿（人）",
            head("参加职业培训", width=12),
            head("就读技工院校", width=12),
            head("就业", width=10),
        ),
        head("本期培训（人次）", width=12),
    ]
    codes = [*LEDGER_CODES, TRAININGS]
    table = Table(
        name="台账汇总",
        title="帮扶劳动力台账汇总表",
        lines=scope_lines(region, period, as_of),
        heads=heads,
        rows=rows,
        total=["合计", "", *_sum(rows, 2)] if rows else None,
        notes=[
            "累计为数据截至日在台账中的人数；本期新增为统计期间内登记的人数。",
            *_counts_notes(codes),
            *_missing_note(codes),
        ],
    )
    return [table]
