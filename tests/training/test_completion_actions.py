"""Completion: the class page offers 登记结业, 结业关班 and 为合格学员发证 only when they are
allowed; the services refuse them before the last session has ended; a refused submit of the
completion form keeps what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from skillaid.evaluation.services import certificates_issue
from skillaid.training import classes
from skillaid.training.models import Completion

pytestmark = pytest.mark.django_db

ACTIONS = ("登记结业", "结业关班", "为合格学员发证")


def actions_on(client, c) -> set[str]:  # noqa: ANN001
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    return {a for a in ACTIONS if f">{a}</" in page}


def test_no_completion_action_shows_on_a_class_that_has_not_started(
    client, lu, school, class_factory
):
    c = class_factory(lu)
    client.force_login(lu)
    assert actions_on(client, c) == set()
    with time_machine.travel(c.sessions.first().starts_at + dt.timedelta(minutes=5), tick=False):
        assert actions_on(client, c) == set()  # running: still not over


def test_after_the_last_session_completion_and_certificates_show_then_closing(
    client, lu, school, class_factory
):
    c = class_factory(lu, count=1)
    client.force_login(lu)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        assert actions_on(client, c) == {"登记结业", "为合格学员发证"}
        e = c.enrolments.get()
        classes.enrolment_complete(actor=lu, enrolment=e, completed=True, score=90, passed=True)
        assert actions_on(client, c) == set(ACTIONS)


def test_the_services_refuse_before_the_last_session_has_ended(lu, school, class_factory):
    c = class_factory(lu, count=2)
    e = c.enrolments.get()
    with time_machine.travel(c.sessions.first().ends_at + dt.timedelta(hours=1), tick=False):
        with pytest.raises(ValidationError, match="最后一个课次结束后才能登记结业"):
            classes.enrolment_complete(actor=lu, enrolment=e, completed=True, passed=True)
        with pytest.raises(ValidationError, match="最后一个课次结束后才能结业"):
            classes.class_close(actor=lu, training_class=c)
        with pytest.raises(ValidationError, match="最后一个课次结束后才能发证"):
            certificates_issue(actor=lu, training_class=c)


def test_the_completion_form_takes_no_input_before_the_last_session(
    client, lu, school, class_factory
):
    c = class_factory(lu)
    e = c.enrolments.get()
    client.force_login(lu)
    response = client.get(reverse("class_completion", args=[c.pk]), follow=True)
    assert "最后一个课次结束后才能登记结业" in response.content.decode()
    assert 'id="completion"' not in response.content.decode()
    client.post(
        reverse("class_completion", args=[c.pk]),
        {f"completed_{e.pk}": "yes", f"score_{e.pk}": "88", f"passed_{e.pk}": "on"},
    )
    e.refresh_from_db()
    assert e.completion == Completion.PENDING and e.score is None


def test_a_refused_submit_keeps_the_typed_scores_and_ticks(
    client, lu, school, class_factory, person_factory
):
    good, other = person_factory(category="脱贫户"), person_factory(category="脱贫户", name="覃海")
    c = class_factory(lu, trainees=[good, other], count=1)
    a, b = c.enrolments.get(person=good), c.enrolments.get(person=other)
    client.force_login(lu)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        page = client.post(
            reverse("class_completion", args=[c.pk]),
            {
                f"completed_{a.pk}": "yes",
                f"score_{a.pk}": "八十",  # refused: not a number
                f"passed_{a.pk}": "on",
                f"completed_{b.pk}": "",
                f"score_{b.pk}": "75",  # 不变: not saved, but kept on the page
                f"passed_{b.pk}": "on",
            },
        ).content.decode()
    assert "成绩“八十”不是数字" in page
    assert f'name="score_{a.pk}" inputmode="decimal" size="5" value="八十"' in page
    assert f'name="passed_{a.pk}" checked' in page
    assert f'name="score_{b.pk}" inputmode="decimal" size="5" value="75"' in page
    assert f'name="passed_{b.pk}" checked' in page
    a.refresh_from_db()
    assert a.completion == Completion.PENDING
