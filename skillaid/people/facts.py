"""Facts about people (核实记录): recording them, and what they say of a basis on a day.

A fact is what a registry (a comparison run's accepted result, written by `matching`) or
a county clerk who saw the papers said of one basis of one person on one date: 脱贫户
verified on 2026-11-01 by the assisted-household registry, 两后生 contradicted by the
school's register. Facts are appended, never edited: a later fact of the same kind
supersedes an earlier one.

What a basis stands at on a day (`Facts.verdict`, `basis_verdicts`): among the facts of
that person and kind whose period covers the day (a fact without a period covers every
day), the latest (by its date, then the order it was recorded) decides: verified or
contradicted. No covering fact: unverified. The latest fact known decides even when it
was recorded after the day (a registry read in November still speaks of June, when its
period covers June).

Training reads the verdicts for a roster's eligibility and subsidies for its claim lines
(`training.classes.eligibility` maps each roster basis to its fact kind); both load the
facts of many people in one query (`Facts.load`) or from a prefetch of `person.facts`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.db import adapter, bulk_insert, reserve_ids

from .models import FactKind, FactSource, FactVerdict, Person, PersonFact
from .signals import facts_recorded

# Rows written by one insert of the bulk path.
BATCH = 5000


class Standing(models.TextChoices):
    """Where a basis stands on a day, from the facts."""

    VERIFIED = "verified", "已核实"
    CONTRADICTED = "contradicted", "比对不符"
    UNVERIFIED = "unverified", "未核实"


@dataclass(frozen=True)
class Verdict:
    """What the facts say of one basis of one person on one day, and the fact it rests on
    (None when unverified)."""

    status: str
    fact: PersonFact | Known | None = None

    @property
    def verified(self) -> bool:
        return self.status == Standing.VERIFIED

    @property
    def contradicted(self) -> bool:
        return self.status == Standing.CONTRADICTED

    @property
    def label(self) -> str:
        return Standing(self.status).label

    @property
    def source_and_date(self) -> str:
        """「广西防返贫监测信息平台，2026-11-01」: the source and the date it speaks for."""
        if self.fact is None:
            return ""
        return f"{self.fact.source}，{self.fact.as_of:%Y-%m-%d}"

    @property
    def text(self) -> str:
        """「已核实：毕业证书，2026-03-02」, 「比对不符：…」, or 「待比对核实」."""
        if self.fact is None:
            return "待比对核实"
        return f"{self.label}：{self.source_and_date}"

    def evidence(self) -> dict[str, Any]:
        """What a claim line keeps of the verdict."""
        return {
            "status": self.status,
            "fact": self.fact.pk if self.fact is not None else None,
            "source": self.fact.source if self.fact is not None else "",
            "as_of": self.fact.as_of.isoformat() if self.fact is not None else None,
        }


UNVERIFIED = Verdict(Standing.UNVERIFIED)


@dataclass(frozen=True, slots=True)
class Known:
    """A fact as a verdict needs it, read without building its model row (a run over
    thousands of trainees reads thousands)."""

    pk: int
    person_id: int
    kind: str
    verdict: str
    as_of: dt.date
    valid_from: dt.date | None
    valid_until: dt.date | None
    source: str

    covers = PersonFact.covers  # the same rule as the model's

    @property
    def id(self) -> int:
        return self.pk


KNOWN_FIELDS = (
    "pk",
    "person_id",
    "kind",
    "verdict",
    "as_of",
    "valid_from",
    "valid_until",
    "source",
)


def _newest_first(fact: PersonFact) -> tuple[dt.date, int]:
    return (fact.as_of, fact.pk or 0)


class Facts:
    """The facts of many people, read at once; what they say of a basis on a day."""

    def __init__(self, facts: Iterable[PersonFact] = ()) -> None:
        self._by: dict[tuple[int, str], list[PersonFact]] = defaultdict(list)
        for fact in facts:
            self._by[(fact.person_id, fact.kind)].append(fact)
        for found in self._by.values():
            found.sort(key=_newest_first, reverse=True)

    @classmethod
    def load(cls, people: Iterable[int] | object, kinds: Iterable[str] | None = None) -> Facts:
        """The facts of `people` (ids, or a queryset of person ids), in one query."""
        rows = PersonFact.objects.filter(person_id__in=people)
        if kinds is not None:
            rows = rows.filter(kind__in=list(kinds))
        return cls(
            Known(*row)
            for row in rows.order_by().values_list(*KNOWN_FIELDS).iterator(chunk_size=5000)
        )

    @classmethod
    def of_person(cls, person: Person) -> Facts:
        """One person's facts: from a prefetch of `person.facts` where there is one (a
        roster's page prefetches them), else one query."""
        return cls(person.facts.all())

    def of(self, person_id: int, kind: str) -> list[PersonFact]:
        """The person's facts of `kind`, newest first."""
        return self._by.get((person_id, kind), [])

    def verdict(self, person_id: int, kind: str, on: dt.date) -> Verdict:
        for fact in self.of(person_id, kind):
            if fact.covers(on):
                if fact.verdict == FactVerdict.VERIFIED:
                    return Verdict(Standing.VERIFIED, fact)
                return Verdict(Standing.CONTRADICTED, fact)
        return UNVERIFIED


def basis_verdicts(
    person_ids: Iterable[int] | object, on: dt.date, kinds: Iterable[str] | None = None
) -> dict[tuple[int, str], Verdict]:
    """(person id, fact kind) → where that basis stands on `on`, for every person of
    `person_ids` (ids or a queryset of ids) and every kind (or those of `kinds`), from one
    query. A person with no fact of a kind has UNVERIFIED for it."""
    wanted = list(kinds) if kinds is not None else list(FactKind.values)
    ids = [x["person_id"] if isinstance(x, dict) else x for x in person_ids]
    facts = Facts.load(ids, wanted)
    return {(pid, kind): facts.verdict(pid, kind, on) for pid in ids for kind in wanted}


# --- recording --------------------------------------------------------------------------


FACT_FIELDS = (
    "person_id",
    "kind",
    "verdict",
    "as_of",
    "valid_from",
    "valid_until",
    "detail",
    "source_kind",
    "source",
    "origin_model",
    "origin_id",
    "recorded_by_id",
    "recorded_at",
)


def _fact_of(item: Mapping[str, Any] | PersonFact) -> dict[str, Any]:
    if isinstance(item, PersonFact):
        return {name: getattr(item, name) for name in FACT_FIELDS[:11]}
    values = dict(item)
    if "person" in values and "person_id" not in values:
        person = values.pop("person")
        values["person_id"] = person.pk if isinstance(person, Person) else person
    return values


def _checked(values: dict[str, Any], where: str) -> None:
    """Each fact's own terms, in Chinese: what is wrong, on which fact."""
    if not values.get("person_id"):
        raise ValidationError(f"{where}未指明人员")
    if values.get("kind") not in FactKind.values:
        raise ValidationError(f"{where}的核实事项“{values.get('kind')}”不在可核实的事项之列")
    if values.get("verdict") not in FactVerdict.values:
        raise ValidationError(f"{where}的核实结果“{values.get('verdict')}”应为已核实或比对不符")
    if not isinstance(values.get("as_of"), dt.date):
        raise ValidationError(f"{where}缺少核实日期")
    start, end = values.get("valid_from"), values.get("valid_until")
    if start and end and end < start:
        raise ValidationError(
            f"{where}的有效期止（{end:%Y-%m-%d}）早于有效期起（{start:%Y-%m-%d}）"
        )


@transaction.atomic
def person_facts_record(
    *,
    actor: User | None,
    channel: str,
    facts: Sequence[Mapping[str, Any] | PersonFact],
    source_kind: str,
    source: str,
    origin_model: str = "",
    origin_id: int | None = None,
) -> list[PersonFact]:
    """Append `facts` (dicts with person_id or person, kind, verdict, as_of, and optionally
    valid_from, valid_until, detail, origin_model, origin_id, source; or unsaved
    PersonFacts), all from `source` of `source_kind`; never edits an earlier fact.

    Written through the bulk path in batches of BATCH (a comparison run accepts tens of
    thousands at once), with ONE audit entry for the call naming how many facts, of whom
    and from what source, and `facts_recorded` sent before the transaction commits with
    the people concerned. `actor` None is the system (a command); else the actor must
    hold `person.verify` (whose scope, per person, the caller has checked: a clerk's check
    through `person_fact_check`, a comparison run through its own scope)."""
    if actor is not None:
        require(actor, "person.verify")
    if source_kind not in FactSource.values:
        raise ValidationError(f"来源类型“{source_kind}”不在可用的来源类型之列")
    source = " ".join(str(source or "").split())
    if not source:
        raise ValidationError("请写明核实的来源（名单名称或所见材料）")
    now = timezone.now()
    prepared: list[dict[str, Any]] = []
    for n, item in enumerate(facts, start=1):
        values = _fact_of(item)
        values["source"] = values.get("source") or source
        values["origin_model"] = values.get("origin_model") or origin_model
        values["origin_id"] = values.get("origin_id") or origin_id
        _checked(values, f"第{n}条核实记录")
        values["source_kind"] = source_kind
        values["recorded_by_id"] = actor.pk if actor is not None else None
        values["recorded_at"] = now
        prepared.append(values)
    if not prepared:
        return []
    known = set(
        Person.objects.filter(pk__in={v["person_id"] for v in prepared}).values_list(
            "pk", flat=True
        )
    )
    missing = sorted({v["person_id"] for v in prepared} - known)
    if missing:
        raise ValidationError(f"核实记录所指的人员不存在（编号{missing[0]}等{len(missing)}人）")
    to_db = adapter()
    saved: list[PersonFact] = []
    for start in range(0, len(prepared), BATCH):
        part = prepared[start : start + BATCH]
        ids = reserve_ids(PersonFact._meta.db_table, len(part))
        rows = []
        for pk, values in zip(ids, part, strict=True):
            values["detail"] = " ".join(str(values.get("detail") or "").split())[:255]
            values["origin_model"] = values.get("origin_model") or ""
            values["source"] = values["source"][:128]
            for name in ("valid_from", "valid_until", "origin_id"):
                values.setdefault(name, None)
            rows.append([pk, *(to_db(values[name]) for name in FACT_FIELDS)])
            saved.append(PersonFact(pk=pk, **{name: values[name] for name in FACT_FIELDS}))
        bulk_insert(PersonFact._meta.db_table, ("id", *FACT_FIELDS), rows)
    person_ids = sorted({f.person_id for f in saved})
    counts: dict[str, int] = defaultdict(int)
    for f in saved:
        counts[f"{f.kind}:{f.verdict}"] += 1
    one = saved[0] if len(saved) == 1 else None
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=PersonFact,
        object_id=one.pk if one is not None else "",
        person_id=person_ids[0] if len(person_ids) == 1 else None,
        changes={
            "facts": len(saved),
            "people": len(person_ids),
            "source_kind": source_kind,
            "source": source,
            "counts": dict(counts),
            "first_id": saved[0].pk,
            "last_id": saved[-1].pk,
            **({"origin": f"{origin_model}:{origin_id}"} if origin_model else {}),
        },
        note=(
            str(one)
            if one is not None
            else f"记录核实结果{len(saved)}条（{len(person_ids)}人），来源：{source}"
        )[:255],
    )
    facts_recorded.send(sender=PersonFact, person_ids=person_ids, actor=actor, channel=channel)
    return saved


@transaction.atomic
def person_fact_check(
    *,
    actor: User,
    channel: str,
    person: Person,
    kind: str,
    verdict: str,
    as_of: dt.date,
    papers: str,
    detail: str = "",
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> PersonFact:
    """A county clerk (or a bureau above) records that they checked `person`'s papers
    (毕业证书, 失业登记证 …) on `as_of` for one basis: verified or contradicted."""
    require(actor, "person.verify", person)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    papers = " ".join(str(papers or "").split())
    if kind not in FactKind.values:
        errors["kind"] = "请选择核实事项（补贴对象类别）"
    if verdict not in FactVerdict.values:
        errors["verdict"] = "核实结果应为已核实或比对不符"
    if not isinstance(as_of, dt.date):
        errors["as_of"] = "请填写核验材料的日期"
    elif as_of > today:
        errors["as_of"] = f"核验日期{as_of:%Y-%m-%d}晚于今天，核验只能记录已经发生的"
    if not papers:
        errors["papers"] = "请写明所见材料（如毕业证书、失业登记证、参保证明）"
    elif len(papers) > 128:
        errors["papers"] = "所见材料不能超过128个字"
    if len(detail or "") > 255:
        errors["detail"] = "说明不能超过255个字"
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = (
            f"有效期止（{valid_until:%Y-%m-%d}）早于有效期起（{valid_from:%Y-%m-%d}）"
        )
    if errors:
        raise ValidationError(errors)
    [fact] = person_facts_record(
        actor=actor,
        channel=channel,
        facts=[
            {
                "person_id": person.pk,
                "kind": kind,
                "verdict": verdict,
                "as_of": as_of,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "detail": " ".join(str(detail or "").split()),
            }
        ],
        source_kind=FactSource.PAPERS,
        source=papers,
    )
    return fact


# --- the person page ------------------------------------------------------------------

# What the apps above say a person declared (a roster's basis, an application's insured
# employee): each gives (fact kind, the day it speaks of, where it was declared).
Declared = Callable[[Person], list[tuple[str, dt.date, str]]]
_declared: list[Declared] = []


def declared_register(source: Declared) -> None:
    """An app above registers where a person's declared bases are (from its ready())."""
    if source not in _declared:
        _declared.append(source)


@dataclass(frozen=True)
class BasisRow:
    kind: str
    label: str
    on: dt.date
    where: str
    verdict: Verdict


def person_bases(person: Person, facts: Facts | None = None) -> list[BasisRow]:
    """Per basis the person has (the household's assisted category, each declared basis
    of the apps above, each kind a fact speaks of), where it stands today or on the day
    it was declared for."""
    facts = facts or Facts.of_person(person)
    today = timezone.localdate()
    wanted: list[tuple[str, dt.date, str]] = []
    if person.household is not None and person.household.is_assisted:
        wanted.append(
            (
                FactKind.ASSISTED,
                today,
                f"家庭类别（台账）：{person.household.get_category_display()}",
            )
        )
    for source in _declared:
        wanted.extend(source(person))
    kinds = {k for k, _, _ in wanted}
    for kind in FactKind.values:
        if kind not in kinds and facts.of(person.pk, kind):
            wanted.append((kind, today, "核实记录"))
    rows = []
    for kind, on, where in wanted:
        verdict = facts.verdict(person.pk, kind, on)
        rows.append(BasisRow(kind, FactKind(kind).label, on, where, verdict))
    return rows


def facts_section(request: Any, person: Person) -> str:
    """The person page's 补贴对象类别核实 card: where each basis stands, the facts
    history, and the clerk's check form for those who may record one."""
    from django.template.loader import render_to_string

    from skillaid.accounts.capabilities import can

    from .forms import FactCheckForm

    facts = list(person.facts.select_related("recorded_by").order_by("-as_of", "-id")[:200])
    may = can(request.user, "person.verify", person)
    form = getattr(request, "fact_form", None)  # a check refused, shown with its errors
    if not facts and not may:
        return ""
    return render_to_string(
        "people/_facts.html",
        {
            "person": person,
            "bases": person_bases(person, Facts(facts)),
            "facts": facts,
            "may_verify": may,
            "form": form if form is not None else (FactCheckForm() if may else None),
        },
        request=request,
    )
