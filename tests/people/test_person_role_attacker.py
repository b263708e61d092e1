"""A person's own account, used as an attacker would: every address of the URL conf, with the
keys of other people's rows, answers 403, 404 or a redirect to their own page or the login,
whatever the method; only their own pages, the public ones and their password open. Below
the pages, every scope-cut selector gives them nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import URLResolver, get_resolver, reverse

from skillaid.people import own_account

pytestmark = pytest.mark.django_db

# The pages a person's account opens (accounts.middleware.PERSON_PATHS), checked on their own.
OWN = {
    "me",
    "me_record",
    "me_record_pdf",
    "me_open",
    "login",
    "logout",
    "logout_everywhere",
    "password_change",
    "verify",
    "sign",
    # The public list of a subsidy publication and its objection form (subsidies).
    "public_publications",
    "public_publication",
}
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes():
    """(address template, view name) of every pattern; regular-expression patterns (the admin
    site's catch-alls) are stood in for by a few real admin addresses."""

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = f"{p.namespace}:" if p.namespace else ""
                for route, name in walk(p, prefix + str(p.pattern)):
                    yield route, (ns + name) if name and ns else name
            else:
                yield prefix + str(p.pattern), p.name

    for route, name in walk(get_resolver()):
        if route.startswith("^") or "(?P<" in route or route.endswith("$"):
            continue
        yield route, name
    for admin in ("admin/", "admin/accounts/user/", "admin/people/person/", "admin/axes/"):
        yield admin, "admin"


def fill(route: str, number: int, slug: str) -> str:
    def value(m: re.Match) -> str:
        kind = m.group(1) or "str"
        if kind == "int":
            return str(number)
        if kind == "str" and m.group(2) == "code":
            return "450124"
        return slug

    return "/" + CONVERTER.sub(value, route)


@pytest.fixture
def world(wei, lu, school, class_factory, person_factory):
    """Lan with her own account, on a class with another trainee, who has a certificate."""
    from skillaid.evaluation.models import Certificate

    lan = person_factory(name="蓝海燕", phone="13877001234")
    other = person_factory(name="覃秘密", phone="13999998888")
    c = class_factory(lu, trainees=[lan, other])
    user, _ = own_account.account_open_by_staff(actor=wei, person=lan)
    user.must_change_password = False
    user.save()
    cert = Certificate.objects.create(
        person=other,
        holder_name=other.name,
        number="CERT-SECRET-1",
        kind="skill_level",
        occupation_name="家政服务员",
        level="5",
        issuer="广西南宁技师学院",
        issued_on="2026-01-01",
    )
    return {"user": user, "lan": lan, "other": other, "class": c, "cert": cert}


def test_every_address_but_their_own_is_closed_to_a_person(client, world):
    client.force_login(world["user"])
    other, c = world["other"], world["class"]
    keys = {other.pk, world["lan"].pk, c.pk, c.sessions.first().pk, world["cert"].pk, 1}
    slugs = ("revoke", "code", "sms", "open", "deactivate", "reset-password", "x")
    tried = 0
    for route, name in routes():
        if name in OWN:
            continue
        numbers = keys if "<int:" in route else {0}
        for number in numbers:
            for slug in slugs if "<slug:" in route else ("x",):
                url = fill(route, number, slug)
                for method in ("get", "post"):
                    answer = getattr(client, method)(url)
                    tried += 1
                    where = f"{method.upper()} {url} ({name})"
                    assert answer.status_code in {302, 403, 404}, where
                    if answer.status_code == 302:
                        assert answer.url in {reverse("me")} or answer.url.startswith(
                            reverse("login")
                        ), where
                    body = answer.content.decode(errors="replace")
                    for secret in (other.name, other.id_masked, "CERT-SECRET-1", "13999998888"):
                        assert secret not in body, where
    assert tried > 300  # the URL conf was really walked


def test_the_api_refuses_a_signed_in_person(client, world):
    client.force_login(world["user"])
    for url in (
        "/api/people",
        f"/api/people/{world['other'].pk}",
        "/api/classes",
        "/api/certificates",
    ):
        answer = client.get(url)
        assert answer.status_code == 403 and "本人账户" in answer.json()["detail"]


def test_their_own_pages_open_and_show_only_themselves(client, world):
    client.force_login(world["user"])
    page = client.get(reverse("me"))
    body = page.content.decode()
    assert page.status_code == 200
    assert "蓝海燕" in body and world["lan"].id_masked in body and world["class"].name not in body
    # The class has not begun: the record lists no class that did not run (issue 15, item 4).
    assert world["other"].name not in body and "13877001234" not in body
    assert "台账" not in body.split("<main>")[0]  # the menu offers the ledger to nobody here
    export = client.get(reverse("me_record"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("verify")).status_code == 200


def test_every_scoped_selector_gives_a_person_nothing_but_themselves(world):
    from skillaid.accounts.scope import Scope
    from skillaid.evaluation.selectors import certificates_visible_to
    from skillaid.institutions.selectors import institutions_visible_to
    from skillaid.people.selectors import households_visible_to, people_visible_to
    from skillaid.training.selectors import classes_visible_to

    user = world["user"]
    assert Scope.of(user).person_id == world["lan"].pk
    assert not Scope.of(user).everything and Scope.of(user).region_prefix is None
    for rows in (
        people_visible_to(user),
        households_visible_to(user),
        classes_visible_to(user),
        certificates_visible_to(user),
        institutions_visible_to(user),
    ):
        assert not rows.exists(), rows.model
    from skillaid.accounts.capabilities import CAPABILITIES, can

    assert not [name for name in CAPABILITIES if can(user, name)]


def test_no_api_token_is_issued_for_a_persons_account(world, zhou):
    from django.core.exceptions import ValidationError

    from skillaid.accounts.models import ApiToken
    from skillaid.accounts.tokens import token_issue

    with pytest.raises(ValidationError, match="本人账户不能签发接口令牌"):
        token_issue(actor=zhou, user=world["user"], name="试试", channel="command")
    assert not ApiToken.objects.exists()


def test_the_apps_open_exactly_these_pages_to_a_persons_account():
    from skillaid.accounts.middleware import PERSON_PATHS

    assert PERSON_PATHS == OWN
