"""Skill-upgrading applications (技能提升补贴申领): an insured employee who gains a
certificate applies for the subsidy, and the county clerk records the application.

The application rests on a certificate the system holds (issued here, or imported from
the body that issued it through the certificate import): nobody uploads the certificate
again. It becomes a claim of kind UPGRADING with one line, computed by the upgrading
rule in force for the person's county on the day the certificate was issued (the day
the subsidy was earned, as a class's lines take the rule in force on its last day),
and checked by the same limits as every other line, against every live line of the
person wherever it was claimed: once per occupation and level, a higher level blocks a
lower one, within twelve months of the certificate, and not both a training subsidy and
an upgrading subsidy for one certificate.

What the system cannot know, the clerk declares: that the applicant is an insured
employee (参保职工, unemployment insurance). The declaration is kept in the line's
evidence with the employer's name; a rule that asks for the insured basis refuses a
line without it. A declared insured employee is a declared basis like a roster's: the
line is held (`Hold.UNVERIFIED_BASIS`) until a fact (the social-insurance register's
comparison, or a clerk's check of the papers) verifies it on the day the certificate
was issued, and refused when a fact contradicts it; `facts_recorded` decides it again.

Which certificates are waiting for an application: those of the county issued within
the limit's months that have neither an application nor any live line
(`certificates_awaiting`). The certificate import feeds that list; it does not make
applications itself, because an application is the person's act and a certificate file
says nothing of insurance.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, User, audit
from skillaid.evaluation.models import Certificate
from skillaid.lib.dates import add_months
from skillaid.people.facts import Facts
from skillaid.people.models import FactKind, Person

from . import limits as lim
from .claims import OPEN_STATES, money
from .models import (
    INSURED,
    LIVE,
    AmountUnit,
    Claim,
    ClaimKind,
    ClaimLine,
    ClaimState,
    Hold,
    LineStatus,
    Payee,
    PolicyRuleVersion,
    RuleKind,
)
from .rules import rule_in_force

DEFAULT_MONTHS = 12


def refuse(line: ClaimLine, reason: str, verdict: lim.Verdict | None = None) -> ClaimLine:
    """`line` refused for `reason` (by the limit of `verdict`, blocked by its line)."""
    line.status, line.reason, line.amount = LineStatus.REFUSED, reason[:500], Decimal("0.00")
    if verdict is not None:
        line.limit, line.blocked_by_id = verdict.limit, verdict.blocked_by
    return line


def upgrading_line(
    cert: Certificate,
    *,
    county: str,
    insured: bool,
    employer: str,
    claimed_on: dt.date,
    history: lim.History,
    limits: lim.Limits | None = None,
    facts: Facts | None = None,
) -> ClaimLine:
    """The unsaved line the upgrading rule gives the holder of `cert`, or why nothing.
    `facts`: the holder's (read when not given)."""
    person = cert.person
    version: PolicyRuleVersion | None = rule_in_force(RuleKind.UPGRADING, county, cert.issued_on)
    line = ClaimLine(
        kind=RuleKind.UPGRADING,
        person=person,
        person_name=person.name,
        id_masked=person.id_masked,
        county_id=county,
        rule=version,
        payee=(version.payee if version else "") or Payee.TRAINEE,
        payee_name=person.name,
        occupation_id=cert.occupation_id,
        level=cert.level,
        enrolment_id=cert.enrolment_id,
        certificate=cert,
        unit=version.amount_unit if version else "",
        cap=version.cap_per_time if version else None,
        claimed_on=claimed_on,
        evidence={
            "certificate": cert.number,
            "certificate_kind": cert.kind,
            "issued_on": cert.issued_on.isoformat(),
            "issuer": cert.issuer,
            "basis": INSURED if insured else "",
            "employer": employer,
        },
    )
    if version is None:
        return refuse(line, f"发证日期{cert.issued_on:%Y-%m-%d}时本地没有适用的技能提升补贴规则")
    if cert.revoked_on is not None:
        return refuse(line, f"证书已于{cert.revoked_on:%Y-%m-%d}注销")
    if version.bases and line.evidence["basis"] not in version.bases:
        return refuse(line, f"{version.name}限{version.labels('bases')}，申请人未申报为参保职工")
    # The line rests on the declared insured basis when the rule asks for it.
    declared = None
    if version.bases and insured:
        facts = facts if facts is not None else Facts.load([person.pk], [FactKind.INSURED])
        declared = facts.verdict(person.pk, FactKind.INSURED, cert.issued_on)
        line.evidence.update({"basis_declared": True, "basis_verdict": declared.evidence()})
        if declared.contradicted:
            return refuse(line, f"补贴对象类别（参保职工）{declared.text}")
    if version.levels and cert.level not in version.levels:
        return refuse(
            line, f"{version.name}限{version.labels('levels')}，该证书为{cert.get_level_display()}"
        )
    limits = limits or lim.Limits(county, claimed_on)
    verdict = lim.check(
        limits,
        history,
        person_id=person.pk,
        kind=RuleKind.UPGRADING,
        occupation_id=cert.occupation_id,
        level=cert.level,
        certificate_id=cert.pk,
        certificate_issued_on=cert.issued_on,
        enrolment_id=cert.enrolment_id,
        claimed_on=claimed_on,
    )
    if verdict is not None:
        return refuse(line, verdict.reason, verdict)
    if version.amount_unit == AmountUnit.PER_LEVEL:
        rate = version.level_amount(cert.level)
    else:
        rate = version.amount
    if rate is None:
        return refuse(line, f"{version.name}未规定{cert.get_level_display()}的补贴标准")
    line.units, line.rate = Decimal("1"), rate
    amount = money(rate)
    explained = f"1人×{rate}元（{cert.get_level_display()}）"
    if version.cap_per_time is not None and amount > version.cap_per_time:
        amount = version.cap_per_time
        explained += f"，按单次上限{version.cap_per_time}元"
    if version.cap_per_year is not None:
        left = lim.yearly_cap_left(
            history,
            person_id=person.pk,
            rule_id=version.rule_id,
            year=claimed_on.year,
            cap=version.cap_per_year,
        )
        if amount > left:
            amount = left
            explained += f"，按年度上限{version.cap_per_year}元余额{left}元"
    if amount <= 0:
        return refuse(line, f"{explained}，应发0元")
    line.amount, line.reason, line.status = money(amount), explained, LineStatus.DUE
    if declared is not None and not declared.verified:
        line.status, line.hold = LineStatus.HELD, Hold.UNVERIFIED_BASIS
        line.reason = (
            f"{Hold.UNVERIFIED_BASIS.label}（申报为参保职工，尚无比对或核验结果），"
            f"核实后再定；{explained}"
        )[:500]
    return line


@transaction.atomic
def upgrading_recompute(line: ClaimLine, *, actor: User | None, channel: str) -> None:
    """An application's line held for an unverified insured basis, decided again now that
    facts about the person are recorded: due when verified, refused when contradicted.
    Once the claim has been submitted its amount can only fall."""
    line = (
        ClaimLine.objects.select_for_update(of=("self",))
        .select_related("claim", "certificate__person")
        .get(pk=line.pk)
    )
    if line.status != LineStatus.HELD or line.hold != Hold.UNVERIFIED_BASIS:
        return
    cert = line.certificate
    history = lim.History.load([line.person_id])
    history.by_person[line.person_id] = [p for p in history.of(line.person_id) if p.id != line.pk]
    new = upgrading_line(
        cert,
        county=line.county_id,
        insured=line.evidence.get("basis") == INSURED,
        employer=line.evidence.get("employer", ""),
        claimed_on=line.claimed_on,
        history=history,
    )
    if line.claim.status not in OPEN_STATES and new.amount > line.amount:
        new.amount = line.amount
    before = {"status": line.status, "amount": str(line.amount)}
    for name in ("status", "hold", "amount", "units", "rate", "reason", "limit", "evidence"):
        setattr(line, name, getattr(new, name))
    line.blocked_by_id = new.blocked_by_id
    line.computed_at = timezone.now()
    line.save()
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=line,
        person_id=line.person_id,
        changes={
            "status": [before["status"], line.status],
            "amount": [before["amount"], str(line.amount)],
        },
        note="比对或核验结果记录后重新核定补贴明细",
    )


def earlier_application(cert: Certificate) -> Claim | None:
    """An application for this certificate already recorded and not rejected: recorded
    again in place while it is a draft or returned, else a second one is refused."""
    return (
        Claim.objects.filter(kind=ClaimKind.UPGRADING, lines__certificate=cert)
        .exclude(status=ClaimState.REJECTED)
        .first()
    )


@transaction.atomic
def upgrading_apply(
    *,
    actor: User,
    certificate: Certificate,
    insured: bool,
    employer: str = "",
    claimed_on: dt.date | None = None,
    channel: str = "page",
) -> Claim:
    """Record a person's skill-upgrading application for `certificate`: a draft claim with
    its one line, due or refused by a named rule. The clerk then submits it for review."""
    cert = (
        Certificate.objects.select_related("person")
        .select_for_update(of=("self",))
        .get(pk=certificate.pk)
    )
    require(actor, "claim.record", cert)
    today = timezone.localdate()
    claimed_on = claimed_on or today
    employer = " ".join(str(employer or "").split())
    errors: dict[str, str] = {}
    if claimed_on > today:
        errors["claimed_on"] = "申领日期不能晚于今天"
    elif claimed_on < cert.issued_on:
        errors["claimed_on"] = f"申领日期不能早于发证日期{cert.issued_on:%Y-%m-%d}"
    if len(employer) > 100:
        errors["employer"] = "参保单位名称不能超过100个字"
    # One person's applications one at a time: each is checked against the others.
    Person.objects.select_for_update(of=("self",)).filter(pk=cert.person_id).first()
    earlier = earlier_application(cert)
    if earlier is not None and earlier.status not in OPEN_STATES:
        errors["certificate"] = (
            f"证书{cert.number}已登记技能提升补贴申领（第{earlier.pk}号申领，"
            f"{earlier.get_status_display()}），不能重复申领"
        )
    if errors:
        raise ValidationError(errors)
    county = cert.person.county_id
    if earlier is not None:
        # Not yet submitted, or returned: recorded again (a declaration corrected), in place.
        claim = Claim.objects.select_for_update(of=("self",)).get(pk=earlier.pk)
        claim.lines.all().delete()
        claim.claimed_on = claimed_on
        claim.save(update_fields=["claimed_on"])
    else:
        claim = Claim.objects.create(
            kind=ClaimKind.UPGRADING,
            county_id=county,
            person=cert.person,
            claimed_on=claimed_on,
            created_by=actor,
        )
    history = lim.History.load([cert.person_id], exclude_claim=claim.pk)
    line = upgrading_line(
        cert,
        county=county,
        insured=insured,
        employer=employer,
        claimed_on=claimed_on,
        history=history,
    )
    line.claim = claim
    line.save()
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=claim,
        person_id=cert.person_id,
        changes={"certificate": cert.number, "status": line.status, "amount": str(line.amount)},
        note=f"{'重新' if earlier else ''}登记技能提升补贴申领：证书{cert.number}，"
        f"{line.get_status_display()}{line.amount}元",
    )
    return claim


def claim_months(county: str, day: dt.date) -> int:
    """The months after a certificate within which a claim is made (the limit's number)."""
    version = lim.Limits(county, day).get(lim.WITHIN)
    if version is None or not version.limit_value:
        return DEFAULT_MONTHS
    return int(version.limit_value)


def certificates_awaiting(
    certificates: QuerySet[Certificate], *, county: str, today: dt.date
) -> QuerySet[Certificate]:
    """Of `certificates` (already cut to the user's scope), those of the county's people
    issued within the limit's months that are valid and have neither an application nor
    any live line: a clerk's list of whom to ask whether they apply."""
    months = claim_months(county, today)
    since = add_months(today, -months)
    applied = (
        ClaimLine.objects.filter(certificate=OuterRef("pk"))
        .filter(kind=RuleKind.UPGRADING)
        .exclude(claim__status=ClaimState.REJECTED)
    )
    live = ClaimLine.objects.filter(certificate=OuterRef("pk"), status__in=LIVE)
    return (
        certificates.filter(
            person__county__code__startswith=county,
            issued_on__gte=since,
            issued_on__lte=today,
            revoked_on__isnull=True,
        )
        .exclude(Exists(applied))
        .exclude(Exists(live))
        .select_related("person", "occupation")
        .order_by("-issued_on", "-id")
    )
