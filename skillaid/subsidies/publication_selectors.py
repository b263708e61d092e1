"""Which publications and objections a user sees (the county's for its bureau, the
regions below for those above; nothing for an institution's officer), and what the
public sees: a publication while its period runs, and only its own lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.lib.idnumber import mask

from .models import (
    AmountUnit,
    Claim,
    ClaimLine,
    ClaimState,
    LineStatus,
    Objection,
    ObjectionState,
    Publication,
)


def publications_visible_to(user: User) -> QuerySet[Publication]:
    return Scope.of(user).filter(Publication.objects.all(), region="county__code")


def objections_visible_to(user: User) -> QuerySet[Objection]:
    return Scope.of(user).filter(Objection.objects.all(), region="publication__county__code")


class PublicationFilters(Filters):
    """`county`: a region code (or its leading digits); `state`: running (公示中) or
    ended (已结束) on the day the list is read."""

    county: str = ""
    state: str = ""


STATES = [("running", "公示中"), ("ended", "已结束")]


def publication_list(
    user: User, *, filters: PublicationFilters | None = None, today: dt.date | None = None
) -> QuerySet[Publication]:
    """The publications page and the API list: within scope, newest first, each with
    its line count, amount and open objections."""
    f = filters or PublicationFilters()
    today = today or timezone.localdate()
    rows = publications_visible_to(user).select_related("county", "created_by", "rule")
    if f.county:
        rows = rows.filter(county__code__startswith=f.county)
    if f.state == "running":
        rows = rows.filter(ends_on__gte=today)
    elif f.state == "ended":
        rows = rows.filter(ends_on__lt=today)
    # Each figure from its own subquery: one join of lines and objections would count
    # every line's amount once per objection.
    lines = ClaimLine.objects.filter(publication=OuterRef("pk")).values("publication")
    opened = Objection.objects.filter(publication=OuterRef("pk"), state=ObjectionState.OPEN).values(
        "publication"
    )
    return rows.annotate(
        line_count=Coalesce(Subquery(lines.annotate(n=Count("id")).values("n")), 0),
        total=Coalesce(
            Subquery(lines.annotate(t=Sum("amount")).values("t")),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        ),
        open_objections=Coalesce(Subquery(opened.annotate(n=Count("id")).values("n")), 0),
    ).order_by("-starts_on", "-id")


def publication_for(user: User, pk: object) -> Publication:
    """One publication in scope, or 404 (one outside scope is not said to exist)."""
    try:
        return (
            publications_visible_to(user)
            .select_related("county", "created_by", "rule")
            .get(pk=int(str(pk)))
        )
    except (ValueError, OverflowError, Publication.DoesNotExist):
        raise Http404("没有这期补贴公示") from None


def publication_lines(publication: Publication) -> QuerySet[ClaimLine]:
    return publication.lines.select_related("occupation", "claim__training_class").order_by("id")


class ObjectionFilters(Filters):
    """`state`: open (the default on the queue page), upheld, dismissed or all."""

    state: str = ""
    county: str = ""
    publication: int | None = None


def objection_list(user: User, *, filters: ObjectionFilters | None = None) -> QuerySet[Objection]:
    """The objections queue and the API list: within scope, oldest open first."""
    f = filters or ObjectionFilters()
    rows = objections_visible_to(user).select_related(
        "line__occupation", "line__claim", "publication__county", "resolved_by"
    )
    if f.state in ObjectionState.values:
        rows = rows.filter(state=f.state)
    if f.county:
        rows = rows.filter(publication__county__code__startswith=f.county)
    if f.publication:
        rows = rows.filter(publication_id=f.publication)
    return rows.order_by("raised_at", "id")


def objection_for(user: User, pk: object) -> Objection:
    try:
        return objection_list(user).get(pk=int(str(pk)))
    except (ValueError, OverflowError, Objection.DoesNotExist):
        raise Http404("没有这条公示异议") from None


def pending_by_county(user: User) -> list[dict]:
    """Counties in scope with lines waiting to be published: code, name, lines, amount."""
    rows = Scope.of(user).filter(
        ClaimLine.objects.filter(
            claim__status=ClaimState.APPROVED,
            publication__isnull=True,
            status=LineStatus.DUE,
            amount__gt=0,
        ),
        region="claim__county__code",
    )
    return list(
        rows.values("claim__county_id", "claim__county__name")
        .annotate(lines=Count("id"), amount=Sum("amount"))
        .order_by("claim__county_id")
    )


# --- what the public sees ----------------------------------------------------------------


def public_running(today: dt.date, county: str = "") -> QuerySet[Publication]:
    """The publications whose period runs on `today` (of one county, if given)."""
    rows = Publication.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related(
        "county"
    )
    if county:
        rows = rows.filter(county_id=county)
    return rows.order_by("county_id", "-starts_on", "-id")


def public_publication(pk: object) -> Publication:
    """A publication by its number, or 404; the page decides what of it to show."""
    try:
        return Publication.objects.select_related("county").get(pk=int(str(pk)))
    except (ValueError, OverflowError, Publication.DoesNotExist):
        raise Http404("没有这期公示") from None


def public_rows(publication: Publication) -> list[dict]:
    """What the public list shows of each line, and nothing else: its number in the list
    (for the objection form), the name, the masked ID number, the item, the standard and
    the amount. The line's status is not shown: an objection is not public."""
    rows = []
    for n, line in enumerate(publication_lines(publication), start=1):
        item = line.get_kind_display()
        if line.occupation_id:
            level = f"·{line.get_level_display()}" if line.level else ""
            item = f"{item}（{line.occupation.name}{level}）"
        rows.append(
            {
                "n": n,
                "line": line.pk,
                "name": line.person_name,
                "id_masked": line.id_masked if "*" in line.id_masked else mask(line.id_masked),
                "item": item,
                "payee": line.get_payee_display(),
                "standard": standard_text(line),
                "amount": line.amount,
            }
        )
    return rows


def standard_text(line: ClaimLine) -> str:
    """The standard as a notice says it: 50.00 元/人·天 × 3天, 1200.00 元/人（需求目录标准）."""
    if line.rate is None:
        return "—"
    if line.unit == AmountUnit.PER_PERSON_DAY:
        return f"{line.rate} 元/人·天 × {line.units.normalize():f}天"
    if line.unit == AmountUnit.CATALOGUE:
        return f"{line.rate} 元/人（需求目录补贴标准）"
    if line.unit == AmountUnit.PER_LEVEL:
        return f"{line.rate} 元/人（按等级）"
    return f"{line.rate} {line.get_unit_display()}".strip()


def public_total(rows: list[dict]) -> Decimal:
    return sum((r["amount"] for r in rows), Decimal("0.00"))


def claim_publication(claim: Claim) -> dict:
    """What the claim page shows of publication: the publications that list its lines
    and the objections raised against them (the claim is already in the viewer's scope)."""
    return {
        "claim_publications": list(
            Publication.objects.filter(lines__claim=claim).distinct().order_by("starts_on", "id")
        ),
        "claim_objections": list(
            Objection.objects.filter(line__claim=claim)
            .select_related("line", "publication", "resolved_by")
            .order_by("raised_at", "id")
        ),
    }
