"""Demo employment services: employers, an agency and a 帮扶车间 with their own logins,
a fair and its postings, the 马山县 ledger's job seekers, the follow-ups of the demo
classes' trainees, a few referrals (so that the short-of-three list has people on it)
and an agency's placement waiting for the county's confirmation.

Everything is made through the services the pages call. The agency service subsidy's
amount is each region's own (003 四（十一）: 具体补贴标准由各地确定): the demo adds a rule
for 南宁市 marked as demo data, so that a confirmed placement shows its subsidy line.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from skillaid.accounts.models import Channel, User
from skillaid.accounts.system import system_user
from skillaid.employment.employers import employer_account_open, employer_create
from skillaid.employment.followups_causes import followups_sync
from skillaid.employment.models import Employer, EmployerKind, Seeker
from skillaid.employment.placements import placement_record
from skillaid.employment.postings import fair_create, posting_create
from skillaid.employment.referrals import referral_outcome, referral_record
from skillaid.employment.seekers import seekers_from_ledger
from skillaid.employment.suggest import suggestions
from skillaid.lib.uscc import make_code
from skillaid.regions.models import Region
from skillaid.subsidies.models import PolicyRule
from skillaid.subsidies.services import rule_create

MASHAN, NANNING, DONGGUAN = "450124", "450100", "441900"
DEMO_RULE = "demo-nn-agency-service"
# name, kind, region, credit code body (17 characters), 帮扶车间, login
UNITS = [
    (
        "广西南宁建工集团有限公司（演示）",
        EmployerKind.EMPLOYER,
        NANNING,
        "91450100MA5K0DM01",
        False,
        "employer_jiangong",
    ),
    (
        "马山县黑山羊食品加工帮扶车间（演示）",
        EmployerKind.EMPLOYER,
        MASHAN,
        "91450124MA5K0DM02",
        True,
        "",
    ),
    (
        "东莞市粤桂电子科技有限公司（演示）",
        EmployerKind.EMPLOYER,
        DONGGUAN,
        "91441900MA5K0DM03",
        False,
        "",
    ),
    (
        "南宁市桂才人力资源服务有限公司（演示）",
        EmployerKind.AGENCY,
        NANNING,
        "91450100MA5K0DM04",
        False,
        "agency_guicai",
    ),
]
# The units' own demo logins, as `make run` prints them.
UNIT_LOGINS = [
    ("employer_jiangong", "广西南宁建工集团（用人单位账户）"),
    ("agency_guicai", "南宁市桂才人力资源服务有限公司（人力资源服务机构账户）"),
]
# employer index, title, occupation code, workplace, wage range, places
POSTINGS = [
    (0, "建筑工地电焊工", "6-29-01-03", NANNING, (5000, 7000), 10),
    (0, "项目部食堂厨师", "4-03-02-01", NANNING, (3800, 4800), 2),
    (1, "食品加工车间普工（中式烹调）", "4-03-02-01", MASHAN, (2600, 3200), 15),
    (2, "电子商务运营专员", "4-04-05-05", DONGGUAN, (5500, 8000), 6),
    (2, "员工宿舍家政保洁", "4-07-05-03", DONGGUAN, (4200, 5000), 4),
    (0, "职工幼儿园育婴员", "4-10-01-01", NANNING, (3500, 4500), 3),
]


def _unit_login(employer: Employer, username: str, password: str) -> None:
    """A unit's own demo login, with the demo password printed by `make run`."""
    if not username or User.objects.filter(username=username).exists():
        return
    user, _ = employer_account_open(
        actor=system_user(),
        channel=Channel.COMMAND,
        employer=employer,
        username=username,
        full_name=employer.name.replace("（演示）", "")[:20] + "经办人",
        phone="13907710" + str(100 + employer.pk)[-3:],
    )
    user.set_password(password)
    user.must_change_password = False
    user.save()


def _demo_rule(today: dt.date) -> None:
    """南宁市's agency service subsidy, for the demo only (each region sets its own)."""
    if PolicyRule.objects.filter(code=DEMO_RULE).exists():
        return
    terms = {
        "name": "经营性人力资源服务机构就业创业服务补助（南宁市·演示标准）",
        "source_document": "003 桂人社发〔2022〕7号",
        "source_article": "四（十一）",
        "valid_from": f"{today.year - 1}-01-01",
        "valid_until": "",
        "household_categories": "lifted|monitored",
        "bases": "",
        "training_kinds": "",
        "occupation": "",
        "levels": "",
        "payee": "agency",
        "alongside": "",
        "amount": "500",
        "amount_unit": "person",
        "amount_is_minimum": False,
        "level_amounts": "",
        "cap_per_time": "",
        "cap_per_year": "",
        "limit_value": "",
        "limit_unit": "",
        "note": "演示数据：金额为示例。具体补贴标准和申请流程由各地确定，请按本地文件设定",
    }
    rule_create(
        actor=system_user(),
        channel=Channel.COMMAND,
        code=DEMO_RULE,
        kind="agency_service",
        region=Region.objects.get(code=NANNING),
        terms=terms,
        reason="演示数据",
    )


@transaction.atomic
def ensure_demo_employment(password: str) -> bool:
    """Make the demo employment services once; False when they are already there."""
    if Employer.objects.exists():
        return False
    clerk = User.objects.filter(username="clerk_mashan").first()
    if clerk is None:
        return False
    today, system = timezone.localdate(), system_user()
    units = []
    for name, kind, region, body, workshop, login in UNITS:
        unit = employer_create(
            actor=system,
            channel=Channel.COMMAND,
            data={
                "kind": kind,
                "name": name,
                "uscc": make_code(body),
                "region": region,
                "workshop": workshop,
                "contact_name": "黄经理",
                "contact_phone": f"0771-555{len(units):04d}",
            },
        )
        _unit_login(unit, login, password)
        units.append(unit)
    fair = fair_create(
        actor=clerk,
        channel=Channel.COMMAND,
        data={
            "name": "马山县就业帮扶专场招聘会（演示）",
            "campaign": "county_fair",
            "region": MASHAN,
            "held_on": today - dt.timedelta(days=7),
        },
    )
    for index, title, occupation, region, (low, high), places in POSTINGS:
        posting_create(
            actor=system,
            channel=Channel.COMMAND,
            data={
                "employer": units[index].uscc,
                "title": title,
                "occupation": occupation,
                "region": region,
                "wage_min": low,
                "wage_max": high,
                "places": places,
                "valid_from": today - dt.timedelta(days=100),
                "valid_until": today + dt.timedelta(days=70),
                "fair": fair.pk if region == MASHAN else "",
                "requirements": "18–50周岁，身体健康；持相应职业技能等级证书者优先（演示数据）",
            },
        )
    # One that has ended: it is in the postings list, never in a suggestion.
    posting_create(
        actor=system,
        channel=Channel.COMMAND,
        data={
            "employer": units[0].uscc,
            "title": "已截止的钢筋工岗位",
            "occupation": "6-29-01-03",
            "region": NANNING,
            "wage_min": 4500,
            "wage_max": 6000,
            "places": 5,
            "valid_from": today - dt.timedelta(days=90),
            "valid_until": today - dt.timedelta(days=5),
        },
    )
    seekers_from_ledger(actor=clerk, channel=Channel.COMMAND, on=today)
    followups_sync(actor=system, channel=Channel.COMMAND, on=today)
    _demo_rule(today)
    # A few referrals: two seekers reach three, the others stay short of the rule.
    seekers = list(
        Seeker.objects.filter(county_id=MASHAN, assisted=True)
        .select_related("person")
        .order_by("-trained_on", "id")[:5]
    )
    for n, seeker in enumerate(seekers):
        for m, suggestion in enumerate(suggestions(seeker, on=today, limit=3)[: 3 if n < 2 else 1]):
            # The first seeker's first referral was three months ago: its follow-up is
            # overdue, the second one's falls due this week.
            back = {(0, 0): 95, (1, 0): 88}.get((n, m), 0)
            referral = referral_record(
                actor=clerk,
                channel=Channel.COMMAND,
                seeker=seeker,
                posting=suggestion.posting,
                on=today - dt.timedelta(days=back),
                fit=suggestion.fit,
            )
            if n == 0 and referral.employer_id == units[0].pk:
                referral_outcome(
                    actor=clerk,
                    channel=Channel.COMMAND,
                    referral=referral,
                    outcome="interview",
                    on=today,
                )
    # The agency's placement, waiting for the county clerk's confirmation.
    agency_user = User.objects.filter(username="agency_guicai").first()
    placed = next((s for s in seekers[2:] if s.person.household_id), None)
    if agency_user is not None and placed is not None:
        placement_record(
            actor=agency_user,
            channel=Channel.COMMAND,
            data={
                "id_number": placed.person.id_number,
                "name": placed.person.name,
                "employer_uscc": units[0].uscc,
                "job": "建筑工地电焊工",
                "contract_start": today - dt.timedelta(days=120),
                "contract_end": today + dt.timedelta(days=245),
                "insured_months": 3,
                "insured_until": today - dt.timedelta(days=20),
            },
        )
    return True
