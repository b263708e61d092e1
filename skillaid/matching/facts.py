"""Accepted comparison results as facts on people, and how each registry kind says them.

The facts are recorded by the people service (people.facts.person_facts_record), which
writes them in bulk with one audit entry and tells the apps above (a held claim line is
decided again).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from skillaid.people.models import FactKind, FactVerdict

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
