"""Issuing certificates, the public check of one, and importing those issued elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from skillaid.accounts.jobs import Job
from skillaid.evaluation.imports import import_certificates
from skillaid.evaluation.models import Certificate
from skillaid.evaluation.services import (
    certificate_verify,
    certificates_issue,
    mask_name,
)
from skillaid.people.models import Person
from tests.conftest import new_id
from tests.people.sheets import xlsx
from tests.training.fixtures import complete

pytestmark = pytest.mark.django_db


def write_xlsx(path, rows):  # noqa: ANN001, ANN201
    return xlsx(path, rows[1:], headers=rows[0])


@pytest.fixture
def finished(lu, school, class_factory, person_factory):
    """A one-session class whose two trainees have completed: 蓝海燕 passed, 覃海 failed.
    The test runs an hour after the session ended (certificates are issued only then)."""
    good, bad = person_factory(category="脱贫户"), person_factory(category="脱贫户", name="覃海")
    c = class_factory(lu, trainees=[good, bad], count=1)
    with time_machine.travel(c.sessions.get().ends_at + dt.timedelta(hours=1), tick=False):
        complete(lu, c, {good: True, bad: False})
        yield c, good, bad


def test_it_issues_to_those_who_passed_once(lu, finished):
    c, good, bad = finished
    issued = certificates_issue(actor=lu, training_class=c, on=dt.date(2026, 12, 20))
    assert [cert.person for cert in issued] == [good]
    cert = issued[0]
    assert cert.number == "S2026450124000001"
    assert cert.issuer == "广西南宁技师学院" and cert.level == "5"
    with pytest.raises(ValidationError):
        certificates_issue(actor=lu, training_class=c)
    assert Certificate.objects.count() == 1


def test_numbers_follow_on(lu, finished, person_factory):
    c, good, bad = finished
    certificates_issue(actor=lu, training_class=c, on=dt.date(2026, 12, 20))
    bad_enrolment = c.enrolments.get(person=bad)
    bad_enrolment.passed = True
    bad_enrolment.save()
    second = certificates_issue(actor=lu, training_class=c, on=dt.date(2026, 12, 21))
    assert second[0].number == "S2026450124000002"


def test_only_the_institution_issues(wei, finished):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        certificates_issue(actor=wei, training_class=finished[0])


def test_verification_says_only_what_it_must(lu, finished):
    c, good, _ = finished
    cert = certificates_issue(actor=lu, training_class=c)[0]
    right = certificate_verify(cert.number.lower(), "蓝海燕").public()
    assert right["genuine"] and right["holder"] == "蓝*燕"
    assert "id" not in str(right.keys()) and good.id_masked not in str(right)
    wrong_name = certificate_verify(cert.number, "别人").public()
    assert not wrong_name["genuine"] and "number" not in wrong_name
    missing = certificate_verify("S2026450124999999").public()
    assert not missing["genuine"] and "不存在" in missing["message"]
    cert.revoked_on = dt.date(2026, 12, 30)
    cert.save()
    assert not certificate_verify(cert.number, "蓝海燕").genuine


@given(st.text(min_size=0, max_size=8))
def test_a_masked_name_keeps_its_length_and_hides_the_middle(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    if len(name) >= 2:
        assert masked[0] == name[0] and "*" in masked
        assert masked[1:-1] == "*" * (len(name) - 2) or len(name) == 2


HEADERS = [
    "证书编号",
    "姓名",
    "身份证号",
    "证书类型",
    "职业编码",
    "职业（工种）",
    "等级",
    "发证机构",
    "发证日期",
]


def test_import_reports_each_bad_row_and_keeps_the_rest(tmp_path, wei, person_factory, occupation):
    known = person_factory(name="韦春花")
    stranger = new_id("450124")
    bad_id = new_id()[:-1] + "Y"
    rows = [
        HEADERS,
        [
            "Y2025450100000321",
            "韦春花",
            known.id_number,
            "专项职业能力证书",
            "",
            "米粉制作",
            "",
            "南宁市职业技能鉴定中心",
            "2025-06-01",
        ],
        [
            "S2024450000012345",
            "莫小燕",
            stranger,
            "职业技能等级证书",
            "4-10-01-01",
            "家政服务员",
            "四级",
            "广西家政协会",
            "2024-11-11",
        ],
        [
            "S2024450000012346",
            "黄某",
            bad_id,
            "技能等级",
            "",
            "家政服务员",
            "四级",
            "广西家政协会",
            "2024-11-11",
        ],
        [
            "S2024450000012347",
            "韦春花",
            known.id_number,
            "驾驶证",
            "",
            "家政服务员",
            "四级",
            "广西家政协会",
            "2024-11-11",
        ],
        [
            "S2024450000012348",
            "韦春花",
            known.id_number,
            "技能等级",
            "",
            "家政服务员",
            "四级",
            "广西家政协会",
            "2099-01-01",
        ],
        [
            "Y2025450100000321",
            "韦春花",
            known.id_number,
            "专项能力",
            "",
            "螺蛳粉制作",
            "",
            "南宁市职业技能鉴定中心",
            "2025-06-01",
        ],
    ]
    path = write_xlsx(tmp_path / "证书.xlsx", rows)
    result = import_certificates(path, actor=wei)
    assert (result.created, result.rejected and len(result.rejected)) == (2, 4)
    reasons = {r.row: (r.column, r.reason) for r in result.rejected}
    assert reasons[4][0] == "C列“身份证号”"
    assert "证书类型“驾驶证”无法识别" in reasons[5][1]
    assert "晚于今天" in reasons[6][1] and reasons[6][0] == "I列“发证日期”"
    assert "与第2行重复且内容不同" in reasons[7][1]
    # Each problem names the person of its row, the ID number masked.
    person = {r.row: r.person for r in result.rejected}[5]
    assert person == f"韦春花（{known.id_number[:6]}********{known.id_number[-4:]}）"
    newcomer = Person.objects.with_id_number(stranger).get()
    assert newcomer.county_id == "450124"
    assert newcomer.certificates.get().occupation == occupation
    assert known.certificates.get().level == "specialised"
    report = tmp_path / "rejected.xlsx"
    result.write_report(report)
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    assert len(sheet) == 5 and "无法识别" in str(sheet)

    again = import_certificates(path, actor=wei)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_import_respects_scope(tmp_path, huang, person_factory):
    mashan_person = person_factory(name="韦春花")
    rows = [
        HEADERS,
        [
            "S1",
            "韦春花",
            mashan_person.id_number,
            "技能等级",
            "",
            "家政服务员",
            "四级",
            "协会",
            "2024-01-01",
        ],
        [
            "S2",
            "莫小燕",
            new_id("450124"),
            "技能等级",
            "",
            "家政服务员",
            "四级",
            "协会",
            "2024-01-01",
        ],
    ]
    # A third row names the 马山 person under another name: still only "not yours", so the
    # import confirms neither the number nor the name of someone outside 隆安.
    rows.append(["S3", "黄丽", mashan_person.id_number, *rows[1][3:]])
    result = import_certificates(write_xlsx(tmp_path / "c.xlsx", rows), actor=huang)
    assert result.created == 0
    assert [r.reason for r in result.rejected] == ["此人不在您的管辖范围内"] * 3


def test_import_refuses_a_file_without_the_columns(tmp_path, wei):
    from skillaid.lib.sheets import UnreadableFile

    path = write_xlsx(tmp_path / "x.xlsx", [["编号", "名字"], ["1", "张三"]])
    with pytest.raises(UnreadableFile) as info:
        import_certificates(path, actor=wei)
    assert "证书编号" in str(info.value)


def test_the_command_exits_3_and_prints_json(tmp_path, wei, person_factory):
    import io
    import json

    known = person_factory(name="韦春花")
    rows = [
        HEADERS,
        [
            "S9",
            "韦春花",
            known.id_number,
            "技能等级",
            "",
            "家政服务员",
            "四级",
            "协会",
            "2024-01-01",
        ],
        [
            "S10",
            "韦春花",
            known.id_number,
            "技能等级",
            "",
            "家政服务员",
            "九级",
            "协会",
            "2024-01-01",
        ],
    ]
    path = write_xlsx(tmp_path / "c.xlsx", rows)
    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as info:
        call_command(
            "import_certificates", str(path), "--json", "--user", "wei", stdout=out, stderr=err
        )
    assert info.value.code == 3
    assert json.loads(out.getvalue().splitlines()[-1]) == {
        "rows": 2,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "warnings": 0,
        "duplicates": 0,
    }
    assert "c.xlsx row 3 G列“等级”: rejected:" in err.getvalue()
    assert Certificate.objects.filter(number="S9").exists()


def test_the_import_page_reports_and_offers_the_rejected_rows(
    client, tmp_path, wei, person_factory
):
    from django.urls import reverse

    known = person_factory(name="韦春花")
    rows = [
        HEADERS,
        [
            "S21",
            "韦春花",
            known.id_number,
            "技能等级",
            "",
            "家政服务员",
            "四级",
            "协会",
            "2024-01-01",
        ],
        ["S22", "韦春花", known.id_number, "技能等级", "", "家政服务员", "四级", "协会", "明天"],
    ]
    path = write_xlsx(tmp_path / "c.xlsx", rows)
    client.force_login(wei)
    with path.open("rb") as f:
        page = client.post(reverse("certificate_import"), {"file": f}, follow=True)
    job = Job.objects.get(kind="certificate_import", owner=wei)
    assert (job.state, job.result["created"], job.result["rejected"]) == ("done", 1, 1)
    assert "I列“发证日期”" in page.content.decode()
    report = client.get(reverse("job_report", args=[job.pk]))
    assert report.status_code == 200
    sheet = (
        CalamineWorkbook.from_filelike(__import__("io").BytesIO(b"".join(report.streaming_content)))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert sheet[1][0] == 3 and "明天" in str(sheet[1])


def test_a_school_officer_cannot_import_certificates(client, lu):
    from django.urls import reverse

    client.force_login(lu)
    assert client.get(reverse("certificate_import")).status_code == 403


def test_a_certificate_is_revoked_with_a_date_and_a_reason(lu, wei, huang, finished):
    from django.core.exceptions import PermissionDenied

    from skillaid.accounts.models import AuditEntry
    from skillaid.evaluation.services import can_revoke, certificate_revoke

    c, good, _ = finished
    cert = certificates_issue(actor=lu, training_class=c, on=dt.date(2026, 12, 20))[0]
    assert can_revoke(lu, cert) and can_revoke(wei, cert)
    assert not can_revoke(huang, cert)  # 隆安's clerk: not her person
    with pytest.raises(PermissionDenied):
        certificate_revoke(actor=huang, certificate=cert, reason="重复发证")
    with time_machine.travel(dt.datetime(2027, 1, 10, 9, tzinfo=dt.UTC), tick=False):
        for kw, field in (
            ({"reason": "  "}, "revoked_reason"),
            ({"reason": "x" * 256}, "revoked_reason"),
            ({"reason": "冒名顶替", "on": dt.date(2027, 1, 11)}, "revoked_on"),
            ({"reason": "冒名顶替", "on": dt.date(2026, 12, 19)}, "revoked_on"),
        ):
            with pytest.raises(ValidationError) as info:
                certificate_revoke(actor=wei, certificate=cert, **kw)
            assert field in info.value.message_dict
        certificate_revoke(actor=wei, certificate=cert, reason="冒名顶替参加考核")
        with pytest.raises(ValidationError, match="已于2027-01-10注销"):
            certificate_revoke(actor=lu, certificate=cert, reason="again")
    cert.refresh_from_db()
    assert cert.revoked_on == dt.date(2027, 1, 10) and cert.revoked_reason == "冒名顶替参加考核"
    verdict = certificate_verify(cert.number, "蓝海燕")
    assert not verdict.genuine and "2027-01-10注销" in verdict.message
    entry = AuditEntry.objects.get(
        object_type="evaluation.certificate", object_id=str(cert.pk), action="update"
    )
    assert entry.person_id == good.pk and entry.actor == wei
    assert entry.changes["revoked_reason"] == ["", "冒名顶替参加考核"]


def test_revocation_page_and_api_within_scope(client, lu, wei, huang, finished):
    from skillaid.accounts.models import ApiToken

    c, _, _ = finished
    cert = certificates_issue(actor=lu, training_class=c)[0]
    url = f"/certificates/{cert.pk}/revoke/"
    client.force_login(huang)
    assert client.get(url).status_code == 404  # another county's person: not revealed
    client.force_login(wei)
    listing = client.get("/certificates/").content.decode()
    assert url in listing
    page = client.post(url, {"revoked_on": "", "revoked_reason": ""})
    assert page.status_code == 200 and "请填写注销原因" in page.content.decode()
    done = client.post(url, {"revoked_on": "", "revoked_reason": "证书信息有误"}, follow=True)
    body = done.content.decode()
    assert "已注销" in body and url not in body
    cert.refresh_from_db()
    assert cert.revoked_reason == "证书信息有误"
    _, token = ApiToken.issue(user=lu, name="school system")
    again = client.post(
        f"/api/certificates/{cert.pk}/revoke",
        {"reason": "重复"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert again.status_code == 422 and "已于" in again.json()["detail"]["revoked_on"]
    _, other = ApiToken.issue(user=huang, name="bureau")
    hidden = client.post(
        f"/api/certificates/{cert.pk}/revoke",
        {"reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {other}",
    )
    assert hidden.status_code == 404
