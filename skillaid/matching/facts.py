"""Accepted comparison results as facts on people, and how each registry kind says them.

`person_facts_record` has the signature of the people service of the same name
(people/facts.py), which is not on main yet: this private stand-in bulk-creates the
PersonFact rows and sends people.signals.facts_recorded in the same transaction. At
merge it is replaced by an import of the people service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from skillaid.accounts.models import Action, User, audit
from skillaid.people.models import FactKind, FactVerdict, PersonFact
from skillaid.people.signals import facts_recorded

ORIGIN_MODEL = "matching.comparisonrun"


@dataclass(frozen=True)
class Fact:
    """One fact to record about one person (the people service's input)."""

    person_id: int
    kind: str
    verdict: str
    as_of: dt.date
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    detail: str = ""


def person_facts_record(
    *,
    actor: User,
    channel: str,
    facts: Sequence[Fact],
    source_kind: str,
    source: str,
    origin_model: str,
    origin_id: int,
) -> int:
    """Record `facts` (one transaction), log them, and tell the apps above; the count."""
    if not facts:
        return 0
    with transaction.atomic():
        rows = [
            PersonFact(
                person_id=f.person_id,
                kind=f.kind,
                verdict=f.verdict,
                as_of=f.as_of,
                valid_from=f.valid_from,
                valid_until=f.valid_until,
                detail=f.detail[:255],
                source_kind=source_kind,
                source=source[:128],
                origin_model=origin_model,
                origin_id=origin_id,
                recorded_by=actor,
            )
            for f in facts
        ]
        PersonFact.objects.bulk_create(rows, batch_size=500)
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type=PersonFact,
            object_id=f"{origin_model}#{origin_id}",
            note=f"记录核实结果 {len(rows)} 条：{source}"[:255],
        )
        person_ids = sorted({f.person_id for f in facts})
        facts_recorded.send(sender=PersonFact, person_ids=person_ids, actor=actor, channel=channel)
    return len(rows)


# ----- what each registry kind says of a person -----

ASSISTED_CATEGORIES = {"脱贫户", "监测户", "脱贫不稳定户", "边缘易致贫户", "突发严重困难户"}
LIVE_SCHOOL = {"在读", "休学"}
KIND_FACT = {
    "assisted": FactKind.ASSISTED,
    "unemployment": FactKind.UNEMPLOYED,
    "insurance": FactKind.INSURED,
    "school": FactKind.STUDENT,
}


def _day(value: object) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _period(start: object, end: object) -> tuple[dt.date | None, dt.date | None]:
    a, b = _day(start), _day(end)
    if a and b and b < a:
        return a, None  # a period the source gives backwards is kept open, not refused
    return a, b


def fact_present(
    kind: str, person_id: int, their: Mapping[str, object], as_of: dt.date
) -> Fact | None:
    """What a registry row found for a person says: verified, or contradicted."""
    fact_kind = KIND_FACT.get(kind)
    if fact_kind is None:
        return None
    if kind == "assisted":
        since, until = _period(their.get("since"), their.get("until"))
        category = str(their.get("category") or "")
        in_force = (
            category in ASSISTED_CATEGORIES
            and (since is None or since <= as_of)
            and (until is None or until > as_of)
        )
        verdict = FactVerdict.VERIFIED if in_force else FactVerdict.CONTRADICTED
        detail = f"名单户类型：{category or '未填'}" + (f"，退出日期 {until}" if until else "")
        return Fact(person_id, fact_kind, verdict, as_of, since, until, detail)
    if kind == "unemployment":
        since, until = _period(their.get("registered_on"), their.get("ended_on"))
        detail = f"失业登记 {since or '日期未填'}" + (f"，注销 {until}" if until else "")
        return Fact(person_id, fact_kind, FactVerdict.VERIFIED, as_of, since, until, detail)
    if kind == "insurance":
        since, until = _period(their.get("since"), their.get("until"))
        months = their.get("months")
        employer = their.get("employer") or ""
        detail = f"缴费月数 {months if months not in (None, '') else '未填'}" + (
            f"，参保单位 {employer}" if employer else ""
        )
        return Fact(person_id, fact_kind, FactVerdict.VERIFIED, as_of, since, until, detail)
    status = str(their.get("status") or "")
    verdict = FactVerdict.VERIFIED if status in LIVE_SCHOOL else FactVerdict.CONTRADICTED
    detail = f"{their.get('school') or ''} {their.get('major') or ''} 学籍状态：{status or '未填'}"
    return Fact(person_id, fact_kind, verdict, as_of, _day(their.get("entered_on")), None, detail)


def fact_absent(kind: str, person_id: int, as_of: dt.date, *, claimed: bool) -> Fact | None:
    """A person we hold who is absent from a registry that covers their county: contradicted,
    if we hold them as what the registry lists (an assisted household, a declared basis)."""
    fact_kind = KIND_FACT.get(kind)
    if fact_kind is None or not claimed:
        return None
    return Fact(person_id, fact_kind, FactVerdict.CONTRADICTED, as_of, detail="名单中无此人")
