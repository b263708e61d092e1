"""What the subsidies app adds to pages of the apps below it: a class's claim lines, a
person's claims and payments on their page and on their own account's page."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.template.loader import render_to_string

from skillaid.accounts.capabilities import can
from skillaid.accounts.scope import Scope

from .models import LIVE, Claim, ClaimLine, LineStatus
from .review import claim_moves
from .selectors import claim_lines_visible_to


def payee_totals(lines: list[ClaimLine]) -> list[tuple[str, str, Decimal, int]]:
    """(payee kind, payee name, amount due, trainees) for each payee of a claim's live
    lines: what one transfer to the institution or enterprise would add up to."""
    totals: dict[tuple[str, str], list] = {}
    for line in lines:
        if line.status in LIVE:
            entry = totals.setdefault((line.get_payee_display(), line.payee_name), [Decimal(0), 0])
            entry[0] += line.amount
            entry[1] += 1
    return [(kind, name, amount, n) for (kind, name), (amount, n) in totals.items()]


def due_of(lines: list[ClaimLine]) -> Decimal:
    """What the live lines among `lines` add up to."""
    return sum((x.amount for x in lines if x.status in LIVE), Decimal("0.00"))


def claim_lines(claim: Claim) -> dict[str, object]:
    """A claim's lines as its page and the class page show them: every line, what each
    payee is due, and the total due."""
    lines = list(claim.lines.select_related("rule__rule", "limit", "person").order_by("id"))
    return {"lines": lines, "totals": payee_totals(lines), "due": due_of(lines)}


def class_claim_section(request: HttpRequest, c) -> str:  # noqa: ANN001
    user = request.user
    if not can(user, "claim.read"):
        return ""
    claim = Claim.objects.filter(training_class=c).first()
    if claim is None or not can(user, "claim.read", claim):
        return ""
    shown = claim_lines(claim)
    return render_to_string(
        "subsidies/_class_claim.html",
        {
            "claim": claim,
            **shown,
            "held": sum(1 for x in shown["lines"] if x.status == LineStatus.HELD),
            "moves": claim_moves(claim, user),
        },
        request=request,
    )


def _person_lines(request: HttpRequest, person, lines) -> str:  # noqa: ANN001
    lines = list(
        lines.filter(person=person)
        .select_related("claim", "rule", "occupation")
        .order_by("-claimed_on", "-id")[:100]
    )
    if not lines:
        return ""
    return render_to_string(
        "subsidies/_person_claims.html",
        {
            "lines": lines,
            "paid": sum((x.amount for x in lines if x.status == LineStatus.PAID), Decimal("0.00")),
        },
        request=request,
    )


def person_claims_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    if not can(request.user, "claim.read"):
        return ""
    return _person_lines(request, person, claim_lines_visible_to(request.user))


def own_claims_section(request: HttpRequest, person) -> str:  # noqa: ANN001
    scope = Scope.of(request.user)
    if scope.person_id != person.pk:
        return ""
    return _person_lines(request, person, ClaimLine.objects.all())


def record_events(person) -> list:  # noqa: ANN001
    """A person's claim lines as events of their lifelong record (evaluation.record)."""
    from skillaid.evaluation.record import Event

    events = []
    for line in (
        ClaimLine.objects.filter(person=person)
        .select_related("occupation", "county")
        .order_by("claimed_on", "id")
    ):
        what = line.get_kind_display()
        if line.occupation_id:
            what += f"（{line.occupation.name}·{line.get_level_display()}）"
        result = f"{line.get_status_display()} {line.amount}元"
        if line.status == LineStatus.REFUSED:
            result = f"不予补贴：{line.reason}"[:120]
        events.append(Event(line.claimed_on, "补贴申领", what, line.county.name, result))
    return events


def declared_insured(person) -> list[tuple[str, object, str]]:  # noqa: ANN001
    """A person's skill-upgrading applications declared as an insured employee, for the
    person page's card of people.facts: verified on the certificate's issue date."""
    from skillaid.people.models import FactKind

    from .models import INSURED, ClaimKind

    lines = (
        ClaimLine.objects.filter(person=person, claim__kind=ClaimKind.UPGRADING)
        .select_related("certificate")
        .order_by("-id")[:20]
    )
    return [
        (
            FactKind.INSURED,
            line.certificate.issued_on,
            f"技能提升补贴申领：证书{line.certificate.number}",
        )
        for line in lines
        if line.evidence.get("basis") == INSURED and line.certificate_id
    ]
