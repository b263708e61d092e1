"""Payment (发放) and budgets (资金): accounts, batches, the bank file, results, re-issue,
reversal, and who may see and do what."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from python_calamine import CalamineWorkbook

from skillaid.accounts import keys
from skillaid.accounts.models import Action, ApiToken, AuditEntry
from skillaid.subsidies import payouts
from skillaid.subsidies.bank_results import import_bank_result
from skillaid.subsidies.models import (
    BatchState,
    ClaimLine,
    LineStatus,
    PayeeAccount,
    Payment,
    PaymentStatus,
    Reversal,
)
from tests.conftest import MASHAN
from tests.subsidies.payment_fixtures import *  # noqa: F403
from tests.subsidies.payment_fixtures import account_for, result_file

pytestmark = pytest.mark.django_db

TRAINING = Decimal("1200.00")
LIVING = Decimal("250.00")


def build(user, b, county: str = MASHAN):
    return payouts.batch_build(actor=user, county=county, budget=b, channel="page")


def exported(user, b):
    batch = build(user, b)
    payouts.batch_lock(actor=user, batch=batch, channel="page")
    job = payouts.batch_export_start(actor=user, batch=batch)
    job.refresh_from_db()
    assert job.state == "done", job.error
    batch.refresh_from_db()
    return batch


def import_result(tmp_path: Path, user, batch, rows, **kw):
    path = tmp_path / "result.xlsx"
    path.write_bytes(result_file(rows, **kw))
    result = import_bank_result(path, actor=user, batch=batch)
    batch.refresh_from_db()
    return result


def statuses(batch) -> dict[int, str]:
    return {p.line_id: p.status for p in Payment.objects.filter(batch=batch)}


# --- accounts -------------------------------------------------------------------------------


def test_the_account_is_sealed_masked_audited_and_rotated_with_the_id_numbers(
    person_factory, wei, huang
):
    person = person_factory(name="蓝海燕")
    account_for(person, wei, "6228 4801 2345 6789 012")
    account = PayeeAccount.objects.get(person=person)
    assert account.account_masked == "6228 **** **** 9012"
    assert "622848012345678" not in account.account_sealed
    assert account.account_number == "6228480123456789012"
    entry = AuditEntry.objects.filter(object_type="subsidies.payeeaccount").latest("id")
    assert entry.person_id == person.pk and entry.action == Action.CREATE
    assert "6228480123456789012" not in str(entry.changes)
    # Key rotation re-seals the accounts and the payments' snapshots with the ID numbers.
    columns = {(c.model, c.sealed) for c in keys.SEALED}
    assert ("subsidies.PayeeAccount", "account_sealed") in columns
    assert ("subsidies.Payment", "account_sealed") in columns
    # Another county's clerk may not; a bad number is refused in Chinese, naming the field.
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        account_for(person, huang)
    with pytest.raises(ValidationError) as bad:
        payouts.account_record(
            actor=wei,
            person=person,
            channel="page",
            data={"holder_name": "蓝海燕", "bank_name": "农行", "account": "6228-48x"},
        )
    assert bad.value.message_dict == {"account": ["银行账号应为10至30位数字"]}


def test_a_line_whose_payee_has_no_account_stays_out_and_the_page_names_them(
    payable_class, budget, wei, liang, client
):
    c, claim, (first, second) = payable_class(2, accounts=False)
    b = budget()
    with pytest.raises(ValidationError, match="2个收款方尚未登记银行账户"):
        build(liang, b)
    account_for(first, wei)
    batch = build(liang, b)
    assert set(batch.payments.values_list("line__person", flat=True)) == {first.pk}
    assert batch.total == TRAINING
    client.force_login(liang)
    page = client.get(f"/batches/{batch.pk}/").content.decode()
    assert "尚未登记收款账户（1 个收款方）" in page and second.name in page
    assert client.get(f"/batches/?county={MASHAN}").context["found"].lacking[0][1] == second.name


# --- budgets --------------------------------------------------------------------------------


def test_a_batch_that_would_pass_the_budget_is_refused_naming_the_shortfall(
    payable_class, budget, liang
):
    payable_class(2)
    b = budget("2000.00")
    with pytest.raises(ValidationError) as refused:
        build(liang, b)
    assert refused.value.messages == [
        f"本批次合计2400.00元，超出{b}剩余额度2000.00元，缺口400.00元"
    ]
    assert not ClaimLine.objects.filter(status=LineStatus.BATCHED).exists()
    payouts.budget_set(actor=liang, budget=b, channel="page", data={"amount": "2400.00"})
    batch = build(liang, b)
    figures = payouts.budget_figures(b)
    assert (figures.pending, figures.remaining) == (Decimal("2400.00"), Decimal("0.00"))
    assert figures.approved == figures.committed == Decimal("2400.00")
    # Lowered below what is in batches: refused, naming what it must cover.
    with pytest.raises(ValidationError, match="不能低于已发放和在途批次的合计 2400.00 元"):
        payouts.budget_set(actor=liang, budget=b, channel="page", data={"amount": "100"})
    assert batch.state == BatchState.DRAFT


def test_budgets_are_set_by_the_city_or_province_within_their_regions(wei, liang, qin, budget):
    with pytest.raises(PermissionDenied, match="由市级或省级人社部门设定"):
        payouts.budget_set(
            actor=wei,
            channel="page",
            data={"region": MASHAN, "year": 2026, "fund": "employment", "kind": "training"},
        )
    with pytest.raises(ValidationError) as bad:
        payouts.budget_set(
            actor=liang,
            channel="page",
            data={"region": "450300", "year": "26", "fund": "x", "kind": "living", "amount": "-1"},
        )
    assert set(bad.value.message_dict) == {"region", "year", "fund", "amount"}
    assert "不在您的管辖范围内" in bad.value.message_dict["region"][0]
    budget()
    with pytest.raises(ValidationError, match="已设立"):
        budget()


# --- batches, the bank file and the result ---------------------------------------------------


def test_the_bank_file_is_written_by_a_job_read_back_and_its_sha_recorded(
    payable_class, budget, liang, media
):
    c, claim, people = payable_class(2)
    b = budget()
    batch = exported(liang, b)
    assert batch.state == BatchState.EXPORTED and len(batch.bank_file_sha256) == 64
    path = Path(media) / batch.bank_file
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == batch.bank_file_sha256
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert "补贴发放批次" in rows[0][0]
    assert rows[1] == ["序号", "姓名/收款单位", "社保卡银行账号", "开户行", "金额"]
    got = {r[1]: r for r in rows[2:]}
    for p in people:
        account = PayeeAccount.objects.get(person=p)
        assert got[p.name][2] == account.account_number  # whole: the file is for the bank
        assert got[p.name][4] == float(TRAINING)
    assert [r[0] for r in rows[2:]] == [1, 2]
    assert AuditEntry.objects.filter(
        object_type="subsidies.paymentbatch", object_id=str(batch.pk), action=Action.EXPORT
    ).exists()
    assert set(ClaimLine.objects.filter(kind="training").values_list("status", flat=True)) == {
        LineStatus.BATCHED
    }


def test_institution_lines_are_one_bank_row_per_payee(payable_class, budget, wei, liang, lu):
    from skillaid.subsidies.payouts import account_record

    c, claim, people = payable_class(3)
    ClaimLine.objects.filter(claim=claim, kind="training").update(
        payee="institution", payee_name=lu.institution.name
    )
    with pytest.raises(ValidationError, match="1个收款方尚未登记"):
        build(liang, budget())
    with pytest.raises(PermissionDenied):  # a city's institution: not the county clerk's
        account_record(actor=wei, institution=lu.institution, channel="page", data={})
    account_record(
        actor=lu,
        institution=lu.institution,
        channel="page",
        data={"holder_name": lu.institution.name, "bank_name": "工行", "account": "1234567890123"},
    )
    from skillaid.subsidies.models import Budget

    batch = exported(liang, Budget.objects.get())
    assert batch.row_count == 1 and batch.line_count == 3
    rows = payouts.bank_rows(batch)
    assert rows == [(1, lu.institution.name, "1234567890123", "工行", TRAINING * 3)]


def test_the_result_pays_fails_and_refuses_a_row_whose_amount_differs(
    payable_class, budget, liang, tmp_path
):
    c, claim, (a, b_, c_) = payable_class(3)
    batch = exported(liang, budget())
    row = {p.line.person_id: p.row for p in batch.payments.select_related("line")}
    result = import_result(
        tmp_path,
        liang,
        batch,
        [
            [row[a.pk], TRAINING, "成功", ""],
            [row[b_.pk], TRAINING, "失败", "账户已销户"],
            [row[c_.pk], Decimal("1000.00"), "成功", ""],
            ["x", TRAINING, "成功", ""],
            [row[a.pk], TRAINING, "处理中", ""],
        ],
    )
    reasons = {(r.row, r.column): r.reason for r in result.rejected}
    assert reasons == {
        (5, "B列“金额”"): f"金额1000.00元与本批次第{row[c_.pk]}行的1200.00元不符",
        (6, "A列“序号”"): "序号“x”不是正整数",
        (7, "C列“结果”"): "结果“处理中”无法识别，应为“成功”或“失败”",
    }
    lines = {x.person_id: x for x in ClaimLine.objects.filter(kind="training")}
    assert lines[a.pk].status == LineStatus.PAID
    assert lines[b_.pk].status == LineStatus.FAILED and "账户已销户" in lines[b_.pk].reason
    assert lines[c_.pk].status == LineStatus.BATCHED
    assert batch.state == BatchState.EXPORTED and len(batch.result_sha256) == 64
    # The rest of the result arrives: the batch is reconciled.
    import_result(tmp_path, liang, batch, [[row[c_.pk], TRAINING, "成功", ""]])
    assert batch.state == BatchState.RECONCILED
    assert payouts.budget_figures(batch.budget).paid == TRAINING * 2


def test_a_result_file_matched_by_account_number(payable_class, budget, liang, tmp_path):
    c, claim, (a,) = payable_class(1)
    batch = exported(liang, budget())
    number = PayeeAccount.objects.get(person=a).account_number
    import_result(
        tmp_path,
        liang,
        batch,
        [[number, "1200", "成功", ""]],
        header=("账号", "金额", "结果", "原因"),
    )
    assert statuses(batch) == {ClaimLine.objects.get(kind="training").pk: PaymentStatus.PAID}


def test_failed_lines_are_reissued_in_a_new_batch_and_never_paid_twice(
    payable_class, budget, liang, tmp_path
):
    c, claim, (a, b_) = payable_class(2)
    bud = budget()
    first = exported(liang, bud)
    rows = {p.line.person_id: p.row for p in first.payments.select_related("line")}
    # While the first batch is with the bank, nothing of it can enter another batch.
    with pytest.raises(ValidationError, match="没有可发放"):
        build(liang, bud)
    import_result(
        tmp_path,
        liang,
        first,
        [[rows[a.pk], TRAINING, "成功", ""], [rows[b_.pk], TRAINING, "失败", "户名不符"]],
    )
    second = build(liang, bud)
    line_b = ClaimLine.objects.get(kind="training", person=b_)
    assert list(second.payments.values_list("line", flat=True)) == [line_b.pk]
    assert line_b.status == LineStatus.BATCHED
    # The database itself refuses a second pending or paid payment of a line.
    line_a = ClaimLine.objects.get(kind="training", person=a)
    paid = Payment.objects.get(line=line_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(
            line=line_a,
            batch=second,
            row=9,
            amount=TRAINING,
            payee_name="x",
            bank_name="x",
            account_sealed=paid.account_sealed,
            account_masked="x",
        )
    # A second export of the first batch, whose results are in, is refused.
    with pytest.raises(ValidationError, match="不能再次导出"):
        payouts.batch_export_start(actor=liang, batch=first)
    assert payouts.budget_figures(bud).paid == TRAINING


def test_a_paid_payment_is_reversed_only_by_an_audited_reversal(
    payable_class, budget, liang, qin, tmp_path
):
    c, claim, (a,) = payable_class(1)
    bud = budget()
    batch = exported(liang, bud)
    import_result(tmp_path, liang, batch, [[1, TRAINING, "成功", ""]])
    payment = batch.payments.get()
    for attempt in (
        lambda: payment.delete(),
        lambda: Payment.objects.filter(pk=payment.pk).update(amount=1),
        lambda: Payment.objects.filter(pk=payment.pk).delete(),
        lambda: payment.settle(PaymentStatus.FAILED, "改"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    payment.refresh_from_db()
    with pytest.raises(ValidationError, match="冲回须填写原因"):
        payouts.payment_reverse(actor=liang, payment=payment, reason=" ", channel="page")
    reversal = payouts.payment_reverse(
        actor=liang, payment=payment, reason="重复享受，已追回", channel="page"
    )
    assert reversal.amount == TRAINING and reversal.created_by == liang
    assert ClaimLine.objects.get(pk=payment.line_id).status == LineStatus.REVERSED
    assert payment.status == PaymentStatus.PAID  # the payment itself never changes
    figures = payouts.budget_figures(bud)
    assert (figures.paid, figures.reversed) == (Decimal("0.00"), TRAINING)
    assert AuditEntry.objects.filter(object_type="subsidies.reversal", person_id=a.pk).exists()
    with pytest.raises(ValidationError, match="已冲回"):
        payouts.payment_reverse(actor=qin, payment=payment, reason="再冲", channel="page")
    with pytest.raises(PermissionDenied):
        Reversal.objects.filter(pk=reversal.pk).delete()
    # A reversed line is not payable again.
    with pytest.raises(ValidationError, match="没有可发放"):
        build(liang, bud)


def test_a_withdrawn_batch_gives_its_lines_back(payable_class, budget, liang):
    payable_class(1)
    bud = budget()
    batch = build(liang, bud)
    with pytest.raises(ValidationError, match="须填写原因"):
        payouts.batch_withdraw(actor=liang, batch=batch, channel="page", reason="")
    payouts.batch_withdraw(actor=liang, batch=batch, channel="page", reason="预算科目选错")
    assert batch.payments.get().status == PaymentStatus.WITHDRAWN
    assert ClaimLine.objects.get(kind="training").status == LineStatus.DUE
    assert build(liang, bud).line_count == 1


# --- scope and pages ------------------------------------------------------------------------


def test_another_countys_clerk_sees_nothing_and_the_county_clerk_cannot_pay(
    payable_class, budget, liang, wei, huang, lu, client
):
    payable_class(1)
    batch = build(liang, budget())
    client.force_login(huang)
    assert client.get(f"/batches/{batch.pk}/").status_code == 404
    assert client.post(f"/batches/{batch.pk}/lock/").status_code == 404
    assert list(client.get("/batches/").context["page"]) == []
    assert (
        client.get(f"/people/{batch.payments.get().line.person_id}/bank-account/").status_code
        == 404
    )
    client.force_login(wei)
    assert client.get(f"/batches/{batch.pk}/").status_code == 200
    with pytest.raises(PermissionDenied, match="由市级或省级"):
        payouts.batch_lock(actor=wei, batch=batch, channel="page")
    with pytest.raises(PermissionDenied):
        build(wei, batch.budget)
    client.force_login(lu)
    assert client.get("/batches/").status_code == 403
    assert client.get("/budgets/").status_code == 403


def test_the_pages_build_lock_export_and_import_the_result(
    payable_class, budget, liang, client, tmp_path
):
    payable_class(2)
    bud = budget()
    client.force_login(liang)
    page = client.get("/batches/")
    assert page.context["chosen"].code == MASHAN and "生成发放批次" in page.content.decode()
    response = client.post("/batches/new/", {"county": MASHAN, "budget": bud.pk})
    batch = payouts.batches_visible_to(liang).get()
    assert response.url == f"/batches/{batch.pk}/"
    client.post(f"/batches/{batch.pk}/lock/")
    client.post(f"/batches/{batch.pk}/export/")
    batch.refresh_from_db()
    detail = client.get(f"/batches/{batch.pk}/").content.decode()
    assert batch.bank_file_sha256 in detail and "6228 **** ****" in detail
    download = client.get(f"/batches/{batch.pk}/bank-file.xlsx")
    assert download.status_code == 200
    again = client.post(f"/batches/{batch.pk}/result/", {"file": SimpleUploadedFile("r.txt", b"x")})
    assert again.status_code == 302
    upload = SimpleUploadedFile(
        "result.xlsx", result_file([[1, TRAINING, "成功", ""], [2, TRAINING, "成功", ""]])
    )
    job_page = client.post(f"/batches/{batch.pk}/result/", {"file": upload}, follow=True)
    assert "银行发放结果导入" in job_page.content.decode()
    batch.refresh_from_db()
    assert batch.state == BatchState.RECONCILED
    refused = client.post(f"/batches/{batch.pk}/export/", follow=True).content.decode()
    assert "不能再次导出" in refused
    budgets = client.get("/budgets/").content.decode()
    assert "2400.00" in budgets
    _, token = ApiToken.issue(user=liang, name="pay")
    api = client.get("/api/batches", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [b["id"] for b in api] == [batch.pk] and api[0]["state"] == "reconciled"
    one = client.get(f"/api/batches/{batch.pk}", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {p["status"] for p in one["payments"]} == {"paid"}
    assert all("****" in p["account_masked"] for p in one["payments"])
    money = client.get("/api/budgets", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert money[0]["paid"] == "2400.00" and money[0]["remaining"] == "97600.00"


def test_key_rotation_reseals_the_accounts_and_the_batches_snapshots(
    payable_class, budget, liang, settings
):
    from skillaid.lib.sealed import Sealer
    from skillaid.ops.rotation import id_key_rotate
    from tests.conftest import TEST_ID_KEY

    c, claim, (a,) = payable_class(1)
    batch = build(liang, budget())
    number = PayeeAccount.objects.get(person=a).account_number
    before = batch.payments.get().account_sealed
    settings.SKILLAID_ID_KEY, settings.SKILLAID_ID_KEY_OLD = "the-new-id-key", TEST_ID_KEY
    keys.forget()
    try:
        result = id_key_rotate(chunk=10)
        assert result.resealed["subsidies.PayeeAccount"] == 1
        assert result.resealed["subsidies.Payment"] == 1
        settings.SKILLAID_ID_KEY_OLD = ""
        keys.forget()
        after = batch.payments.get().account_sealed
        assert after != before and Sealer("the-new-id-key").open(after) == number
        assert PayeeAccount.objects.get(person=a).account_number == number
        assert payouts.bank_rows(batch)[0][2] == number
    finally:
        keys.forget()


def test_an_enterprises_account_is_recorded_from_its_claim_and_its_lines_are_one_row(
    payable_class, budget, wei, huang, liang, client
):
    from skillaid.subsidies.models import Claim

    c, claim, people = payable_class(2)
    uscc = "91450100MA5KXXXX1X"
    Claim.objects.filter(pk=claim.pk).update(enterprise_name="南宁某家政公司", enterprise_uscc=uscc)
    ClaimLine.objects.filter(claim=claim, kind="training").update(
        payee="enterprise", payee_name="南宁某家政公司"
    )
    b = budget()
    client.force_login(liang)
    lacking = client.get(f"/batches/?county={MASHAN}").context["found"].lacking
    assert [(key, name) for key, name, _, _ in lacking] == [
        (("enterprise", uscc), "南宁某家政公司")
    ]
    client.force_login(huang)
    assert client.get(f"/enterprises/{uscc}/bank-account/").status_code == 404
    client.force_login(wei)
    form = {"holder_name": "南宁某家政公司", "bank_name": "中国银行南宁分行", "account": "x"}
    page = client.post(f"/enterprises/{uscc}/bank-account/", form)
    assert "银行账号应为10至30位数字" in page.content.decode()
    form["account"] = "6216 6100 0001 2345"
    assert client.post(f"/enterprises/{uscc}/bank-account/", form).status_code == 302
    account = PayeeAccount.objects.get(enterprise_uscc=uscc)
    assert account.kind == "enterprise" and account.account_masked == "6216 **** **** 2345"
    batch = build(liang, b)
    assert batch.row_count == 1 and payouts.bank_rows(batch) == [
        (1, "南宁某家政公司", "6216610000012345", "中国银行南宁分行", TRAINING * 2)
    ]


def test_no_result_is_recorded_for_a_batch_the_bank_has_not_been_sent(
    payable_class, budget, liang, tmp_path
):
    payable_class(1)
    batch = build(liang, budget())
    with pytest.raises(ValidationError, match="尚未生成银行文件"):
        payouts.result_record(
            actor=liang, batch=batch, row=1, amount=TRAINING, paid=True, reason=""
        )
    with pytest.raises(PermissionError, match="只有已生成银行文件"):
        import_result(tmp_path, liang, batch, [[1, TRAINING, "成功", ""]])
    assert batch.payments.get().status == PaymentStatus.PENDING
