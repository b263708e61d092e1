"""Trial calculation (试算) of a rule change: the proposed terms on the classes of the last
twelve months, against the rule as it stands and what is on record; nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from skillaid.accounts.models import ApiToken, AuditEntry
from skillaid.subsidies import trial as trial_module
from skillaid.subsidies.forms import RuleTermsForm
from skillaid.subsidies.models import Claim, ClaimLine, PolicyRule, PolicyRuleVersion
from skillaid.subsidies.trial import run_trial
from skillaid.training.models import Attendance, Enrolment
from tests.subsidies.fixtures import at

pytestmark = pytest.mark.django_db

LIVING = "gx-project-training-living-allowance"


@pytest.fixture(autouse=True)
def seeded_rules(regions):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()


def form_of(rule: PolicyRule, **changes: object) -> dict[str, object]:
    data = {k: v for k, v in RuleTermsForm.initial_of(rule.current_version).items()}
    data = {k: v for k, v in data.items() if v not in (None, False, [])}
    for key, value in list(data.items()):
        if isinstance(value, dt.date):
            data[key] = value.isoformat()
    return data | changes


def counts() -> dict[str, int]:
    return {
        m.__name__: m.objects.count()
        for m in (PolicyRuleVersion, Claim, ClaimLine, AuditEntry, Enrolment, Attendance)
    }


@pytest.fixture
def closed(workshop, run_class, person_factory):
    """A closed project-based class of an assistance workshop in 马山县 (the living
    allowance goes with project-based training): one trainee attended all 5 days, one
    only 3 (below 80%)."""
    officer, craft = workshop
    full = person_factory(category="脱贫户", name="蓝海燕")
    short = person_factory(category="脱贫户", name="覃海")
    c = run_class(officer, attended={full: 5, short: 3}, occupation=craft.pk, level="none")
    return c


def test_raising_the_living_allowance_shows_what_it_would_add(qin, closed):
    rule = PolicyRule.objects.get(code=LIVING)
    with at(closed.closed_moment + dt.timedelta(days=2)):
        before = counts()
        terms = form_of(rule, amount="80")
        trial = run_trial(qin, rule, terms)
        assert counts() == before
    assert [row.class_id for row in trial.classes] == [closed.pk]
    row = trial.classes[0]
    # 5 days × 50 under the rule as it stands, 5 × 80 proposed; the workshop's project
    # subsidy (5 × 200, at most 1,000) is the same on both sides; the short trainee gets
    # nothing on either.
    assert row.roster == 2
    assert (row.current.trainees, row.current.lines, row.current.amount) == (
        1,
        2,
        Decimal("1250.00"),
    )
    assert (row.proposed.trainees, row.proposed.lines, row.proposed.amount) == (
        1,
        2,
        Decimal("1400.00"),
    )
    assert row.on_record.amount == Decimal("1250.00") and row.on_record.lines == 2
    assert row.paid == Decimal("0.00")
    assert row.difference == Decimal("150.00") and row.against_record == Decimal("150.00")
    assert trial.totals["difference"] == Decimal("150.00") and not trial.capped


def test_the_trial_button_shows_the_difference_and_saves_nothing(client, qin, closed):
    client.force_login(qin)
    rule = PolicyRule.objects.get(code=LIVING)
    with at(closed.closed_moment + dt.timedelta(days=2)):
        before = counts()
        page = client.post(
            f"/policies/{LIVING}/edit/",
            form_of(rule, amount="80", reason="物价上涨", action="trial"),
        )
        assert counts() == before
    html = page.content.decode()
    assert page.status_code == 200 and "试算结果（未保存）" in html
    assert closed.name in html
    assert '<dd id="trial-difference">150.00 元</dd>' in html
    assert rule.versions.count() == 1


def test_a_bad_amount_is_named_beside_its_field_and_nothing_is_tried(client, qin, closed):
    client.force_login(qin)
    rule = PolicyRule.objects.get(code=LIVING)
    page = client.post(f"/policies/{LIVING}/edit/", form_of(rule, amount="五十元", action="trial"))
    html = page.content.decode()
    assert page.status_code == 200 and "试算结果" not in html
    assert "不是金额" in html


def test_only_the_rules_editors_may_try_it(client, wei, closed):
    client.force_login(wei)  # the county clerk reads rules but does not change them
    rule = PolicyRule.objects.get(code=LIVING)
    page = client.post(f"/policies/{LIVING}/edit/", form_of(rule, amount="80", action="trial"))
    assert page.status_code == 403
    _, token = ApiToken.issue(user=wei, name="t")
    answer = client.post(
        f"/api/policy-rules/{LIVING}/trial",
        {"amount": "80"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 403


def test_classes_outside_the_window_or_the_rules_region_are_left_out(qin, zhou, closed):
    rule = PolicyRule.objects.get(code=LIVING)
    # A year and more after the close: the class is out of the twelve months.
    with at(closed.closed_moment + dt.timedelta(days=400)):
        trial = run_trial(qin, rule, form_of(rule, amount="80"))
    assert trial.classes == [] and trial.found == 0
    # The 永安 rule (Fujian) speaks of no Guangxi class, even made to fit every occupation;
    # the nationwide limit speaks of every class.
    yongan = PolicyRule.objects.get(code="ya-urgent-project-training")
    limit = PolicyRule.objects.get(code="limit-attendance-threshold")
    with at(closed.closed_moment + dt.timedelta(days=2)):
        assert run_trial(zhou, yongan, form_of(yongan, occupation="")).classes == []
        lowered = run_trial(zhou, limit, form_of(limit, limit_value="60"))
    # 60 %: the trainee with 3 of 5 days now gets 3 days' project subsidy and living.
    row = lowered.classes[0]
    assert row.class_id == closed.pk
    assert row.difference == Decimal("600.00") + Decimal("150.00")
    assert row.proposed.trainees == 2 and row.current.trainees == 1


def test_a_large_region_is_capped_at_the_newest_classes(
    qin, workshop, closed, run_class, person_factory, monkeypatch
):
    officer, craft = workshop
    with at(closed.closed_moment + dt.timedelta(days=1)):
        newer = run_class(
            officer,
            attended={person_factory(category="脱贫户"): 2},
            count=2,
            name="第二期",
            occupation=craft.pk,
            level="none",
        )
    monkeypatch.setattr(trial_module, "CAP", 1)
    rule = PolicyRule.objects.get(code=LIVING)
    with at(newer.closed_moment + dt.timedelta(days=1)):
        trial = run_trial(qin, rule, form_of(rule, amount="80"))
    assert trial.found == 2 and trial.capped
    assert [row.class_id for row in trial.classes] == [newer.pk]


def test_the_api_tries_a_change_given_as_the_terms_that_change(client, qin, closed):
    _, token = ApiToken.issue(user=qin, name="t")
    with at(closed.closed_moment + dt.timedelta(days=2)):
        before = counts()
        answer = client.post(
            f"/api/policy-rules/{LIVING}/trial",
            {"amount": "80"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        after = counts()
    assert answer.status_code == 200, answer.content
    body = answer.json()
    # Reading the API writes its own log of the request, nothing of the rule or claims.
    assert {k: v for k, v in after.items() if k != "AuditEntry"} == {
        k: v for k, v in before.items() if k != "AuditEntry"
    }
    assert body["computed"] == 1 and body["capped"] is False
    assert Decimal(body["totals"]["difference"]) == Decimal("150.00")
    assert Decimal(body["classes"][0]["proposed"]["amount"]) == Decimal("1400.00")
    bad = client.post(
        f"/api/policy-rules/{LIVING}/trial",
        {"amount": "-5", "colour": "red"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert bad.status_code == 422 and "colour" in bad.json()["detail"]


def test_more_classes_than_a_page_waits_for_are_tried_in_a_background_job(
    client, qin, wei, closed, monkeypatch
):
    from skillaid.accounts.jobs import Job
    from skillaid.subsidies import views

    monkeypatch.setattr(views, "INLINE_CLASSES", 0)
    client.force_login(qin)
    rule = PolicyRule.objects.get(code=LIVING)
    with at(closed.closed_moment + dt.timedelta(days=2)):
        before = {k: v for k, v in counts().items()}
        answer = client.post(
            f"/policies/{LIVING}/edit/", form_of(rule, amount="80", action="trial")
        )
        job = Job.objects.get(kind="policy_trial")
        assert answer.status_code == 302
        assert answer["Location"] == f"/policies/{LIVING}/trials/{job.pk}/"
        page = client.get(answer["Location"])
        assert counts() == before
    html = page.content.decode()
    assert Job.objects.get(pk=job.pk).state == "done"
    assert '<dd id="trial-difference">150.00 元</dd>' in html
    assert f'id="trial-class-{closed.pk}"' in html and closed.end_on.isoformat() in html
    # Another user, even one who reads the rules, finds no such trial.
    client.force_login(wei)
    assert client.get(answer["Location"]).status_code in (403, 404)


def test_the_api_runs_a_large_trial_in_the_background(client, qin, wei, closed, monkeypatch):
    from skillaid.subsidies import api

    monkeypatch.setattr(api, "INLINE_CLASSES", 0)
    _, token = ApiToken.issue(user=qin, name="t")
    with at(closed.closed_moment + dt.timedelta(days=2)):
        answer = client.post(
            f"/api/policy-rules/{LIVING}/trial",
            {"amount": "80"},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert answer.status_code == 202, answer.content
        url = answer.json()["url"]
        body = client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["state"] == "done"
    assert Decimal(body["trial"]["totals"]["difference"]) == Decimal("150.00")
    _, other = ApiToken.issue(user=wei, name="t")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {other}").status_code in (403, 404)
