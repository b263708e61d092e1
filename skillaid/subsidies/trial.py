"""Trial calculation of a rule change (试算): what the proposed terms would pay on the
closed classes of the last twelve months, against the rule as it stands and against
what is on record.

The proposed terms are cleaned as a change would be (`services.clean_terms`) into an
unsaved version of the rule, which a `RuleBook` takes as the rule's newest version; the
classes are computed by the claims' own path (`claims.compute_for_classes`, with the
limits of `limits.History`) twice, once as the rules stand and once with the proposed
version, each run against the same history. Nothing is written: no version, no line,
no audit entry.

Which classes: closed, subsidised, ended in the last twelve months, in the rule's region
(and below it) and in the user's scope, of which the rule (as it stands or as proposed)
speaks: for a subsidy rule, the classes whose kind of training, level and occupation it
fits; for a limit, every class. At most `CAP` classes, the newest; the page says when
more were left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.lib.dates import add_months
from skillaid.regions.models import code_prefix
from skillaid.training.models import ClassStatus, Enrolment, TrainingClass

from .claims import compute_for_classes, rule_fits_class
from .limits import History
from .models import LIVE, Claim, ClaimLine, LineStatus, PolicyRule, PolicyRuleVersion, RuleKind
from .rules import RuleBook
from .services import clean_terms

CAP = 2000  # classes computed at most, the newest
WINDOW_MONTHS = 12
# More classes than this are tried in a background job (accounts.jobs) with a progress bar.
# Measured (bench/claims.py and tests/subsidies/test_trial.py): a run computes about 1,000
# trainees' lines a second on this machine's class of hardware, and a trial makes two runs;
# 100 classes of 20 take 3 to 4 seconds.
INLINE_CLASSES = 100
JOB_KIND = "policy_trial"
ZERO = Decimal("0.00")


@dataclass
class Run:
    """One side of a class's comparison: the payable lines, the trainees they pay, the sum."""

    lines: int = 0
    trainees: int = 0
    amount: Decimal = ZERO

    def as_dict(self) -> dict[str, Any]:
        return {"lines": self.lines, "trainees": self.trainees, "amount": str(self.amount)}


@dataclass
class ClassTrial:
    class_id: int
    name: str
    county: str
    end_on: dt.date
    roster: int
    current: Run
    proposed: Run
    on_record: Run  # the live lines of its claim as they stand
    paid: Decimal = ZERO  # of which paid

    @property
    def difference(self) -> Decimal:
        """What the change would add (or, negative, take) against the rule as it stands."""
        return self.proposed.amount - self.current.amount

    @property
    def against_record(self) -> Decimal:
        return self.proposed.amount - self.on_record.amount

    def as_dict(self) -> dict[str, Any]:
        return {
            "class_id": self.class_id,
            "name": self.name,
            "county": self.county,
            "end_on": self.end_on.isoformat(),
            "roster": self.roster,
            "current": self.current.as_dict(),
            "proposed": self.proposed.as_dict(),
            "on_record": self.on_record.as_dict(),
            "paid": str(self.paid),
            "difference": str(self.difference),
            "against_record": str(self.against_record),
        }


@dataclass
class Trial:
    rule: PolicyRule
    since: dt.date
    until: dt.date
    found: int  # classes the rule speaks of in the window
    classes: list[ClassTrial] = field(default_factory=list)

    @property
    def capped(self) -> bool:
        return self.found > len(self.classes)

    def total(self, side: str) -> Run:
        out = Run()
        for row in self.classes:
            run = getattr(row, side)
            out.lines += run.lines
            out.trainees += run.trainees
            out.amount += run.amount
        return out

    @property
    def totals(self) -> dict[str, Any]:
        return {
            "roster": sum(r.roster for r in self.classes),
            "current": self.total("current"),
            "proposed": self.total("proposed"),
            "on_record": self.total("on_record"),
            "paid": sum((r.paid for r in self.classes), ZERO),
            "difference": sum((r.difference for r in self.classes), ZERO),
            "against_record": sum((r.against_record for r in self.classes), ZERO),
        }

    def as_dict(self) -> dict[str, Any]:
        totals = self.totals
        return {
            "rule": self.rule.code,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "found": self.found,
            "computed": len(self.classes),
            "capped": self.capped,
            "cap": CAP,
            "classes": [r.as_dict() for r in self.classes],
            "totals": {
                k: (v.as_dict() if isinstance(v, Run) else str(v) if isinstance(v, Decimal) else v)
                for k, v in totals.items()
            },
        }


def proposed_version(rule: PolicyRule, terms: dict[str, Any]) -> PolicyRuleVersion:
    """The unsaved version `terms` would make (ValidationError naming each bad field, as
    a change would be refused)."""
    values = clean_terms(rule.kind, terms)
    current = rule.current_version
    return PolicyRuleVersion(rule=rule, number=(current.number if current else 0) + 1, **values)


def classes_spoken_of(
    user: User, rule: PolicyRule, proposed: PolicyRuleVersion, today: dt.date
) -> tuple[list[int], int, dt.date]:
    """The ids of the classes to compute (newest first, at most CAP), how many the rule
    speaks of in all, and the first day of the window."""
    since = add_months(today, -WINDOW_MONTHS)
    classes = TrainingClass.objects.filter(
        status=ClassStatus.CLOSED, subsidised=True, end_on__gte=since, end_on__lte=today
    )
    if rule.region_id:
        classes = classes.filter(county__code__startswith=code_prefix(rule.region_id))
    classes = Scope.of(user).filter(classes, region="county__code")
    versions = [v for v in (rule.current_version, proposed) if v is not None]
    if rule.kind != RuleKind.LIMIT:
        # The database narrows by kind of training and level where both versions ask one;
        # the occupation (急需, 非标准职业, a name or a code) is read here.
        kinds = [set(v.training_kinds) for v in versions]
        if all(kinds):
            classes = classes.filter(training_kind__in=set().union(*kinds))
        levels = [set(v.levels) for v in versions]
        if all(levels):
            classes = classes.filter(level__in=set().union(*levels))
    rows = classes.select_related("occupation").order_by("-end_on", "-id")
    ids = []
    found = 0
    for c in rows.iterator(chunk_size=2000):
        if rule.kind != RuleKind.LIMIT and not any(rule_fits_class(v, c) for v in versions):
            continue
        found += 1
        if len(ids) < CAP:
            ids.append(c.pk)
    return ids, found, since


def run_trial(
    user: User,
    rule: PolicyRule,
    terms: dict[str, Any],
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Trial:
    """What `terms` would pay against the rule as it stands and against the record."""
    require(user, "policy.edit", rule)
    proposed = proposed_version(rule, terms)
    today = today or timezone.localdate()
    ids, found, since = classes_spoken_of(user, rule, proposed, today)
    trial = Trial(rule=rule, since=since, until=today, found=found)
    if not ids:
        return trial
    history = History.load(
        Enrolment.objects.filter(training_class_id__in=ids).values("person_id"),
        exclude_claims=Claim.objects.filter(training_class_id__in=ids).values("id"),
    )
    # Each class summed up as it comes: the lines themselves are not kept.
    total = 2 * len(ids)
    current, proposed_runs = {}, {}
    for c, lines in compute_for_classes(ids, book=RuleBook(), history=history, claimed_on=today):
        current[c.pk] = (c, summed(lines), len({line.person_id for line in lines}))
        if progress is not None and len(current) % 50 == 0:
            progress(len(current), total)
    for c, lines in compute_for_classes(
        ids, book=RuleBook(proposed), history=history, claimed_on=today
    ):
        proposed_runs[c.pk] = summed(lines)
        if progress is not None and len(proposed_runs) % 50 == 0:
            progress(len(current) + len(proposed_runs), total)
    record: dict[int, Run] = {pk: Run() for pk in ids}
    record_people: dict[int, set[int]] = {pk: set() for pk in ids}
    paid: dict[int, Decimal] = dict.fromkeys(ids, ZERO)
    for class_id, person_id, status, amount in ClaimLine.objects.filter(
        claim__training_class_id__in=ids, status__in=LIVE
    ).values_list("claim__training_class_id", "person_id", "status", "amount"):
        record[class_id].lines += 1
        record[class_id].amount += amount
        record_people[class_id].add(person_id)
        if status == LineStatus.PAID:
            paid[class_id] += amount
    for pk in ids:  # newest first, as the page lists them
        c, run, roster = current[pk]
        record[pk].trainees = len(record_people[pk])
        trial.classes.append(
            ClassTrial(
                class_id=pk,
                name=c.name,
                county=c.county.name,
                end_on=c.end_on,
                roster=roster,
                current=run,
                proposed=proposed_runs[pk],
                on_record=record[pk],
                paid=paid[pk],
            )
        )
    return trial


def summed(lines: list[ClaimLine]) -> Run:
    live = [line for line in lines if line.status in LIVE]
    return Run(
        lines=len(live),
        trainees=len({line.person_id for line in live}),
        amount=sum((line.amount for line in live), ZERO),
    )


# --- a large trial as a background job ------------------------------------------------------


def classes_to_try(user: User, rule: PolicyRule, terms: dict[str, Any]) -> int:
    """How many classes a trial of `terms` would compute (ValidationError for bad terms)."""
    require(user, "policy.edit", rule)
    proposed = proposed_version(rule, terms)
    ids, _, _ = classes_spoken_of(user, rule, proposed, timezone.localdate())
    return len(ids)


def job_terms(terms: dict[str, Any]) -> dict[str, Any]:
    """The terms as the job's parameters keep them (JSON: dates and amounts as text)."""
    out = {}
    for key, value in terms.items():
        if isinstance(value, dt.date | Decimal):
            value = str(value)
        out[key] = value
    return out


def start_trial_job(user: User, rule: PolicyRule, terms: dict[str, Any]):  # noqa: ANN201
    """Queue the trial; its page follows the progress and shows the result."""
    from skillaid.accounts.jobs import job_start

    return job_start(
        kind=JOB_KIND, owner=user, params={"rule": rule.code, "terms": job_terms(terms)}
    )


def run_trial_job(job, progress):  # noqa: ANN001, ANN201
    """The job's runner (registered in apps.py): the trial, kept in the job's result."""
    from skillaid.accounts.jobs import Outcome

    rule = PolicyRule.objects.get(code=job.params["rule"])
    trial = run_trial(job.owner, rule, job.params["terms"], progress=progress)
    return Outcome(counts={"classes": len(trial.classes), "trial": trial.as_dict()})
