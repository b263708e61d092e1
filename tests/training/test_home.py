"""The school officer's home page: the institution's classes that wait for a step, each with
that step, in place of a ledger the officer may not read."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.training.fixtures import complete

pytestmark = pytest.mark.django_db


def test_the_officer_sees_each_open_class_with_its_next_step(
    client, lu, school, class_factory, person_factory
):
    a, b = person_factory(category="脱贫户", name="蓝海燕"), person_factory(category="脱贫户")
    waiting = class_factory(lu, approve=False, name="待申报的育婴员班")
    ahead = class_factory(lu, trainees=[a], name="下周开课的育婴员班")
    first = ahead.sessions.order_by("starts_at").first()
    client.force_login(lu)

    page = client.get("/").content.decode()
    assert "广西南宁技师学院：待办的培训班" in page
    assert "待申报的育婴员班" in page and "草稿：填好花名册和课程表后申报" in page
    assert "下周开课的育婴员班" in page
    assert f"已批准，{timezone.localtime(first.starts_at):%Y-%m-%d}开课" in page
    # No ledger table for a school: its figures would be empty, and are not its business.
    assert "各县台账概况" not in page

    with time_machine.travel(first.starts_at + dt.timedelta(minutes=5), tick=False):
        page = client.get("/").content.decode()
    assert "今天有课：打开签到管理" in page
    assert f'href="/sessions/{first.pk}/"' in page

    last = ahead.sessions.order_by("-ends_at").first()
    with time_machine.travel(last.ends_at + dt.timedelta(hours=1), tick=False):
        page = client.get("/").content.decode()
        assert "课程已结束：1名学员待登记结业" in page
        assert f'href="/classes/{ahead.pk}/completion/"' in page
        complete(lu, ahead, {a: True})
        page = client.get("/").content.decode()
    assert "结业已登记：可结业关班、为合格学员发证" in page
    assert waiting.name in page and b.name not in page


def test_another_school_and_the_county_clerk_do_not_see_the_schools_classes(
    client, lu, wei, school, rival, class_factory
):
    class_factory(lu, name="南宁技师学院的育婴员班")
    client.force_login(wei)
    page = client.get("/").content.decode()
    assert "各县台账概况" in page
    assert "待办的培训班" not in page
    client.force_login(rival)
    page = client.get("/").content.decode()
    assert "隆安县职业技能培训中心：待办的培训班" in page
    assert "南宁技师学院的育婴员班" not in page
    assert "没有进行中的培训班" in page
