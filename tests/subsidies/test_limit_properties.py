"""Property tests of the limits: whatever lines come, in whatever order, the lines the
limits let through never break a limit (once per occupation and level, three a year,
no lower level after a higher one, one subsidy per certificate, within twelve months)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.subsidies import limits as lim
from skillaid.subsidies.models import RuleKind
from tests.conftest import MASHAN

pytestmark = pytest.mark.django_db

LEVELS = ["5", "4", "3"]

attempt = st.fixed_dictionaries(
    {
        "kind": st.sampled_from([RuleKind.TRAINING, RuleKind.PROJECT, RuleKind.UPGRADING]),
        "occupation": st.integers(1, 3),
        "level": st.sampled_from(LEVELS),
        "certificate": st.integers(1, 6),
        "day": st.integers(0, 3 * 365),
        "age": st.integers(0, 500),  # days from the certificate to the claim
    }
)


@pytest.fixture
def limits(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    return lim.Limits(MASHAN, dt.date(2026, 6, 1))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attempts=st.lists(attempt, max_size=25))
def test_what_the_limits_let_through_keeps_every_limit(limits, attempts):
    history = lim.History()
    start = dt.date(2024, 1, 1)
    accepted: list[dict] = []
    for n, a in enumerate(sorted(attempts, key=lambda a: a["day"]), start=1):
        claimed = start + dt.timedelta(days=a["day"])
        issued = claimed - dt.timedelta(days=a["age"])
        verdict = lim.check(
            limits,
            history,
            person_id=1,
            kind=a["kind"],
            occupation_id=a["occupation"],
            level=a["level"],
            certificate_id=a["certificate"],
            certificate_issued_on=issued,
            enrolment_id=None,
            claimed_on=claimed,
        )
        if verdict is not None:
            assert verdict.limit.rule.kind == "limit" and verdict.reason
            if verdict.blocked_by is not None:
                assert verdict.blocked_by in {p.id for p in history.of(1)}
            continue
        history.add(
            lim.Past(
                id=n,
                person_id=1,
                kind=a["kind"],
                occupation_id=a["occupation"],
                level=a["level"],
                certificate_id=a["certificate"],
                enrolment_id=None,
                claimed_on=claimed,
                rule_id=None,
                amount=Decimal("100.00"),
            )
        )
        accepted.append({**a, "claimed": claimed, "issued": issued})

    # Once per person, occupation and level.
    pairs = Counter((a["occupation"], a["level"]) for a in accepted)
    assert all(n == 1 for n in pairs.values())
    # Three training subsidies a calendar year, counted when claimed.
    years = Counter(a["claimed"].year for a in accepted if a["kind"] != RuleKind.UPGRADING)
    assert all(n <= 3 for n in years.values())
    # No lower level of an occupation after a higher one.
    for i, a in enumerate(accepted):
        for b in accepted[i + 1 :]:
            if a["occupation"] == b["occupation"]:
                assert lim.RANKED[b["level"]] >= lim.RANKED[a["level"]]
    # One certificate: training or upgrading, not both.
    by_certificate: dict[int, set] = {}
    for a in accepted:
        by_certificate.setdefault(a["certificate"], set()).add(
            "upgrading" if a["kind"] == RuleKind.UPGRADING else "training"
        )
    assert all(len(kinds) == 1 for kinds in by_certificate.values())
    # Within twelve months of the certificate.
    from skillaid.lib.dates import add_months

    assert all(a["claimed"] <= add_months(a["issued"], 12) for a in accepted)


@given(day=st.dates(dt.date(1990, 1, 1), dt.date(2090, 12, 31)), months=st.integers(0, 36))
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months):
    from skillaid.lib.dates import add_months

    later = add_months(day, months)
    assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
    assert later.day == day.day or (later.day < day.day and (later + dt.timedelta(days=1)).day == 1)
