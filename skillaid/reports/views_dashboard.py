"""The dashboard (统计看板) and the records behind each of its numbers (穿透查询).

The dashboard shows, for the region (or school) the viewer chose within their scope and a
period: every indicator's figure, progress against the region's targets, the trend by
month and a table of the regions (or schools) one level down, coloured by progress. Each
child drills down (province → city → county → school) and every number links to
`figure_people`, the records it counts. Figures are read from Tally (reports.figures),
never by scanning people; only the list of records reads the records themselves, a page
at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import Column, export_response, export_title
from skillaid.accounts.lists import keyset_page
from skillaid.accounts.models import Channel
from skillaid.accounts.scope import Scope
from skillaid.institutions.models import Institution
from skillaid.lib.ints import parse_id
from skillaid.people.selectors import sees_ledger
from skillaid.regions.models import Level, Region, code_prefix

from . import periods
from .figures import Where, figure, figures_by, where_for
from .models import Target, TargetKind
from .periods import Period
from .progress import Progress, progress_of
from .tally import INDICATORS, Indicator, indicator, indicator_records, refreshed_at

DEFAULT_INDICATOR = "trainings"
# A child region at or above the pace expected of it by now is on time; from SLOW up to
# that pace it is a little behind; below SLOW it is behind.
SLOW = Decimal("0.8")
LEGEND = [
    ("ok", "达到进度", "完成数不少于到今天应完成的数"),
    ("slow", "略慢", "完成数为应完成数的80%至100%"),
    ("behind", "落后", "完成数不足应完成数的80%"),
    ("none", "不着色", "本级没有该指标的目标，或没有可比的数"),
]
LEVEL_NAMES = {key: name for key, name, _text in LEGEND}
CHART_CHILDREN = 30  # bars in the chart of the regions one level down


class BadQuery(ValueError):
    """A query value the page cannot read, with the reason in Chinese."""


@dataclass(frozen=True)
class Query:
    """What a dashboard or list page was asked for, read from its query string."""

    indicator: Indicator
    period: Period
    region: str  # a division code as given ('' for the viewer's own scope)
    institution_id: int | None

    def params(self, **changes: object) -> dict[str, str]:
        values = {
            "indicator": self.indicator.code,
            "region": self.region,
            "period": self.period.code,
            "institution": "" if self.institution_id is None else str(self.institution_id),
        }
        values.update({k: "" if v is None else str(v) for k, v in changes.items()})
        return {k: v for k, v in values.items() if v}

    def url(self, name: str, **changes: object) -> str:
        return f"{reverse(name)}?{urlencode(self.params(**changes))}"


def read_query(request: HttpRequest) -> Query:
    get = request.GET
    code = (get.get("indicator") or DEFAULT_INDICATOR).strip()
    try:
        ind = indicator(code)
    except ValueError as exc:
        raise BadQuery(f"{exc}；请从统计看板的指标列表中选择") from None
    text = (get.get("period") or "").strip()
    try:
        period = periods.parse(text) if text else periods.year(timezone.localdate().year)
    except ValueError as exc:
        raise BadQuery(str(exc)) from None
    region = (get.get("region") or "").strip()
    if region and not (region.isascii() and region.isdigit() and len(region) == 6):
        raise Http404("没有找到该地区")
    institution_id = None
    raw = (get.get("institution") or "").strip()
    if raw:
        institution_id = parse_id(raw)
        if institution_id is None or not Institution.objects.filter(pk=institution_id).exists():
            raise Http404("没有找到该院校")
    return Query(ind, period, region, institution_id)


def _bad(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": "查询条件有误", "message": message}, status=400)


@dataclass
class Place:
    """Where the viewer stands: a region, a school, or a school within a county."""

    where: Where
    region: Region | None
    institution: Institution | None
    crumbs: list[tuple[str, str]] = field(default_factory=list)  # (name, dashboard url)

    @property
    def label(self) -> str:
        parts = []
        if self.region is not None:
            parts.append(self.region.full_name)
        if self.institution is not None:
            parts.append(self.institution.name)
        return " ".join(parts) or "全部地区"


def place_of(user: object, q: Query) -> Place:
    where = where_for(user, region=q.region, institution_id=q.institution_id)
    scope = Scope.of(user)
    region = Region.objects.filter(code=q.region).first() if q.region else None
    if region is None and scope.region_prefix and not q.region:
        region = getattr(user, "region", None)
    if where.county and region is not None and region.level != Level.COUNTY:
        # A school within a city or the province (where_for places a school in a county):
        # its figures under the region's whole prefix.
        where = Where(region=code_prefix(region.code), institution_id=where.institution_id)
    institution = None
    if where.institution_id is not None:
        institution = Institution.objects.filter(pk=where.institution_id).first()
    place = Place(where=where, region=region, institution=institution)
    # The way back up, as far as the viewer's scope reaches.
    node, chain = region, []
    while node is not None and (
        scope.region_prefix is not None and scope.contains_region(node.code)
    ):
        chain.append(node)
        if scope.region_prefix and code_prefix(node.code) == scope.region_prefix:
            break
        node = node.parent
    for node in reversed(chain):
        place.crumbs.append((node.name, q.url("dashboard", region=node.code, institution=None)))
    if institution is not None:
        place.crumbs.append((institution.name, q.url("dashboard")))
    return place


# Figures ---------------------------------------------------------------------------------


def _value(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def indicator_cards(q: Query, where: Where) -> list[dict]:
    """Each indicator's figure at the place, with the link to what it counts (a ratio: to
    its numerator's and denominator's records)."""
    cards = []
    for ind in INDICATORS.values():
        card = {"ind": ind, "value": _value(figure(ind.code, where, q.period))}
        if ind.ratio:
            card["parts"] = [
                (
                    INDICATORS[c].name,
                    _value(figure(c, where, q.period)),
                    q.url("figure_people", indicator=c),
                )
                for c in ind.ratio
            ]
        card["url"] = q.url("figure_people", indicator=ind.code)
        cards.append(card)
    return cards


def targets_of(place: Place, period: Period) -> list[Target]:
    """The place's own targets counted here whose period meets the chosen one."""
    rows = Target.objects.filter(
        indicator__in=list(INDICATORS), period_start__lte=period.end, period_end__gte=period.start
    )
    if place.institution is not None and place.region is None:
        rows = rows.filter(institution=place.institution)
    elif place.region is not None and place.institution is None:
        rows = rows.filter(region=place.region, institution__isnull=True)
    else:
        return []
    return list(rows.order_by("indicator", "period_start", "id"))


def _ratio_to_pace(actual: Decimal | None, expected: Decimal) -> str:
    if actual is None:
        return "none"
    if expected <= 0 or actual >= expected:
        return "ok"
    return "slow" if actual >= expected * SLOW else "behind"


def progress_rows(q: Query, place: Place, today: dt.date) -> list[dict]:
    rows = []
    for target in targets_of(place, q.period):
        p = progress_of(target, today=today)
        target_period = periods.span(target.period_start, target.period_end)
        rows.append(
            {
                "target": target,
                "p": p,
                "level": _ratio_to_pace(p.actual, p.expected),
                "expected_percent": (
                    (p.expected / target.value * 100).quantize(Decimal("0.1"))
                    if target.value
                    else None
                ),
                "url": q.url(
                    "figure_people", indicator=target.indicator, period=target_period.code
                ),
            }
        )
    return rows


def _region_target(place: Place, code: str, period: Period) -> Target | None:
    """The target the children's colours are measured against: the place's own target of
    the indicator that covers the chosen period (the shortest such), else the shortest that
    meets it."""
    found = [t for t in targets_of(place, period) if t.indicator == code]
    if not found:
        return None

    def key(t: Target) -> tuple[bool, int]:
        covers = t.period_start <= period.start and t.period_end >= period.end
        return (not covers, (t.period_end - t.period_start).days)

    return min(found, key=key)


@dataclass
class Child:
    name: str
    url: str  # its dashboard
    people_url: str
    value: Decimal | None = None
    key: object = None
    target: Target | None = None
    percent: Decimal | None = None
    level: str = "none"
    note: str = ""

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]


def _summed(code: str, where: Where, period: Period, prefixes: list[str]) -> dict[str, Decimal]:
    by_county = figures_by(code, "county", where, period)
    out = {p: Decimal(0) for p in prefixes}
    for county, value in by_county.items():
        for p in prefixes:
            if str(county).startswith(p):
                out[p] += value or 0
                break
    return out


def child_values(code: str, where: Where, period: Period, prefixes: list[str]) -> dict:
    """The indicator's figure of each child region (by its code prefix), from one grouped
    read of the counties; a ratio divides the children's sums, never sums ratios."""
    ind = indicator(code)
    if not ind.ratio:
        return _summed(code, where, period, prefixes)
    num = _summed(ind.ratio[0], where, period, prefixes)
    den = _summed(ind.ratio[1], where, period, prefixes)
    return {p: ((num[p] / den[p]).quantize(Decimal("0.01")) if den[p] else None) for p in prefixes}


def children_of(q: Query, place: Place, today: dt.date) -> tuple[str, list[Child]]:
    """The regions or schools one level down, with the chosen indicator's figure and their
    colour by progress. Returns the column's heading and the rows."""
    where, code = place.where, q.indicator.code
    children: list[Child] = []
    heading = ""
    if where.institution_id is None:
        if place.region is None:
            regions = list(Region.objects.current().filter(level=Level.PROVINCE))
            heading = "省（区）"
        elif place.region.level == Level.COUNTY:
            regions = []
        else:
            regions = list(place.region.children.current().order_by("code"))
            heading = "市" if place.region.level == Level.PROVINCE else "县（区）"
        if regions:
            prefixes = [code_prefix(r.code) for r in regions]
            values = child_values(code, where, q.period, prefixes)
            for r, p in zip(regions, prefixes, strict=True):
                children.append(
                    Child(
                        name=r.name,
                        key=r.code,
                        url=q.url("dashboard", region=r.code),
                        people_url=q.url("figure_people", region=r.code),
                        value=_value(values[p]),
                    )
                )
        elif place.region is not None:  # a county: its schools and institutions
            heading = "院校/机构"
            values = figures_by(code, "institution", where, q.period)
            names = dict(
                Institution.objects.filter(pk__in=[k for k in values if k]).values_list(
                    "pk", "name"
                )
            )
            for pk, value in sorted(values.items(), key=lambda kv: -(kv[1] or 0)):
                if pk is None:
                    continue  # records of no institution are in the county's figure only
                children.append(
                    Child(
                        name=names.get(pk, f"院校{pk}"),
                        key=pk,
                        url=q.url("dashboard", region=place.region.code, institution=pk),
                        people_url=q.url("figure_people", region=place.region.code, institution=pk),
                        value=_value(value),
                    )
                )
    elif not where.county:  # a school as a whole: the counties it trained in
        heading = "培训所在县（区）"
        values = figures_by(code, "county", where, q.period)
        names = dict(Region.objects.filter(code__in=list(values)).values_list("code", "name"))
        for county, value in sorted(values.items()):
            children.append(
                Child(
                    name=names.get(county, county),
                    key=county,
                    url=q.url("dashboard", region=county),
                    people_url=q.url("figure_people", region=county),
                    value=_value(value),
                )
            )
    colour(children, q, place, today)
    return heading, children


def colour(children: list[Child], q: Query, place: Place, today: dt.date) -> None:
    """Each child's colour: by its own split of the place's target where one was made
    (Target whose parent is the place's target), else by an even share of the pace the
    place's target expects by now; none without a target."""
    target = _region_target(place, q.indicator.code, q.period)
    if target is None or not children:
        return
    overall: Progress = progress_of(target, today=today)
    parts = {
        (t.region_id if t.institution_id is None else t.institution_id): t
        for t in target.parts.all()
    }
    target_period = periods.span(target.period_start, target.period_end)
    # A rate (a ratio, or so much per person) holds for each child as it does for the
    # place; a count is shared out evenly among the children.
    rate = target.kind == TargetKind.AT_LEAST_PER_PERSON or q.indicator.ratio is not None
    actuals: dict = {}
    if any(c.key not in parts for c in children):
        if isinstance(children[0].key, str) and place.where.institution_id is None:
            prefixes = [code_prefix(c.key) for c in children]
            found = child_values(q.indicator.code, place.where, target_period, prefixes)
            actuals = {c.key: found[code_prefix(c.key)] for c in children}
        else:
            by = "institution" if place.where.institution_id is None else "county"
            actuals = figures_by(q.indicator.code, by, place.where, target_period)
    share = Decimal(1) if rate else Decimal(1) / len(children)
    for c in children:
        part = parts.get(c.key)
        if part is not None:
            p = progress_of(part, today=today)
            c.target, c.percent = part, p.percent
            c.level = _ratio_to_pace(p.actual, p.expected)
            c.note = f"分解目标 {_value(part.value)}{part.unit}"
            continue
        actual = actuals.get(c.key)
        if actual is None and not rate:
            actual = Decimal(0)
        goal = target.value * share
        c.percent = (
            (actual / goal * 100).quantize(Decimal("0.1")) if goal and actual is not None else None
        )
        c.level = _ratio_to_pace(actual, target.value if rate else overall.expected * share)
        c.note = "按目标值" if rate else "按目标平均分配"


def trend(q: Query, where: Where) -> list[dict]:
    values = figures_by(q.indicator.code, "month", where, q.period)
    return [
        {
            "month": m,
            "label": f"{m.year}-{m.month:02d}",
            "value": _value(values.get(m, None if q.indicator.ratio else Decimal(0))),
            "url": q.url("figure_people", period=f"{m.year}-{m.month:02d}"),
        }
        for m in q.period.months()
    ]


def period_choices(chosen: Period, today: dt.date) -> list[tuple[str, list[Period]]]:
    """The periods offered: of this year, last year and the year chosen, by kind."""
    years = sorted({today.year, today.year - 1, chosen.start.year}, reverse=True)
    groups = []
    for y in years:
        options = [periods.year(y), periods.half(y, 1), periods.half(y, 2)]
        options += [periods.quarter(y, n) for n in range(1, 5)]
        options += [periods.month(y, m) for m in range(1, 13)]
        groups.append((f"{y}年", options))
    groups.append(("规划期", [periods.plan(2021, 2025), periods.plan(2026, 2030)]))
    return groups


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "figures.read")
    try:
        q = read_query(request)
    except BadQuery as exc:
        return _bad(request, str(exc))
    place = place_of(request.user, q)
    today = timezone.localdate()
    progress = progress_rows(q, place, today)
    heading, children = children_of(q, place, today)
    months = trend(q, place.where)
    chart = {
        "indicator": q.indicator.name,
        "unit": q.indicator.unit,
        "progress": [
            {
                "title": r["target"].title,
                "percent": _number(r["p"].percent),
                "expected": _number(r["expected_percent"]),
                "url": r["url"],
            }
            for r in progress
        ],
        "trend": {
            "months": [m["label"] for m in months],
            "values": [_number(m["value"]) for m in months],
            "urls": [m["url"] for m in months],
        },
        # The chart of the regions (or schools) one level down: the largest first, at most
        # CHART_CHILDREN of them; the table beneath lists every one.
        "children": [
            {"name": c.name, "value": _number(c.value), "level": c.level, "url": c.url}
            for c in sorted(children, key=lambda c: -(c.value or 0))[:CHART_CHILDREN]
        ],
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "q": q,
            "place": place,
            "cards": indicator_cards(q, place.where),
            "progress": progress,
            "children": children,
            "children_heading": heading,
            "months": months,
            "chart": chart,
            "chart_children_max": CHART_CHILDREN,
            "legend": LEGEND,
            "indicators": list(INDICATORS.values()),
            "period_groups": period_choices(q.period, today),
            "refreshed_at": refreshed_at(),
        },
    )


# The records behind a figure ------------------------------------------------------------


def _relation(path: str | None) -> str | None:
    """The relation a path's last step hangs on: person_id → person, x__county__code → x__county."""
    if not path:
        return None
    if path.endswith("_id") and "__" not in path[-4:]:
        return path[: -len("_id")]
    parts = path.split("__")
    return "__".join(parts[:-1]) or None


def _get(obj: object, path: str | None) -> object:
    if not path:
        return None
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def _day(value: object) -> object:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


def record_rows(ind: Indicator, records) -> object:  # noqa: ANN001
    """The records with what the list shows of them loaded in one query."""
    related = [r for r in (_relation(ind.person), _relation(ind.county)) if r]
    institution = _relation(ind.institution)
    if institution:
        related.append(institution)
    day_owner = "__".join(ind.day.split("__")[:-1])
    if day_owner:
        related.append(day_owner)
    return records.select_related(*related)


def describe(ind: Indicator, record: object, *, links: bool, scope: Scope) -> dict:
    """What the list shows of a record; `links`: whether the viewer opens ledger records
    (a person is linked only if they are in the viewer's scope too)."""
    person_path = _relation(ind.person)
    person = _get(record, person_path) if person_path else None
    day_owner = "__".join(ind.day.split("__")[:-1])
    subject = _get(record, day_owner) if day_owner else record
    institution = _get(record, _relation(ind.institution)) if ind.institution else None
    return {
        "person": person,
        "person_link": (links and person is not None and scope.contains_region(person.county_id)),
        "county": _get(record, _relation(ind.county)),
        "subject": str(subject) if subject is not None else "",
        "institution": institution,
        "day": _day(_get(record, ind.day)),
        "amount": _get(record, ind.amount) if ind.amount else None,
    }


def _columns(ind: Indicator) -> list[Column]:
    columns = []
    if ind.person:
        columns += [Column("姓名", 12), Column("身份证号", 22)]
    columns += [Column("县（区）", 14), Column("记录", 36), Column("院校/机构", 30)]
    columns.append(Column("日期", 12))
    if ind.amount:
        columns.append(Column(f"金额（{ind.unit}）", 14))
    return columns


def _export_row(ind: Indicator, row: dict) -> list[object]:
    out: list[object] = []
    if ind.person:
        person = row["person"]
        out += [person.name if person else "", person.id_masked if person else ""]
    out += [
        row["county"].name if row["county"] else "",
        row["subject"],
        row["institution"].name if row["institution"] else "",
        row["day"],
    ]
    if ind.amount:
        out.append(row["amount"])
    return out


@login_required
def figure_people(request: HttpRequest) -> HttpResponse:
    require(request.user, "figures.read")
    try:
        q = read_query(request)
    except BadQuery as exc:
        return _bad(request, str(exc))
    place = place_of(request.user, q)
    ind, where = q.indicator, place.where
    value = _value(figure(ind.code, where, q.period))
    context = {
        "q": q,
        "place": place,
        "ind": ind,
        "value": value,
        "dashboard_url": q.url("dashboard"),
        "refreshed_at": refreshed_at(),
    }
    if ind.ratio:
        context["parts"] = [
            (
                INDICATORS[c],
                _value(figure(c, where, q.period)),
                q.url("figure_people", indicator=c),
            )
            for c in ind.ratio
        ]
        return render(request, "reports/people_ratio.html", context)
    scope = Scope.of(request.user)
    links = sees_ledger(request.user)
    records = indicator_records(
        ind,
        region=where.prefix,
        start=q.period.start,
        end=q.period.end,
        institution_id=where.institution_id,
    )
    # The viewer's scope once more, on the records themselves: what a figure of theirs
    # counts is always in it, and nothing else may be listed whatever the query says.
    records = scope.filter(records, region=ind.county, institution=ind.institution or "")
    if request.GET.get("format") == "xlsx":
        rows = record_rows(ind, records).order_by("pk")
        return export_response(
            _columns(ind),
            (
                _export_row(ind, describe(ind, r, links=links, scope=scope))
                for r in rows.iterator(chunk_size=2000)
            ),
            filename=f"{ind.name}名单",
            title=export_title(
                f"{ind.name}名单",
                scope=place.label,
                filters=[q.period.label, f"共 {value}{ind.unit}"],
            ),
            actor=request.user,
            channel=Channel.PAGE,
            object_type=records.model,
            filters=q.params(),
        )
    page = keyset_page(
        record_rows(ind, records).order_by("-pk"),
        size=settings.SKILLAID_PAGE_SIZE,
        cursor=request.GET.get("cursor", ""),
        jump=request.GET.get("jump", ""),
        page=request.GET.get("page"),
    )
    total = None
    if ind.amount and page.count_exact:  # a long list's sum is the figure's, from Tally
        total = _value(Decimal(records.aggregate(v=Sum(ind.amount))["v"] or 0))
    context.update(
        {
            "page": page,
            "rows": [describe(ind, r, links=links, scope=scope) for r in page],
            "query": urlencode(q.params()),
            "export_url": q.url("figure_people") + "&format=xlsx",
            "listed": total if ind.amount else page.count,
            "listed_exact": page.count_exact,
            "has_person": bool(ind.person),
        }
    )
    return render(request, "reports/people.html", context)
