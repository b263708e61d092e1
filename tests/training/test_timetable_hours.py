"""A class's timetable against the demand catalogue's standard hours: a subsidised class short
of them is refused at declaration, an unsubsidised one is warned, the class page compares them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from skillaid.training import classes
from skillaid.training.models import ClassStatus

pytestmark = pytest.mark.django_db


def soon(days: int = 8) -> dt.datetime:
    return (timezone.now() + dt.timedelta(days=days)).replace(
        hour=1, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def standard_120(entry):
    entry.standard_hours = 120
    entry.save()
    return entry


def test_timetable_hours_add_up_the_sessions_in_clock_hours(lu, school, class_factory):
    c = class_factory(lu, approve=False, count=4)  # four sessions of three hours
    assert classes.timetable_hours(c) == Decimal("12.0")


def test_a_subsidised_class_short_of_the_standard_is_refused_naming_both_figures(
    lu, school, standard_120, class_factory
):
    c = class_factory(lu, approve=False, count=4)
    with pytest.raises(ValidationError) as exc:
        classes.class_declare(actor=lu, training_class=c)
    assert any("课表合计 12 课时，少于需求目录标准 120 课时" in m for m in exc.value.messages)
    c.refresh_from_db()
    assert c.status == ClassStatus.DRAFT


def test_a_subsidised_class_meeting_the_standard_is_declared(lu, school, entry, class_factory):
    entry.standard_hours = 12
    entry.save()
    c = class_factory(lu, approve=False, count=4)
    c = classes.class_declare(actor=lu, training_class=c)
    assert c.status == ClassStatus.DECLARED
    assert classes.declaration_warnings(c) == []


def test_an_unsubsidised_class_short_of_the_standard_is_declared_with_a_warning(
    client, lu, school, standard_120, class_factory
):
    c = class_factory(lu, approve=False, count=4, subsidised=False)
    client.force_login(lu)
    page = client.post(reverse("class_declare", args=[c.pk]), follow=True).content.decode()
    c.refresh_from_db()
    assert c.status == ClassStatus.DECLARED
    assert "课表合计 12 课时，少于需求目录标准 120 课时" in page
    assert "本班为非补贴培训，可以申报" in page


def test_the_api_declaration_of_an_unsubsidised_short_class_carries_the_warning(
    client, lu, school, standard_120, class_factory
):
    from tests.training.test_api import bearer

    c = class_factory(lu, approve=False, count=4, subsidised=False)
    response = client.post(f"/api/classes/{c.pk}/declare", **bearer(lu))
    assert response.status_code == 200
    assert any("少于需求目录标准 120 课时" in w for w in response.json()["warnings"])


def test_the_reviewer_sees_timetable_hours_against_the_standard(
    client, lu, liang, school, standard_120, class_factory
):
    c = class_factory(lu, approve=False, count=4, subsidised=False)
    classes.class_declare(actor=lu, training_class=c)
    client.force_login(liang)
    page = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    assert "课表合计 12 课时，需求目录标准 120 课时，<strong>不足标准</strong>" in page
