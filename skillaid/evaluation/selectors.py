"""Who may see which certificates: those of the people the user may see; a school officer,
who sees nobody's ledger record, sees the certificates issued for its own classes."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from pydantic import Field

from skillaid.accounts.lists import Filters
from skillaid.accounts.models import User
from skillaid.accounts.scope import Scope
from skillaid.lib.ints import parse_id

from .models import Certificate, CertificateKind


def certificates_visible_to(user: User) -> QuerySet[Certificate]:
    return Scope.of(user).filter(
        Certificate.objects.all(),
        region="person__county__code",
        institution="enrolment__training_class__institution_id",
    )


class CertificateFilters(Filters):
    """`q`: part of the number or the holder's name; `kind`: a CertificateKind value;
    `class`: issued for this class; `person_id`: held by this person."""

    model_config = {**Filters.model_config, "populate_by_name": True}

    q: str = ""
    kind: str = ""
    class_id: str = Field("", alias="class")
    person_id: str = ""


def certificate_list(
    user: User, *, filters: CertificateFilters | None = None
) -> QuerySet[Certificate]:
    """The certificates: their page, their API and their export."""
    f = filters or CertificateFilters()
    rows = certificates_visible_to(user).select_related("person", "enrolment__training_class")
    if f.q:
        rows = rows.filter(Q(number__icontains=f.q) | Q(holder_name__contains=f.q))
    if f.kind in CertificateKind.values:
        rows = rows.filter(kind=f.kind)
    # A number no class or person can have lists nothing rather than failing.
    if f.class_id:
        class_id = parse_id(f.class_id)
        rows = rows.filter(enrolment__training_class_id=class_id) if class_id else rows.none()
    if f.person_id:
        person_id = parse_id(f.person_id)
        rows = rows.filter(person_id=person_id) if person_id else rows.none()
    return rows.order_by("-issued_on", "-id")
