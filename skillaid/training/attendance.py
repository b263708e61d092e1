"""Sign-in and sign-out: by the rotating code, by the teacher's hand, or by an attendance terminal.

Every way goes through `attendance_sign`, which refuses, records and reports
what must not count: a sign-in outside the session window, with an expired
code, by someone not on the roster, twice, or while signed into another session
at the same time in any class of any institution. Many trainees signing in from
one phone within minutes are recorded but flagged for review; the county bureau settles
each flag (`attendance_flag_settle`): confirmed, it counts; cleared, it does not.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import User, audit_changes
from skillaid.db import sqlite_writer
from skillaid.lib import idnumber, signcode
from skillaid.lib.names import same_name
from skillaid.people.models import Person, sealer

from .models import (
    Attendance,
    ClassSession,
    ClassStatus,
    Direction,
    FlagOutcome,
    Method,
    Refusal,
    RefusedAttendance,
)
from .signals import attendance_settled

# What a caller is told when the number typed is not someone on this class's roster: the
# same words whether the number is unknown, belongs to someone else's name or to someone
# in the ledger who is not on the roster, so that a refusal confirms nothing about a
# person outside the class (the refusal record keeps the true reason for the bureau).
NOT_ON_ROSTER_MESSAGE = "身份证号或姓名不正确，或不在本班花名册中"


class AttendanceRefused(Exception):
    def __init__(self, reason: Refusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message

    @property
    def public_reason(self) -> str:
        """The reason code a caller is given: unknown people are refused as not on the roster."""
        return Refusal.NOT_ON_ROSTER if self.reason == Refusal.UNKNOWN_PERSON else self.reason


def _key(session: ClassSession) -> str:
    return settings.SECRET_KEY + session.code_key


def current_code(session: ClassSession, at: float | None = None) -> tuple[str, int]:
    """The code to show now, and the seconds until it changes."""
    at = time.time() if at is None else at
    period = settings.SKILLAID_CODE_SECONDS
    return (
        signcode.code(_key(session), session.pk, signcode.window(at, period)),
        signcode.seconds_left(at, period),
    )


def window(
    session: ClassSession, method: str, direction: str = ""
) -> tuple[dt.datetime, dt.datetime]:
    """When a sign-in or sign-out is taken: sign-in from shortly before the start until the end,
    sign-out around the end, so that attending means being there at both ends. A teacher's
    mark by hand is taken from the sign-in opening until some hours after the end.
    Without a direction, the whole span in which either is taken."""
    early = dt.timedelta(minutes=settings.SKILLAID_SIGN_IN_EARLY_MINUTES)
    late = dt.timedelta(minutes=settings.SKILLAID_SIGN_OUT_LATE_MINUTES)
    if method == Method.MANUAL:
        return session.starts_at - early, session.ends_at + dt.timedelta(
            hours=settings.SKILLAID_MANUAL_MARK_HOURS
        )
    if direction == Direction.IN:
        return session.starts_at - early, session.ends_at
    if direction == Direction.OUT:
        return max(session.starts_at, session.ends_at - late), session.ends_at + late
    return session.starts_at - early, session.ends_at + late


def _local(at: dt.datetime) -> str:
    return f"{timezone.localtime(at):%m-%d %H:%M}"


def attendance_sign(
    *,
    session: ClassSession,
    direction: str,
    method: str,
    person: Person | None = None,
    id_number: str = "",
    name: str | None = None,
    code: str = "",
    by: User | None = None,
    device: str = "",
    ip: str | None = None,
    reason: str = "",
) -> Attendance:
    """One sign-in or sign-out, or AttendanceRefused (and the refusal kept) saying why not."""
    found: list[Person] = []
    try:
        try:
            with sqlite_writer(), transaction.atomic():
                return _sign(
                    session=session,
                    direction=direction,
                    method=method,
                    person=person,
                    id_number=id_number,
                    name=name,
                    code=code,
                    by=by,
                    device=device[:64],
                    ip=ip,
                    reason=reason,
                    found=found,
                )
        except IntegrityError as exc:
            # Two requests for the same sign-in raced; the database kept the first.
            label = Direction(direction).label if direction in Direction.values else direction
            raise AttendanceRefused(Refusal.TWICE, f"本课次已{label}，不能重复{label}") from exc
    except AttendanceRefused as exc:
        typed = ""
        if person is None:  # the number as typed, masked: all an officer is shown of it
            number, _ = idnumber.normalise(str(id_number or ""))
            typed = idnumber.mask(number)[:18] if number else ""
        if not found and exc.reason not in (Refusal.UNKNOWN_PERSON, Refusal.NOT_ON_ROSTER):
            # Refused before the person was looked up (too early, a stale code): who it was
            # is still kept, so that the class's pages can name a trainee of the class.
            if person is not None:
                found.append(person)
            else:
                _typed_person(id_number, name, found)
        RefusedAttendance.objects.create(
            session=session,
            person=found[0] if found else None,
            direction=direction if direction in Direction.values else Direction.IN,
            method=method,
            reason=exc.reason,
            message=exc.message[:255],
            id_masked=typed,
            device=device[:64],
            ip=ip,
        )
        raise


def _sign(
    *,
    session: ClassSession,
    direction: str,
    method: str,
    person: Person | None,
    id_number: str,
    name: str | None,
    code: str,
    by: User | None,
    device: str,
    ip: str | None,
    reason: str,
    found: list[Person],
) -> Attendance:
    if direction not in Direction.values:
        raise ValueError(f"unknown direction {direction!r}")
    label = Direction(direction).label
    now = timezone.now()
    c = session.training_class
    if c.status != ClassStatus.APPROVED:
        raise AttendanceRefused(
            Refusal.CLASS_NOT_RUNNING,
            f"培训班处于“{c.get_status_display()}”状态，不能{label}",
        )
    opens, closes = window(session, method, direction)
    if not opens <= now <= closes:
        raise AttendanceRefused(
            Refusal.OUTSIDE_WINDOW,
            f"本课次{label}时间为{_local(opens)}至{_local(closes)}，现在是{_local(now)}",
        )
    if method == Method.CODE and not signcode.matches(
        _key(session), session.pk, code, now.timestamp(), settings.SKILLAID_CODE_SECONDS
    ):
        raise AttendanceRefused(
            Refusal.EXPIRED_CODE, "签到码已过期或不正确，请输入屏幕上当前显示的签到码"
        )
    if method == Method.MANUAL and not reason.strip():
        raise ValueError("a manual mark needs a reason")
    if person is None:
        number, _ = idnumber.normalise(str(id_number or ""))
        # Under each key while a key rotation runs: the person may not be re-sealed yet.
        for key in sealer().indexes(number):
            facts = _facts(session, "p.id_index = %s", key)
            if facts is not None:
                break
        if facts is None or (name is not None and not same_name(name, facts.name)):
            raise AttendanceRefused(Refusal.UNKNOWN_PERSON, NOT_ON_ROSTER_MESSAGE)
        person = Person(pk=facts.person_id, name=facts.name)
    else:
        facts = _facts(session, "p.id = %s", person.pk)
    found.append(person)
    enrolment_id = facts.enrolment_id
    if enrolment_id is None:
        raise AttendanceRefused(Refusal.NOT_ON_ROSTER, NOT_ON_ROSTER_MESSAGE)
    signed = {
        d for d, on in ((Direction.IN, facts.signed_in), (Direction.OUT, facts.signed_out)) if on
    }
    if direction == Direction.OUT:
        if Direction.OUT in signed:
            raise AttendanceRefused(Refusal.TWICE, f"{person.name}本课次已签退，不能重复签退")
        if Direction.IN not in signed:
            raise AttendanceRefused(Refusal.NOT_SIGNED_IN, f"{person.name}本课次尚未签到，不能签退")
    else:
        if Direction.IN in signed:
            raise AttendanceRefused(Refusal.TWICE, f"{person.name}本课次已签到，不能重复签到")
        if facts.overlapping:
            overlapping = Attendance.objects.filter(
                person_id=person.pk,
                direction=Direction.IN,
                session__starts_at__lt=session.ends_at,
                session__ends_at__gt=session.starts_at,
            ).exclude(session_id=session.pk)
            s = overlapping.select_related("session__training_class")[0].session
            # Another institution's class is named only to its own officers: this one sees
            # the time that clashes, which is all the trainee needs to be told.
            where = (
                f"“{s.training_class.name}”"
                if s.training_class.institution_id == c.institution_id
                else "其他机构"
            )
            raise AttendanceRefused(
                Refusal.OVERLAP,
                f"{person.name}已在{where}{_local(s.starts_at)}至"
                f"{timezone.localtime(s.ends_at):%H:%M}的课次签到，同一时间不能参加两个课次",
            )
    record = Attendance.objects.create(
        session=session,
        enrolment_id=enrolment_id,
        person=person,
        direction=direction,
        at=now,
        method=method,
        by=by,
        device=device,
        ip=ip,
        reason=reason.strip()[:255],
        # A mark by hand is the institution's word alone: the county bureau checks it
        # before the trainee's subsidy is paid (the claim line waits for its finding).
        flag=f"教师补签（{reason.strip()[:200]}），请核查" if method == Method.MANUAL else "",
    )
    if method == Method.CODE and device and direction == Direction.IN:
        _flag_shared_device(record)
    return record


def _typed_person(id_number: str, name: str | None, found: list[Person]) -> None:
    """The person whose number (and name, if given) was typed, if the ledger has them."""
    number, _ = idnumber.normalise(str(id_number or ""))
    if not number:
        return
    match = Person.objects.with_id_number(number).only("pk", "name").first()
    if match is not None and (name is None or same_name(name, match.name)):
        found.append(match)


class Facts(NamedTuple):
    person_id: int
    name: str
    enrolment_id: int | None
    signed_in: bool
    signed_out: bool
    overlapping: bool


# Everything a sign-in is checked against, in one statement (after the person's row is
# locked on PostgreSQL, so that two sign-ins of theirs are checked one after the other): their
# place on the roster, what they have signed in this session, and whether they are
# signed into another session that overlaps it. Attendance terminals call this many
# times a second; as separate ORM queries it cost three times as much.
_FACTS = """
SELECT p.id, p.name,
  (SELECT e.id FROM training_enrolment e
    WHERE e.training_class_id = %(class)s AND e.person_id = p.id),
  EXISTS (SELECT 1 FROM training_attendance a
    WHERE a.session_id = %(session)s AND a.person_id = p.id AND a.direction = 'in'),
  EXISTS (SELECT 1 FROM training_attendance a
    WHERE a.session_id = %(session)s AND a.person_id = p.id AND a.direction = 'out'),
  EXISTS (SELECT 1 FROM training_attendance a
    JOIN training_classsession s ON s.id = a.session_id
    WHERE a.person_id = p.id AND a.direction = 'in' AND a.session_id <> %(session)s
      AND s.starts_at < %(ends)s AND s.ends_at > %(starts)s)
FROM people_person p WHERE {where}
"""


def _facts(session: ClassSession, where: str, value: object) -> Facts | None:
    params = {
        "class": session.training_class_id,
        "session": session.pk,
        "starts": connection.ops.adapt_datetimefield_value(session.starts_at),
        "ends": connection.ops.adapt_datetimefield_value(session.ends_at),
        "value": value,
    }
    where = where.replace("%s", "%(value)s")
    with connection.cursor() as cursor:
        if connection.features.has_select_for_update:
            # The person's row is locked by a statement of its own: a statement reads
            # what was committed when it began, so facts read by the statement that
            # waited for the lock would miss the sign-in of the transaction holding it.
            cursor.execute(f"SELECT p.id FROM people_person p WHERE {where} FOR UPDATE", params)
        cursor.execute(_FACTS.format(where=where), params)
        row = cursor.fetchone()
    if row is None:
        return None
    return Facts(row[0], row[1], row[2], bool(row[3]), bool(row[4]), bool(row[5]))


def _flag_shared_device(record: Attendance) -> None:
    """Several people signed in from one phone within minutes: keep them all, mark them for review."""
    since = record.at - dt.timedelta(minutes=settings.SKILLAID_DEVICE_FLAG_MINUTES)
    recent = Attendance.objects.filter(
        device=record.device, direction=Direction.IN, method=Method.CODE, at__gte=since
    )
    people = recent.values("person_id").distinct().count()
    if people >= settings.SKILLAID_DEVICE_FLAG_PEOPLE:
        note = f"同一设备{settings.SKILLAID_DEVICE_FLAG_MINUTES}分钟内为{people}名学员签到，请核查"
        recent.filter(flag="").update(flag=note)
        record.flag = note


@transaction.atomic
def attendance_flag_settle(
    *, actor: User, record: Attendance, outcome: str, reason: str, channel: str = "page"
) -> Attendance:
    """The county bureau's finding on a flagged sign-in: confirmed (it counts as attended)
    or cleared (it does not), with the reason, once; logged."""
    r = (
        Attendance.objects.select_for_update(of=("self",))
        .select_related("session__training_class", "person")
        .get(pk=record.pk)
    )
    require(actor, "attendance.settle", r)
    where = f"{r.person.name}{timezone.localtime(r.at):%m-%d %H:%M}的{r.get_direction_display()}"
    if not r.flag:
        raise ValidationError(f"{where}未被标记为待核查，无需核查")
    if r.flag_outcome:
        raise ValidationError(
            f"{where}已于{_local(r.flag_settled_at)}核查为“{r.get_flag_outcome_display()}”，"
            "不能再次核查"
        )
    if outcome not in (FlagOutcome.CONFIRMED, FlagOutcome.CLEARED):
        raise ValidationError({"outcome": "核查结论应为“核查属实”或“核查不属实”"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": f"核查{where}须填写核查说明"})
    audit_changes(
        r,
        {
            "flag_outcome": outcome,
            "flag_reason": reason[:255],
            "flag_settled_at": timezone.now(),
            "flag_settled_by": actor,
        },
        actor=actor,
        channel=channel,
        note=f"核查待核查签到：{FlagOutcome(outcome).label}；{reason[:200]}",
        person_id=r.person_id,
    )
    attendance_settled.send(Attendance, record=r, actor=actor, channel=channel)
    return r
