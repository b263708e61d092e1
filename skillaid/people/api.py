"""People and the ledger over HTTP, through the same selectors and services as the pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from skillaid.accounts.lists import OFFSET_ROWS, keyset_page
from skillaid.accounts.models import Channel
from skillaid.lib.dates import Day

from . import services
from .facts import Facts, person_bases, person_fact_check
from .models import Person
from .selectors import PersonFilters, person_for, person_list

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    name: str
    id_number_masked: str
    sex: str
    birth_date: dt.date
    county_code: str
    county_name: str
    phone: str
    ethnicity: str
    education: str
    township: str
    village: str
    relation: str
    household_number: str | None
    category: str | None
    monitoring_kind: str | None
    wants_training: bool | None  # None: the survey's answer was neither yes nor no
    training_occupations: str
    wants_school: bool | None
    wants_job: bool | None
    surveyed_on: dt.date | None

    @staticmethod
    def from_person(p: Person) -> PersonOut:
        h = p.household
        return PersonOut(
            id=p.pk,
            name=p.name,
            id_number_masked=p.id_masked,
            sex=p.sex,
            birth_date=p.birth_date,
            county_code=p.county_id,
            county_name=p.county.name,
            phone=p.phone,
            ethnicity=p.ethnicity,
            education=p.education,
            township=p.township,
            village=p.village,
            relation=p.relation,
            household_number=h.number if h else None,
            category=h.category if h else None,
            monitoring_kind=(h.monitoring_kind or None) if h else None,
            wants_training=p.wants_training,
            training_occupations=p.training_occupations,
            wants_school=p.wants_school,
            wants_job=p.wants_job,
            surveyed_on=p.surveyed_on,
        )


class PersonPage(Schema):
    count: int  # exact when count_exact, else an estimate (see accounts.lists.count_rows)
    count_exact: bool
    limit: int
    offset: int
    next: str | None  # pass as `cursor` for the next page; None on the last page
    previous: str | None
    items: list[PersonOut]


class PersonIn(Schema):
    id_number: str
    name: str
    county: str = ""  # a county code; a county clerk's own county when left out
    phone: str = ""
    ethnicity: str = ""
    education: str = ""
    township: str = ""
    village: str = ""
    relation: str = ""
    household_number: str = ""
    category: str | None = None
    monitoring_kind: str | None = None
    wants_training: bool = False
    training_occupations: str = ""
    wants_school: bool = False
    wants_job: bool = False
    surveyed_on: Day | None = None


class PersonPatch(Schema):
    name: str | None = None
    county: str | None = None
    phone: str | None = None
    ethnicity: str | None = None
    education: str | None = None
    township: str | None = None
    village: str | None = None
    relation: str | None = None
    category: str | None = None
    monitoring_kind: str | None = None
    category_on: Day | None = None  # when a category change takes effect; today if left out
    category_note: str | None = None  # why the category changed
    wants_training: bool | None = None
    training_occupations: str | None = None
    wants_school: bool | None = None
    wants_job: bool | None = None
    surveyed_on: Day | None = None


class Error(Schema):
    detail: dict[str, str] | str


@router.get("", response=PersonPage, summary="List or search people in the caller's scope")
def list_people(
    request: HttpRequest,
    filters: Query[PersonFilters],
    limit: int = 50,
    offset: int = 0,
    cursor: str = "",
):  # noqa: ANN201
    """Pages as the ledger page does: follow `next` (or `previous`) as `cursor`, which
    costs the same on any page. `offset` is kept for small jumps, up to OFFSET_ROWS."""
    if not 1 <= limit <= 500:
        raise HttpError(422, "limit 应在 1 到 500 之间")
    if not 0 <= offset <= OFFSET_ROWS:
        raise HttpError(422, f"offset 应在 0 到 {OFFSET_ROWS} 之间；更靠后的页请用 next 翻页")
    people = person_list(request.user, filters=filters)
    page = keyset_page(people, size=limit, cursor=cursor, offset=offset)
    if page.error:
        raise HttpError(422, "cursor 无效（可能被改动，或来自另一种排序）；请从第一页重新翻页")
    return PersonPage(
        count=page.count,
        count_exact=page.count_exact,
        limit=limit,
        offset=0 if cursor else offset,
        next=page.next_cursor,
        previous=page.previous_cursor,
        items=[PersonOut.from_person(p) for p in page],
    )


@router.get("/{int:person_id}", response=PersonOut, summary="Read one person")
def read_person(request: HttpRequest, person_id: int):  # noqa: ANN201
    return PersonOut.from_person(person_for(request.user, person_id))


@router.post("", response={201: PersonOut, 422: Error}, summary="Register a person")
def create_person(request: HttpRequest, payload: PersonIn):  # noqa: ANN201
    person = services.person_create(actor=request.user, channel=Channel.API, data=payload.dict())
    return Status(201, PersonOut.from_person(person_for(request.user, person.pk)))


@router.patch(
    "/{int:person_id}",
    response={200: PersonOut, 422: Error},
    summary="Change some fields of a person",
)
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch):  # noqa: ANN201
    person = person_for(request.user, person_id)
    data = payload.dict(exclude_unset=True)
    services.person_update(actor=request.user, channel=Channel.API, person=person, data=data)
    return PersonOut.from_person(person_for(request.user, person_id))


class FactIn(Schema):
    kind: (
        str  # a FactKind: assisted, school_leaver, migrant, unemployed, insured, graduate, student
    )
    verdict: str  # verified or contradicted
    as_of: Day  # the day the papers were seen
    papers: str  # what was seen: 毕业证书, 失业登记证 …
    detail: str = ""
    valid_from: Day | None = None
    valid_until: Day | None = None


class FactOut(Schema):
    id: int
    kind: str
    kind_label: str
    verdict: str
    as_of: dt.date
    valid_from: dt.date | None
    valid_until: dt.date | None
    source_kind: str
    source: str
    detail: str
    recorded_at: dt.datetime


class BasisOut(Schema):
    kind: str
    label: str
    where: str
    on: dt.date
    status: str  # verified, contradicted or unverified
    fact_id: int | None
    source: str
    as_of: dt.date | None


class FactsOut(Schema):
    bases: list[BasisOut]
    facts: list[FactOut]


def _fact_out(f) -> FactOut:  # noqa: ANN001
    return FactOut(
        id=f.pk,
        kind=f.kind,
        kind_label=f.get_kind_display(),
        verdict=f.verdict,
        as_of=f.as_of,
        valid_from=f.valid_from,
        valid_until=f.valid_until,
        source_kind=f.source_kind,
        source=f.source,
        detail=f.detail,
        recorded_at=f.recorded_at,
    )


@router.get("/{int:person_id}/facts", response=FactsOut, summary="Where a person's bases stand")
def read_facts(request: HttpRequest, person_id: int):  # noqa: ANN201
    person = person_for(request.user, person_id)
    facts = list(person.facts.order_by("-as_of", "-id"))
    return FactsOut(
        bases=[
            BasisOut(
                kind=b.kind,
                label=b.label,
                where=b.where,
                on=b.on,
                status=b.verdict.status,
                fact_id=b.verdict.fact.pk if b.verdict.fact else None,
                source=b.verdict.fact.source if b.verdict.fact else "",
                as_of=b.verdict.fact.as_of if b.verdict.fact else None,
            )
            for b in person_bases(person, Facts(facts))
        ],
        facts=[_fact_out(f) for f in facts],
    )


@router.post(
    "/{int:person_id}/facts",
    response={201: FactOut, 422: Error},
    summary="Record a check of a person's papers for one basis",
)
def record_fact(request: HttpRequest, person_id: int, payload: FactIn):  # noqa: ANN201
    person = person_for(request.user, person_id)
    fact = person_fact_check(
        actor=request.user, channel=Channel.API, person=person, **payload.dict()
    )
    return Status(201, _fact_out(fact))
