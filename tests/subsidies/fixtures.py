"""Classes run to their close the way officers run them: signed in and out session by
session with the rotating code, completed, closed; the claim is computed at the close."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from skillaid.training import classes
from skillaid.training.attendance import attendance_sign, current_code
from tests.training.fixtures import complete


def at(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def attend(session, person, device: str = "") -> None:
    """Sign `person` in near the start and out at the end of `session`, by code."""
    for direction, moment in (
        ("in", session.starts_at + dt.timedelta(minutes=2)),
        ("out", session.ends_at),
    ):
        with at(moment):
            code, _ = current_code(session)
            attendance_sign(
                session=session,
                direction=direction,
                method="code",
                id_number=person.id_number,
                name=person.name,
                code=code,
                device=device or f"phone-{person.pk}",
                ip="10.0.0.8",
            )


@pytest.fixture
def run_class(class_factory):
    """`run_class(officer, attended={person: sessions}, passed={person: bool}, count=n)`:
    a class of `count` sessions (one a day) whose trainees sign in to their first
    `attended[person]` sessions, complete (passing unless `passed` says not) and which the
    officer closes an hour after its last session. Returns the class, closed, with the
    moment it closed (tests that act afterwards travel there)."""

    def run(officer, *, attended: dict, passed: dict | None = None, count: int = 5, **extra):
        people = list(attended)
        c = class_factory(officer, trainees=people, count=count, **extra)
        sessions = list(c.sessions.order_by("starts_at"))
        for person, n in attended.items():
            for session in sessions[:n]:
                attend(session, person)
        after = sessions[-1].ends_at + dt.timedelta(hours=1)
        with at(after):
            complete(officer, c, {p: (passed or {}).get(p, True) for p in people})
            classes.class_close(actor=officer, training_class=c)
        c.refresh_from_db()
        c.closed_moment = after
        return c

    return run


@pytest.fixture
def workshop(regions):
    """马山县 an assistance workshop's training centre (an enterprise) with its officer 蒙刚,
    listed for a non-standard craft with a catalogue line."""
    from skillaid.catalogue.models import DemandEntry, Occupation
    from skillaid.institutions.models import Institution
    from tests.conftest import MASHAN, make_user
    from tests.training.fixtures import list_school

    craft = Occupation.objects.create(code="", name="竹编（非标准职业）")
    DemandEntry.objects.create(
        occupation=craft,
        training_kind="employment",
        level="none",
        region_id="450000",
        valid_from=dt.date(2020, 1, 1),
        standard_hours=1,
        subsidy=Decimal("800.00"),
    )
    centre = Institution.objects.create(
        name="马山县竹编就业帮扶车间培训中心", kind="enterprise_provider", region_id=MASHAN
    )
    list_school(centre, craft, level="none")
    officer = make_user("meng", "school_officer", MASHAN, "蒙刚")
    officer.institution = centre
    officer.save()
    return officer, craft


def living_allowance_for_all_training() -> None:
    """A second version of Guangxi's living allowance paid with any training subsidy, not
    only with project-based training: a province that widens it (the publication and
    payment tests want two kinds of line on an ordinary class)."""
    from skillaid.subsidies.models import TERMS, PolicyRule, PolicyRuleVersion

    rule = PolicyRule.objects.get(code="gx-project-training-living-allowance")
    first = rule.versions.get(number=1)
    terms = {name: getattr(first, name) for name in TERMS}
    terms["alongside"] = ""
    PolicyRuleVersion.objects.create(
        rule=rule, number=2, reason="随各类补贴性培训发放（测试用地区规定）", **terms
    )


def verified(
    person,
    kind: str,
    *,
    on: dt.date = dt.date(2020, 1, 1),
    verdict: str = "verified",
    source: str = "测试用比对名单",
    source_kind: str = "registry",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
):
    """A fact about `person` of `kind` (a roster basis's fact kind: school_leaver, migrant,
    unemployed, graduate, insured, assisted), recorded through the people service as a
    registry comparison would record it: verified (or `verdict`) as of `on`, with no
    period unless given, so it covers every class of the tests."""
    from skillaid.people.facts import person_facts_record

    [fact] = person_facts_record(
        actor=None,
        channel="command",
        facts=[
            {
                "person_id": person.pk,
                "kind": kind,
                "verdict": verdict,
                "as_of": on,
                "valid_from": valid_from,
                "valid_until": valid_until,
            }
        ],
        source_kind=source_kind,
        source=source,
    )
    return fact
