"""Feedback to schools (001 (五)): the students and trainees of a school whose status a
registry contradicted in an accepted comparison result (the household left the assisted
registry, the e-registration says the student withdrew …)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import User
from skillaid.people.models import FactKind, FactVerdict, PersonFact
from skillaid.students.models import LIVE_STATUSES, StudentEnrolment, StudentStatus
from skillaid.training.models import Enrolment

from .facts import ORIGIN_MODEL

MONTHS = 12


@dataclass(frozen=True)
class FeedbackLine:
    person_id: int
    name: str
    id_masked: str
    relation: str  # 在籍学生 / 培训学员（班级名）
    fact: PersonFact


def feedback_for(user: User, *, today: dt.date | None = None) -> list[FeedbackLine]:
    """The lines of the officer's institution, newest fact first."""
    require(user, "matching.feedback")
    institution = user.institution_id
    if institution is None:
        return []
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=365 * MONTHS // 12)
    relation: dict[int, str] = {}
    # The school's students now, and those who left it within the period: not everyone
    # who was ever on its roll.
    students = StudentEnrolment.objects.filter(school_id=institution).filter(
        Q(status__in=LIVE_STATUSES) | Q(status_since__gte=since)
    )
    for pid, major in students.values_list("person_id", "major"):
        relation.setdefault(pid, f"在籍学生（{major}）")
    for pid, name in Enrolment.objects.filter(
        training_class__institution_id=institution, training_class__end_on__gte=since
    ).values_list("person_id", "training_class__name"):
        relation.setdefault(pid, f"培训学员（{name}）")
    facts = (
        PersonFact.objects.filter(
            person_id__in=list(relation),
            origin_model=ORIGIN_MODEL,
            recorded_at__date__gte=since,
        )
        .filter(verdict=FactVerdict.CONTRADICTED)
        .select_related("person")
        .order_by("-recorded_at", "-id")
    )
    student_facts = PersonFact.objects.filter(
        person_id__in=list(relation),
        origin_model=ORIGIN_MODEL,
        kind=FactKind.STUDENT,
        recorded_at__date__gte=since,
        verdict=FactVerdict.VERIFIED,
    ).select_related("person")
    lines = [
        FeedbackLine(f.person_id, f.person.name, f.person.id_masked, relation[f.person_id], f)
        for f in facts
    ]
    # The e-registration verified a status, but not the one the school keeps.
    ours = dict(students.values_list("person_id", "status"))
    labels = dict(StudentStatus.choices)
    for f in student_facts:
        status = labels.get(ours.get(f.person_id, ""), "")
        if status and status not in f.detail:
            lines.append(
                FeedbackLine(
                    f.person_id, f.person.name, f.person.id_masked, relation[f.person_id], f
                )
            )
    return lines


HEADERS = ["姓名", "身份证号", "与本校关系", "核实事项", "核实结果", "说明", "来源", "核实日期"]


def feedback_rows(lines: list[FeedbackLine]) -> list[list[object]]:
    return [
        [
            x.name,
            x.id_masked,
            x.relation,
            x.fact.get_kind_display(),
            x.fact.get_verdict_display(),
            x.fact.detail,
            x.fact.source,
            x.fact.as_of,
        ]
        for x in lines
    ]
