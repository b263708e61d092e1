"""The audit log read in Chinese: field names from the models, values from their choices."""

from skillaid.accounts.history import EMPTY, Change, describe
from skillaid.accounts.models import audit


def test_fields_take_their_chinese_names_and_choices_their_labels(db):
    changes = {
        "completion": ["pending", "completed"],
        "score": [None, "70.0"],
        "passed": [None, True],
        "training_class": [3, None],
    }
    assert describe("training.enrolment", changes) == [
        Change("结业情况", "在训", "已结业"),
        Change("考核成绩", EMPTY, "70.0"),
        Change("考核合格", EMPTY, "是"),
        Change("培训班", "3", EMPTY),
    ]


def test_a_foreign_key_is_found_by_its_column_name(db):
    (change,) = describe("people.person", {"county_id": ["450122", "450124"]})
    assert change == Change("所属县（区）", "武鸣县（450122）", "马山县（450124）")
    # A key no longer in the table is shown as kept.
    (gone,) = describe("people.person", {"county": ["999999", None]})
    assert gone == Change("所属县（区）", "999999", "（空）")


def test_names_that_are_not_fields_have_labels_of_their_own(db):
    assert describe("evaluation.certificate", {"number": [None, "S1"], "class": [None, 7]})[
        1
    ] == Change("培训班", EMPTY, "7")
    (export,) = describe("ledger", {"filters": [None, {"category": "lifted", "q": "张"}]})
    assert export.label == "筛选条件" and export.after == "category=lifted，姓名或身份证号=张"


def test_an_unknown_name_is_shown_as_kept_rather_than_dropped(db):
    assert describe("people.person", {"legacy_field": [False, "x"]}) == [
        Change("legacy_field", "否", "x")
    ]
    assert describe("no_such_type", {"a": [1, 2]}) == [Change("a", "1", "2")]
    assert describe("people.person", {}) == []


def test_an_entry_offers_its_changes_translated(db):
    entry = audit(
        actor=None,
        channel="page",
        action="update",
        object_type="people.household",
        object_id=1,
        changes={"category": ["ordinary", "lifted"]},
    )
    assert entry.change_list == [Change("家庭类别", "一般户", "脱贫户")]


def test_a_page_of_entries_looks_its_named_rows_up_once(db, regions):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from skillaid.accounts.models import AuditEntry

    entries = [
        audit(
            actor=None,
            channel="page",
            action="update",
            object_type="people.person",
            object_id=i,
            changes={"county": ["450122", "450124"], "resettlement_site": [None, "x"]},
        )
        for i in range(5)
    ]
    with CaptureQueriesContext(connection) as queries:
        AuditEntry.describe_all(entries)
        shown = [e.change_list for e in entries]
    assert len(queries) == 1  # the divisions; "x" is no site key and is shown as kept
    assert shown[4][0] == Change("所属县（区）", "武鸣县（450122）", "马山县（450124）")
    assert shown[4][1].after == "x"
