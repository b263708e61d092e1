"""The capability table on its own: what each role may do, and the object's scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from skillaid.accounts.capabilities import CAPABILITIES, can, capabilities_of, require
from skillaid.accounts.models import Role, User
from skillaid.institutions.models import Institution
from tests.conftest import LONGAN, MASHAN, NANNING

BUREAU_READS = {
    "ledger.read",
    "ledger.reveal_id",
    "person.register",
    "person.verify",
    "institution.create",
    "institution.edit",
    "institution.occupations",
    "capacity.edit",
    "class.review",
    "attendance.settle",
    "certificate.import",
    "certificate.revoke",
    "audit.read",
    "policy.read",
    "calendar.read",
    "claim.read",
    "publication.read",
    "publication.create",
    "objection.resolve",
}
EXPECTED = {
    Role.COUNTY_CLERK: BUREAU_READS
    | {
        "ledger.edit",
        "ledger.import",
        "pairing.agreement",
        "person_account.open",
        "claim.submit",
        "claim.check",
        "claim.record",
    },
    Role.SCHOOL_OFFICER: {
        "person.register",
        "institution.edit",
        "pairing.report",
        "pairing.agreement",
        "class.declare",
        "roster.edit",
        "attendance.record",
        "completion.record",
        "certificate.issue",
        "certificate.revoke",
        "person_account.open",
        "claim.read",
        "claim.submit",
    },
    Role.CITY_REVIEWER: BUREAU_READS
    | {"institution.set_status", "pairing.manage", "claim.city_check", "claim.approve"},
    Role.PROVINCE_REVIEWER: BUREAU_READS
    | {
        "institution.set_status",
        "pairing.manage",
        "catalogue.edit",
        "policy.edit",
        "claim.approve",
        "claim.approve_final",
    },
    # Everything but a finding of a random inspection: only the inspector drawn records it.
    Role.ADMIN: set(CAPABILITIES) - {"inspection.record"},
    # The person themselves reads their own record and may do nothing else.
    Role.PERSON: set(),
}
# Payment (发放): the county records bank accounts, the city and province pay.
_PAYS = {"payment.read", "budget.edit", "batch.make", "batch.reconcile", "payment.reverse"}
EXPECTED[Role.COUNTY_CLERK] |= {"payment.read", "payee_account.edit"}
EXPECTED[Role.SCHOOL_OFFICER] |= {"payee_account.edit"}
EXPECTED[Role.CITY_REVIEWER] |= _PAYS
EXPECTED[Role.PROVINCE_REVIEWER] |= _PAYS
# Technical-school students: the school keeps the roll; the bureaus read it.
for _role in (Role.COUNTY_CLERK, Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER):
    EXPECTED[_role] |= {"student.read"}
EXPECTED[Role.SCHOOL_OFFICER] |= {"student.read", "student.edit"}
# Recruitment and the monthly monitoring: the school records, the bureaus read.
_CARE_READS = {"recruitment.read", "recruitment.reveal_phone", "monitoring.read"}
for _role in (Role.COUNTY_CLERK, Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER):
    EXPECTED[_role] |= _CARE_READS
EXPECTED[Role.SCHOOL_OFFICER] |= _CARE_READS | {"recruitment.contact", "monitoring.record"}
# 精准比对: the bureaus load, run, exchange and decide; the province makes exchange keys;
# schools read the feedback on their students.
_MATCHING = {"matching.run", "matching.review", "matching.exchange"}
for _role in (Role.COUNTY_CLERK, Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER):
    EXPECTED[_role] |= _MATCHING
EXPECTED[Role.PROVINCE_REVIEWER] |= {"matching.exchange_key"}
EXPECTED[Role.SCHOOL_OFFICER] |= {"matching.feedback"}
# Employment services: the county bureau registers, refers, follows up and confirms the
# placements; the city and province read (and keep employers and fairs); employers and
# agencies keep their own unit, postings, answers and placements; schools read the funnel.
_EMPLOYMENT_READS = {
    "seeker.read",
    "employer.read",
    "employer.edit",
    "employer.account",
    "posting.read",
    "posting.edit",
    "fair.edit",
    "funnel.read",
}
for _role in (Role.COUNTY_CLERK, Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER):
    EXPECTED[_role] |= _EMPLOYMENT_READS
EXPECTED[Role.COUNTY_CLERK] |= {
    "seeker.edit",
    "referral.record",
    "referral.outcome",
    "placement.record",
    "placement.confirm",
}
EXPECTED[Role.SCHOOL_OFFICER] |= {"funnel.read"}
_UNIT = {"employer.edit", "posting.read", "posting.edit", "referral.outcome", "placement.record"}
EXPECTED[Role.EMPLOYER] = set(_UNIT)
EXPECTED[Role.AGENCY] = set(_UNIT)
# Targets, desks and report packs: the bureaus read, pack and submit; schools read their
# own figures; reviewers set and split targets, draw random inspections and keep the
# inspectors; the province sets the deadlines; inspectors only record their findings.
for _role in (Role.COUNTY_CLERK, Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER):
    EXPECTED[_role] |= {"figures.read", "report.pack", "report.submit"}
EXPECTED[Role.SCHOOL_OFFICER] |= {"figures.read"}
for _role in (Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER):
    EXPECTED[_role] |= {"target.edit", "inspection.draw", "inspector.manage"}
EXPECTED[Role.PROVINCE_REVIEWER] |= {"deadline.edit"}
EXPECTED[Role.INSPECTOR] = {"inspection.record"}


@pytest.mark.parametrize("role", Role.values)
def test_each_role_holds_exactly_its_capabilities(role):
    assert capabilities_of(role) == EXPECTED[role]


@given(
    role=st.one_of(st.sampled_from(Role.values), st.text(max_size=20)),
    capability=st.sampled_from(sorted(CAPABILITIES)),
)
def test_no_role_outside_the_table_gets_a_capability(role, capability):
    user = User(username="x", role=role)
    assert can(user, capability) is (role in CAPABILITIES[capability].roles)


def test_an_unknown_capability_is_a_bug_not_a_refusal():
    with pytest.raises(KeyError):
        can(User(username="x", role=Role.ADMIN), "ledger.delete_everything")


def test_nobody_and_a_deactivated_user_may_do_nothing(zhou):
    assert not can(None, "ledger.read")
    zhou.is_active = False
    assert not any(can(zhou, c) for c in CAPABILITIES)


def test_an_object_must_lie_in_the_users_scope(regions, wei, huang, lu, liang):
    mashan = Institution.objects.create(
        name="马山县职业技能培训中心", kind="public_provider", region_id=MASHAN
    )
    nanning = Institution.objects.create(
        name="南宁市技工学校", kind="technical_school", region_id=NANNING
    )
    assert can(wei, "institution.edit", mashan) and not can(huang, "institution.edit", mashan)
    assert can(liang, "institution.set_status", mashan)  # 马山 lies in Nanning city
    assert not can(wei, "institution.edit", nanning)  # the city's school, not the county's
    assert can(lu, "institution.edit", lu.institution) and not can(lu, "institution.edit", nanning)
    assert not can(lu, "institution.set_status", lu.institution)  # the role lacks it


def test_require_says_why_in_chinese(regions, wei, lu):
    longan = Institution.objects.create(
        name="隆安县培训中心", kind="public_provider", region_id=LONGAN
    )
    with pytest.raises(PermissionDenied, match="您的角色不能登记院校/机构"):
        require(lu, "institution.create")
    with pytest.raises(PermissionDenied, match="院校/机构的信息由其所在地区的人社部门维护"):
        require(wei, "institution.edit", longan)
    with pytest.raises(PermissionDenied, match="需求指导目录由省级审核人员维护"):
        require(wei, "catalogue.edit")
    require(wei, "ledger.edit")  # no exception


def test_templates_ask_the_same_table(regions, wei, lu):
    template = Template(
        '{% load capabilities %}{% if user|can:"ledger.edit" %}edit{% endif %}'
        '{% can user "institution.edit" inst as may %}{% if may %}+inst{% endif %}'
    )
    inst = lu.institution
    assert template.render(Context({"user": wei, "inst": inst})) == "edit"
    assert template.render(Context({"user": lu, "inst": inst})) == "+inst"


def test_user_properties_are_thin_wrappers_of_the_table(regions, wei, lu, qin):
    assert wei.can_edit_ledger and wei.reads_ledger and wei.can_reveal_ids and wei.can_read_audit
    assert not lu.reads_ledger and not lu.can_register_institutions
    assert qin.can_keep_demand_catalogue and qin.is_reviewer and not qin.can_edit_ledger
