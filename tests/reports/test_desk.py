"""Each role's home page is its desk: what waits for the user, the figures of their scope
against their targets (read from Tally), the county ledger summary (read from Tally, never
from the people table), the latest notices, and the sections higher apps add (a school's
classes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.notices import NoticeKind, notify
from skillaid.reports.models import Target, TargetKind
from skillaid.reports.tally import tally_refresh
from tests.conftest import LONGAN, MASHAN

pytestmark = pytest.mark.django_db

RONGSHUI = "450225"  # 融水苗族自治县, 柳州市
NOON = dt.datetime(2026, 6, 15, 4, 0, tzinfo=dt.UTC)  # 12:00 in Guangxi


def desk(client, user) -> str:  # noqa: ANN001
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_county_desk_counts_the_ledger_per_county_from_the_figures(client, wei, person_factory):
    person_factory(name="韦一", category="lifted", wants_training=True)
    person_factory(name="韦二", category="ordinary")
    # Before the figures are rebuilt the desk shows none: it never counts people itself.
    assert "马山县" not in desk(client, wei).split("各县台账概况")[1]
    tally_refresh()
    page = desk(client, wei).replace(" ", "")
    row = page[page.index('?region=450124">马山县') :].split("</tr>")[0]
    assert row.count('class="num">') == 5
    assert ">2<" in row and f'?region={MASHAN}&intent=training">1<' in row


def test_a_province_reviewer_reads_the_counts_city_by_city(client, qin, wei, person_factory):
    person_factory(name="韦一", wants_job=True)
    person_factory(name="韦二", wants_job=True)
    person_factory(county=LONGAN, name="黄一")
    person_factory(county=RONGSHUI, name="吴一", wants_job=True)
    tally_refresh()
    page = desk(client, qin).replace(" ", "")
    nanning = page.index('class="subtotal"><th><ahref="/ledger/?region=450100">南宁市')
    liuzhou = page.index('class="subtotal"><th><ahref="/ledger/?region=450200">柳州市')
    # 南宁市: three people, two wanting a job; its counties follow it, before 柳州市.
    assert page[nanning:].split("</tr>")[0].count('class="num">') == 5
    assert '<thclass="num">3</th>' in page[nanning:liuzhou]
    assert "马山县" in page[nanning:liuzhou] and "隆安县" in page[nanning:liuzhou]
    assert "融水苗族自治县" in page[liuzhou:]
    assert f'?region={MASHAN}&intent=job">2<' in page
    # A clerk's single county is not grouped, and holds only that county.
    page = desk(client, wei)
    assert 'class="subtotal"' not in page and "隆安县" not in page


@pytest.mark.parametrize("persona", ["wei", "liang", "qin", "zhou"])
def test_the_desk_never_reads_the_people_table(client, persona, request, person_factory):
    user = request.getfixturevalue(persona)
    for i in range(3):
        person_factory(name=f"韦{i}", wants_job=True)
    tally_refresh()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "people_person" not in sql
    assert len(queries.captured_queries) < 60


@time_machine.travel(NOON, tick=False)
def test_the_desk_shows_the_regions_targets_with_progress_and_links(
    client, wei, huang, lu, school, run_class, person_factory
):
    a, b = person_factory(category="脱贫户"), person_factory(category="脱贫户")
    with time_machine.travel(dt.datetime(2026, 3, 1, 1, tzinfo=dt.UTC), tick=False):
        c = run_class(lu, attended={a: 5, b: 5})
    tally_refresh()
    Target.objects.create(
        plan="马山县2026年培训计划",
        source="测试",
        title="补贴性职业技能培训",
        indicator="trainings",
        region_id=MASHAN,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        value=Decimal(10),
        unit="人次",
        kind=TargetKind.AT_LEAST,
    )
    page = desk(client, wei)
    figures = page[page.index('id="desk-figures"') :]
    assert "补贴性职业技能培训 · 2026年" in figures
    assert "目标 10，完成 20.0%" in figures and "进度落后" in figures
    assert f"/reports/people/?indicator=trainings&amp;period=2026&amp;region={MASHAN}" in figures
    assert f"/reports/dashboard/?indicator=trainings&amp;period=2026&amp;region={MASHAN}" in figures
    assert c.end_on.year == 2026
    # 隆安县's desk has no target of 马山县's and counts none of its trainings.
    page = desk(client, huang)
    assert "目标 10" not in page
    assert ">0</a>" in page[page.index('id="desk-figures"') :].replace(" ", "")


@time_machine.travel(NOON, tick=False)
def test_the_desk_says_when_its_figures_were_counted(client, wei):
    assert "统计数据尚未汇总" in desk(client, wei)
    tally_refresh()
    assert "数据截至 12:00" in desk(client, wei)


def test_the_school_officers_desk_keeps_its_classes_and_has_no_ledger(
    client, lu, school, class_factory
):
    class_factory(lu, name="南宁技师学院的育婴员班")
    page = desk(client, lu)
    assert "广西南宁技师学院：待办的培训班" in page and "南宁技师学院的育婴员班" in page
    assert "各县台账概况" not in page
    assert "待办事项" in page
    # Its figures are its school's: their links name the school, never the officer's city.
    figures = page[page.index('id="desk-figures"') :]
    assert f"&amp;institution={lu.institution_id}" in figures and "region=" not in figures


def test_the_desk_lists_the_latest_unread_notices_and_the_menu_counts_them(client, wei, huang):
    notify([wei], NoticeKind.RETURNED, "培训班“育婴员班”：退回修改", url="/classes/")
    notify([huang], NoticeKind.APPROVED, "隆安县的消息")
    page = desk(client, wei)
    assert "培训班“育婴员班”：退回修改" in page and "隆安县的消息" not in page
    assert 'id="nav-notices-unread" title="未读消息">1<' in page


def test_the_notices_page_lists_unread_first_and_marks_them_read(client, wei, huang):
    with time_machine.travel(NOON - dt.timedelta(days=2), tick=False):
        notify([wei], NoticeKind.APPROVED, "较早的消息")
    with time_machine.travel(NOON - dt.timedelta(days=1), tick=False):
        notify([wei], NoticeKind.PAID, "已读的消息")
    notify([wei], NoticeKind.FINISHED, "最新的消息", url="/imports/history/")
    notify([huang], NoticeKind.FINISHED, "别人的消息")
    wei.notices.filter(text="已读的消息").update(read_at=timezone.now())
    client.force_login(wei)
    page = client.get(reverse("notices")).content.decode()
    assert page.index("最新的消息") < page.index("较早的消息") < page.index("已读的消息")
    assert "别人的消息" not in page and "未读 2 条" in page

    newest = wei.notices.get(text="最新的消息")
    response = client.post(reverse("notice_read", args=[newest.pk]), {"go": "1"})
    assert response.status_code == 302 and response.url == "/imports/history/"
    newest.refresh_from_db()
    assert newest.read_at is not None
    # Another user's notice is not found, as a missing one.
    other = huang.notices.get()
    assert client.post(reverse("notice_read", args=[other.pk])).status_code == 404
    assert client.get(reverse("notice_read", args=[newest.pk])).status_code == 405
    client.post(reverse("notices_read_all"))
    assert not wei.notices.filter(read_at__isnull=True).exists()
    assert huang.notices.filter(read_at__isnull=True).exists()
    assert 'id="nav-notices-unread"' not in client.get(reverse("home")).content.decode()


def test_the_desk_lists_todos_urgent_first_with_links_to_their_lists(
    client, wei, lu, school, class_factory
):
    from skillaid.training.classes import class_declare

    c = class_factory(lu, approve=False, name="待审核的育婴员班")
    class_declare(actor=lu, training_class=c)
    page = desk(client, wei)
    todos = page[page.index('id="desk-todos"') :]
    assert "个培训班待审核开班" in todos
    assert 'href="/classes/?status=declared"><strong>1</strong>' in todos
