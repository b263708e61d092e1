"""The ledger pages by keyset (accounts.lists.keyset_page): every row once, forward and
backward, in every sort, within the user's scope whatever the cursor says."""

from __future__ import annotations

import datetime as dt
import itertools
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skillaid.accounts import lists
from skillaid.accounts.lists import Page, Seek, count_rows, keyset_page
from skillaid.accounts.models import ApiToken
from skillaid.people.models import Person
from skillaid.people.selectors import SORTS, PersonFilters, person_list
from tests.conftest import LONGAN, MASHAN

_serial = itertools.count(1)
DAYS = [dt.date(1990, 1, 1), dt.date(1990, 1, 2), dt.date(1985, 5, 5)]


def add_people(rows: list[tuple[str, str, dt.date, dt.date | None]]) -> list[Person]:
    """People straight into the table (county, initials, birth, surveyed): the paging reads
    rows, not how they came; sealing an ID number for each would only slow the examples."""
    people = []
    for county, initials, birth, surveyed in rows:
        n = next(_serial)
        people.append(
            Person(
                name=f"测试{n}",
                name_initials=initials,
                id_sealed="-",
                id_index=f"paging-{n}",
                id_masked=f"{county}********{n % 10000:04d}",
                sex="M",
                birth_date=birth,
                county_id=county,
                surveyed_on=surveyed,
            )
        )
    return Person.objects.bulk_create(people)


def expected_order(people: list[Person], sort: str) -> list[int]:
    """The order the ledger promises, worked out in Python: by the key then the id; a
    missing survey date after every date ascending, and the whole reversed descending."""
    key = SORTS.get(sort.lstrip("-"), "id")

    def rank(p: Person) -> tuple:
        value = getattr(p, key)
        return (value is None, value if value is not None else 0, p.pk)

    order = [p.pk for p in sorted(people, key=rank)]
    return order[::-1] if sort.startswith("-") else order


def walk(rows, size: int, *, backward: bool) -> tuple[list[list[int]], list[Page]]:  # noqa: ANN001
    """Every page from the first (or the last), following next (or previous) cursors."""
    page = keyset_page(rows, size=size, jump="last" if backward else "")
    pages = [page]
    while (page.previous_cursor if backward else page.next_cursor) is not None:
        cursor = page.previous_cursor if backward else page.next_cursor
        page = keyset_page(rows, size=size, cursor=cursor)
        assert not page.error
        pages.append(page)
        assert len(pages) < 1000
    if backward:
        pages.reverse()
    return [[p.pk for p in page] for page in pages], pages


SORT_NAMES = [s for name in SORTS for s in (name, f"-{name}")] + [""]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from([MASHAN, LONGAN]),
            st.sampled_from(["a", "ab", "zs", "zs", "b"]),
            st.sampled_from(DAYS),
            st.sampled_from([None, None, *DAYS]),
        ),
        max_size=25,
    ),
    size=st.integers(1, 6),
    sort=st.sampled_from(SORT_NAMES),
    estimated=st.booleans(),
)
def test_every_row_comes_once_forward_and_backward_in_every_sort(
    regions, qin, monkeypatch, rows, size, sort, estimated
):
    # An estimated count leaves the last page's number unknown: pages from the end are
    # then counted from there, and the last page is a full one.
    monkeypatch.setattr(lists, "COUNT_BOUND", 0 if estimated else 10_000)
    cache.clear()
    with transaction.atomic():
        people = add_people(rows)
        listed = person_list(qin, filters=PersonFilters(sort=sort))
        want = expected_order(people, sort)

        forward, pages = walk(listed, size, backward=False)
        assert [pk for page in forward for pk in page] == want
        assert all(len(page) == size for page in forward[:-1])
        assert [p.number for p in pages] == list(range(1, len(pages) + 1))

        backward, _ = walk(listed, size, backward=True)
        assert [pk for page in backward for pk in page] == want
        if estimated and want:
            assert all(len(page) == size for page in backward[1:])
        else:
            assert backward == forward

        # Back from any page forward-reached gives the page before it, as first read.
        for before, page in itertools.pairwise(pages):
            back = keyset_page(listed, size=size, cursor=page.previous_cursor)
            assert [p.pk for p in back] == [p.pk for p in before]
            assert back.number == before.number
        transaction.set_rollback(True)


def test_a_cursor_never_reaches_outside_the_users_scope(client, wei, qin):
    add_people([(LONGAN, "a", DAYS[0], None)] * 4 + [(MASHAN, "a", DAYS[0], None)] * 4)
    # 覃芳 sees the whole province: her cursor stands on a 隆安县 person.
    theirs = keyset_page(person_list(qin), size=2)
    assert {p.county_id for p in theirs} == {LONGAN}
    client.force_login(wei)
    seen = []
    cursor = theirs.next_cursor
    while cursor:
        page = client.get(reverse("ledger"), {"cursor": cursor}).context["page"]
        seen += [p.county_id for p in page]
        cursor = page.next_cursor
    assert seen == [MASHAN] * 4


def test_a_tampered_cursor_gives_the_first_page_with_a_reason(client, wei):
    add_people([(MASHAN, "a", DAYS[0], None)] * 5)
    client.force_login(wei)
    first = client.get(reverse("ledger"), {"sort": "name"}).context["page"]
    cursor = keyset_page(person_list(wei, filters=PersonFilters(sort="name")), size=2).next_cursor
    assert cursor
    for bad, sort in (
        ("garbage", "name"),
        (cursor[:-3] + ("aaa" if not cursor.endswith("aaa") else "bbb"), "name"),
        (cursor, "birth"),  # a cursor of another sort
        ("", "name"),
    ):
        answer = client.get(reverse("ledger"), {"cursor": bad, "sort": sort})
        assert answer.status_code == 200
        page = answer.context["page"]
        assert page.number == 1 and not page.has_previous
        if bad:
            assert "翻页链接无效" in answer.content.decode()
    assert [p.pk for p in first][:1] == [p.pk for p in page][:1]


def test_a_cursor_whose_values_are_altered_and_resigned_is_refused(wei):
    """A cursor is signed: one that decodes but holds a value of the wrong kind still fails."""
    from django.core import signing

    add_people([(MASHAN, "a", DAYS[0], None)] * 3)
    listed = person_list(wei, filters=PersonFilters(sort="birth"))
    seek = Seek.of(listed)
    forged = signing.dumps(
        {"o": seek.signature, "v": ["not a date", 1], "n": 2, "b": False},
        salt=lists.CURSOR_SALT,
        compress=True,
    )
    page = keyset_page(listed, size=2, cursor=forged)
    assert page.error and page.number == 1


def test_a_page_number_is_honoured_near_the_start_and_refused_in_chinese_beyond(client, wei):
    add_people([(MASHAN, "a", DAYS[0], None)] * 7)
    client.force_login(wei)
    url = reverse("ledger")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.SKILLAID_PAGE_SIZE", 3)
        second = client.get(url, {"page": "2"}).context["page"]
        assert second.number == 2 and len(second) == 3 and second.has_previous
        after = client.get(url, {"cursor": second.next_cursor}).context["page"]
        assert after.number == 3 and len(after) == 1 and not after.has_next
        for page, words in (("999", "太靠后"), ("x", "无效"), ("9", "没有第 9 页")):
            answer = client.get(url, {"page": page})
            assert answer.status_code == 200 and words in answer.content.decode()
            assert answer.context["page"].number == 1


def test_the_last_page_and_back_from_it(client, wei):
    people = add_people([(MASHAN, "a", DAYS[0], None)] * 7)
    client.force_login(wei)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.SKILLAID_PAGE_SIZE", 3)
        answer = client.get(reverse("ledger"), {"jump": "last"})
        last = answer.context["page"]
        # Counted exactly, the last page is page 3 as reached from the first: one person.
        assert [p.pk for p in last] == [people[-1].pk]
        assert not last.has_next and last.has_previous and last.shown_number == 3
        html = answer.content.decode()
        assert "第 3 页" in html and "共 3 页" in html and 'rel="next"' not in html
        before = client.get(reverse("ledger"), {"cursor": last.previous_cursor}).context["page"]
        assert [p.pk for p in before] == [p.pk for p in people[3:6]] and before.number == 2


def test_an_estimated_list_counts_its_last_pages_from_the_end(wei, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_BOUND", 3)
    cache.clear()
    people = add_people([(MASHAN, "a", DAYS[0], None)] * 7)
    last = keyset_page(person_list(wei), size=3, jump="last")
    assert [p.pk for p in last] == [p.pk for p in people[-3:]]
    assert last.number == -1 and last.shown_number is None
    before = keyset_page(person_list(wei), size=3, cursor=last.previous_cursor)
    assert [p.pk for p in before] == [p.pk for p in people[1:4]] and before.number == -2


def test_page_links_keep_the_filters_and_sort(client, wei):
    add_people([(MASHAN, "zs", DAYS[0], None)] * 4 + [(MASHAN, "b", DAYS[0], None)] * 4)
    client.force_login(wei)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.SKILLAID_PAGE_SIZE", 3)
        html = client.get(reverse("ledger"), {"q": "zs", "sort": "-birth"}).content.decode()
    link = html.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0]
    query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert query["q"] == ["zs"] and query["sort"] == ["-birth"] and query["cursor"]


def test_a_large_list_is_counted_once_then_estimated(client, wei, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_BOUND", 3)
    cache.clear()
    add_people([(MASHAN, "a", DAYS[0], None)] * 5)
    listed = person_list(wei)
    assert count_rows(person_list(wei, filters=PersonFilters(q="zz"))) == (0, True)
    total, exact = count_rows(listed)
    assert not exact and total >= 4
    client.force_login(wei)
    assert "约 " in client.get(reverse("ledger")).content.decode()
    if connection.vendor == "sqlite":
        assert total == 5
        add_people([(LONGAN, "a", DAYS[0], None)])  # another county: this list unchanged
        assert count_rows(listed) == (5, False)
        add_people([(MASHAN, "a", DAYS[0], None)])
        assert count_rows(listed) == (6, False)


def test_a_small_list_is_counted_exactly(client, wei):
    add_people([(MASHAN, "a", DAYS[0], None)] * 3)
    client.force_login(wei)
    html = client.get(reverse("ledger")).content.decode()
    assert "共 3 人" in html and "约" not in html.split("共 3 人")[0][-20:]


def test_the_api_pages_by_cursor_like_the_page(client, wei):
    people = add_people([(MASHAN, "a", DAYS[0], None)] * 5)
    _, token = ApiToken.issue(user=wei, name="paging")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    seen, cursor = [], ""
    while True:
        body = client.get("/api/people", {"limit": 2, "cursor": cursor}, **auth).json()
        seen += [i["id"] for i in body["items"]]
        assert body["count"] == 5 and body["count_exact"]
        if not body["next"]:
            break
        cursor = body["next"]
    assert seen == [p.pk for p in people]
    back = client.get("/api/people", {"limit": 2, "cursor": body["previous"]}, **auth).json()
    assert [i["id"] for i in back["items"]] == [p.pk for p in people[2:4]]
    by_offset = client.get("/api/people", {"limit": 2, "offset": 2}, **auth).json()
    assert [i["id"] for i in by_offset["items"]] == [p.pk for p in people[2:4]]
    assert by_offset["next"] and by_offset["previous"]


def test_the_api_refuses_a_bad_cursor_or_a_deep_offset_in_chinese(client, wei):
    _, token = ApiToken.issue(user=wei, name="paging")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    answer = client.get("/api/people", {"cursor": "garbage"}, **auth)
    assert answer.status_code == 422 and "cursor 无效" in answer.json()["detail"]
    answer = client.get("/api/people", {"offset": lists.OFFSET_ROWS + 1}, **auth)
    assert answer.status_code == 422 and "next" in answer.json()["detail"]


def test_keyset_paging_refuses_an_order_it_cannot_seek(wei):
    with pytest.raises(ValueError):
        Seek.of(Person.objects.order_by("name"))
    with pytest.raises(ValueError):
        Seek.of(Person.objects.order_by("name", "-id"))
    assert Seek.of(Person.objects.order_by("-surveyed_on", "-id")).nullable
    assert Seek.of(Person.objects.order_by("id", "id")).key is None


def test_a_city_or_a_county_filters_the_ledger_by_its_code(client, qin):
    add_people([(MASHAN, "a", DAYS[0], None), (LONGAN, "a", DAYS[0], None)])
    add_people([("450225", "a", DAYS[0], None)])  # 融水苗族自治县, 柳州市
    client.force_login(qin)
    for region, counties in (
        ("450100", {MASHAN, LONGAN}),
        (MASHAN, {MASHAN}),
        ("450200", {"450225"}),
        ("450000", {MASHAN, LONGAN, "450225"}),
    ):
        page = client.get(reverse("ledger"), {"region": region}).context["page"]
        assert {p.county_id for p in page} == counties


@pytest.mark.parametrize("sort", ["surveyed", "-surveyed"])
def test_a_page_number_reads_the_same_rows_as_the_cursors_with_missing_dates(wei, sort):
    """`?page=N` (and the API's offset) read by OFFSET: they place the people without a
    survey date where the cursors do, on either database."""
    people = add_people([(MASHAN, "a", DAYS[0], DAYS[i % 3] if i % 2 else None) for i in range(8)])
    listed = person_list(wei, filters=PersonFilters(sort=sort))
    pages, _ = walk(listed, 3, backward=False)
    assert [pk for page in pages for pk in page] == expected_order(people, sort)
    for number, rows in enumerate(pages, start=1):
        by_number = keyset_page(listed, size=3, page=str(number))
        assert [p.pk for p in by_number.object_list] == rows, number
