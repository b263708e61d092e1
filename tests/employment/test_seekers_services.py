"""Seeker registration (by a clerk and from the ledger's job intent), the list's filters
and the employment status history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from skillaid.accounts.models import AuditEntry
from skillaid.employment.models import (
    ConfirmedBy,
    EmploymentStatus,
    Place,
    Seeker,
    SeekerSource,
)
from skillaid.employment.seekers import (
    SeekerFilters,
    seeker_list,
    seeker_register,
    seekers_from_ledger,
    seekers_visible_to,
    status_record,
)
from tests.conftest import LONGAN, MASHAN

# The seekers fixtures (clock, worker, electrician, employers and their accounts).
pytest_plugins = ["tests.employment.fixtures_seekers"]

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 12)  # the `clock` fixture's day


def register(wei, person, **wishes):  # noqa: ANN001, ANN201
    return seeker_register(actor=wei, channel="page", person=person, **wishes)


def test_a_clerk_registers_a_seeker_with_wishes_from_the_catalogue(wei, worker, electrician):
    seeker = register(
        wei,
        worker,
        occupations=["电工"],
        places=["本县（区）", "guangdong"],
        wage_min="3500",
        available_on=dt.date(2026, 6, 1),
    )
    assert seeker.person == worker and seeker.county_id == MASHAN
    assert seeker.source == SeekerSource.CLERK and seeker.registered_on == TODAY
    assert seeker.status == EmploymentStatus.UNKNOWN and seeker.status_on is None
    assert list(seeker.occupations.all()) == [electrician]
    assert seeker.place_list == [Place.LOCAL, Place.GUANGDONG]
    assert seeker.wage_min == Decimal("3500.00")
    # Of a household lifted out of poverty: the three-referral rule's people.
    assert seeker.assisted and not seeker.priority
    entry = AuditEntry.objects.filter(object_type="employment.seeker").latest("id")
    assert entry.person_id == worker.pk and entry.action == "create"


def test_registering_again_updates_the_wishes_of_the_same_record(wei, worker, electrician):
    first = register(wei, worker, occupations=["6-31-01-03"], wage_min="3000")
    again = register(wei, worker, places=["区外"], wage_min="4000")
    assert again.pk == first.pk and Seeker.objects.count() == 1
    again.refresh_from_db()
    assert again.wage_min == Decimal("4000.00") and again.place_list == [Place.OUTSIDE]
    assert not again.occupations.exists()
    update = AuditEntry.objects.filter(object_type="employment.seeker", action="update").get()
    assert update.changes["wage_min"] == ["3000.00", "4000.00"]
    # The same wishes once more change nothing and log nothing.
    register(wei, worker, places=["区外"], wage_min="4000")
    assert AuditEntry.objects.filter(object_type="employment.seeker").count() == 2


def test_unknown_occupations_places_and_a_negative_wage_are_refused_in_chinese(wei, worker):
    with pytest.raises(ValidationError) as caught:
        register(wei, worker, occupations=["无人机驾驶员"], places=["火星"], wage_min="-1")
    errors = caught.value.message_dict
    assert "“无人机驾驶员”不在职业目录中" in errors["occupations"][0]
    assert "“火星”无法识别" in errors["places"][0]
    assert errors["wage_min"] == ["期望月薪下限不能为负数"]
    assert not Seeker.objects.exists()


def test_a_clerk_of_another_county_cannot_register_the_person(huang, worker):
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        register(huang, worker)


def test_the_ledger_job_intents_become_seekers_once_in_one_entry(wei, huang, person_factory, clock):
    wants = [person_factory(name=n, wants_job=True) for n in ("韦一", "韦二", "韦三")]
    person_factory(name="韦四", wants_job=False)
    person_factory(LONGAN, name="黄五", wants_job=True)
    already = register(wei, wants[0])
    count = seekers_from_ledger(actor=wei, channel="page")
    assert count == 2
    made = Seeker.objects.filter(source=SeekerSource.LEDGER)
    assert {s.person_id for s in made} == {wants[1].pk, wants[2].pk}
    assert all(s.status == EmploymentStatus.UNKNOWN and s.county_id == MASHAN for s in made)
    assert Seeker.objects.get(pk=already.pk).source == SeekerSource.CLERK
    entry = AuditEntry.objects.filter(note__startswith="按台账就业意愿").get()
    assert entry.changes["count"] == [None, 2]
    assert seekers_from_ledger(actor=wei, channel="page") == 0
    assert AuditEntry.objects.filter(note__startswith="按台账就业意愿").count() == 1
    # 隆安县's worker waits for 隆安县's clerk.
    assert seekers_from_ledger(actor=huang, channel="page") == 1


def test_the_list_filters_by_status_source_and_name(wei, huang, person_factory, clock):
    a = register(wei, person_factory(name="蓝海燕", category="lifted"))
    b = register(wei, person_factory(name="韦小明"))
    status_record(
        actor=wei,
        channel="page",
        seeker=b,
        status=EmploymentStatus.LOCAL,
        confirmed_on=TODAY,
        confirmed_by=ConfirmedBy.PHONE,
    )

    def names(**f) -> set[str]:  # noqa: ANN003
        return {s.person.name for s in seeker_list(wei, filters=SeekerFilters(**f))}

    assert names() == {"蓝海燕", "韦小明"}
    assert names(status="seeking") == {"蓝海燕"}
    assert names(status="employed") == {"韦小明"}
    assert names(status=EmploymentStatus.LOCAL) == {"韦小明"}
    assert names(assisted="1") == {"蓝海燕"}
    assert names(q="lhy") == {"蓝海燕"}
    assert names(q="小明") == {"韦小明"}
    assert names(source=SeekerSource.LEDGER) == set()
    assert not seekers_visible_to(huang).filter(pk__in=[a.pk, b.pk]).exists()


def record(wei, seeker, status, on, by=ConfirmedBy.PHONE):  # noqa: ANN001, ANN201
    return status_record(
        actor=wei, channel="page", seeker=seeker, status=status, confirmed_on=on, confirmed_by=by
    )


def test_a_back_dated_confirmation_joins_the_history_without_replacing_the_status(wei, worker):
    seeker = register(wei, worker)
    record(wei, seeker, EmploymentStatus.OUTSIDE, dt.date(2026, 5, 8), ConfirmedBy.VISIT)
    record(wei, seeker, EmploymentStatus.UNEMPLOYED, dt.date(2026, 4, 1))
    seeker.refresh_from_db()
    assert (seeker.status, seeker.status_on) == (EmploymentStatus.OUTSIDE, dt.date(2026, 5, 8))
    history = [(r.confirmed_on, r.status) for r in seeker.statuses.all()]
    assert history == [
        (dt.date(2026, 5, 8), EmploymentStatus.OUTSIDE),
        (dt.date(2026, 4, 1), EmploymentStatus.UNEMPLOYED),
    ]
    # A later confirmation (or one of the same day, recorded later) takes its place.
    record(wei, seeker, EmploymentStatus.LOCAL, dt.date(2026, 5, 8), ConfirmedBy.INSURANCE)
    seeker.refresh_from_db()
    assert seeker.status == EmploymentStatus.LOCAL


def test_a_status_is_refused_for_a_future_day_or_without_its_means(wei, huang, worker):
    seeker = register(wei, worker)
    with pytest.raises(ValidationError) as caught:
        record(wei, seeker, EmploymentStatus.LOCAL, dt.date(2026, 5, 13), by="")
    assert caught.value.message_dict["confirmed_on"] == ["确认日期2026-05-13晚于今天"]
    assert "确认方式" in caught.value.message_dict["confirmed_by"][0]
    with pytest.raises(PermissionDenied):
        record(huang, seeker, EmploymentStatus.LOCAL, TODAY)


def test_a_refresh_follows_the_person_to_a_new_county(wei, huang, worker):
    from skillaid.employment.seekers import seeker_refresh

    seeker = register(wei, worker)
    worker.county_id = LONGAN
    worker.save(update_fields=["county"])
    seeker_refresh(Seeker.objects.get(pk=seeker.pk))
    assert Seeker.objects.get(pk=seeker.pk).county_id == LONGAN
    assert seekers_visible_to(huang).filter(pk=seeker.pk).exists()
    assert not seekers_visible_to(wei).filter(pk=seeker.pk).exists()
