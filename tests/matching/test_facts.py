"""What each registry kind says of a person, as a fact (matching.facts)."""

from __future__ import annotations

import datetime as dt

from skillaid.matching.facts import fact_absent, fact_present
from skillaid.people.models import FactKind, FactVerdict

AS_OF = dt.date(2026, 11, 1)


def test_an_assisted_category_in_force_is_verified_with_its_period():
    fact = fact_present("assisted", 1, {"category": "监测户", "since": "2021-03-04"}, AS_OF)
    assert (fact.kind, fact.verdict) == (FactKind.ASSISTED, FactVerdict.VERIFIED)
    assert fact.valid_from == dt.date(2021, 3, 4) and fact.valid_until is None


def test_a_household_that_exited_before_the_as_of_date_is_contradicted():
    their = {"category": "边缘易致贫户", "since": "2022-01-01", "until": "2024-12-31"}
    fact = fact_present("assisted", 1, their, AS_OF)
    assert fact.verdict == FactVerdict.CONTRADICTED and fact.valid_until == dt.date(2024, 12, 31)
    assert fact_present("assisted", 1, {"category": "一般户"}, AS_OF).verdict == "contradicted"


def test_unemployment_and_insurance_are_verified_with_their_dates_and_months():
    jobless = fact_present(
        "unemployment", 1, {"registered_on": "2026-03-01", "ended_on": ""}, AS_OF
    )
    assert (jobless.kind, jobless.valid_from) == (FactKind.UNEMPLOYED, dt.date(2026, 3, 1))
    insured = fact_present("insurance", 1, {"months": "14", "employer": "某公司"}, AS_OF)
    assert insured.kind == FactKind.INSURED and "缴费月数 14" in insured.detail


def test_a_school_status_other_than_studying_is_contradicted():
    assert fact_present("school", 1, {"status": "在读"}, AS_OF).verdict == FactVerdict.VERIFIED
    assert fact_present("school", 1, {"status": "退学"}, AS_OF).verdict == "contradicted"


def test_absence_contradicts_only_what_we_hold():
    assert fact_absent("assisted", 1, AS_OF, claimed=False) is None
    assert fact_absent("assisted", 1, AS_OF, claimed=True).verdict == FactVerdict.CONTRADICTED


def test_a_period_given_backwards_is_kept_open():
    fact = fact_present("insurance", 1, {"since": "2026-05-01", "until": "2026-01-01"}, AS_OF)
    assert (fact.valid_from, fact.valid_until) == (dt.date(2026, 5, 1), None)
