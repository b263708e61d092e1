"""Monthly monitoring (每月监测) of the assisted-household students of technical schools.

Which months need a record (decided here, once):
- A month is due for an enrolment when, on at least one day of it, the student was 在读
  (studying) and their household was assisted (脱贫户 or 监测户 by the household's category
  history, people.Household.category_on). "Any day", not "the 1st": a student who entered
  on 31 January was a student in January and gets a January check; a student who left
  (退学) on 10 March studied nine days of March, and the month they left is the month a
  check matters most (why they left, what help was tried), so March is due as well.
- A month spent wholly on 休学 (suspended) is not due: the student is away from the school
  and its staff cannot check on study. A record may still be saved for it.
- No month before the month of entry, and none after the month the enrolment ended.

On the list of a month M:
- missing: M is due and has no record;
- flagged twice running: the records of two consecutive months both record a difficulty,
  the later of them M, or M−1 while M is not yet recorded (so the list does not empty on
  the 1st of every month); December and January are consecutive;
- open difficulty: a record up to M recorded a difficulty and no later record up to M says
  it is resolved. A record that says resolved closes the difficulties before it; a
  difficulty it records itself stays open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import User, audit_changes
from skillaid.people.models import ASSISTED, Household

from .models import (
    LIVE_STATUSES,
    Help,
    MonthlyRecord,
    StudentEnrolment,
    StudentStatus,
)
from .selectors import student_enrolments_visible_to

Period = tuple[dt.date, dt.date | None]  # from, until (exclusive; None: still running)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def previous_month(month: dt.date) -> dt.date:
    return dt.date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)


def month_label(month: dt.date) -> str:
    """'2026年3月', as people write a month."""
    return f"{month.year}年{month.month}月"


def parse_month(text: object) -> dt.date | None:
    """'2026-03' (or a whole date) as the month's first day; None when it is no month."""
    text = str(text or "").strip()
    try:
        if len(text) == 7:
            return dt.date.fromisoformat(f"{text}-01")
        return month_start(dt.date.fromisoformat(text))
    except ValueError:
        return None


def status_periods(enrolment: StudentEnrolment) -> list[tuple[str, dt.date, dt.date | None]]:
    """(status, from, until) from entry on, read from `changes.all()` (prefetchable)."""
    periods: list[tuple[str, dt.date, dt.date | None]] = []
    status, since = StudentStatus.STUDYING.value, enrolment.entered_on
    for change in sorted(enrolment.changes.all(), key=lambda c: (c.on, c.pk)):
        on = max(change.on, enrolment.entered_on)
        if on > since:
            periods.append((status, since, on))
            since = on
        status = change.to_status
    periods.append((status, since, None))
    return periods


def _periods_of(
    periods: list[tuple[str, dt.date, dt.date | None]], statuses: tuple[str, ...]
) -> list[Period]:
    return [(start, end) for status, start, end in periods if status in statuses]


def assisted_periods(household: Household | None) -> list[Period]:
    """When the household was assisted, from its category history (`statuses.all()`,
    prefetchable). A household with no history at all counts by its present category
    since `category_since` (or always): older ledgers were imported without one."""
    if household is None:
        return []
    statuses = list(household.statuses.all())
    if not statuses:
        if household.category in ASSISTED:
            return [(household.category_since or dt.date.min, None)]
        return []
    return [(s.start, s.end) for s in statuses if s.category in ASSISTED]


def _overlap(a: Period, b: Period) -> Period | None:
    start = max(a[0], b[0])
    ends = [e for e in (a[1], b[1]) if e is not None]
    end = min(ends) if ends else None
    return (start, end) if end is None or start < end else None


def _meets(periods: list[Period], month: dt.date) -> list[Period]:
    window = (month, next_month(month))
    return [o for p in periods if (o := _overlap(p, window)) is not None]


def is_due(enrolment: StudentEnrolment, month: dt.date) -> bool:
    """Whether `month` needs a record (see the module's text): a day both 在读 and assisted."""
    studying = _meets(_periods_of(status_periods(enrolment), (StudentStatus.STUDYING,)), month)
    if not studying:
        return False
    assisted = assisted_periods(enrolment.person.household)
    return any(_overlap(s, a) is not None for s in studying for a in assisted)


def was_live(enrolment: StudentEnrolment, month: dt.date) -> bool:
    """Whether the enrolment was on the roll (在读 or 休学) on some day of `month`."""
    return bool(_meets(_periods_of(status_periods(enrolment), LIVE_STATUSES), month))


# Who may see which students' monitoring.


def monitored_enrolments_visible_to(user: User) -> QuerySet:
    """Enrolments whose monitoring a user reads: the enrolments the user may see
    (students.selectors), for those who may read the monitoring."""
    if not can(user, "monitoring.read"):
        return StudentEnrolment.objects.none()
    return student_enrolments_visible_to(user)


def monitored_enrolment_for(user: User, pk: object) -> StudentEnrolment:
    try:
        return (
            monitored_enrolments_visible_to(user)
            .select_related("person", "person__household", "school", "county")
            .prefetch_related("changes", "person__household__statuses")
            .get(pk=int(pk))
        )
    except (StudentEnrolment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该学生，或其不在您的管辖范围内") from exc


@dataclass
class MonitoringRow:
    enrolment: StudentEnrolment
    due: bool
    record: MonthlyRecord | None  # this month's
    flagged_twice: bool
    open_difficulty: MonthlyRecord | None  # the latest record whose difficulty is open

    @property
    def missing(self) -> bool:
        return self.due and self.record is None

    @property
    def person(self):  # noqa: ANN201
        return self.enrolment.person


@dataclass
class MonitoringList:
    month: dt.date
    rows: list[MonitoringRow] = field(default_factory=list)

    @property
    def missing(self) -> list[MonitoringRow]:
        return [r for r in self.rows if r.missing]

    @property
    def flagged_twice(self) -> list[MonitoringRow]:
        return [r for r in self.rows if r.flagged_twice]

    @property
    def open_difficulties(self) -> list[MonitoringRow]:
        return [r for r in self.rows if r.open_difficulty is not None]

    @property
    def due(self) -> list[MonitoringRow]:
        return [r for r in self.rows if r.due]


def _flagged_twice(records: dict[dt.date, MonthlyRecord], month: dt.date) -> bool:
    last = month if month in records else previous_month(month)
    before = previous_month(last)
    return (
        last in records and before in records and records[last].flagged and records[before].flagged
    )


def _open_difficulty(records: dict[dt.date, MonthlyRecord]) -> MonthlyRecord | None:
    """The latest record with a difficulty no later record has resolved (records up to M)."""
    resolved = max((m for m, r in records.items() if r.resolved), default=dt.date.min)
    open_ = [r for m, r in records.items() if m >= resolved and r.flagged]
    return max(open_, key=lambda r: r.month, default=None)


def monitoring_due(user: User, month: dt.date, *, school: int | None = None) -> MonitoringList:
    """The month's list for a school or a county: every student due this month, or with an
    open difficulty, or recorded this month; each marked missing, flagged twice running,
    or with an open difficulty. Three queries for a whole school (enrolments with their
    status changes and households' histories prefetched, then the records)."""
    month = month_start(month)
    after = next_month(month)
    enrolments = (
        monitored_enrolments_visible_to(user)
        .filter(entered_on__lt=after)
        # Live now, or ended during or after the month: the rest ended before it.
        .filter(Q(status__in=LIVE_STATUSES) | Q(status_since__gte=month))
        .select_related("person", "person__household", "school", "county")
        .prefetch_related("changes", "person__household__statuses")
        .order_by("school_id", "person__name_initials", "id")
    )
    if school is not None:
        enrolments = enrolments.filter(school_id=school)
    # The records are read by a subquery of the same enrolments, not a list of their ids: a
    # school of thousands would otherwise send thousands of parameters.
    records = MonthlyRecord.objects.filter(
        enrolment_id__in=enrolments.order_by().values("pk"), month__lte=month
    ).order_by("month")
    enrolments = list(enrolments)
    by_enrolment: dict[int, dict[dt.date, MonthlyRecord]] = {e.pk: {} for e in enrolments}
    for r in records:
        if r.enrolment_id in by_enrolment:  # not one enrolled since the list was read
            by_enrolment[r.enrolment_id][r.month] = r
    result = MonitoringList(month=month)
    for e in enrolments:
        recs = by_enrolment[e.pk]
        row = MonitoringRow(
            enrolment=e,
            due=is_due(e, month),
            record=recs.get(month),
            flagged_twice=_flagged_twice(recs, month),
            open_difficulty=_open_difficulty(recs),
        )
        if row.due or row.record is not None or row.open_difficulty is not None:
            result.rows.append(row)
    return result


@dataclass
class HistoryMonth:
    month: dt.date
    due: bool
    record: MonthlyRecord | None

    @property
    def missing(self) -> bool:
        return self.due and self.record is None


def monitoring_history(
    enrolment: StudentEnrolment, today: dt.date | None = None
) -> list[HistoryMonth]:
    """Every month from entry to this month (or to the month the enrolment ended), newest
    first, each with its record and whether it was due."""
    today = today or timezone.localdate()
    records = {r.month: r for r in enrolment.monthly_records.select_related("recorded_by")}
    labels = dict(Help.choices)
    for r in records.values():
        r.help_labels = [labels.get(h, h) for h in r.help_given]
    last = month_start(today)
    if not enrolment.live:
        last = min(last, month_start(enrolment.status_since))
    months = []
    month = month_start(enrolment.entered_on)
    while month <= last:
        months.append(HistoryMonth(month, is_due(enrolment, month), records.get(month)))
        month = next_month(month)
    # A record of a month outside that span (none should be): shown all the same.
    for m, r in records.items():
        if not any(h.month == m for h in months):
            months.append(HistoryMonth(m, False, r))
    return sorted(months, key=lambda h: h.month, reverse=True)


# The record.

FIELDS = (
    "grades",
    "attendance_rate",
    "study_difficulty",
    "living_difficulty",
    "help_given",
    "help_note",
    "resolved",
    "staff_name",
)
LIMITS = {
    "grades": (64, "学业成绩"),
    "study_difficulty": (255, "学习困难"),
    "living_difficulty": (255, "生活困难"),
    "help_note": (255, "帮扶情况"),
    "staff_name": (64, "监测人"),
}


def _clean_record(enrolment: StudentEnrolment, data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    for name, (limit, label) in LIMITS.items():
        value = str(data.get(name) or "").strip()
        if len(value) > limit:
            errors[name] = f"{label}不能超过{limit}个字"
        out[name] = value
    if not out["staff_name"]:
        out["staff_name"] = enrolment.staff_name
    rate = data.get("attendance_rate")
    if rate in (None, ""):
        out["attendance_rate"] = None
    else:
        try:
            value = Decimal(str(rate).strip().rstrip("%"))
        except InvalidOperation:
            errors["attendance_rate"] = f"出勤率“{rate}”不是数字（填0到100之间的百分数，如95.5）"
        else:
            if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
                errors["attendance_rate"] = f"出勤率 {rate} 不在0到100之间"
            else:
                out["attendance_rate"] = value.quantize(Decimal("0.1"))
    helps = data.get("help_given") or []
    if isinstance(helps, str):
        helps = [h for h in helps.replace("，", ",").split(",") if h.strip()]
    chosen = []
    for h in helps:
        h = str(h).strip()
        if h not in Help.values:
            names = "、".join(f"{v}（{label}）" for v, label in Help.choices)
            errors["help_given"] = f"帮扶措施“{h}”不在可选项中：{names}"
            break
        if h not in chosen:
            chosen.append(h)
    out["help_given"] = [h for h in Help.values if h in chosen]
    out["resolved"] = bool(data.get("resolved"))
    if errors:
        raise ValidationError(errors)
    return out


def monthly_record_save(
    *,
    actor: User,
    channel: str,
    enrolment: StudentEnrolment,
    month: dt.date,
    data: dict[str, Any],
) -> MonthlyRecord:
    """Save the month's record of one student: new, or this month's record changed (each
    change in the audit log). `month` is any day of it; it may not lie in the future nor
    before the month of entry, and the student must have been on the roll that month."""
    require(actor, "monitoring.record", enrolment)
    month = month_start(month)
    today = timezone.localdate()
    if month > month_start(today):
        raise ValidationError({"month": f"{month_label(month)}尚未到来，不能登记监测记录"})
    if month < month_start(enrolment.entered_on):
        raise ValidationError(
            {
                "month": f"{month_label(month)}早于该生入学（{enrolment.entered_on:%Y-%m-%d}），"
                "不能登记监测记录"
            }
        )
    if not was_live(enrolment, month):
        raise ValidationError(
            {
                "month": f"该生{month_label(month)}已不在籍（{enrolment.get_status_display()}，"
                f"{enrolment.status_since:%Y-%m-%d}起），不能登记监测记录"
            }
        )
    values = _clean_record(enrolment, data)
    with transaction.atomic():
        record = (
            MonthlyRecord.objects.select_for_update()
            .filter(enrolment=enrolment, month=month)
            .first()
        ) or MonthlyRecord(enrolment=enrolment, month=month)

        def stamp(changes: dict) -> None:
            record.recorded_by, record.recorded_at = actor, timezone.now()

        try:
            with transaction.atomic():
                audit_changes(
                    record,
                    {"month": month, **values},
                    actor=actor,
                    channel=channel,
                    person_id=enrolment.person_id,
                    prepare=stamp,
                )
        except IntegrityError as exc:
            raise ValidationError(
                {"month": f"{month_label(month)}的记录刚由他人保存，请刷新后在其基础上修改"}
            ) from exc
    return record
