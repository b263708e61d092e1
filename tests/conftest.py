"""Named personas and fixtures shared by the suite.

Personas: 韦丽 (wei), clerk of 马山县; 黄强 (huang), clerk of the neighbouring
隆安县; 陆敏 (lu), officer of a Nanning school; 梁峰 (liang), Nanning city
reviewer; 覃芳 (qin), province reviewer; 周静 (zhou), system administrator.
Reviewers and the administrator log in with a second factor: `client.force_login` passes
the code step for them (VerifiedClient), the browser `login` helper types the code.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os

import pytest
from django.conf import settings
from django.test import Client

from skillaid.lib import idnumber

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytest_plugins = ["tests.training.fixtures", "tests.subsidies.fixtures"]

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


def pytest_configure(config) -> None:  # noqa: ANN001
    """The suite serves plain http on 127.0.0.1, as the embedded mode does (SKILLAID_HTTPS=0).

    Settings are read before this file, so the switch is applied here, before the live
    server loads its middleware; test_security.py checks the production defaults.
    """
    from django.conf import settings

    settings.SKILLAID_HTTPS = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    # Tests log in and then move the clock by hours or days (to a class's session, through
    # a class from sign-in to completion): the timeouts would end those sessions, so the
    # suite lifts them and test_sessions.py sets the ones it checks.
    settings.SKILLAID_SESSION_IDLE_MINUTES = 10 * 365 * 24 * 60
    settings.SKILLAID_SESSION_MAX_HOURS = 10 * 365 * 24
    settings.SESSION_COOKIE_AGE = settings.SKILLAID_SESSION_MAX_HOURS * 3600


def totp_device(user):  # noqa: ANN001, ANN201
    """The user's confirmed TOTP device, enrolled now if they have none (as at the enrolment page)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="验证器", confirmed=True)


def totp_code(device, offset: int = 0) -> str:  # noqa: ANN001
    """The code the user's authenticator app shows now (offset in steps), from the device's key."""
    import time

    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


class VerifiedClient(Client):
    """`force_login` leaves the session a real login leaves: for a user who needs or has a
    second factor, past the code step (as `django_otp.login` marks it). Tests of the code
    step itself log in through the pages."""

    def force_login(self, user, backend=None) -> None:  # noqa: ANN001
        from django_otp import DEVICE_ID_SESSION_KEY, user_has_device

        super().force_login(user, backend)
        if user.needs_second_factor or user_has_device(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
            session.save()


@pytest.fixture
def client() -> Client:
    return VerifiedClient()


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.AXES_ENABLED = True
    # Text messages stay in skillaid.accounts.sms.outbox (the console backend would print).
    settings.SKILLAID_SMS_BACKEND = "skillaid.accounts.sms.LocMemBackend"


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
    from skillaid.pairings.loading import load_pairings

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


@pytest.fixture
def zhou(regions):
    """周静, the system administrator: keeps users, holds no region."""
    user = make_user("zhou", "admin", None, "周静")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


# Order codes (three digits) for new ID numbers, round and round: each test's rows are
# rolled back (or flushed), so a number made again in a later test is still unique.
_orders = itertools.cycle(range(1, 1000))


def new_id(county: str = MASHAN, birth: dt.date = dt.date(1995, 6, 15)) -> str:
    return idnumber.make_number(county, birth, next(_orders))


@pytest.fixture
def system(db):
    """The named user commands and jobs act as (accounts.system)."""
    from skillaid.accounts.system import system_user

    return system_user()


@pytest.fixture
def person_factory(regions):
    from skillaid.accounts.system import system_user
    from skillaid.people.services import person_create

    def make(county: str = MASHAN, name: str = "蓝海燕", **extra):
        data = {"id_number": new_id(county), "name": name, "county": county, **extra}
        return person_create(actor=system_user(), channel="command", data=data)

    return make


@pytest.fixture
def work_calendar(db):
    """The statutory calendar as `skillaid setup` leaves it: every year chinese-calendar knows."""
    from skillaid.accounts.holidays import calendar_seed

    return calendar_seed()
