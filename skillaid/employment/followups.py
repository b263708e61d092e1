"""Follow-ups (就业回访): the three-month clock, opening them, recording them, the work list.

003 三（五）: the public employment services follow up within three months of each
referral, each training completion and each graduation without a job, and keep the
employment information current. The period is the rule `gx-limit-followup-months` of the
seeker's county (a region without it has no period: nothing is opened on a guess, and the
work list says so).

- `followup_due_on(start, months)`: `months` calendar months after `start`, clamped to
  the end of a shorter month (30 Nov + 3 → 28 Feb, or 29 Feb in a leap year).
- `followup_open(...)`: one follow-up per cause (a referral, a roster line completed, a
  graduation); opening it again returns the one there is.
- `followup_record(...)`: a clerk's return visit: it records the seeker's status (the
  seeker's own service, `status_record`) and closes the follow-up; the seeker's other
  open follow-ups started by that day are closed with it (one visit confirms the status
  they all ask for, so the clerk does not call the same person again for each).
- `followups_due(user, *, on)`: the work list in the user's scope: overdue, due this week
  (Monday to Sunday of `on`'s ISO week) and later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.accounts.scope import Scope
from skillaid.lib.dates import add_months
from skillaid.subsidies.rules import rule_in_force

from .models import ConfirmedBy, EmploymentStatus, FollowUp, FollowUpCause, Seeker
from .seekers import status_record

RULE = "gx-limit-followup-months"


def followup_months(county: object, on: dt.date):  # noqa: ANN201 - (int | None, rule | None)
    """The follow-up period in months for `county` on `on`, and the rule version that sets
    it; (None, None) where no rule is in force (the pages say no rule is set)."""
    rule = rule_in_force(RULE, county, on)
    if rule is None or rule.limit_value is None:
        return None, rule
    return int(rule.limit_value), rule


def followup_due_on(start: dt.date, months: int) -> dt.date:
    """The day a follow-up started on `start` is due: `months` calendar months later,
    clamped to the month's end (2026-11-30 + 3 → 2027-02-28; 2027-11-30 + 3 → 2028-02-29)."""
    if months < 1:
        raise ValueError(f"a follow-up period of {months} months")
    return add_months(start, months)


CAUSE_LINK = {
    FollowUpCause.REFERRAL: "referral",
    FollowUpCause.TRAINING: "training_enrolment",
    FollowUpCause.GRADUATION: "student_enrolment",
}


@transaction.atomic
def followup_open(
    *,
    seeker: Seeker,
    cause: str,
    started_on: dt.date,
    referral=None,  # noqa: ANN001 - employment.Referral
    training_enrolment=None,  # noqa: ANN001 - training.Enrolment
    student_enrolment=None,  # noqa: ANN001 - students.StudentEnrolment
) -> FollowUp | None:
    """The follow-up of `cause` (the referral, the roster line or the graduated enrolment
    named), opened if there is none yet; None where the seeker's county has no follow-up
    rule on `started_on` (nothing is due on a guessed period)."""
    links = {
        "referral": referral,
        "training_enrolment": training_enrolment,
        "student_enrolment": student_enrolment,
    }
    field = CAUSE_LINK[FollowUpCause(cause)]
    if links[field] is None or any(v is not None for k, v in links.items() if k != field):
        raise ValueError(f"a {cause} follow-up names its {field} and nothing else")
    existing = FollowUp.objects.filter(**{field: links[field]}).first()
    if existing is not None:
        return existing
    months, _ = followup_months(seeker.county_id, started_on)
    if months is None:
        return None
    followup, _ = FollowUp.objects.get_or_create(
        **{field: links[field]},
        defaults={
            "seeker": seeker,
            "county_id": seeker.county_id,
            "cause": cause,
            "started_on": started_on,
            "due_on": followup_due_on(started_on, months),
        },
    )
    return followup


@transaction.atomic
def followup_record(
    *,
    actor: User,
    channel: str,
    followup: FollowUp,
    on: dt.date | None,
    method: str,
    status: str,
    employer_name: str = "",
    workplace=None,  # noqa: ANN001 - regions.Region or None
    note: str = "",
) -> FollowUp:
    """Record a return visit: the seeker's status as found on `on` and how it was
    confirmed; the follow-up (and the seeker's other open ones started by `on`) is done."""
    followup = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("seeker")
        .get(pk=followup.pk)
    )
    seeker = followup.seeker
    require(actor, "seeker.edit", seeker)
    errors: dict[str, str] = {}
    if followup.done_on is not None:
        raise ValidationError(f"该回访已于{followup.done_on:%Y-%m-%d}完成，不能重复登记")
    if on is None:
        errors["on"] = "请填写回访日期"
    elif on < followup.started_on:
        errors["on"] = f"回访日期{on:%Y-%m-%d}早于起算日期{followup.started_on:%Y-%m-%d}"
    elif on > timezone.localdate():
        errors["on"] = f"回访日期{on:%Y-%m-%d}晚于今天"
    if method not in ConfirmedBy.values:
        errors["method"] = f"请选择回访方式（{'、'.join(ConfirmedBy.labels)}）"
    if status not in EmploymentStatus.values or status == EmploymentStatus.UNKNOWN:
        labels = [s.label for s in EmploymentStatus if s != EmploymentStatus.UNKNOWN]
        errors["status"] = f"请选择回访时的就业状态（{'、'.join(labels)}）"
    if errors:
        raise ValidationError(errors)
    note = " ".join(str(note or "").split())[:255]
    record = status_record(
        actor=actor,
        channel=channel,
        seeker=seeker,
        status=status,
        confirmed_on=on,
        confirmed_by=method,
        employer_name=employer_name,
        workplace=workplace,
        note=note or f"{FollowUpCause(followup.cause).label}",
        check=False,
    )
    others = list(
        FollowUp.objects.select_for_update()
        .filter(seeker=seeker, done_on__isnull=True, started_on__lte=on)
        .exclude(pk=followup.pk)
        .values_list("pk", flat=True)
    )
    for row in [followup, *FollowUp.objects.filter(pk__in=others)]:
        row.done_on, row.method, row.status_record, row.done_by = on, method, record, actor
        row.note = note if row.pk == followup.pk else f"随{followup.get_cause_display()}一并回访"
        row.save(update_fields=["done_on", "method", "status_record", "done_by", "note"])
        audit(
            actor=actor,
            channel=channel,
            action=Action.UPDATE,
            object_type=row,
            person_id=seeker.person_id,
            changes={
                "done_on": str(on),
                "method": method,
                "status": status,
                "employer_name": record.employer_name,
            },
            note=f"就业回访（{row.get_cause_display()}）：{EmploymentStatus(status).label}",
        )
    followup.refresh_from_db()
    return followup


# --- the work list -----------------------------------------------------------------------


def followups_visible_to(user: User) -> QuerySet[FollowUp]:
    """Follow-ups of the seekers of the user's regions (a bureau's); nothing for others."""
    return Scope.of(user).filter(FollowUp.objects.all(), region="county__code")


def followup_for(user: User, pk: object) -> FollowUp:
    """One follow-up in the user's scope, or 404 (the same answer as a missing one)."""
    try:
        return (
            followups_visible_to(user)
            .select_related("seeker__person", "county", "referral__employer", "status_record")
            .get(pk=int(str(pk)))
        )
    except (ValueError, OverflowError, FollowUp.DoesNotExist):
        raise Http404("没有这条回访记录") from None


GROUPS = {"overdue": "已逾期", "week": "本周到期", "later": "以后"}


def week_of(on: dt.date) -> tuple[dt.date, dt.date]:
    """Monday and Sunday of `on`'s ISO week."""
    monday = on - dt.timedelta(days=on.weekday())
    return monday, monday + dt.timedelta(days=6)


@dataclass
class WorkList:
    """The open follow-ups in scope, in three groups, each by due date (priority seekers,
    technical-school graduates of assisted households, first within a day)."""

    on: dt.date
    overdue: QuerySet[FollowUp]
    week: QuerySet[FollowUp]
    later: QuerySet[FollowUp]

    def group(self, name: str) -> QuerySet[FollowUp]:
        return getattr(self, name)

    def counts(self) -> dict[str, int]:
        return {name: self.group(name).count() for name in GROUPS}


def followups_due(user: User, *, on: dt.date) -> WorkList:
    """The user's work list on `on`: open follow-ups overdue (due before `on`), due this
    week (from `on` to Sunday) and later."""
    _, sunday = week_of(on)
    rows = (
        followups_visible_to(user)
        .filter(done_on__isnull=True)
        .select_related("seeker__person", "county")
        .order_by("due_on", "-seeker__priority", "id")
    )
    return WorkList(
        on=on,
        overdue=rows.filter(due_on__lt=on),
        week=rows.filter(due_on__gte=on, due_on__lte=sunday),
        later=rows.filter(due_on__gt=sunday),
    )


def followups_of(seeker: Seeker) -> QuerySet[FollowUp]:
    """A seeker's follow-ups, open ones first, then done ones latest first."""
    return (
        FollowUp.objects.filter(seeker=seeker)
        .select_related("status_record", "done_by", "referral__employer")
        .order_by(F("done_on").desc(nulls_first=True), "due_on", "id")
    )
