import datetime as dt

import pytest
from django.urls import reverse

from skillaid.accounts.models import AuditEntry
from skillaid.people.models import Person
from tests.conftest import MASHAN, PASSWORD, new_id
from tests.people.sheets import xlsx

RONGSHUI = "450225"  # 融水苗族自治县, 柳州市


def test_pages_need_a_login(client, regions):
    for url in (reverse("home"), reverse("ledger"), reverse("import_start")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


# The ledger summary of the home page is the desk's now: tests/reports/test_desk.py.


def test_search_by_name_initials_and_whole_id(client, wei, person_factory):
    someone = person_factory(name="覃美玲")
    person_factory(name="韦春花")
    client.force_login(wei)
    assert "覃美玲" in client.get(reverse("ledger"), {"q": "qml"}).content.decode()
    assert "韦春花" not in client.get(reverse("ledger"), {"q": "qml"}).content.decode()
    assert "覃美玲" in client.get(reverse("ledger"), {"q": someone.id_number}).content.decode()
    assert "覃美玲" in client.get(reverse("ledger"), {"q": "美玲"}).content.decode()


def test_list_shows_masked_ids_only(client, wei, person_factory):
    someone = person_factory()
    client.force_login(wei)
    page = client.get(reverse("ledger")).content.decode()
    assert someone.id_masked in page and someone.id_number not in page


def test_revealing_an_id_shows_it_and_logs_the_view(client, wei, person_factory):
    someone = person_factory()
    client.force_login(wei)
    response = client.post(reverse("person_reveal_id", args=[someone.pk]))
    assert someone.id_number in response.content.decode()
    entry = AuditEntry.objects.get(action="reveal_id")
    assert entry.actor == wei and entry.person_id == someone.pk


def test_a_school_officer_reads_no_ledger_record_not_even_of_their_trainees(
    client, lu, person_factory
):
    from skillaid.catalogue.models import Occupation
    from skillaid.institutions.models import Institution
    from skillaid.training.models import Enrolment, TrainingClass

    someone, trainee = person_factory(), person_factory(name="蓝海燕")
    c = TrainingClass.objects.create(
        institution=lu.institution,
        name="家政班",
        occupation=Occupation.objects.create(code="4-10-01-01", name="家政服务员"),
        level="5",
        training_kind="employment",
        county_id=MASHAN,
        start_on="2026-12-01",
        end_on="2026-12-05",
    )
    Enrolment.objects.create(training_class=c, person=trainee)
    assert Institution.objects.count() == 1
    client.force_login(lu)
    assert client.get(reverse("person_detail", args=[someone.pk])).status_code == 404
    # Being on the school's roster does not open the trainee's phone, household and village.
    assert client.get(reverse("person_detail", args=[trainee.pk])).status_code == 404
    assert client.get(reverse("person_record", args=[trainee.pk])).status_code == 404
    assert client.post(reverse("person_reveal_id", args=[trainee.pk])).status_code == 404
    assert client.get(reverse("person_edit", args=[trainee.pk])).status_code == 403


def test_editing_records_who_changed_what(client, wei, liang, person_factory):
    someone = person_factory(phone="13812345678")
    client.force_login(wei)
    data = {
        "name": someone.name,
        "county": MASHAN,
        "phone": "13900001111",
        "wants_training": "on",
        "category": "monitored",
        "monitoring_kind": "sudden",
    }
    response = client.post(reverse("person_edit", args=[someone.pk]), data)
    assert response.status_code == 302
    someone.refresh_from_db()
    assert someone.phone == "13900001111" and someone.wants_training and someone.surveyed_by == wei
    assert someone.household.category == "monitored"
    client.force_login(liang)
    page = client.get(reverse("person_detail", args=[someone.pk])).content.decode()
    assert "13812345678 → 13900001111" in page and "韦丽" in page
    # The log is read in Chinese: field names and stored values are translated.
    history = page[page.index('id="history"') :]
    assert "联系电话</span>：13812345678 → 13900001111" in history
    assert "培训意愿</span>：否 → 是" in history
    assert "家庭类别</span>：一般户 → 监测户" in history
    assert "监测类型</span>：（空） → 突发严重困难户" in history
    assert "phone" not in history and "monitored" not in history


def test_a_bad_phone_on_the_form_is_shown_in_chinese(client, wei, person_factory):
    someone = person_factory()
    client.force_login(wei)
    response = client.post(
        reverse("person_edit", args=[someone.pk]),
        {"name": someone.name, "county": MASHAN, "phone": "12345"},
    )
    assert response.status_code == 200 and "不是11位手机号" in response.content.decode()


def test_creating_a_person_checks_the_id(client, wei):
    client.force_login(wei)
    bad = client.post(
        reverse("person_create"),
        {"id_number": "450124199001011235", "name": "韦一", "county": MASHAN},
    )
    assert "校验码错误" in bad.content.decode()
    number = new_id()
    good = client.post(
        reverse("person_create"), {"id_number": number, "name": "韦一", "county": MASHAN}
    )
    assert good.status_code == 302
    assert Person.objects.with_id_number(number).get().sex in "MF"
    again = client.post(
        reverse("person_create"), {"id_number": number, "name": "韦一", "county": MASHAN}
    )
    assert "已登记" in again.content.decode()


def test_household_history_stays_queryable(wei, person_factory):
    import datetime as dt

    import time_machine

    from skillaid.people.services import household_set_category

    today = dt.date.today()
    with time_machine.travel(today - dt.timedelta(days=10)):
        someone = person_factory(category="monitored", monitoring_kind="unstable")
    household = someone.household
    household_set_category(
        actor=wei,
        channel="page",
        household=household,
        category="lifted",
        on=today - dt.timedelta(days=3),
    )
    assert household.category_on(today - dt.timedelta(days=5)).category == "monitored"
    assert household.category_on(today).category == "lifted"


def test_an_unknown_page_is_a_chinese_404_without_a_trace(client, wei, settings):
    settings.DEBUG = False
    client.force_login(wei)
    response = client.get("/people/abc/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_login_locks_after_repeated_failures(client, wei, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post(reverse("login"), {"username": "wei", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "wei", "password": PASSWORD})
    assert "锁定" in response.content.decode()


@pytest.mark.parametrize("persona", ["wei", "liang", "qin"])
def test_login_works_for_each_role(client, persona, request):
    request.getfixturevalue(persona)
    response = client.post(reverse("login"), {"username": persona, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db(
    transaction=True
)  # the import task closes stale connections, as a worker does
def test_an_import_page_lists_the_first_problems_and_counts_the_rest(client, wei, tmp_path):
    # 25 rows without a name, 5 with a ten-digit phone: 30 problems, of which 20 are listed.
    rows = [["", new_id(birth=dt.date(1990, 1, 1 + i))] for i in range(25)]
    rows += [["蓝一", new_id(birth=dt.date(1991, 2, 1 + i)), "1381234567"] for i in range(5)]
    path = xlsx(tmp_path / "台账.xlsx", rows, headers=["姓名", "身份证号", "联系电话"])
    client.force_login(wei)
    with path.open("rb") as upload:
        response = client.post(reverse("import_start"), {"file": upload, "county": ""})
    page = client.get(response["Location"]).content.decode()
    problems = page[page.index('id="job-problems"') :]
    assert problems.count("<tr>") - 1 == 20  # the header row, then 20 problems
    assert "（前 20 条，共 30 条，全部见下载的工作簿）" in page
    assert problems.count("姓名为空") == 20 and "联系电话" not in problems


def test_an_export_holds_the_filtered_rows_and_says_what_filtered_them(
    client, wei, person_factory, tmp_path
):
    from python_calamine import CalamineWorkbook

    person_factory(name="韦一", category="lifted", wants_training=True)
    person_factory(name="韦二", category="lifted", wants_training=False)
    person_factory(name="韦三", category="ordinary", wants_training=True)
    client.force_login(wei)
    response = client.get(
        reverse("ledger_export"), {"region": MASHAN, "category": "lifted", "intent": "training"}
    )
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[0][0].startswith(
        "广西壮族自治区南宁市马山县 帮扶劳动力台账（马山县；脱贫户；有培训意愿；导出于 "
    )
    assert [r[1] for r in rows[2:]] == ["韦一"]


def test_a_household_leaves_monitoring_on_the_date_the_clerk_gives(client, wei, person_factory):
    from skillaid.people.models import HouseholdStatus

    someone = person_factory(name="蓝海燕", category="monitored", monitoring_kind="sudden")
    household = someone.household
    HouseholdStatus.objects.filter(household=household).update(start=dt.date(2026, 1, 10))
    form = {"name": "蓝海燕", "county": MASHAN, "category": "ordinary"}
    client.force_login(wei)
    url = reverse("person_edit", args=[someone.pk])

    # Before the monitoring began, or after today: refused beside the date, nothing changed.
    early = client.post(url, {**form, "category_on": "2026-01-09"}).content.decode()
    assert "变更日期不能早于当前类别的起始日期 2026-01-10" in early
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    late = client.post(url, {**form, "category_on": future}).content.decode()
    assert f"日期 {future} 晚于今天" in late
    household.refresh_from_db()
    assert household.category == "monitored" and household.statuses.count() == 1

    response = client.post(
        url, {**form, "category_on": "2026-06-30", "category_note": "风险消除，解除监测"}
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.category, household.category_since) == ("ordinary", dt.date(2026, 6, 30))
    assert household.category_on(dt.date(2026, 6, 29)).category == "monitored"
    assert household.category_on(dt.date(2026, 6, 30)).category == "ordinary"
    page = client.get(reverse("person_detail", args=[someone.pk])).content.decode()
    assert "风险消除，解除监测" in page
    assert "家庭类别</span>：监测户 → 一般户" in page and "日期</span>：（空） → 2026-06-30" in page


def test_a_school_officers_menu_has_no_ledger(client, lu):
    client.force_login(lu)
    page = client.get("/").content.decode()
    assert 'href="/ledger/"' not in page and 'href="/classes/"' in page
