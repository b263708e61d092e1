"""The funnel from training to work (培训就业情况), and the employment rate three months after
completion (what a reviewer judges an institution by).

What is counted, precisely:

- The rows are **roster lines completed** (training.Enrolment with completion 结业) of
  classes whose last day (`end_on`) lies in the period asked for. A trainee who completed
  two classes in the period is counted once for each: every figure is about a completion.
- **Scope.** A school officer sees the lines of their own institution's classes. A bureau
  sees the lines of the trainees whose county (the person's, in the ledger) lies in its
  regions: the county that registers, refers and follows up its own people answers for
  them, wherever the class was held. The province and the administrator see all.
- **Trained** (培训结业): every such line.
- **Referred** (已推荐): the trainee has a referral (岗位推荐) dated on or after the class's
  last day.
- **Hired** (已就业): on or after the class's last day, a referral of theirs came to 已录用,
  or a placement (就业登记) of theirs starts, or a status of work (县内、区内县外、区外就业,
  自主创业/灵活就业) was confirmed. Not only the referred: a trainee who found work on their
  own counts.
- **Still employed at three months** (三个月后仍在岗), on the measure day D = the class's
  last day + 3 calendar months (clamped to a shorter month's end, as the follow-up clock
  is): a placement of theirs covers D (started on or before D, not left on or before D,
  its contract not ended before D), or the latest status confirmed within D − 31 days to
  D + 31 days is one of work. Nobody's status is guessed: without a confirmation near D
  or a placement covering it, a trainee is not counted.
- **Measured** (已满三个月): the lines whose D is on or before the day asked (`on`, today);
  the **employment rate three months after completion** is still employed ÷ measured, and
  is shown only for classes whose D has passed (per class, and per institution over those
  classes).

Everything is counted in the database by one grouped query (correlated EXISTS and a
subquery per line, over indexed foreign keys): no loop over people. The day D of each
line comes from a CASE over the distinct last days of the classes in the period (one
short query), so the calendar-month arithmetic stays exact on SQLite and PostgreSQL.
The drill-down (`funnel_people`) filters the same annotated rows, so it lists exactly the
lines counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from skillaid.accounts.capabilities import can
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.lib.dates import add_months
from skillaid.lib.ints import parse_id
from skillaid.training.models import Completion, Enrolment

from .models import EMPLOYED, Placement, Referral, ReferralOutcome, StatusRecord

# The measure's own definition (three months after completion, as the issue and the
# seeds' follow-up promise name it); the follow-up period of a region is its rule.
MONTHS = 3
WINDOW = dt.timedelta(days=31)
# The longest period asked at once: each distinct class end in it is a branch of the CASE
# that gives each line its measure day.
MAX_PERIOD = dt.timedelta(days=5 * 366)
LEAF = 4

FIGURES = {
    "trained": "培训结业",
    "referred": "已推荐岗位",
    "hired": "已就业",
    "still": "三个月后仍在岗",
}
# What the "still" figure is out of.
MEASURED = "measured"

# Grouping: the key of a row, and what is shown of it.
GROUPINGS: dict[str, tuple[str, str]] = {
    "county": ("person__county_id", "person__county__name"),
    "school": ("training_class__institution_id", "training_class__institution__name"),
    "class": ("training_class_id", "training_class__name"),
    "occupation": ("training_class__occupation_id", "training_class__occupation__name"),
}
GROUPING_LABELS = {
    "county": "按县（区）",
    "school": "按院校/机构",
    "class": "按培训班",
    "occupation": "按职业（工种）",
}


@contextmanager
def without_jit() -> Iterator[None]:
    """Run the funnel's queries with PostgreSQL's JIT compiler off, for this transaction
    only: it compiles a query it estimates as costly, and compiling these (a CASE and a few
    subqueries per line) took 40 s at 100,000 lines where running them took under one."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        yield


def measure_day(end_on: dt.date) -> dt.date:
    """The day a completion is measured at: three calendar months after the class's end."""
    return add_months(end_on, MONTHS)


def measured_until(on: dt.date) -> dt.date:
    """The latest class end whose measure day is on or before `on`."""
    day = add_months(on, -MONTHS)
    while measure_day(day + dt.timedelta(days=1)) <= on:
        day += dt.timedelta(days=1)
    while measure_day(day) > on:
        day -= dt.timedelta(days=1)
    return day


@dataclass
class FunnelFilters:
    """What the funnel is asked: the grouping, the period of class ends, and (for the
    drill-down) one group's key and one figure."""

    by: str = "county"
    start: dt.date | None = None
    until: dt.date | None = None
    key: str = ""
    figure: str = "trained"
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, data, *, on: dt.date | None = None) -> FunnelFilters:  # noqa: ANN001
        today = on or timezone.localdate()
        errors: dict[str, str] = {}
        by = str(data.get("by") or "county")
        if by not in GROUPINGS:
            errors["by"] = f"分组方式应为{'、'.join(GROUPING_LABELS.values())}之一"
            by = "county"
        dates = {}
        for name, label, default in (
            ("from", "结业日期起", dt.date(today.year, 1, 1)),
            ("until", "结业日期止", today),
        ):
            raw = str(data.get(name) or "").strip()
            try:
                dates[name] = dt.date.fromisoformat(raw) if raw else default
            except ValueError:
                errors[name] = f"{label}“{raw}”不是日期（应为YYYY-MM-DD）"
                dates[name] = default
        if dates["until"] - dates["from"] > MAX_PERIOD:
            errors["from"] = "结业日期的期间不能超过5年，请分段查询"
            dates["from"] = dates["until"] - MAX_PERIOD
        if dates["until"] < dates["from"]:
            errors["until"] = "结业日期止不能早于结业日期起"
            dates["until"] = dates["from"]
        figure = str(data.get("figure") or "trained")
        if figure not in FIGURES and figure != MEASURED:
            errors["figure"] = f"人数类别应为{'、'.join(FIGURES.values())}之一"
            figure = "trained"
        return cls(
            by=by,
            start=dates["from"],
            until=dates["until"],
            key=str(data.get("key") or "").strip()[:32],
            figure=figure,
            errors=errors,
        )

    def query(self, **extra: str) -> dict[str, str]:
        """The filters as URL parameters (the drill-down links carry them)."""
        return {
            "by": self.by,
            "from": self.start.isoformat() if self.start else "",
            "until": self.until.isoformat() if self.until else "",
            **extra,
        }


def funnel_lines(
    user: User, *, start: dt.date, until: dt.date, on: dt.date | None = None
) -> QuerySet[Enrolment]:
    """The completed roster lines in the user's scope with a last day in [start, until],
    each annotated with `referred`, `hired`, `measured` and `still` (booleans)."""
    if not can(user, "funnel.read"):
        return Enrolment.objects.none()
    rows = Enrolment.objects.filter(
        completion=Completion.COMPLETED,
        training_class__end_on__gte=start,
        training_class__end_on__lte=until,
    )
    rows = Scope.of(user).filter(
        rows, region="person__county__code", institution="training_class__institution_id"
    )
    return _annotated(rows, on or timezone.localdate())


def counted_lines(figure: str, *, on: dt.date | None = None) -> QuerySet[Enrolment]:
    """Every completed roster line (no scope, any class end) counted in `figure` on the day
    `on` (today): 'still' (三个月后仍在岗) or 'measured' (已满三个月), by the definitions
    above. The reports' indicators of employment three months after training read these,
    so that there is one definition of the measure."""
    if figure not in ("still", MEASURED):
        raise ValueError(f"没有“{figure}”这一人数类别")
    rows = Enrolment.objects.filter(completion=Completion.COMPLETED)
    day = on or timezone.localdate()
    rows = rows.filter(training_class__end_on__lte=measured_until(day))
    return _annotated(rows, day).filter(**{figure: True})


def _annotated(rows: QuerySet[Enrolment], day: dt.date) -> QuerySet[Enrolment]:
    ends = sorted(set(rows.order_by().values_list("training_class__end_on", flat=True).distinct()))

    def by_end(offset: dt.timedelta, part: list[dt.date] | None = None) -> Case | Value:
        # A balanced tree of CASEs: a line finds its class end in about log2(n) comparisons
        # rather than n/2 (a flat CASE over a year's ends cost seconds at 100,000 lines).
        part = ends if part is None else part
        if not part:
            return Value(None, output_field=DateField())
        if len(part) <= LEAF:
            return Case(
                *[
                    When(training_class__end_on=e, then=Value(measure_day(e) + offset))
                    for e in part
                ],
                output_field=DateField(),
            )
        mid = len(part) // 2
        return Case(
            When(training_class__end_on__lt=part[mid], then=by_end(offset, part[:mid])),
            default=by_end(offset, part[mid:]),
            output_field=DateField(),
        )

    person = OuterRef("person_id")
    end = OuterRef("training_class__end_on")
    referrals = Referral.objects.filter(seeker__person_id=person, referred_on__gte=end)
    hired = (
        Exists(referrals.filter(outcome=ReferralOutcome.HIRED))
        | Exists(Placement.objects.filter(seeker__person_id=person, contract_start__gte=end))
        | Exists(
            StatusRecord.objects.filter(
                seeker__person_id=person, status__in=sorted(EMPLOYED), confirmed_on__gte=end
            )
        )
    )
    covering = Placement.objects.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=OuterRef("measure_on")),
        Q(open_ended=True) | Q(contract_end__gte=OuterRef("measure_on")),
        seeker__person_id=person,
        contract_start__lte=OuterRef("measure_on"),
    )
    latest = (
        StatusRecord.objects.filter(
            seeker__person_id=person,
            confirmed_on__gte=OuterRef("measure_from"),
            confirmed_on__lte=OuterRef("measure_until"),
        )
        .order_by("-confirmed_on", "-id")
        .values("status")[:1]
    )
    cutoff = measured_until(day)
    return rows.annotate(
        measure_on=by_end(dt.timedelta(0)),
        measure_from=by_end(-WINDOW),
        measure_until=by_end(WINDOW),
        referred=Exists(referrals),
        hired=hired,
        measured=Case(
            When(training_class__end_on__lte=cutoff, then=Value(True)),
            default=Value(False),
        ),
        latest_status=Subquery(latest),
    ).annotate(
        still=Case(
            When(
                Q(training_class__end_on__lte=cutoff)
                & (Exists(covering) | Q(latest_status__in=sorted(EMPLOYED))),
                then=Value(True),
            ),
            default=Value(False),
        )
    )


def _rate(still: int, measured: int) -> Decimal | None:
    if not measured:
        return None
    return (Decimal(still) * 100 / Decimal(measured)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass
class FunnelRow:
    key: str
    label: str
    trained: int
    referred: int
    hired: int
    measured: int
    still: int
    school: str = ""
    end_on: dt.date | None = None

    @property
    def rate(self) -> Decimal | None:
        """Still employed ÷ measured, in per cent (None while nothing is measured)."""
        return _rate(self.still, self.measured)


def _grouped(rows: QuerySet[Enrolment], by: str) -> list[FunnelRow]:
    key, label = GROUPINGS[by]
    extra = ["training_class__institution__name", "training_class__end_on"] if by == "class" else []
    grouped = (
        rows.values(key, label, *extra)
        .annotate(
            n_trained=Count("id"),
            n_referred=Count("id", filter=Q(referred=True)),
            n_hired=Count("id", filter=Q(hired=True)),
            n_measured=Count("id", filter=Q(measured=True)),
            n_still=Count("id", filter=Q(still=True)),
        )
        .order_by(label, key)
    )
    return [
        FunnelRow(
            key=str(g[key]),
            label=g[label] or "—",
            trained=g["n_trained"],
            referred=g["n_referred"],
            hired=g["n_hired"],
            measured=g["n_measured"],
            still=g["n_still"],
            school=g.get("training_class__institution__name") or "",
            end_on=g.get("training_class__end_on"),
        )
        for g in grouped
    ]


def funnel(user: User, *, filters: FunnelFilters, on: dt.date | None = None) -> list[FunnelRow]:
    """The four figures (and the measured count) per group of `filters.by`."""
    rows = funnel_lines(user, start=filters.start, until=filters.until, on=on)
    with without_jit():
        return _grouped(rows, filters.by)


def funnel_total(groups: list[FunnelRow]) -> FunnelRow:
    return FunnelRow(
        key="",
        label="合计",
        trained=sum(g.trained for g in groups),
        referred=sum(g.referred for g in groups),
        hired=sum(g.hired for g in groups),
        measured=sum(g.measured for g in groups),
        still=sum(g.still for g in groups),
    )


def funnel_people(
    user: User, *, filters: FunnelFilters, on: dt.date | None = None
) -> QuerySet[Enrolment]:
    """The roster lines behind one figure: those of group `filters.key` (all groups when
    empty) counted in `filters.figure`. Read them inside `without_jit()`."""
    rows = funnel_lines(user, start=filters.start, until=filters.until, on=on)
    if filters.key:
        key, _ = GROUPINGS[filters.by]
        value: object = filters.key
        if key.endswith("_id") and key != "person__county_id":
            # A school, class or occupation by its id: anything else is no group at all.
            value = parse_id(filters.key)
            if value is None:
                return rows.none()
        rows = rows.filter(**{key: value})
    if filters.figure != "trained":
        rows = rows.filter(**{filters.figure: True})
    return rows.select_related(
        "person__county", "training_class__institution", "training_class__occupation"
    ).order_by("training_class__end_on", "training_class_id", "id")


@dataclass
class Rates:
    """Employment rates three months after completion, per class and per institution,
    over the classes whose measure day has passed."""

    cutoff: dt.date
    classes: list[FunnelRow]
    institutions: list[FunnelRow]


def employment_rates(user: User, *, filters: FunnelFilters, on: dt.date | None = None) -> Rates:
    day = on or timezone.localdate()
    cutoff = measured_until(day)
    until = min(filters.until, cutoff)
    if until < filters.start:
        return Rates(cutoff=cutoff, classes=[], institutions=[])
    rows = funnel_lines(user, start=filters.start, until=until, on=day)
    with without_jit():
        return Rates(
            cutoff=cutoff,
            classes=_grouped(rows, "class"),
            institutions=_grouped(rows, "school"),
        )
