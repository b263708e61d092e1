"""Posting, changing and closing job postings: each refusal names its field in Chinese,
an expired or closed posting is no longer open, an employer's account works on its own
unit's postings only, an agency posts for registered employers, a bureau within its
regions, and every change is in the audit log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from skillaid.accounts.models import AuditEntry
from skillaid.employment.models import Campaign, JobFair, Posting
from skillaid.employment.postings import (
    PostingFilters,
    fair_create,
    posting_close,
    posting_create,
    posting_for,
    posting_list,
    posting_update,
    postings_open,
    region_find,
)
from tests.conftest import LONGAN, MASHAN, NANNING
from tests.employment import factories
from tests.employment.fixtures_postings import NOW, TODAY, account, catalogue, posting_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_day(regions):
    catalogue()
    with time_machine.travel(NOW, tick=False):
        yield


def create(actor, **data):  # noqa: ANN001, ANN201
    return posting_create(actor=actor, channel="page", data=posting_data(**data))


def refusal(actor, **data) -> dict[str, list[str]]:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        create(actor, **data)
    return caught.value.message_dict


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("title", "", "请填写岗位名称"),
        ("occupation", "电焊工人", "不在职业目录中"),
        ("occupation", "9-99-99-99", "职业编码"),
        ("region", "火星", "不是已知的地区"),
        ("region", "459999", "不存在"),
        ("wage_min", "0", "月薪下限应大于0"),
        ("wage_min", "三千", "月薪下限"),
        ("wage_max", "-1", "月薪上限不能为负数"),
        ("wage_max", "3000", "不能低于月薪下限"),
        ("places", "0", "招聘人数至少为1人"),
        ("places", "2.5", "招聘人数“2.5”应为整数"),
        ("valid_until", dt.date(2026, 2, 1), "不能早于有效期起"),
        ("valid_from", "2026-13-01", "有效期起"),
        ("campaign", "夏季招聘", "专项活动“夏季招聘”无法识别"),
        ("fair", "不存在的招聘会", "尚未登记"),
    ],
)
def test_each_refusal_names_its_field_in_chinese(wei, field, value, words):
    employer = factories.employer()
    errors = refusal(wei, employer=employer.uscc, **{field: value})
    assert field in errors, errors
    assert words in "".join(errors[field])
    assert not Posting.objects.exists()


def test_an_unknown_occupation_says_how_to_find_it(wei):
    employer = factories.employer()
    message = "".join(refusal(wei, employer=employer.uscc, occupation="电焊工人")["occupation"])
    assert "职业编码（如 6-31-01-03）" in message and "培训需求目录" in message


def test_the_occupation_is_found_by_code_by_exact_name_or_by_both(wei):
    employer = factories.employer()
    for value in ("6-31-01-03", "电工", "6-31-01-03 电工"):
        posting = create(wei, employer=employer.uscc, occupation=value, title=f"电工{value}")
        assert posting.occupation.name == "电工"
    # Catalogue names keep their full-width brackets, whatever the typing folds them to.
    factories.occupation("电工（高压）", "6-31-01-09")
    for value in ("电工（高压）", "电工(高压)", "6-31-01-09 电工（高压）"):
        posting = create(wei, employer=employer.uscc, occupation=value, title=f"高压{value}")
        assert posting.occupation.code == "6-31-01-09"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("450124", MASHAN),
        ("南宁市马山县", MASHAN),
        ("广西壮族自治区南宁市马山县", MASHAN),
        ("马山县", MASHAN),
        ("440300", "440300"),
        ("广东省深圳市", "440300"),
    ],
)
def test_the_workplace_is_found_by_code_or_full_name(value, code):
    assert region_find(value).code == code


def test_a_guangdong_workplace_is_fine_for_a_bureau_whose_employer_is_local(wei):
    employer = factories.employer("马山县建筑劳务公司", region=MASHAN)
    posting = create(wei, employer=employer.uscc, region="440300")
    assert posting.region_id == "440300"


def test_the_campaign_is_taken_by_value_or_chinese_label(wei):
    employer = factories.employer()
    assert create(wei, employer=employer.uscc, campaign="零工市场").campaign == Campaign.GIG
    assert create(wei, employer=employer.uscc, campaign="autumn", title="b").campaign == "autumn"


def test_a_fair_gives_its_campaign_to_a_posting_that_names_none(wei):
    fair = fair_create(
        actor=wei,
        channel="page",
        data={
            "name": "马山县2026年春风行动专场招聘会",
            "campaign": "春风行动",
            "region": MASHAN,
            "held_on": dt.date(2026, 3, 5),
        },
    )
    employer = factories.employer()
    posting = create(wei, employer=employer.uscc, campaign="", fair=fair.name)
    assert posting.fair == fair and posting.campaign == Campaign.SPRING_BREEZE


def test_wages_are_decimal_yuan(wei):
    employer = factories.employer()
    posting = create(wei, employer=employer.uscc, wage_min="3,500.50", wage_max="5000元")
    posting.refresh_from_db()
    assert posting.wage_min == Decimal("3500.50") and posting.wage_max == Decimal("5000.00")


# ----- open ------------------------------------------------------------------------


def test_an_expired_or_closed_posting_is_not_open_nor_in_the_open_list(wei):
    employer = factories.employer()
    live = create(wei, employer=employer.uscc, title="在招")
    expired = create(
        wei,
        employer=employer.uscc,
        title="已过期",
        valid_from=dt.date(2026, 1, 1),
        valid_until=dt.date(2026, 4, 14),
    )
    closed = create(wei, employer=employer.uscc, title="已停止")
    posting_close(actor=wei, channel="page", posting=closed, on=TODAY)
    closing_later = create(wei, employer=employer.uscc, title="下月停止")
    posting_close(actor=wei, channel="page", posting=closing_later, on=dt.date(2026, 5, 1))

    assert set(postings_open(TODAY)) == {live, closing_later}
    assert set(postings_open(dt.date(2026, 5, 1))) == {live}
    listed = posting_list(wei, filters=PostingFilters(open=True))
    assert set(listed) == {live, closing_later}
    assert expired in posting_list(wei, filters=PostingFilters())
    assert not expired.open_on(TODAY) and not closed.open_on(TODAY)


def test_a_posting_is_closed_once(wei):
    employer = factories.employer()
    posting = create(wei, employer=employer.uscc)
    posting_close(actor=wei, channel="page", posting=posting, on=TODAY)
    with pytest.raises(ValidationError) as caught:
        posting_close(actor=wei, channel="page", posting=posting, on=TODAY)
    assert "已于2026-04-15停止招聘" in caught.value.message_dict["on"][0]


# ----- employers' and agencies' accounts -------------------------------------------


def test_an_employer_account_posts_for_its_own_unit_only(regions):
    own = factories.employer("马山县壮乡食品厂", region=MASHAN)
    other = factories.employer("隆安县农业公司", region=LONGAN)
    user = account(own, "shipin")
    posting = create(user)
    assert posting.employer == own and posting.agency is None
    errors = refusal(user, employer=other.uscc, title="别家的岗位")
    assert "只能发布本单位（马山县壮乡食品厂）的岗位" in errors["employer"][0]


def test_an_employer_account_sees_and_edits_only_its_own(wei):
    own = factories.employer("马山县壮乡食品厂", region=MASHAN)
    other = factories.employer("马山县黑山羊合作社", region=MASHAN)
    user = account(own, "shipin")
    mine = create(user)
    theirs = create(wei, employer=other.uscc, title="饲养员")
    assert list(posting_list(user)) == [mine]
    with pytest.raises(Http404):
        posting_for(user, theirs.pk)
    with pytest.raises(PermissionDenied):
        posting_update(actor=user, channel="page", posting=theirs, data={"places": 9})
    with pytest.raises(PermissionDenied):
        posting_close(actor=user, channel="page", posting=theirs, on=TODAY)
    changes = posting_update(actor=user, channel="page", posting=mine, data={"places": "9"})
    assert changes == {"places": [3, 9]}


def test_an_agency_posts_for_a_registered_employer_and_for_itself(regions):
    agency = factories.agency("南宁市人力资源服务有限公司")
    employer = factories.employer("马山县建筑劳务公司", region=MASHAN)
    user = account(agency, "renli")
    for_them = create(user, employer=employer.uscc)
    assert for_them.employer == employer and for_them.agency == agency
    for_itself = create(user, title="招聘专员")
    assert for_itself.employer == agency and for_itself.agency is None
    assert set(posting_list(user)) == {for_them, for_itself}
    # The employer's own account sees the posting made for it too.
    assert list(posting_list(account(employer, "laowu"))) == [for_them]


def test_an_agency_cannot_post_for_an_unregistered_employer(regions):
    user = account(factories.agency(), "renli")
    code = factories.uscc_new()
    errors = refusal(user, employer=code)
    assert f"统一社会信用代码为 {code} 的单位尚未登记" in errors["employer"][0]
    bad = refusal(user, employer="91450100MA5K0000X1")
    assert "统一社会信用代码" in bad["employer"][0]
    assert not Posting.objects.exists()


# ----- bureaus ---------------------------------------------------------------------


def test_a_bureau_posts_and_edits_within_its_regions(wei, huang, liang):
    nanning = factories.employer("广西南宁建工集团", region=NANNING)
    posting = create(wei, employer=nanning.uscc)  # the workplace is in 马山县
    # 隆安县 neither holds the workplace nor the employer.
    with pytest.raises(PermissionDenied) as caught:
        create(huang, employer=nanning.uscc, title="隆安的岗位")
    assert "不是本单位或本地区的岗位" in str(caught.value)
    with pytest.raises(PermissionDenied):
        posting_update(actor=huang, channel="page", posting=posting, data={"places": 1})
    # 南宁市 holds both.
    posting_update(actor=liang, channel="page", posting=posting, data={"places": 7})
    # Every bureau reads every posting: public job information.
    assert posting_for(huang, posting.pk) == posting
    assert posting in posting_list(huang)


def test_a_bureau_cannot_move_a_posting_out_of_its_regions(wei):
    nanning = factories.employer("广西南宁建工集团", region=NANNING)
    posting = create(wei, employer=nanning.uscc)
    with pytest.raises(ValidationError) as caught:
        posting_update(actor=wei, channel="page", posting=posting, data={"region": LONGAN})
    assert "region" in caught.value.message_dict
    posting.refresh_from_db()
    assert posting.region_id == MASHAN


def test_a_bureau_must_name_the_employer(wei):
    assert "请填写用人单位的统一社会信用代码" in refusal(wei)["employer"][0]


def test_the_employer_of_a_posting_stays(wei):
    posting = create(wei, employer=factories.employer().uscc)
    other = factories.employer("另一家公司")
    with pytest.raises(ValidationError) as caught:
        posting_update(actor=wei, channel="page", posting=posting, data={"employer": other.uscc})
    assert "不能修改" in caught.value.message_dict["employer"][0]


def test_a_school_officer_may_not_post(lu):
    with pytest.raises(PermissionDenied):
        create(lu, employer=factories.employer().uscc)


# ----- the record of changes, the list's filters, fairs -----------------------------


def test_every_change_is_audited(wei):
    posting = create(wei, employer=factories.employer().uscc)
    posting_update(actor=wei, channel="page", posting=posting, data={"wage_max": "6000"})
    posting_close(actor=wei, channel="page", posting=posting, on=TODAY)
    entries = list(AuditEntry.objects.about(posting).order_by("id"))
    assert [e.action for e in entries] == ["create", "update", "update"]
    assert entries[0].changes["title"] == [None, "维修电工"]
    assert entries[1].changes == {"wage_max": ["5000.00", "6000.00"]}
    assert entries[2].changes == {"closed_on": [None, "2026-04-15"]}
    assert "停止招聘" in entries[2].note


def test_nothing_changed_logs_nothing(wei):
    posting = create(wei, employer=factories.employer().uscc)
    before = AuditEntry.objects.count()
    assert posting_update(actor=wei, channel="page", posting=posting, data=posting_data()) == {}
    assert AuditEntry.objects.count() == before


def test_the_list_filters_by_occupation_campaign_fair_region_employer_and_text(wei):
    fair = fair_create(
        actor=wei,
        channel="page",
        data={"name": "马山县金秋招聘会", "campaign": "autumn", "region": MASHAN, "held_on": TODAY},
    )
    builder = factories.employer("广西南宁建工集团")
    cook = factories.employer("马山县壮乡饭店", region=MASHAN)
    a = create(wei, employer=builder.uscc)
    b = create(
        wei,
        employer=cook.uscc,
        title="厨师",
        occupation="中式烹调师",
        campaign="",
        fair=str(fair.pk),
        region="440300",
    )

    def listed(**f) -> set[Posting]:  # noqa: ANN003
        return set(posting_list(wei, filters=PostingFilters(**f)))

    assert listed(occupation="4-03-02-01") == {b}
    assert listed(occupation=str(a.occupation_id)) == {a}
    assert listed(campaign="spring_breeze") == {a}
    assert listed(campaign="autumn") == {b}
    assert listed(fair=fair.pk) == {b}
    assert listed(region="44") == {b} and listed(region=MASHAN) == {a}
    assert listed(region="450100") == {a}
    assert listed(employer=cook.pk) == {b}
    assert listed(q="厨师") == {b} and listed(q="建工") == {a}


def test_a_fair_is_registered_by_a_bureau_in_its_regions(wei, huang):
    data = {
        "name": "马山县春风行动招聘会",
        "campaign": "春风行动",
        "region": "马山县",
        "held_on": TODAY,
    }
    fair = fair_create(actor=wei, channel="page", data=data)
    assert fair.region_id == MASHAN and fair.campaign == Campaign.SPRING_BREEZE
    with pytest.raises(ValidationError) as caught:
        fair_create(actor=huang, channel="page", data={**data, "name": "另一场"})
    assert "不在您的管辖范围内" in caught.value.message_dict["region"][0]
    with pytest.raises(ValidationError) as again:
        fair_create(actor=wei, channel="page", data=data)
    assert "已登记" in again.value.message_dict["name"][0]
    assert JobFair.objects.count() == 1
    employer_user = account(factories.employer(), "jiangong")
    with pytest.raises(PermissionDenied):
        fair_create(actor=employer_user, channel="page", data={**data, "name": "单位的"})
