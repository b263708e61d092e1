"""Named personas and fixtures shared by the suite.

Personas: 韦丽 (wei), clerk of 马山县; 黄强 (huang), clerk of the neighbouring
隆安县; 陆敏 (lu), officer of a Nanning school; 梁峰 (liang), Nanning city
reviewer; 覃芳 (qin), province reviewer.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.conf import settings

from skillaid.lib import idnumber

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.training.fixtures"]

# The ID key of the test databases, set before they are made (migrate stores its check
# value): never the developer's var/id_key, nor a key made for the occasion.
TEST_ID_KEY = "test-id-key-not-for-production"
settings.SKILLAID_ID_KEY = TEST_ID_KEY
settings.SKILLAID_ID_KEY_OLD = ""
settings.SKILLAID_ID_KEY_OLD_FILE = settings.VAR_DIR / "no-id-key.old-in-tests"

MASHAN = "450124"
LONGAN = "450123"
NANNING = "450100"
GUANGXI = "450000"
PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True


@pytest.fixture
def regions(db):
    """Reference data; reloaded after transactional tests flush the tables."""
    from skillaid.regions.loading import load_divisions, load_key_counties, load_resettlement_sites
    from skillaid.regions.models import Region

    if not Region.objects.filter(code=MASHAN).exists():
        load_divisions()
        load_key_counties()
        load_resettlement_sites()


@pytest.fixture
def pairings(regions):
    """The Guangxi pairing tables, loaded as `skillaid setup` loads them."""
    from skillaid.institutions.loading import load_pairings

    return load_pairings()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from skillaid.regions.loading import load_divisions, load_key_counties, load_resettlement_sites

    with django_db_blocker.unblock():
        load_divisions()
        load_key_counties()
        load_resettlement_sites()


def make_user(username: str, role: str, region: str | None, full_name: str = ""):
    from skillaid.accounts.models import User

    user = User(username=username, role=role, region_id=region, full_name=full_name or username)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def wei(regions):
    return make_user("wei", "county_clerk", MASHAN, "韦丽")


@pytest.fixture
def huang(regions):
    return make_user("huang", "county_clerk", LONGAN, "黄强")


@pytest.fixture
def lu(regions):
    from skillaid.institutions.models import Institution

    user = make_user("lu", "school_officer", NANNING, "陆敏")
    user.institution, _ = Institution.objects.get_or_create(
        name="广西南宁技师学院", defaults={"kind": "technician_college", "region_id": NANNING}
    )
    user.save()
    return user


@pytest.fixture
def liang(regions):
    return make_user("liang", "city_reviewer", NANNING, "梁峰")


@pytest.fixture
def qin(regions):
    return make_user("qin", "province_reviewer", GUANGXI, "覃芳")


_orders = iter(range(1, 999))


def new_id(county: str = MASHAN, birth: dt.date = dt.date(1995, 6, 15)) -> str:
    return idnumber.make_number(county, birth, next(_orders))


@pytest.fixture
def person_factory(regions):
    from skillaid.people.services import person_create

    def make(county: str = MASHAN, name: str = "蓝海燕", **extra):
        data = {"id_number": new_id(county), "name": name, "county": county, **extra}
        return person_create(actor=None, channel="command", data=data)

    return make
