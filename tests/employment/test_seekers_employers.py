"""Employers and agencies: their credit codes, their regions, duplicates, and the accounts
a bureau opens for them."""

from __future__ import annotations

import string

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from skillaid.accounts.models import AuditEntry, Role
from skillaid.employment.employers import (
    employer_account_open,
    employer_create,
    employer_update,
)
from skillaid.employment.models import EmployerAccount, EmployerKind
from skillaid.lib import uscc
from tests.conftest import LONGAN, MASHAN, NANNING
from tests.employment.factories import uscc_new

pytest_plugins = ["tests.employment.fixtures_seekers"]

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
bodies = st.tuples(
    st.text(alphabet=string.digits, min_size=8, max_size=8),
    st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9),
).map("".join)


@settings(max_examples=300, deadline=None)
@given(body=bodies, data=st.data())
def test_any_valid_code_passes_and_any_single_character_change_fails(body, data):
    code = uscc.make_code(body)
    assert uscc.check(code) == code
    at = data.draw(st.integers(min_value=0, max_value=17))
    # Another character a clerk could type there: a digit or upper-case letter (lower
    # case is folded to upper case, the same character).
    other = data.draw(
        st.sampled_from([c for c in string.digits + string.ascii_uppercase if c != code[at]])
    )
    with pytest.raises(uscc.UsccError):
        uscc.check(code[:at] + other + code[at + 1 :])


def unit(**extra) -> dict:  # noqa: ANN003
    return {
        "kind": EmployerKind.EMPLOYER,
        "name": "马山县黑山羊食品有限公司",
        "uscc": uscc_new(),
        "region": MASHAN,
        **extra,
    }


def errors_of(actor, **extra) -> dict:  # noqa: ANN001, ANN003
    with pytest.raises(ValidationError) as caught:
        employer_create(actor=actor, channel="page", data=unit(**extra))
    return caught.value.message_dict


def test_a_code_is_checked_with_its_chinese_reasons(wei, clock):
    assert errors_of(wei, uscc="9145012")["uscc"] == ["统一社会信用代码应为18位，实为7位"]
    good = uscc_new()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert errors_of(wei, uscc=wrong)["uscc"][0].startswith("统一社会信用代码校验位错误：末位应为")
    # Full-width characters and spaces are the normal state of typed codes: folded.
    typed = " ".join(good[i : i + 6] for i in range(0, 18, 6)).translate(
        {ord(c): ord(c) + 0xFEE0 for c in string.digits}
    )
    employer = employer_create(actor=wei, channel="page", data=unit(uscc=typed))
    assert employer.uscc == good


def test_a_region_must_exist_and_lie_in_the_bureau_s_scope(wei, clock):
    assert errors_of(wei, region="459999")["region"] == ["地区代码 459999 不存在"]
    assert "不在您的管辖范围内" in errors_of(wei, region=LONGAN)["region"][0]


def test_a_duplicate_code_names_the_unit_only_to_those_who_may_see_it(
    wei, huang, liang, mashan_employer
):
    code = mashan_employer.uscc
    assert errors_of(wei, uscc=code)["uscc"] == [
        f"统一社会信用代码 {code} 已登记为“马山县黑山羊食品有限公司”"
    ]
    message = errors_of(huang, uscc=code, region=LONGAN)["uscc"][0]
    assert "马山县黑山羊" not in message and "已由其他地区登记" in message
    assert "已登记为“马山县黑山羊" in errors_of(liang, uscc=code, region=NANNING)["uscc"][0]


def test_the_bureau_opens_an_account_whose_role_follows_the_kind(
    wei, liang, mashan_employer, nanning_agency
):
    user, password = employer_account_open(
        actor=wei,
        channel="page",
        employer=mashan_employer,
        username="heishanyang",
        full_name="李春花",
        phone="139 0771 0002",
    )
    assert user.role == Role.EMPLOYER and user.region_id is None and user.must_change_password
    assert user.phone == "13907710002"
    assert EmployerAccount.objects.get(user=user).employer == mashan_employer
    assert user.check_password(password)
    entry = AuditEntry.objects.filter(object_type="employment.employeraccount").get()
    assert password not in str(entry.changes) and password not in entry.note
    agency_user, _ = employer_account_open(
        actor=liang,
        channel="page",
        employer=nanning_agency,
        username="nnlaowu",
        full_name="陈志明",
        phone="13907710003",
    )
    assert agency_user.role == Role.AGENCY
    with pytest.raises(ValidationError) as caught:
        employer_account_open(
            actor=wei,
            channel="page",
            employer=mashan_employer,
            username="HeiShanYang",
            full_name="",
            phone="12",
        )
    errors = caught.value.message_dict
    assert "已被使用" in errors["username"][0]
    assert errors["full_name"] == ["请填写账户使用人的姓名"]
    assert "不是11位手机号" in errors["phone"][0]


def test_only_the_unit_s_own_bureau_opens_its_accounts(huang, lu, mashan_employer):
    for actor in (huang, lu):
        with pytest.raises(PermissionDenied):
            employer_account_open(
                actor=actor,
                channel="page",
                employer=mashan_employer,
                username="someone",
                full_name="某人",
                phone="13907710009",
            )


def test_the_unit_s_own_account_changes_only_its_contact_details(
    employer_user, agency_user, mashan_employer
):
    employer_update(
        actor=employer_user,
        channel="page",
        employer=mashan_employer,
        data={"contact_name": "王会计", "contact_phone": "0771-6821234"},
    )
    mashan_employer.refresh_from_db()
    assert (mashan_employer.contact_name, mashan_employer.contact_phone) == (
        "王会计",
        "0771-6821234",
    )
    with pytest.raises(ValidationError) as caught:
        employer_update(
            actor=employer_user, channel="page", employer=mashan_employer, data={"name": "别的公司"}
        )
    assert "由所在地人社部门修改" in caught.value.message_dict["name"][0]
    with pytest.raises(PermissionDenied):
        employer_update(
            actor=agency_user, channel="page", employer=mashan_employer, data={"address": "x"}
        )
    with pytest.raises(PermissionDenied):
        employer_create(actor=employer_user, channel="page", data=unit())


def test_the_bureau_changes_the_unit_and_the_change_is_logged(wei, mashan_employer):
    employer_update(
        actor=wei,
        channel="page",
        employer=mashan_employer,
        data={"name": "马山县黑山羊食品股份有限公司", "workshop": True},
    )
    mashan_employer.refresh_from_db()
    assert mashan_employer.workshop and mashan_employer.name.endswith("股份有限公司")
    entry = AuditEntry.objects.filter(object_type="employment.employer", action="update").get()
    assert entry.changes["workshop"] == [False, True]
