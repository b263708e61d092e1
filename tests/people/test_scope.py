"""A clerk of one county cannot reach anything of another, by any way in."""

import re

import pytest
from django.urls import reverse

from skillaid.accounts.models import ApiToken, AuditEntry
from tests.conftest import LONGAN, MASHAN


def _without_csrf(response) -> str:
    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


@pytest.fixture
def longan_person(person_factory):
    return person_factory(county=LONGAN, name="黄秀英")


@pytest.fixture
def mashan_person(person_factory):
    return person_factory(county=MASHAN, name="韦春花")


def test_the_ledger_lists_only_the_clerks_county(client, wei, mashan_person, longan_person):
    client.force_login(wei)
    page = client.get(reverse("ledger")).content.decode()
    assert "韦春花" in page and "黄秀英" not in page
    page = client.get(reverse("ledger"), {"region": LONGAN}).content.decode()
    assert "黄秀英" not in page


@pytest.mark.parametrize("name", ["person_detail", "person_edit"])
def test_another_countys_person_is_a_404(client, wei, longan_person, name):
    client.force_login(wei)
    response = client.get(reverse(name, args=[longan_person.pk]))
    assert response.status_code == 404
    assert "黄秀英" not in response.content.decode()
    missing = client.get(reverse(name, args=[longan_person.pk + 1000]))
    # Apart from the per-response CSRF token, a hidden person and a missing one look the same.
    assert missing.status_code == 404 and _without_csrf(missing) == _without_csrf(response)


def test_editing_another_countys_person_by_post_changes_nothing(client, wei, longan_person):
    client.force_login(wei)
    response = client.post(
        reverse("person_edit", args=[longan_person.pk]), {"name": "改名", "county": MASHAN}
    )
    assert response.status_code == 404
    longan_person.refresh_from_db()
    assert longan_person.name == "黄秀英" and longan_person.county_id == LONGAN


def test_revealing_another_countys_id_is_a_404_and_is_not_logged(client, wei, longan_person):
    client.force_login(wei)
    response = client.post(reverse("person_reveal_id", args=[longan_person.pk]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="reveal_id").exists()


def test_the_export_holds_only_the_clerks_county_with_masked_ids(
    client, wei, mashan_person, longan_person, tmp_path
):
    from python_calamine import CalamineWorkbook

    client.force_login(wei)
    response = client.get(reverse("ledger_export"))
    assert response.status_code == 200
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["序号", "姓名", "身份证号"]
    names = [r[1] for r in rows[2:]]
    assert names == ["韦春花"]
    assert rows[2][2] == mashan_person.id_masked and "*" in rows[2][2]
    assert AuditEntry.objects.filter(action="export", actor=wei).exists()


def test_a_city_reviewer_sees_every_county_of_the_city(
    client, liang, mashan_person, longan_person, person_factory
):
    outside = person_factory(county="450203", name="柳城人")  # 柳州市城中区
    client.force_login(liang)
    page = client.get(reverse("ledger")).content.decode()
    assert "韦春花" in page and "黄秀英" in page and outside.name not in page


def test_the_api_refuses_another_countys_person(client, wei, longan_person, mashan_person):
    _, token = ApiToken.issue(user=wei, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get(f"/api/people/{longan_person.pk}", **auth).status_code == 404
    listing = client.get("/api/people", **auth).json()
    assert [p["name"] for p in listing["items"]] == ["韦春花"]
    patch = client.patch(
        f"/api/people/{longan_person.pk}",
        data={"name": "改名"},
        content_type="application/json",
        **auth,
    )
    assert patch.status_code == 404
    longan_person.refresh_from_db()
    assert longan_person.name == "黄秀英"


def test_a_clerk_cannot_create_a_person_in_another_county(client, wei):
    from tests.conftest import new_id

    client.force_login(wei)
    response = client.post(
        reverse("person_create"), {"id_number": new_id(LONGAN), "name": "越界", "county": LONGAN}
    )
    assert response.status_code == 200  # the form again, with the error
    assert "越界" not in [
        p.name
        for p in __import__("skillaid.people.models", fromlist=["Person"]).Person.objects.all()
    ]
