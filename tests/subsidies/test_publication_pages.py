"""Staff pages and API of publication: the list, the publish form with its preview, one
publication with its objections, the queue, resolving, and another county's 404."""

from __future__ import annotations

import pytest

from skillaid.accounts.models import ApiToken
from skillaid.subsidies.models import LineStatus, Objection, ObjectionState, Publication
from skillaid.subsidies.publication import objection_raise, publication_create
from tests.conftest import MASHAN
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
def claim(run_class, lu, wei, liang, school, person_factory):
    people = [person_factory(category="脱贫户", name=n) for n in ("蓝海燕", "覃小兰")]
    return approved_claim(
        run_class,
        officer=lu,
        checker=wei,
        approver=liang,
        attended={p: 3 for p in people},
        on=local(2026, 9, 1),
    )


@pytest.fixture
def objected(claim, wei):
    """Published on 9-29; on 10-9 someone objects to the first line, leaving a phone."""
    with at(PUBLISHED):
        publication = publication_create(actor=wei, county=MASHAN, channel="page")
    with at(DURING):
        objection = objection_raise(
            publication=publication,
            line_id=publication.lines.order_by("id").first().pk,
            text="蓝海燕培训期间在广东务工",
            contact_name="李群众",
            contact_phone="13800000000",
            ip="203.0.113.7",
        )
    return publication, objection


def bearer(user) -> dict:  # noqa: ANN001
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_the_publish_form_shows_the_lines_and_period_before_publishing(claim, client, wei):
    client.force_login(wei)
    with at(PUBLISHED):
        start = client.get("/publications/new/")
        assert "马山县" in start.content.decode() and start.context["pending"][0]["lines"] == 4
        preview = client.get(f"/publications/new/?county={MASHAN}")
        html = preview.content.decode()
        assert "将公示 4 条明细" in html and "2026年10月12日" in html
        assert "自次日起5个工作日" in html and "补贴发放前公示" in html
        assert not Publication.objects.exists()
        done = client.post("/publications/new/", {"county": MASHAN})
    publication = Publication.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/publications/{publication.pk}/"
    assert publication.lines.count() == 4


def test_the_publish_form_says_plainly_when_the_period_reaches_an_unknown_year(claim, client, wei):
    client.force_login(wei)
    with at(local(2026, 12, 28)):
        preview = client.get(f"/publications/new/?county={MASHAN}").content.decode()
        assert "2027年的法定节假日安排尚未录入" in preview and 'id="publish"' not in preview
        refused = client.post("/publications/new/", {"county": MASHAN})
    assert refused.status_code == 422
    assert "2027年的法定节假日安排尚未录入" in refused.content.decode()
    assert not Publication.objects.exists()


def test_the_bureau_sees_the_objection_and_resolves_it_on_the_page(objected, client, wei):
    publication, objection = objected
    client.force_login(wei)
    with at(DURING):
        listing = client.get("/publications/").content.decode()
        assert publication.title in listing and "待处理异议 1 条" in listing
        detail = client.get(f"/publications/{publication.pk}/").content.decode()
        assert "广东务工" in detail and "13800000000" in detail
        queue = client.get("/objections/").content.decode()
        assert f'id="objection-{objection.pk}"' in queue
        blank = client.post(
            f"/objections/{objection.pk}/resolve/", {"decision": "dismissed", "reason": ""}
        )
        assert blank.status_code == 302
        assert "请填写处理说明" in client.get(blank["Location"]).content.decode()
        client.post(
            f"/objections/{objection.pk}/resolve/",
            {"decision": "upheld", "reason": "村委会证明其在广东务工", "next": "/objections/"},
        )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.UPHELD
    assert objection.line.status == LineStatus.REFUSED


def test_the_claim_page_shows_objections_but_the_objector_only_to_the_bureau(
    objected, client, wei, lu
):
    publication, objection = objected
    claim_url = f"/claims/{objection.line.claim_id}/"
    client.force_login(wei)
    html = client.get(claim_url).content.decode()
    assert publication.title in html and "广东务工" in html and "李群众" in html
    client.force_login(lu)
    html = client.get(claim_url).content.decode()
    assert "公示与异议" in html and f'id="objection-{objection.pk}"' in html
    assert "广东务工" not in html and "李群众" not in html and "13800000000" not in html


def test_another_countys_clerk_gets_404_on_every_page_and_api(objected, client, huang):
    publication, objection = objected
    client.force_login(huang)
    assert client.get(f"/publications/{publication.pk}/").status_code == 404
    assert publication.title not in client.get("/publications/").content.decode()
    assert f'id="objection-{objection.pk}"' not in client.get("/objections/").content.decode()
    answer = client.post(
        f"/objections/{objection.pk}/resolve/", {"decision": "upheld", "reason": "越权"}
    )
    assert answer.status_code == 404
    auth = bearer(huang)
    assert client.get(f"/api/publications/{publication.pk}", **auth).status_code == 404
    assert client.get("/api/publications", **auth).json() == []
    assert client.get("/api/objections", **auth).json() == []
    answer = client.post(
        f"/api/objections/{objection.pk}/resolve",
        {"decision": "upheld", "reason": "越权"},
        content_type="application/json",
        **auth,
    )
    assert answer.status_code == 404
    objection.refresh_from_db()
    assert objection.state == ObjectionState.OPEN


def test_an_institutions_officer_has_no_publication_pages(objected, client, lu):
    publication, _ = objected
    client.force_login(lu)
    assert client.get("/publications/").status_code == 403
    assert client.get(f"/publications/{publication.pk}/").status_code == 403
    assert client.get("/publications/new/").status_code == 403


def test_the_api_previews_publishes_lists_and_resolves(claim, client, wei):
    auth = bearer(wei)
    with at(PUBLISHED):
        preview = client.get(f"/api/publications/preview?county={MASHAN}", **auth).json()
        assert len(preview["lines"]) == 4 and preview["ends_on"] == "2026-10-12"
        assert all("*" in line["id_masked"] for line in preview["lines"])
        created = client.post(
            "/api/publications", {"county": MASHAN}, content_type="application/json", **auth
        )
        assert created.status_code == 201, created.content
        body = created.json()
        assert (body["lines"], body["working_days"], body["running"]) == (4, 5, True)
        again = client.post(
            "/api/publications", {"county": MASHAN}, content_type="application/json", **auth
        )
        assert (
            again.status_code == 422 and "没有待公示的补贴明细" in again.json()["detail"]["county"]
        )
    publication = Publication.objects.get()
    with at(DURING):
        objection_raise(
            publication=publication,
            line_id=publication.lines.first().pk,
            text="未参训",
            ip="203.0.113.7",
        )
        listed = client.get("/api/objections?state=open", **auth).json()
        assert [o["publication_id"] for o in listed] == [publication.pk]
        bad = client.post(
            f"/api/objections/{listed[0]['id']}/resolve",
            {"decision": "maybe", "reason": "x"},
            content_type="application/json",
            **auth,
        )
        assert bad.status_code == 422
        done = client.post(
            f"/api/objections/{listed[0]['id']}/resolve",
            {"decision": "dismissed", "reason": "核实本人全程参训"},
            content_type="application/json",
            **auth,
        )
    assert done.status_code == 200 and done.json()["state"] == "dismissed"
    detail = client.get(f"/api/publications/{publication.pk}", **auth).json()
    assert {line["status"] for line in detail["line_list"]} == {"due"}
    assert Objection.objects.get().resolved_by == wei


def test_the_api_refuses_publishing_into_an_unknown_year(claim, client, wei):
    with at(local(2026, 12, 28)):
        answer = client.post(
            "/api/publications", {"county": MASHAN}, content_type="application/json", **bearer(wei)
        )
    assert answer.status_code == 422
    assert "2027年的法定节假日安排尚未录入" in str(answer.json()["detail"])


def test_the_list_adds_each_line_once_however_many_objections(objected, client, wei):
    from decimal import Decimal

    publication, objection = objected
    with at(DURING):
        objection_raise(
            publication=publication,
            line_id=objection.line_id,
            text="同一人另有人反映",
            ip="198.51.100.9",
        )
    total = sum((x.amount for x in publication.lines.all()), Decimal("0.00"))
    assert total == Decimal("2700.00")
    body = client.get("/api/publications", **bearer(wei)).json()
    assert (Decimal(str(body[0]["amount"])), body[0]["lines"], body[0]["open_objections"]) == (
        total,
        4,
        2,
    )
    client.force_login(wei)
    page = client.get("/publications/")
    row = page.context["page"].object_list[0]
    assert (row.total, row.line_count, row.open_objections) == (total, 4, 2)
