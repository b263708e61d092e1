"""A person's lifelong training record (终身职业技能培训电子档案): every step in time order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Q
from django.http import HttpResponse
from django.utils import timezone

from skillaid.accounts.exports import Column, export_response, export_title
from skillaid.accounts.models import AuditEntry, User
from skillaid.people.models import Person
from skillaid.training.classes import rate, sessions_attended
from skillaid.training.models import Attendance, ClassSession, ClassStatus, Completion, Enrolment


@dataclass(frozen=True)
class Event:
    on: dt.date
    kind: str
    what: str
    where: str
    result: str


# What the apps above this one add to the record (subsidies: claims and payments), each a
# plain function of the person registered from its AppConfig.ready().
_PROVIDERS: list[Callable[[Person], list[Event]]] = []


def record_events_register(provider: Callable[[Person], list[Event]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def lifelong_record(person: Person) -> list[Event]:
    events: list[Event] = []
    for provider in _PROVIDERS:
        events += provider(person)
    surveys = set()
    for entry in AuditEntry.objects.filter(person_id=person.pk):
        change = entry.changes.get("surveyed_on") if isinstance(entry.changes, dict) else None
        if change and change[1]:
            surveys.add(change[1])
    if person.surveyed_on:
        surveys.add(person.surveyed_on.isoformat())
    answers = (
        (f"培训（{person.training_occupations or '工种未定'}）", "培训", person.wants_training),
        ("就读技工院校", "就读技工院校", person.wants_school),
        ("就业", "就业", person.wants_job),
    )
    # An intent the survey could not read as yes or no (None) is 未知, never taken for 否.
    yes = "、".join(label for label, _, on in answers if on)
    unknown = "、".join(noun for _, noun, on in answers if on is None)
    intents = "；".join(part for part in (yes, f"{unknown}意愿未知" if unknown else "") if part)
    for day in sorted(surveys):
        events.append(
            Event(
                dt.date.fromisoformat(day[:10]),
                "台账调查",
                intents or "无意愿",
                person.county.name,
                "",
            )
        )
    # Only classes that ran: approved with their first session begun, or closed (a class
    # closes after its last session); a draft, a declaration refused or still waiting, or an
    # approved class not yet started is no training attended.
    ran = Q(training_class__status=ClassStatus.CLOSED) | Q(
        training_class__status=ClassStatus.APPROVED,
        training_class__sessions__starts_at__lte=timezone.now(),
    )
    enrolments = (
        Enrolment.objects.filter(ran, person=person)
        .distinct()
        .select_related("training_class__institution", "training_class__occupation")
    )
    # Two queries for all the person's classes: sessions held, and those they attended.
    held = dict(
        ClassSession.objects.filter(training_class__enrolments__person=person)
        .values_list("training_class_id")
        .annotate(n=Count("id"))
    )
    attended = sessions_attended(Attendance.objects.filter(person=person))
    for e in enrolments:
        c = e.training_class
        total = held.get(c.pk, 0)
        share = rate(attended.get(e.pk, 0), total)
        events.append(
            Event(
                c.start_on,
                "参加培训",
                f"{c.name}（{c.occupation.name}·{c.get_level_display()}，{c.get_training_kind_display()}）",
                c.institution.name,
                f"出勤{attended.get(e.pk, 0)}/{total}课次（{share}%）",
            )
        )
        if e.completion != Completion.PENDING and e.completed_at:
            result = e.get_completion_display()
            if e.score is not None:
                result += f"，成绩{e.score}"
            if e.passed is not None:
                result += "，考核合格" if e.passed else "，考核不合格"
            events.append(
                Event(
                    timezone.localtime(e.completed_at).date(),
                    "结业",
                    c.name,
                    c.institution.name,
                    result,
                )
            )
    for cert in person.certificates.all():
        events.append(
            Event(
                cert.issued_on,
                "取得证书",
                f"{cert.get_kind_display()} {cert.number}（{cert.occupation_name}·{cert.get_level_display()}）",
                cert.issuer,
                "有效" if cert.is_valid else f"已于{cert.revoked_on:%Y-%m-%d}注销",
            )
        )
    return sorted(events, key=lambda ev: ev.on)


RECORD_COLUMNS = [
    Column("日期", 12),
    Column("事项", 12),
    Column("内容", 50),
    Column("机构/地点", 28),
    Column("结果", 28),
]


def record_export(person: Person, *, actor: User, channel: str) -> HttpResponse:
    """The record as an .xlsx through the export function, which logs it against the person."""
    title = export_title(
        "终身职业技能培训电子档案",
        scope=f"{person.name}（{person.id_masked}，{person.county.name}）",
    )
    return export_response(
        RECORD_COLUMNS,
        ([ev.on, ev.kind, ev.what, ev.where, ev.result] for ev in lifelong_record(person)),
        filename=f"终身职业技能培训电子档案-{person.name}",
        title=title,
        actor=actor,
        channel=channel,
        object_type="lifelong_record",
        sheet_name="终身职业技能培训电子档案",
        object_id=person.pk,
        person_id=person.pk,
    )
