"""Demo classes for `skillaid demo-data`: one finished with certificates, one that has ended and
waits for its completion to be recorded, one running today and one awaiting the county's review,
so that every class page and step has something to show."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from skillaid.accounts.models import User
from skillaid.accounts.review import ReviewStep, review_move
from skillaid.catalogue.models import Occupation
from skillaid.evaluation.services import certificates_issue
from skillaid.institutions.models import Institution, InstitutionOccupation
from skillaid.lib import uscc
from skillaid.people.models import Category, Person, PersonAccount
from skillaid.people.own_account import account_open_by_staff
from skillaid.subsidies.models import LIVE, Claim, ClaimState
from skillaid.training import classes
from skillaid.training.models import (
    Attendance,
    ClassSession,
    ClassStatus,
    Direction,
    Enrolment,
    Method,
    TrainingClass,
)

MASHAN = "450124"
NAMES = (
    "马山县育婴员培训班（演示·已结业）",
    "马山县育婴员培训班（演示·今日开课）",
    "马山县家政服务员培训班（演示·待审核）",
    "马山县家政服务员培训班（演示·待结业）",
)
PEOPLE = 32


def _class(
    school: Institution, occupation: Occupation, name: str, start: dt.date, days: int, **extra
) -> TrainingClass:
    c = TrainingClass.objects.create(
        institution=school,
        name=name,
        occupation=occupation,
        level="5",
        training_kind="employment",
        subsidised=True,
        county_id=MASHAN,
        start_on=start,
        end_on=start + dt.timedelta(days=days),
        planned_size=10,
        teachers="韦老师、蓝老师",
        teaching_plan="理论与实操，课时按课程表（演示数据）",
        assessment_plan="理论考试与实操考核，60分合格（演示数据）",
        **extra,
    )
    # Declared and approved in the past, which the review moves refuse today: its history is
    # written as the moves would have written it.
    for move, before, after, actor, at in (
        ("declare", ClassStatus.DRAFT, ClassStatus.DECLARED, c.declared_by, c.declared_at),
        ("approve", ClassStatus.DECLARED, ClassStatus.APPROVED, c.reviewed_by, c.reviewed_at),
    ):
        ReviewStep.objects.create(
            object_type=c._meta.label_lower,
            object_id=c.pk,
            move=move,
            from_state=before,
            to_state=after,
            maker=move == "declare",
            actor=actor,
            actor_name=actor.display_name,
            at=at,
            channel="command",
        )
    return c


# Eight hours a day for fifteen days: the 120 standard hours (课时) of the demo catalogue's 育婴员.
DAYS, HOURS = 15, 8


def _sessions(c: TrainingClass, first: dt.datetime, count: int = DAYS) -> list[ClassSession]:
    return [
        ClassSession.objects.create(
            training_class=c,
            starts_at=first + dt.timedelta(days=i),
            ends_at=first + dt.timedelta(days=i, hours=HOURS),
            place="马山县职业技术学校实训楼201",
            teacher="韦老师",
        )
        for i in range(count)
    ]


def _attend(
    training_class: TrainingClass,
    sessions: list[ClassSession],
    people: list[Person],
    officer: User,
    *,
    short: int,
) -> None:
    """Enrol `people` and sign each in and out of every session at the gate, except the first
    two, who attend only `short` sessions (so that one class shows trainees below the threshold)."""
    records = []
    for i, person in enumerate(people):
        e = Enrolment.objects.create(training_class=training_class, person=person, added_by=officer)
        for s in sessions if i >= 2 else sessions[:short]:
            for direction, at in ((Direction.IN, s.starts_at), (Direction.OUT, s.ends_at)):
                records.append(
                    Attendance(
                        session=s,
                        enrolment=e,
                        person=person,
                        direction=direction,
                        at=at + dt.timedelta(minutes=i - 5),
                        method=Method.TERMINAL,
                        by=officer,
                        device="demo-gate-1",
                    )
                )
    Attendance.objects.bulk_create(records)


# Trainees of the finished class from ordinary households who declared a basis on the
# roster, with the registry that verified it (None: not yet compared, so their claim line
# is held for the unverified basis).
DECLARED = (
    ("migrant", "农村劳动力转移就业实名制台账（演示）"),
    ("unemployed", "南宁市登记失业人员名单（演示）"),
    ("migrant", None),
)


def _demo_facts(
    done: TrainingClass,
    sessions: list[ClassSession],
    assisted: list[Person],
    officer: User,
    clerk: User,
) -> None:
    """What the registry comparisons said of the finished class's trainees: most of the
    assisted households confirmed by the assisted-household registry; and, where the
    ledger has people of ordinary households, three of them on the roster with a declared
    basis, two verified by a named registry and one not yet (its line is held)."""
    from skillaid.people.facts import person_facts_record

    as_of = done.start_on - dt.timedelta(days=20)
    facts = [
        {"person_id": p.pk, "kind": "assisted", "verdict": "verified", "as_of": as_of}
        for p in assisted[:8]
    ]
    person_facts_record(
        actor=clerk,
        channel="command",
        facts=facts,
        source_kind="registry",
        source="广西防返贫监测信息平台（演示）",
    )
    declared = list(
        Person.objects.filter(county_id=MASHAN, household__category=Category.ORDINARY)
        .exclude(enrolments__isnull=False)
        .order_by("id")[: len(DECLARED)]
    )
    if len(declared) < len(DECLARED):
        return
    _attend(done, sessions, declared, officer, short=len(sessions))
    for person, (basis, registry) in zip(declared, DECLARED, strict=True):
        Enrolment.objects.filter(training_class=done, person=person).update(basis=basis)
        if registry:
            person_facts_record(
                actor=clerk,
                channel="command",
                facts=[
                    {"person_id": person.pk, "kind": basis, "verdict": "verified", "as_of": as_of}
                ],
                source_kind="registry",
                source=registry,
            )


@transaction.atomic
def ensure_demo_classes() -> bool:
    if TrainingClass.objects.filter(name__in=NAMES).exists():
        return False
    officer = User.objects.filter(username="officer_nnjx").first()
    clerk = User.objects.filter(username="clerk_mashan").first()
    people = list(
        Person.objects.filter(county_id=MASHAN, household__category=Category.LIFTED).order_by("id")[
            :PEOPLE
        ]
    )
    if officer is None or clerk is None or len(people) < PEOPLE:
        return False
    school = officer.institution
    if not school.uscc:
        school.uscc = uscc.make_code("52450100MJ0000001")
    school.status = "listed"
    school.status_since = timezone.localdate()
    school.save()
    nursery = Occupation.objects.get(code="4-10-01-01", name="育婴员")
    housekeeping = Occupation.objects.get(code="4-07-05-03", name="家政服务员")
    for occupation in (nursery, housekeeping):
        InstitutionOccupation.objects.get_or_create(
            institution=school, occupation=occupation, level="5"
        )
    today = timezone.localdate()
    nine = dt.time(9, 0)

    # Finished last month: everyone attended but two, who missed sessions; certificates issued.
    start = today - dt.timedelta(days=50)
    done = _class(
        school,
        nursery,
        NAMES[0],
        start,
        DAYS - 1,
        status=ClassStatus.APPROVED,
        declared_by=officer,
        reviewed_by=clerk,
        declared_at=timezone.now() - dt.timedelta(days=60),
        reviewed_at=timezone.now() - dt.timedelta(days=58),
    )
    sessions = _sessions(done, timezone.make_aware(dt.datetime.combine(start, nine)))
    _attend(done, sessions, people[:10], officer, short=9)
    _demo_facts(done, sessions, people[:10], officer, clerk)
    for i, e in enumerate(done.enrolments.all()):
        classes.enrolment_complete(
            actor=officer,
            enrolment=e,
            completed=True,
            score=70 + i * 2,
            passed=True,
            channel="command",
        )
    certificates_issue(
        actor=officer,
        training_class=done,
        on=start + dt.timedelta(days=DAYS + 1),
        channel="command",
    )
    classes.class_close(actor=officer, training_class=done, channel="command")
    # Its claim was computed at the close: the school has submitted it and the county
    # checked it, so the city reviewer finds it waiting for approval.
    claim = Claim.objects.filter(training_class=done).first()
    if claim is not None and claim.lines.filter(status__in=LIVE).exists():
        claim = review_move(claim, ClaimState.SUBMITTED, actor=officer, channel="command")
        review_move(
            claim,
            ClaimState.CHECKED,
            actor=clerk,
            reason="考勤、结业、证书核对无误",
            channel="command",
        )
    Enrolment.objects.filter(training_class=done).update(
        completed_at=timezone.make_aware(dt.datetime.combine(start + dt.timedelta(days=DAYS), nine))
    )

    # Running today: the officer can show the sign-in code now.
    running = _class(
        school,
        nursery,
        NAMES[1],
        today,
        DAYS - 1,
        status=ClassStatus.APPROVED,
        declared_by=officer,
        reviewed_by=clerk,
        declared_at=timezone.now() - dt.timedelta(days=9),
        reviewed_at=timezone.now() - dt.timedelta(days=8),
    )
    now = timezone.now().replace(second=0, microsecond=0)
    _sessions(running, now - dt.timedelta(minutes=30))
    for person in people[10:18]:
        Enrolment.objects.create(training_class=running, person=person, added_by=officer)

    # Declared, waiting for 马山县's clerk: thirteen days of eight hours, the 100 standard
    # hours of the demo catalogue's 家政服务员 and a little more.
    ahead = today + dt.timedelta(days=10)
    lines = "\n".join(
        f"{ahead + dt.timedelta(days=i):%Y-%m-%d} 08:30-16:30 马山县家政实训基地 蓝老师"
        for i in range(13)
    )
    waiting = classes.class_save(
        actor=officer,
        channel="command",
        data={
            "name": NAMES[2],
            "occupation": housekeeping.pk,
            "level": "5",
            "training_kind": "employment",
            "subsidised": True,
            "county": MASHAN,
            "start_on": ahead,
            "end_on": ahead + dt.timedelta(days=12),
            "planned_size": 6,
            "teachers": "蓝老师",
            "teaching_plan": "家政服务理论与实操（演示数据）",
            "assessment_plan": "实操考核（演示数据）",
            "timetable": lines,
        },
    )
    for person in people[18:24]:
        classes.roster_add(
            actor=officer,
            training_class=waiting,
            id_number=person.id_number,
            name=person.name,
            channel="command",
        )
    classes.class_declare(actor=officer, training_class=waiting, channel="command")

    # Ended yesterday after thirteen days of eight hours: attendance is in, completion and
    # certificates are for the officer to record (登记结业, then 发证).
    start = today - dt.timedelta(days=13)
    ended = _class(
        school,
        housekeeping,
        NAMES[3],
        start,
        12,
        status=ClassStatus.APPROVED,
        declared_by=officer,
        reviewed_by=clerk,
        declared_at=timezone.now() - dt.timedelta(days=25),
        reviewed_at=timezone.now() - dt.timedelta(days=23),
    )
    sessions = _sessions(ended, timezone.make_aware(dt.datetime.combine(start, nine)), 13)
    _attend(ended, sessions, people[24:PEOPLE], officer, short=8)
    return True


def ensure_demo_trainee(password: str) -> Person | None:
    """A trainee of the finished demo class with their own account (本人), who signs in with
    their ID number and `password` and reads their lifelong record; None without demo classes."""
    done = TrainingClass.objects.filter(name=NAMES[0]).first()
    clerk = User.objects.filter(username="clerk_mashan").first()
    if done is None or clerk is None:
        return None
    # The third trainee attended every session and holds a certificate.
    enrolment = done.enrolments.select_related("person").order_by("id")[2:3].first()
    if enrolment is None:
        return None
    person = enrolment.person
    if not PersonAccount.objects.filter(person=person).exists():
        user, _ = account_open_by_staff(actor=clerk, person=person, channel="command")
        # Like the other demo accounts: the printed demo password, not asked to change it.
        user.set_password(password)
        user.must_change_password = False
        user.save()
    return person


def demo_trainee() -> Person | None:
    """The demo trainee with their own account, if the demo data made one."""
    return (
        Person.objects.filter(account__isnull=False, enrolments__training_class__name=NAMES[0])
        .order_by("id")
        .first()
    )
