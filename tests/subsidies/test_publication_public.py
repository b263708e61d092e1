"""The public publication pages, read without a login as anyone (or an attacker) would:
only masked ID numbers, only that publication's lines, nothing once it has ended."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from skillaid.people.models import Person
from skillaid.subsidies.models import Hold, LineStatus, Objection
from skillaid.subsidies.publication import publication_create
from tests.conftest import LONGAN, MASHAN
from tests.subsidies.fixtures import at, living_allowance_for_all_training
from tests.subsidies.publishing import approved_claim, local

pytestmark = pytest.mark.django_db

PUBLISHED = local(2026, 9, 29)
DURING = local(2026, 10, 9)


@pytest.fixture(autouse=True)
def seeded(regions, work_calendar):
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    living_allowance_for_all_training()


@pytest.fixture
def anyone() -> Client:
    return Client(REMOTE_ADDR="203.0.113.7")


@pytest.fixture
def two_counties(run_class, lu, wei, huang, liang, school, rival, person_factory):
    """A running publication in 马山县 (two trainees, one refused) and one in 隆安县."""
    mashan = [person_factory(category="脱贫户", name=n) for n in ("蓝海燕", "覃小兰", "黄缺课")]
    longan = person_factory(county=LONGAN, category="脱贫户", name="农隆安")
    approved_claim(
        run_class,
        officer=lu,
        checker=wei,
        approver=liang,
        attended={mashan[0]: 3, mashan[1]: 3, mashan[2]: 1},
        on=local(2026, 9, 1),
    )
    approved_claim(
        run_class,
        officer=lu,
        checker=huang,
        approver=liang,
        attended={longan: 3},
        on=local(2026, 9, 1),
        county=LONGAN,
        reviewer=huang,
        name="隆安县家政服务员培训班",
    )
    with at(PUBLISHED):
        ours = publication_create(actor=wei, county=MASHAN, channel="page")
        theirs = publication_create(actor=huang, county=LONGAN, channel="page")
    return ours, theirs


def test_the_list_shows_names_masked_ids_items_standards_and_amounts_only(two_counties, anyone):
    ours, _ = two_counties
    with at(DURING):
        page = anyone.get(f"/public/publications/{ours.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    for line in ours.lines.all():
        assert line.person_name in html and line.id_masked in html and str(line.amount) in html
    assert "家政服务员·五级" in html and "50.00 元/人·天 × 3天" in html
    assert "2026年10月12日" in html  # the end of the period
    for person in Person.objects.all():
        assert person.id_number not in html
    # Not the trainee who was refused, nor 隆安县's, nor any line's status or hold.
    assert "黄缺课" not in html and "农隆安" not in html
    for label in (*LineStatus.labels, "公示期异议待处理"):
        assert label not in html
    assert page["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]


def test_numbers_of_other_publications_show_their_own_list_only_and_others_are_404(
    two_counties, anyone
):
    ours, theirs = two_counties
    with at(DURING):
        page = anyone.get(f"/public/publications/{theirs.pk}/").content.decode()
        assert "农隆安" in page and "蓝海燕" not in page
        assert anyone.get(f"/public/publications/{theirs.pk + 1}/").status_code == 404
        assert anyone.get("/public/publications/99999999999999999999/").status_code == 404


def test_an_objection_to_a_line_number_outside_the_list_is_refused(two_counties, anyone):
    ours, theirs = two_counties
    count = ours.lines.count()
    foreign = theirs.lines.first()
    with at(DURING):
        for bad in (str(count + 1), "0", "-1", str(foreign.pk), "x"):
            answer = anyone.post(
                f"/public/publications/{ours.pk}/", {"line": bad, "text": "未参加培训"}
            )
            assert answer.status_code == 422
            assert "请从名单中选择要提出异议的人员" in answer.content.decode()
    assert not Objection.objects.exists()
    foreign.refresh_from_db()
    assert foreign.status == LineStatus.DUE


def test_a_citizen_objects_and_the_line_is_held(two_counties, anyone):
    ours, _ = two_counties
    first = ours.lines.order_by("id").first()
    with at(DURING):
        answer = anyone.post(
            f"/public/publications/{ours.pk}/",
            {"line": "1", "text": "此人培训期间在外地务工", "contact_phone": "13800000000"},
            follow=True,
        )
    assert answer.status_code == 200
    assert "异议已登记" in answer.content.decode()
    objection = Objection.objects.get()
    assert (objection.line, objection.ip, objection.contact_phone) == (
        first,
        "203.0.113.7",
        "13800000000",
    )
    first.refresh_from_db()
    assert (first.status, first.hold) == (LineStatus.HELD, Hold.OBJECTION)
    # The public page still shows the line as published, saying nothing of the objection.
    with at(DURING):
        html = anyone.get(f"/public/publications/{ours.pk}/").content.decode()
    assert first.person_name in html and "暂缓（待核查）" not in html


def test_an_objection_without_text_or_with_a_bad_phone_says_what_is_wrong(two_counties, anyone):
    ours, _ = two_counties
    with at(DURING):
        answer = anyone.post(
            f"/public/publications/{ours.pk}/",
            {"line": "1", "text": "  ", "contact_phone": "打电话给我"},
        )
    html = answer.content.decode()
    assert answer.status_code == 422
    assert "请填写异议内容" in html
    assert not Objection.objects.exists()
    with at(DURING):
        answer = anyone.post(
            f"/public/publications/{ours.pk}/",
            {"line": "1", "text": "未参训", "contact_phone": "打电话给我"},
        )
    assert answer.status_code == 422
    assert "联系电话只能由数字" in answer.content.decode()
    assert not Objection.objects.exists()


def test_after_the_period_only_its_end_is_shown_and_no_objection_is_taken(two_counties, anyone):
    ours, _ = two_counties
    with at(local(2026, 10, 13)):
        page = anyone.get(f"/public/publications/{ours.pk}/")
        posted = anyone.post(f"/public/publications/{ours.pk}/", {"line": "1", "text": "未参训"})
        index = anyone.get("/public/publications/").content.decode()
    html = page.content.decode()
    assert page.status_code == 200 and "公示已结束" in html
    for line in ours.lines.all():
        assert line.person_name not in html and line.id_masked not in html
    assert "公示已结束" in posted.content.decode() and not Objection.objects.exists()
    assert ours.title not in index


def test_the_index_lists_running_publications_by_county(two_counties, anyone):
    ours, theirs = two_counties
    with at(DURING):
        everything = anyone.get("/public/publications/").content.decode()
        mashan = anyone.get(f"/public/publications/?county={MASHAN}").content.decode()
    assert ours.title in everything and theirs.title in everything
    assert ours.title in mashan and theirs.title not in mashan
    assert "蓝海燕" not in everything  # the index names no one


def test_reading_and_objecting_are_rate_limited_per_address(two_counties, anyone):
    ours, _ = two_counties
    other = Client(REMOTE_ADDR="198.51.100.9")
    url = f"/public/publications/{ours.pk}/"
    with at(DURING):
        codes = [anyone.get(url).status_code for _ in range(61)]
        assert codes[:60] == [200] * 60 and codes[60] == 429
        assert "访问过于频繁" in anyone.get(url).content.decode()
        assert other.get(url).status_code == 200  # another address has its own count
    with at(DURING + dt.timedelta(minutes=1)):
        answers = [other.post(url, {"line": n, "text": "未参训"}).status_code for n in "123411"]
    # Four objections, a fifth refused as a repeat, the sixth in the minute throttled.
    assert answers == [302, 302, 302, 302, 422, 429]
    assert Objection.objects.filter(ip="198.51.100.9").count() == 4


def test_a_person_signed_in_to_their_own_account_reads_the_list_too(two_counties, client, wei):
    from skillaid.people import own_account

    ours, _ = two_counties
    person = Person.objects.get(name="蓝海燕")
    user, _ = own_account.account_open_by_staff(actor=wei, person=person)
    user.must_change_password = False
    user.save()
    client.force_login(user)
    with at(DURING):
        page = client.get(f"/public/publications/{ours.pk}/")
    assert page.status_code == 200 and "蓝海燕" in page.content.decode()
    assert client.get(f"/publications/{ours.pk}/").status_code == 403
