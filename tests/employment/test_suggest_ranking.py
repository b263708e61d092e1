"""Postings suggested to a seeker: a certificate holder's occupation ranks first, then a
trained one, then a wanted one; within each the wanted place and the wage; an expired,
closed or already referred posting never appears."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.employment.models import Posting, Referral
from skillaid.employment.suggest import place_of, suggestions
from tests.conftest import LONGAN, MASHAN, NANNING
from tests.employment import factories as f
from tests.employment import fixtures_referrals as fx

pytestmark = pytest.mark.django_db

ON = fx.TODAY


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, 0), tick=False):
        yield


@pytest.fixture
def trades(db):
    return {
        "电工": f.occupation("电工", "6-31-01-03"),
        "焊工": f.occupation("焊工", "6-18-02-04"),
        "家政": f.occupation("家政服务员", "4-10-01-01"),
        "厨师": f.occupation("中式烹调师", "4-03-02-01"),
    }


def test_places_are_read_against_the_seekers_county():
    assert place_of(MASHAN, MASHAN) == "local"
    assert place_of(LONGAN, MASHAN) == "province"
    assert place_of("440300", MASHAN) == "guangdong"
    assert place_of("330100", MASHAN) == "outside"


def test_a_certificate_holders_occupation_ranks_first(regions, person_factory, trades):
    person = person_factory()
    seeker = f.seeker(person, wage_min=Decimal("3000"), places="local|guangdong")
    seeker.occupations.set([trades["家政"]])
    fx.certificate(person, trades["电工"], level="4")
    fx.trained(person, trades["焊工"])
    boss = f.employer(region=MASHAN)
    # The wanted occupation pays best and is local; the certificate's is far and pays less.
    wanted = f.posting(boss, occupation_row=trades["家政"], region=MASHAN, wage=(5000, 8000))
    welder = f.posting(boss, occupation_row=trades["焊工"], region=MASHAN, wage=(4000, 6000))
    sparky = f.posting(boss, occupation_row=trades["电工"], region="330100", wage=(2000, 2500))
    f.posting(boss, occupation_row=trades["厨师"], region="450200", wage=(9000, 9000))
    found = suggestions(seeker, on=ON)
    assert [s.posting.pk for s in found][:3] == [sparky.pk, welder.pk, wanted.pk]
    assert found[0].reasons == ["持有电工（四级）证书", "仍在招"]
    assert found[1].reasons == ["参加过焊工培训", "工作地在本县", "月薪不低于期望", "仍在招"]
    assert found[2].reasons == ["求职意向职业", "工作地在本县", "月薪不低于期望", "仍在招"]
    # Other occupations only after the seeker's own, as a fallback near them.
    assert [s.posting.occupation.name for s in found[3:]] == ["中式烹调师"]


def test_within_an_occupation_place_then_wage_then_newest(regions, person_factory, trades):
    person = person_factory()
    seeker = f.seeker(person, wage_min=Decimal("4000"), places="guangdong")
    seeker.occupations.set([trades["电工"]])
    boss = f.employer()
    local_rich = f.posting(boss, region=MASHAN, wage=(6000, 9000))
    gd_poor = f.posting(boss, region="440300", wage=(3000, 3500))
    gd_old = f.posting(boss, region="440300", wage=(4000, 5000), valid_from=dt.date(2026, 3, 1))
    gd_new = f.posting(boss, region="441900", wage=(4000, 5000), valid_from=dt.date(2026, 5, 1))
    found = suggestions(seeker, on=ON)
    assert [s.posting.pk for s in found] == [gd_new.pk, gd_old.pk, gd_poor.pk, local_rich.pk]
    assert "粤桂劳务协作岗位" in found[0].reasons
    assert "月薪不低于期望" not in found[2].reasons


def test_expired_closed_and_referred_postings_never_appear(regions, wei, person_factory, trades):
    seeker = f.seeker(person_factory())
    seeker.occupations.set([trades["电工"]])
    boss = f.employer(region=MASHAN)
    live = f.posting(boss, region=MASHAN)
    f.posting(boss, region=MASHAN, valid_until=dt.date(2026, 6, 14))
    f.posting(boss, region=MASHAN, valid_from=dt.date(2026, 6, 16))
    f.posting(boss, region=MASHAN, closed_on=dt.date(2026, 6, 15))
    referred = f.posting(boss, region=MASHAN)
    Referral.objects.create(
        seeker=seeker, posting=referred, county_id=MASHAN, employer=boss, referred_on=ON
    )
    assert [s.posting.pk for s in suggestions(seeker, on=ON)] == [live.pk]


def test_a_seeker_without_occupations_gets_open_postings_near_them(regions, person_factory, trades):
    seeker = f.seeker(person_factory())
    boss = f.employer()
    near = f.posting(boss, region=MASHAN, occupation_row=trades["厨师"])
    province = f.posting(boss, region=NANNING, occupation_row=trades["焊工"])
    f.posting(boss, region="440300", occupation_row=trades["电工"])
    found = suggestions(seeker, on=ON)
    assert [s.posting.pk for s in found] == [near.pk, province.pk]
    assert found[0].reasons == ["工作地在本县", "仍在招"]


def test_the_page_is_cut_to_the_limit(regions, person_factory, trades):
    seeker = f.seeker(person_factory())
    seeker.occupations.set([trades["电工"]])
    boss = f.employer()
    for i in range(7):
        f.posting(boss, region=MASHAN, wage=(3000 + i, 4000 + i))
    found = suggestions(seeker, on=ON, limit=5)
    assert len(found) == 5
    assert [s.posting.wage_max for s in found] == [Decimal(4006 - i) for i in range(5)]


DAYS = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31))
REGIONS = st.sampled_from([MASHAN, LONGAN, NANNING, "440300", "330100"])
POSTINGS = st.lists(
    st.tuples(
        st.integers(0, 3),  # occupation
        REGIONS,
        DAYS,
        st.integers(0, 120),  # days open
        st.one_of(st.none(), st.integers(0, 150)),  # closed after n days
        st.integers(2000, 9000),
    ),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=POSTINGS, on=DAYS, wanted=st.sets(st.integers(0, 3), max_size=2))
def test_no_suggestion_is_ever_outside_its_validity_and_scores_never_rise(
    regions, person_factory, trades, rows, on, wanted
):
    Posting.objects.all().delete()
    occupations = list(trades.values())
    # Each example its own seeker (the database is rolled back once, after them all).
    seeker = f.seeker(person_factory(name="覃"))
    seeker.occupations.set([occupations[i] for i in wanted])
    if 0 in wanted:
        fx.certificate(seeker.person, occupations[0])
    boss = f.employer()
    for occ, region, start, days, closed_after, wage in rows:
        f.posting(
            boss,
            occupation_row=occupations[occ],
            region=region,
            valid_from=start,
            valid_until=start + dt.timedelta(days=days),
            closed_on=start + dt.timedelta(days=closed_after) if closed_after is not None else None,
            wage=(wage, wage + 500),
        )
    found = suggestions(seeker, on=on, limit=10)
    for s in found:
        p = s.posting
        assert p.valid_from <= on <= p.valid_until
        assert p.closed_on is None or p.closed_on > on
    scores = [s.score for s in found]
    assert scores == sorted(scores, reverse=True)
    assert len({s.posting.pk for s in found}) == len(found)
