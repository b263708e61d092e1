"""Who sees which seekers and units: a county's seekers stay in the county (404 on the
page and the API elsewhere); an employer's or agency's own account sees its own unit and
nothing else, never the ledger nor the other APIs (its token reaches the employment API
only), and is never made
on the users page."""

from __future__ import annotations

import pytest

from skillaid.accounts.models import ApiToken, Role, User
from skillaid.accounts.tokens import token_issue
from skillaid.employment.seekers import seeker_register
from tests.conftest import NANNING
from tests.employment.factories import employer as employer_row

pytest_plugins = ["tests.employment.fixtures_seekers"]
pytestmark = pytest.mark.django_db


def bearer(user) -> dict:  # noqa: ANN001
    """A token made directly: the API takes no sessions."""
    _, token = ApiToken.issue(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def seeker(wei, worker):
    return seeker_register(actor=wei, channel="page", person=worker)


def test_a_clerk_of_another_county_gets_404_on_page_and_api(client, huang, seeker):
    client.force_login(huang)
    assert client.get(f"/employment/seekers/{seeker.pk}/").status_code == 404
    assert client.get(f"/employment/seekers/{seeker.pk}/status/").status_code == 404
    auth = bearer(huang)
    assert client.get(f"/api/employment/seekers/{seeker.pk}", **auth).status_code == 404
    status = {"status": "local", "confirmed_on": "2026-05-12", "confirmed_by": "phone"}
    url = f"/api/employment/seekers/{seeker.pk}/statuses"
    assert client.post(url, status, content_type="application/json", **auth).status_code == 404
    listed = client.get("/api/employment/seekers", **auth).json()
    assert listed["count"] == 0 and listed["items"] == []
    assert "蓝海燕" not in client.get("/employment/seekers/").content.decode()


def test_the_county_and_those_above_see_the_seeker(client, wei, liang, qin, lu, seeker):
    for user in (wei, liang, qin):
        client.force_login(user)
        assert client.get(f"/employment/seekers/{seeker.pk}/").status_code == 200
        answer = client.get(f"/api/employment/seekers/{seeker.pk}", **bearer(user))
        assert answer.json()["name"] == "蓝海燕"
    client.force_login(lu)
    assert client.get(f"/employment/seekers/{seeker.pk}/").status_code == 404
    assert client.get("/employment/seekers/").status_code == 403


@pytest.mark.parametrize("who", ["employer_user", "agency_user"])
def test_a_unit_s_account_sees_its_own_unit_only(request, client, who, seeker):
    user = request.getfixturevalue(who)
    own = user.employer_account.employer
    other = employer_row("另一家公司", region=NANNING)
    client.force_login(user)
    home = client.get("/employment/unit/")
    assert home.status_code == 200 and own.name in home.content.decode()
    assert 'id="nav-employer-home"' in home.content.decode()
    # The home page of the site sends it to its own.
    assert client.get("/").headers["Location"] == "/employment/unit/"
    assert client.get(f"/employment/employers/{own.pk}/").status_code == 200
    assert client.get(f"/employment/employers/{other.pk}/").status_code == 404
    # Nothing of the bureaus' work: the ledger, the seekers, the people API.
    assert client.get("/ledger/").status_code == 403
    assert client.get("/employment/seekers/").status_code == 403
    assert client.get(f"/employment/seekers/{seeker.pk}/").status_code == 403
    assert client.get("/api/people").status_code == 403
    assert client.get(f"/api/people/{seeker.person_id}").status_code == 403
    # The API takes no sessions, and a unit's account gets no token; one made anyway
    # reads its own unit only.
    assert client.get("/api/employment/employers").status_code == 401
    auth = bearer(user)
    assert client.get(f"/api/employment/employers/{other.pk}", **auth).status_code == 404
    listed = client.get("/api/employment/employers", **auth).json()["items"]
    assert [e["id"] for e in listed] == [own.pk]
    assert client.get("/api/employment/seekers", **auth).status_code == 403
    assert client.get(f"/api/employment/seekers/{seeker.pk}", **auth).status_code == 404


def test_a_unit_s_account_changes_its_contacts_on_its_page(client, employer_user):
    own = employer_user.employer_account.employer
    client.force_login(employer_user)
    answer = client.post(
        f"/employment/employers/{own.pk}/edit/",
        {"contact_name": "王会计", "contact_phone": "13907719999", "address": "马山县白山镇"},
    )
    assert answer.status_code == 302
    own.refresh_from_db()
    assert own.contact_name == "王会计"
    patch = client.patch(
        f"/api/employment/employers/{own.pk}",
        {"name": "改名公司"},
        content_type="application/json",
        **bearer(employer_user),
    )
    assert patch.status_code == 422 and "由所在地人社部门修改" in str(patch.json())


def test_a_unit_s_token_reaches_the_employment_api_and_nothing_else(
    client, zhou, employer_user, agency_user
):
    """A unit's own system may post jobs through the API: its token is issued like anyone's,
    and reaches the employment paths only (the ledger, people and classes answer 403)."""
    for user in (employer_user, agency_user):
        _, token = token_issue(
            actor=zhou, user=user, name="对接", scope="read", days=30, channel="page"
        )
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        assert client.get("/api/employment/employers", **auth).status_code == 200
        for path in ("/api/people", "/api/classes", "/api/certificates"):
            answer = client.get(path, **auth)
            assert answer.status_code == 403, path
            assert "只能使用就业服务接口" in answer.json()["detail"]


@pytest.mark.parametrize("role", [Role.EMPLOYER, Role.AGENCY])
def test_the_users_page_refuses_to_make_a_unit_s_account(client, zhou, role):
    client.force_login(zhou)
    answer = client.post(
        "/users/new/",
        {"username": "danwei", "full_name": "某单位", "phone": "13907710005", "role": role},
    )
    assert answer.status_code == 200
    assert "在该单位的页面开通" in answer.content.decode()
    assert not User.objects.filter(username="danwei").exists()
