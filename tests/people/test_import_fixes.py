"""What the ledger import now does differently: an answer neither yes nor no is kept unknown,
a 性别 column that contradicts the ID number is a warning, a household's category changes
by the edit page's date rule, and each problem names the person with a masked ID."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from skillaid.accounts.system import system_user
from skillaid.lib import idnumber
from skillaid.people.imports import LedgerImport
from skillaid.people.models import Person
from skillaid.people.services import household_set_category
from skillaid.regions.models import Region
from tests.conftest import MASHAN, new_id

from .sheets import xlsx


def run(path, **kw):  # noqa: ANN001, ANN003, ANN201
    return LedgerImport(actor=system_user(), county=Region.objects.get(code=MASHAN), **kw).run(path)


def test_an_answer_neither_yes_nor_no_is_kept_unknown_and_warned(tmp_path, regions):
    number = new_id()
    headers = ["姓名", "身份证号", "培训意愿", "就业意愿"]
    result = run(xlsx(tmp_path / "a.xlsx", [["韦一", number, "也许", "是"]], headers=headers))
    [warning] = result.warnings
    assert warning.column == "C列“培训意愿”" and "也许" in warning.message
    assert "未知" in warning.message
    person = Person.objects.with_id_number(number).get()
    assert person.wants_training is None and person.wants_job is True
    # Someone who had said yes is not turned into a no by an unclear answer either.
    person.wants_training = True
    person.save()
    run(xlsx(tmp_path / "b.xlsx", [["韦一", number, "看情况", "是"]], headers=headers))
    person.refresh_from_db()
    assert person.wants_training is None


def test_the_ledger_page_shows_an_unknown_answer_as_unknown(tmp_path, regions, wei, client):
    number = new_id()
    run(
        xlsx(
            tmp_path / "a.xlsx",
            [["韦一", number, "也许"]],
            headers=["姓名", "身份证号", "培训意愿"],
        )
    )
    client.force_login(wei)
    person = Person.objects.get()
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "<dt>培训意愿</dt><dd>未知" in page


def test_a_sex_column_that_contradicts_the_id_number_is_a_warning(tmp_path, regions):
    man = idnumber.make_number(MASHAN, dt.date(1990, 3, 1), 11)  # odd order code: a man
    woman = idnumber.make_number(MASHAN, dt.date(1990, 3, 1), 12)
    rows = [["韦一", man, "女"], ["韦二", woman, "女"]]
    result = run(xlsx(tmp_path / "s.xlsx", rows, headers=["姓名", "身份证号", "性别"]))
    assert result.created == 2 and not result.rejected
    [warning] = result.warnings
    assert warning.row == 2 and warning.column == "C列“性别”"
    assert warning.message == "性别“女”与身份证号（男）不符，以身份证号为准"
    assert Person.objects.with_id_number(man).get().sex == "M"


def test_a_category_change_dated_before_the_current_one_is_refused_as_on_the_edit_page(
    tmp_path, regions
):
    number = new_id()
    headers = ["姓名", "身份证号", "家庭类别", "调查日期"]
    run(xlsx(tmp_path / "a.xlsx", [["韦一", number, "脱贫户", "2025-05-01"]], headers=headers))
    household = Person.objects.with_id_number(number).get().household
    assert household.category_since == dt.date(2025, 5, 1)
    earlier = run(
        xlsx(tmp_path / "b.xlsx", [["韦一", number, "监测户", "2025-01-01"]], headers=headers)
    )
    household.refresh_from_db()
    assert household.category == "lifted" and household.statuses.count() == 1
    [warning] = [w for w in earlier.warnings if "家庭类别" in w.column]
    assert warning.message == "变更日期不能早于当前类别的起始日期 2025-05-01，家庭类别未变更"
    # The edit page's service refuses the same date with the same words.
    with pytest.raises(ValidationError) as refused:
        household_set_category(
            actor=system_user(),
            channel="page",
            household=household,
            category="monitored",
            on=dt.date(2025, 1, 1),
        )
    assert refused.value.message_dict["on"] == ["变更日期不能早于当前类别的起始日期 2025-05-01"]
    later = run(
        xlsx(tmp_path / "c.xlsx", [["韦一", number, "监测户", "2025-08-01"]], headers=headers)
    )
    household.refresh_from_db()
    assert later.updated == 1 and household.category == "monitored"
    assert household.category_since == dt.date(2025, 8, 1)


def test_each_problem_names_the_person_with_a_masked_id(tmp_path, regions):
    good = new_id()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [["韦一", good, "1381234567"], ["韦二", bad, ""]]
    result = run(xlsx(tmp_path / "p.xlsx", rows, headers=["姓名", "身份证号", "联系电话"]))
    masked = good[:6] + "********" + good[14:]
    [warning] = result.warnings
    assert warning.person == f"韦一（{masked}）"
    [rejected] = result.rejected
    assert rejected.person == f"韦二（{bad[:6]}********{bad[14:]}）"
    assert rejected.cells[:2] == ["韦二", bad]  # the original cells, for the report


def test_a_person_created_by_an_import_shows_the_import_and_row(tmp_path, regions, wei, client):
    number = new_id()
    run(xlsx(tmp_path / "台账.xlsx", [["韦一", number]], headers=["姓名", "身份证号"]))
    person = Person.objects.get()
    client.force_login(wei)
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "台账导入“台账.xlsx”第2行" in page
