"""Fixtures of the seekers tests: a Mashan worker of an assisted household who wants a job,
an occupation of the catalogue, a Mashan employer and a Nanning agency, each with its own
account (logged in like any other user)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from skillaid.employment.employers import employer_account_open, employer_create
from skillaid.employment.models import EmployerKind
from tests.conftest import MASHAN, NANNING
from tests.employment.factories import occupation, uscc_new

# A working day of 2026 on which every test of this part runs (Asia/Shanghai morning).
TODAY = dt.date(2026, 5, 12)
NOW = dt.datetime(2026, 5, 12, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def electrician(db):
    return occupation("电工", "6-31-01-03")


@pytest.fixture
def worker(person_factory, clock):
    """蓝海燕 of 马山县, of a household lifted out of poverty, wanting a job."""
    return person_factory(name="蓝海燕", category="lifted", wants_job=True)


@pytest.fixture
def mashan_employer(wei, clock):
    return employer_create(
        actor=wei,
        channel="command",
        data={
            "kind": EmployerKind.EMPLOYER,
            "name": "马山县黑山羊食品有限公司",
            "uscc": uscc_new(),
            "region": MASHAN,
            "contact_name": "李经理",
            "contact_phone": "13907710001",
        },
    )


@pytest.fixture
def nanning_agency(liang, clock):
    return employer_create(
        actor=liang,
        channel="command",
        data={
            "kind": EmployerKind.AGENCY,
            "name": "南宁市劳务派遣服务有限公司",
            "uscc": uscc_new(),
            "region": NANNING,
        },
    )


@pytest.fixture
def employer_user(wei, mashan_employer):
    """The employer's own account, its initial password changed."""
    user, _ = employer_account_open(
        actor=wei,
        channel="command",
        employer=mashan_employer,
        username="heishanyang",
        full_name="李春花",
        phone="13907710002",
    )
    user.must_change_password = False
    user.save()
    return user


@pytest.fixture
def agency_user(liang, nanning_agency):
    user, _ = employer_account_open(
        actor=liang,
        channel="command",
        employer=nanning_agency,
        username="nnlaowu",
        full_name="陈志明",
        phone="13907710003",
    )
    user.must_change_password = False
    user.save()
    return user
