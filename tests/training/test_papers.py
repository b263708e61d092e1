"""A class's papers: the declaration form, the roster and the attendance sheet, as PDF and .xlsx,
read back and checked for what they say and what they must not say."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import checks
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.models import Action, AuditEntry
from skillaid.accounts.papers import check_chinese_font
from skillaid.training.attendance import attendance_flag_settle, attendance_sign, current_code
from skillaid.training.models import Attendance
from tests.conftest import LONGAN
from tests.exports import export_rows
from tests.papers import page_size_mm, pdf_bytes, pdf_lines, pdf_metadata, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)


def sign(session, person, direction, *, code="", by=None):  # noqa: ANN001, ANN201
    if by is not None:
        return attendance_sign(
            session=session, direction=direction, method="manual", person=person, by=by,
            reason="手机没电，教师核对本人后补签",
        )  # fmt: skip
    return attendance_sign(
        session=session, direction=direction, method="code", id_number=person.id_number,
        name=person.name, code=code, device="shared-phone", ip="10.0.0.8",
    )  # fmt: skip


@pytest.fixture
def held(lu, wei, school, class_factory, person_factory, settings):
    """An approved class of two sessions (3 hours each) and three trainees, its first session
    held: 蓝海燕 and 覃海 signed in from one phone (flagged; 覃海's sign-in then cleared by
    the county bureau), both signed out by code; 韦小宝 (of 隆安县) marked by hand both ways."""
    settings.SKILLAID_DEVICE_FLAG_PEOPLE = 2
    lan = person_factory(category="脱贫户", name="蓝海燕", phone="13812345678")
    hai = person_factory(category="脱贫户", name="覃海")
    bao = person_factory(county=LONGAN, name="韦小宝")
    c = class_factory(lu, trainees=[lan, hai, bao])
    first = c.sessions.first()
    with travel(first.starts_at + dt.timedelta(minutes=2)):
        code, _ = current_code(first)
        sign(first, lan, "in", code=code)
        hai_in = sign(first, hai, "in", code=code)
        sign(first, bao, "in", by=lu)
    with travel(first.ends_at):
        code, _ = current_code(first)
        sign(first, lan, "out", code=code)
        sign(first, hai, "out", code=code)
        sign(first, bao, "out", by=lu)
    with travel(first.ends_at + dt.timedelta(hours=1)):
        attendance_flag_settle(
            actor=wei, record=hai_in, outcome="cleared", reason="本人当天未到场，由他人代签"
        )
    return c, lan, hai, bao


def paper(client, user, c, kind, fmt):  # noqa: ANN001, ANN201
    client.force_login(user)
    return client.get(reverse("class_paper", args=[c.pk, kind, fmt]))


def exports_of(c) -> list[AuditEntry]:  # noqa: ANN001
    return list(
        AuditEntry.objects.filter(
            action=Action.EXPORT, object_type="training.trainingclass", object_id=str(c.pk)
        )
    )


def reveals() -> set[int]:
    return set(
        AuditEntry.objects.filter(action=Action.REVEAL_ID).values_list("person_id", flat=True)
    )


def test_the_officers_roster_masks_id_numbers_and_phones_and_hides_household_categories(
    client, lu, held
):
    c, lan, hai, bao = held
    text = pdf_text(pdf_bytes(paper(client, lu, c, "roster", "pdf")))
    assert f"{c.name} 学员花名册" in text
    for person in (lan, hai, bao):
        assert person.name in text and person.id_masked in text
        assert person.id_number not in text
    assert "138****5678" in text and "13812345678" not in text
    # Ages on the class's start date, the county of each, and the column to sign in.
    assert "隆安县" in text and "马山县" in text and "本人签名" in text
    assert str(lan.age) in text
    assert "家庭类别" not in text and "脱贫户" not in text
    assert "家庭情况等台账信息不向培训机构提供" in text
    assert reveals() == set()
    (entry,) = exports_of(c)
    assert entry.actor == lu and entry.changes["rows"] == [None, 3]
    assert entry.note.startswith("导出PDF 3 行：") and "花名册" in entry.note


def test_the_county_clerk_sees_whole_numbers_of_their_own_county_each_view_logged(
    client, wei, held
):
    c, lan, hai, bao = held
    text = pdf_text(pdf_bytes(paper(client, wei, c, "roster", "pdf")))
    assert lan.id_number in text and hai.id_number in text
    # 韦小宝 is of 隆安县: not in 马山县's ledger, so masked, and his household unseen.
    assert bao.id_number not in text and bao.id_masked in text
    assert "家庭类别" in text and text.count("脱贫户") == 2
    assert reveals() == {lan.pk, hai.pk}


def test_the_roster_workbook_holds_the_same_lines(client, lu, wei, held):
    c, lan, hai, bao = held
    rows = export_rows(paper(client, lu, c, "roster", "xlsx"))
    assert "花名册" in rows[0][0] and c.name in rows[0][0]
    assert rows[1] == [
        "序号",
        "姓名",
        "性别",
        "年龄",
        "身份证号",
        "户籍县（区）",
        "联系电话",
        "本人签名",
    ]
    assert rows[2][:6] == [
        1.0,
        "蓝海燕",
        lan.get_sex_display(),
        float(lan.age),
        lan.id_masked,
        "马山县",
    ]
    assert rows[2][6] == "138****5678"
    assert [r[1] for r in rows[2:]] == ["蓝海燕", "覃海", "韦小宝"]
    clerk = export_rows(paper(client, wei, c, "roster", "xlsx"))
    assert clerk[1][6] == "家庭类别"
    assert clerk[2][4] == lan.id_number and clerk[2][6] == "脱贫户"
    assert clerk[4][4] == bao.id_masked and clerk[4][6] == "—"
    assert len(exports_of(c)) == 2


def test_the_attendance_sheet_shows_each_mark_and_the_totals(client, lu, held):
    c, lan, hai, bao = held
    data = pdf_bytes(paper(client, lu, c, "attendance", "pdf"))
    assert page_size_mm(data) == (297, 210)  # A4 landscape
    text = pdf_text(data)
    first, second = c.sessions.all()
    for n, s in enumerate((first, second), start=1):
        start = timezone.localtime(s.starts_at)
        assert f"第{n}课次" in text and f"{start:%m-%d}" in text and f"{start:%H:%M}" in text
    lines = {
        name: line
        for line in pdf_lines(data)
        for name in ("蓝海燕", "覃海", "韦小宝")
        if name in line
    }
    # Signed in (flag pending) and out by code; signed in (cleared) and out; both by hand.
    assert "疑√" in lines["蓝海燕"] and "1/2" in lines["蓝海燕"] and "50.0%" in lines["蓝海燕"]
    assert "×√" in lines["覃海"] and "0/2" in lines["覃海"] and "0.0%" in lines["覃海"]
    assert "补补" in lines["韦小宝"] and "1/2" in lines["韦小宝"]
    assert "——" in lines["韦小宝"]  # the second session, not yet held
    assert "教师补签（手工考勤，由县级人社部门核查）" in text and "核查不属实，不计出勤" in text
    assert hai.id_number not in text and hai.id_masked in text
    rows = export_rows(paper(client, lu, c, "attendance", "xlsx"))
    assert "图例" not in rows[0][0] and "补 教师补签（手工考勤，由县级人社部门核查）" in rows[0][0]
    assert rows[1][3].startswith("第1课次") and rows[1][-2:] == ["出勤课次", "出勤率（%）"]
    by_name = {r[1]: r for r in rows[2:]}
    assert by_name["蓝海燕"][3:] == ["疑√", "——", 1.0, 50.0]
    assert by_name["覃海"][3:] == ["×√", "——", 0.0, 0.0]
    assert by_name["韦小宝"][3:] == ["补补", "——", 1.0, 50.0]
    assert by_name["出勤人数"][3:5] == [2.0, 0.0]


def test_a_long_timetable_is_cut_across_tables_the_names_repeated(
    client, lu, school, class_factory
):
    c = class_factory(lu, count=20)
    text = pdf_text(pdf_bytes(paper(client, lu, c, "attendance", "pdf")))
    assert "第14课次" in text and "第15课次" in text and "第20课次" in text
    assert text.count("蓝海燕") == 2  # one table of 14 sessions, one of 6


def test_the_declaration_form_says_what_the_reviewer_decides_on(client, wei, held, entry):
    c, *_ = held
    text = pdf_text(pdf_bytes(paper(client, wei, c, "declaration", "pdf")))
    assert "职业技能培训开班申请表" in text
    for fact in (
        c.institution.name,
        c.name,
        "家政服务员",
        "五级/初级工",
        "就业技能培训（补贴性培训）",
        "实训楼201",
        "课表合计 6 课时（2 个课次，按每课时60分钟计），达到需求目录标准 1 课时",
        "理论20课时，实操60课时",
        "理论考试加实操考核",
        "韦老师",
        "花名册人数",
        "3 人",
        "已批准开班",
        "韦丽",
        "申报单位（盖章）",
        "审核意见（盖章）",
    ):
        assert fact in text, fact
    for s in c.sessions.all():
        assert f"{timezone.localtime(s.starts_at):%Y-%m-%d %H:%M}" in text
    rows = export_rows(paper(client, wei, c, "declaration", "xlsx"))
    facts = {r[0]: r[1] for r in rows[2:]}
    assert facts["班级名称"] == c.name and facts["审核状态"] == "已批准开班"
    assert facts["课次1"].endswith("实训楼201 韦老师")
    assert facts["审核记录：批准开班"].startswith("韦丽")


def test_the_same_data_prints_the_same_pdf_whenever_it_is_printed(client, lu, held):
    c, *_ = held
    later = c.sessions.last().ends_at + dt.timedelta(days=30)
    papers = {}
    for moment in (later, later + dt.timedelta(days=3, hours=5)):
        with travel(moment):
            papers[moment] = pdf_bytes(paper(client, lu, c, "attendance", "pdf"))
    one, two = papers.values()
    assert one == two
    # The creation date is the last change to the class's data: the cleared sign-in.
    settled = Attendance.objects.exclude(flag_settled_at=None).get().flag_settled_at
    local = timezone.localtime(settled)
    assert pdf_metadata(one)["CreationDate"].startswith(f"D:{local:%Y%m%d%H%M%S}")
    assert f"数据截至 {local:%Y-%m-%d %H:%M}" in pdf_pages(one)[0]


@pytest.mark.parametrize("kind", ["declaration", "roster", "attendance"])
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_those_who_may_not_see_the_class_get_nothing(client, huang, rival, held, kind, fmt):
    c, *_ = held
    assert paper(client, huang, c, kind, fmt).status_code == 404  # another county's clerk
    assert paper(client, rival, c, kind, fmt).status_code == 404  # another school's officer
    client.logout()
    response = client.get(reverse("class_paper", args=[c.pk, kind, fmt]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert exports_of(c) == [] and reveals() == set()


def test_the_city_and_province_reviewers_may_print_it(client, liang, qin, held):
    c, lan, *_ = held
    for user in (liang, qin):
        text = pdf_text(pdf_bytes(paper(client, user, c, "roster", "pdf")))
        assert lan.id_number in text
    assert len(exports_of(c)) == 2


def test_an_unknown_paper_or_format_is_not_found(client, lu, held):
    c, *_ = held
    assert paper(client, lu, c, "payroll", "pdf").status_code == 404
    assert paper(client, lu, c, "roster", "docx").status_code == 404
    assert exports_of(c) == []


def test_without_a_chinese_font_it_says_so_instead_of_printing_boxes(
    client, wei, held, monkeypatch
):
    c, *_ = held
    monkeypatch.setattr("skillaid.accounts.papers.cjk_font", lambda: None)
    response = paper(client, wei, c, "roster", "pdf")
    assert response.status_code == 503
    body = response.content.decode()
    assert "没有安装中文字体" in body and "fonts-wqy-microhei" in body
    # Nothing was made, so nothing was revealed or exported; the workbook is still there.
    assert exports_of(c) == [] and reveals() == set()
    assert paper(client, wei, c, "roster", "xlsx").status_code == 200
    (warning,) = check_chinese_font()
    assert warning.level == checks.WARNING and "方框" in warning.msg


def test_the_font_check_is_quiet_when_a_chinese_font_is_installed():
    assert check_chinese_font() == []
    assert check_chinese_font in checks.registry.registry.get_checks()


def test_the_class_page_links_its_papers(client, lu, held):
    c, *_ = held
    client.force_login(lu)
    html = client.get(reverse("class_detail", args=[c.pk])).content.decode()
    for kind in ("declaration", "roster", "attendance"):
        for fmt in ("pdf", "xlsx"):
            assert reverse("class_paper", args=[c.pk, kind, fmt]) in html


def test_a_trainee_taken_off_the_roster_moves_the_papers_date_forward(
    client, lu, school, class_factory, person_factory
):
    from skillaid.training.classes import roster_remove

    one, two = person_factory(name="蓝海燕"), person_factory(name="覃海")
    start = timezone.now() + dt.timedelta(days=1)
    c = class_factory(lu, trainees=[one, two], approve=False)
    before = pdf_metadata(pdf_bytes(paper(client, lu, c, "roster", "pdf")))["CreationDate"]
    with travel(start):
        roster_remove(actor=lu, enrolment=c.enrolments.get(person=two))
    after = pdf_bytes(paper(client, lu, c, "roster", "pdf"))
    assert pdf_metadata(after)["CreationDate"] > before
    assert pdf_metadata(after)["CreationDate"].startswith(
        f"D:{timezone.localtime(start):%Y%m%d%H%M}"
    )
    assert "覃海" not in pdf_text(after)
