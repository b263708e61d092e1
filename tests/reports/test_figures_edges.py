"""Edges of the figures: money paid net of what was taken back, a school's figure of an
indicator no school is counted by, and odd ids at the figures API."""

from __future__ import annotations

from decimal import Decimal

import pytest

from skillaid.accounts.models import ApiToken
from skillaid.reports import periods
from skillaid.reports.figures import Where, figure
from skillaid.reports.tally import INDICATORS, indicator_records, tally_refresh
from skillaid.subsidies import payouts
from tests.conftest import MASHAN
from tests.subsidies.payment_fixtures import *  # noqa: F403
from tests.subsidies.test_payments import TRAINING, exported, import_result

pytestmark = pytest.mark.django_db


def test_money_paid_is_net_of_reversals(payable_class, budget, liang, tmp_path):
    _c, _claim, (a, b) = payable_class(2)
    batch = exported(liang, budget())
    import_result(tmp_path, liang, batch, [[1, TRAINING, "成功", ""], [2, TRAINING, "成功", ""]])
    tally_refresh(["paid"])
    settled = batch.payments.first().settled_at
    year = periods.year(settled.year)
    assert figure("paid", Where(region="45"), year) == 2 * TRAINING
    payouts.payment_reverse(
        actor=liang,
        payment=batch.payments.get(line__person=a),
        reason="重复享受，已追回",
        channel="page",
    )
    tally_refresh(["paid"])
    assert figure("paid", Where(region="45"), year) == TRAINING
    records = indicator_records(INDICATORS["paid"], region=MASHAN, start=year.start, end=year.end)
    assert sorted(r.net for r in records) == [Decimal("0.00"), TRAINING]


def test_a_schools_figure_of_what_no_school_counts_lists_nobody(regions, person_factory, school):
    person_factory()
    tally_refresh(["ledger_people"])
    everything = periods.plan(2000, 2100)
    ind = INDICATORS["ledger_people"]
    assert indicator_records(ind, region=MASHAN).count() == 1
    assert not indicator_records(ind, region=MASHAN, institution_id=school.pk).exists()
    assert figure("ledger_people", Where(region=MASHAN, institution_id=school.pk), everything) == 0


def test_the_figures_api_answers_404_for_odd_institution_ids(client, wei):
    _, token = ApiToken.issue(user=wei, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    for odd in ("100000000000000000000", "-5", "0", "999999"):
        response = client.get(
            f"/api/reports/figures?indicator=trainings&period=2026&institution={odd}", **auth
        )
        assert response.status_code == 404, (odd, response.status_code)
        assert "院校" in response.json()["detail"]
    ok = client.get("/api/reports/figures?indicator=trainings&period=2026", **auth)
    assert ok.status_code == 200
