"""Demo technical-school students, recruitment contacts, monthly monitoring and a registry
comparison, so that a first look at the students' and the 精准比对 pages finds work on them.

Everything is made through the same services the pages call, acting as the system user,
for the demo school (广西南宁技师学院) and the young people of its paired counties.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from skillaid.accounts.models import Channel
from skillaid.accounts.system import system_user
from skillaid.institutions.models import Capacity, CapacityKind, CapacityLevel, Institution
from skillaid.lib import idnumber
from skillaid.matching.models import RegistrySnapshot
from skillaid.matching.runs import comparison_start
from skillaid.matching.snapshots import SnapshotTerms, snapshot_load
from skillaid.people.models import ASSISTED, Person
from skillaid.students.enrolments import student_enrol, student_status_change
from skillaid.students.models import StudentEnrolment, StudentStatus
from skillaid.students.monitoring import month_start, monthly_record_save, previous_month
from skillaid.students.recruitment import recruitment_contact_record, recruits_of_school

SCHOOL = "广西南宁技师学院"
MAJORS = [
    ("智能制造设备技术", "advanced"),
    ("汽车维修", "intermediate"),
    ("电子商务", "intermediate"),
    ("工业机器人应用与维护", "technician"),
]
REGISTRY_SOURCE = "广西防止返贫监测信息系统（演示）"
REGISTRY_COUNTY = "450124"


def school_year_start(today: dt.date) -> dt.date:
    return dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)


@transaction.atomic
def ensure_demo_students() -> bool:
    """Enrol a few of the paired counties' young people, record contacts with others and
    the months of monitoring since the school year began; False when already done."""
    school = Institution.objects.filter(name=SCHOOL).first()
    if school is None or StudentEnrolment.objects.filter(school=school).exists():
        return False
    actor, today = system_user(), timezone.localdate()
    # Assisted households' young people first: they are the ones monitored every month.
    youth = sorted(
        recruits_of_school(school, today).select_related("household").order_by("id")[:60],
        key=lambda p: (not (p.household and p.household.category in ASSISTED), p.pk),
    )[:12]
    if len(youth) < 4:
        return False
    # Six enrolled (fewer in a small demo), the next three contacted.
    enrolled = youth[: min(6, len(youth) - 3)]
    start = school_year_start(today)
    _key_schools_and_majors(school, today)
    enrolments = []
    for i, person in enumerate(enrolled):
        major, class_type = MAJORS[i % len(MAJORS)]
        enrolments.append(
            student_enrol(
                actor=actor,
                channel=Channel.COMMAND,
                data={
                    "school": school.pk,
                    "id_number": person.id_number,
                    "name": person.name,
                    "major": major,
                    "class_type": class_type,
                    "track": "order" if i == 1 else "regular",
                    "partner_name": "上汽通用五菱汽车股份有限公司" if i == 1 else "",
                    "partner_uscc": "914502001982306879" if i == 1 else "",
                    "entered_on": start.isoformat(),
                    "expected_graduation": start.replace(year=start.year + 3).isoformat(),
                    "student_number": f"{start.year}{i + 1:04d}",
                    "staff_name": "陆敏",
                    "staff_phone": "13907710001",
                },
            )
        )
    # Every month since entry, but this one, for the first four; the fifth has none (it is
    # missing), the sixth is on leave since last month.
    this_month = month_start(today)
    for n, enrolment in enumerate(enrolments[:4]):
        month = month_start(start)
        while month < this_month:
            last_two = month >= previous_month(previous_month(this_month))
            data = {"grades": "良好", "attendance_rate": "96", "help_note": ""}
            if n == 2 and last_two:
                data.update(study_difficulty="专业课跟不上，实训操作不熟练", help_given="tutoring")
            if n == 3 and month == previous_month(this_month):
                data.update(living_difficulty="家中老人生病，生活费紧张", help_given="hardship_aid")
            monthly_record_save(
                actor=actor, channel=Channel.COMMAND, enrolment=enrolment, month=month, data=data
            )
            month = (month + dt.timedelta(days=32)).replace(day=1)
    if len(enrolments) == 6 and start < previous_month(this_month):
        student_status_change(
            actor=actor,
            channel=Channel.COMMAND,
            enrolment=enrolments[5],
            to_status=StudentStatus.SUSPENDED,
            on=previous_month(this_month),
            reason="因病休学一学期",
        )
    # The others of the list have been contacted, or not yet.
    outcomes = [
        {"outcome": "interested", "channel": "phone", "major": "汽车维修"},
        {"outcome": "declined", "channel": "visit", "reason": "已在广东务工，暂不考虑就读"},
        {"outcome": "unreachable", "channel": "phone"},
    ]
    for person, data in zip(youth[len(enrolled) :], outcomes, strict=False):
        recruitment_contact_record(
            actor=actor,
            channel=Channel.COMMAND,
            school=school,
            person=person,
            data={"contacted_on": (today - dt.timedelta(days=3)).isoformat(), **data},
        )
    return True


def _key_schools_and_majors(school: Institution, today: dt.date) -> None:
    published = dt.date(today.year, 4, 25)
    Capacity.objects.get_or_create(
        kind=CapacityKind.KEY_SCHOOL,
        name=SCHOOL,
        region_id=school.region_id,
        year=today.year,
        defaults={
            "level": CapacityLevel.PROVINCE,
            "institution": school,
            "published_on": published,
            "results": "演示数据",
        },
    )
    for major, _ in MAJORS[:2]:
        Capacity.objects.get_or_create(
            kind=CapacityKind.KEY_MAJOR,
            name=major,
            region_id=school.region_id,
            year=today.year,
            defaults={
                "level": CapacityLevel.PROVINCE,
                "institution": school,
                "published_on": published,
                "results": "演示数据",
            },
        )


def ensure_demo_registry() -> RegistrySnapshot | None:
    """A registry file of one county's assisted-household members, as the monitoring
    system would hand it over, with the differences a real one has (a name written
    otherwise, a category that moved, people it lacks and people we lack), loaded and
    compared once, so the review queue has work. None when one is already loaded."""
    if RegistrySnapshot.objects.filter(source=REGISTRY_SOURCE).exists():
        return None
    people = list(
        Person.objects.filter(county_id=REGISTRY_COUNTY, household__category__in=ASSISTED)
        .select_related("household")
        .order_by("id")[:400]
    )
    if len(people) < 20:
        return None
    today = timezone.localdate()
    rnd = random.Random(2026)
    path = Path(settings.VAR_DIR) / "demo" / "demo-registry-assisted.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(["序号", "姓名", "身份证号", "户类型", "识别日期", "退出日期", "县区代码"])
        n = 0
        for i, p in enumerate(people):
            if i % 25 == 7:
                continue  # the registry lacks them
            name = p.name
            if i == 3:
                name = name[0] + "晓" + name[2:] if len(name) > 2 else name + "妹"
            category = "脱贫户" if p.household.category == "lifted" else "监测户"
            if i == 5:
                category = "监测户" if category == "脱贫户" else "脱贫户"
            since = p.household.category_since or dt.date(2016, 1, 1)
            number = p.id_number
            if i == 9:
                # One digit of the order code typed otherwise (the check character follows).
                body = number[:16] + str((int(number[16]) + 2) % 10)
                number = idnumber.make_number(body[:6], idnumber.birth_date(number), int(body[14:]))
            n += 1
            out.writerow([n, name, number, category, since.isoformat(), "", REGISTRY_COUNTY])
        for k in range(5):  # people of the county we do not hold
            birth = dt.date(rnd.randrange(1970, 2004), rnd.randrange(1, 13), rnd.randrange(1, 28))
            n += 1
            number = idnumber.make_number(REGISTRY_COUNTY, birth, 900 + k)
            out.writerow(
                [n, f"覃{'明华丽强芳'[k]}", number, "监测户", "2024-05-01", "", REGISTRY_COUNTY]
            )
    actor = system_user()
    terms = SnapshotTerms(
        kind="assisted",
        source=REGISTRY_SOURCE,
        as_of=today - dt.timedelta(days=1),
        region=REGISTRY_COUNTY,
    )
    snapshot, _result, _loaded = snapshot_load(
        actor=actor, path=path, terms=terms, channel=Channel.COMMAND
    )
    comparison_start(actor=actor, snapshot=snapshot, channel=Channel.COMMAND, background=False)
    return snapshot
