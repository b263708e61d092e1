"""Pages of payment (发放) and budgets (资金): the batches, one batch (its bank file, the
bank's result, reversals), the budgets, and a payee's bank account."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import kept_file_response
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note
from skillaid.accounts.jobs import Job
from skillaid.accounts.models import Channel
from skillaid.institutions.selectors import institution_for
from skillaid.people.selectors import person_for
from skillaid.regions.models import Level, Region

from . import payouts
from .bank_results import KIND as RESULT_KIND
from .models import BatchState, Fund, PayeeAccount, PayeeKind, PaymentStatus, RuleKind
from .selectors import claims_visible_to


def _text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc)


# --- bank accounts -------------------------------------------------------------------------


class AccountForm(forms.Form):
    holder_name = forms.CharField(label="户名", max_length=128)
    bank_name = forms.CharField(
        label="开户行", max_length=128, help_text="如：中国农业银行马山县支行"
    )
    account = forms.CharField(
        label="银行账号",
        max_length=40,
        help_text="社保卡银行账号（机构为对公账户），10至30位数字；页面上只显示前四位和后四位",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


def _account_page(
    request: HttpRequest,
    *,
    name: str,
    back: str,
    existing,
    payee: dict[str, object],  # noqa: ANN001
) -> HttpResponse:
    """The account form of one payee (`payee`: the keyword naming it to account_record)."""
    require(request.user, "payee_account.edit")
    if not payouts.may_record(request.user, **payee):
        raise PermissionDenied(f"您不能登记该收款账户：{name}不在您的管辖范围内")
    initial = {"holder_name": name}
    if existing:
        initial = {"holder_name": existing.holder_name, "bank_name": existing.bank_name}
    form = AccountForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            payouts.account_record(
                actor=request.user, data=form.cleaned_data, channel=Channel.PAGE, **payee
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, _text(exc))
        else:
            messages.success(request, f"已登记{name}的收款账户")
            wanted = request.GET.get("next", "")
            if wanted.startswith("/") and not wanted.startswith("//"):
                return redirect(wanted)
            return redirect(back)
    intro = "银行账号加密保存，页面只显示前四位和后四位；完整账号只写入发给银行的代发文件。"
    if existing:
        intro = (
            f"现登记账户：{existing}（{existing.recorded_at:%Y-%m-%d}登记）。保存即更换。" + intro
        )
    return render(
        request,
        "form.html",
        {"form": form, "title": f"{name}的收款账户（社保卡银行账户）", "intro": intro},
    )


@login_required
def person_account(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for(request.user, pk)
    return _account_page(
        request,
        name=person.name,
        back=reverse("person_detail", args=[person.pk]),
        existing=PayeeAccount.objects.filter(person=person).first(),
        payee={"person": person},
    )


@login_required
def institution_account(request: HttpRequest, pk: int) -> HttpResponse:
    institution = institution_for(request.user, pk)
    return _account_page(
        request,
        name=institution.name,
        back=reverse("institution_detail", args=[institution.pk]),
        existing=PayeeAccount.objects.filter(institution=institution).first(),
        payee={"institution": institution},
    )


@login_required
def enterprise_account(request: HttpRequest, uscc: str) -> HttpResponse:
    """An enterprise known to SkillAid only by the claims it made: one of them in scope."""
    claim = (
        claims_visible_to(request.user)
        .filter(enterprise_uscc=uscc)
        .exclude(enterprise_uscc="")
        .order_by("-id")
        .first()
    )
    if claim is None:
        raise Http404("没有该企业的补贴申领")
    return _account_page(
        request,
        name=claim.enterprise_name,
        back=reverse("batches"),
        existing=PayeeAccount.objects.filter(
            kind=PayeeKind.ENTERPRISE, enterprise_uscc=uscc
        ).first(),
        payee={"enterprise": claim},
    )


# --- budgets -------------------------------------------------------------------------------


class BudgetForm(forms.Form):
    region = forms.CharField(
        label="地区代码", max_length=6, help_text="省、市或县（区）的6位区划代码，如 450100"
    )
    year = forms.IntegerField(label="年度")
    fund = forms.ChoiceField(label="资金来源", choices=Fund.choices)
    kind = forms.ChoiceField(label="补贴类别", choices=payouts.BUDGET_KINDS)
    amount = forms.CharField(label="年度额度（元）", max_length=20)
    note = forms.CharField(label="说明", max_length=255, required=False)


@login_required
def budgets_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "payment.read")
    year = request.GET.get("year", "")
    rows = payouts.budgets_visible_to(request.user)
    if year.isdigit():
        rows = rows.filter(year=int(year))
    page = Paginator(rows.order_by("-year", "region_id", "kind", "fund"), 50).get_page(
        request.GET.get("page")
    )
    budgets = [(b, payouts.budget_figures(b)) for b in page]
    form = None
    if can(request.user, "budget.edit"):
        form = BudgetForm(
            request.POST or None,
            initial={"year": timezone.localdate().year, "region": request.user.region_id or ""},
        )
        if request.method == "POST" and form.is_valid():
            try:
                payouts.budget_set(actor=request.user, data=form.cleaned_data, channel=Channel.PAGE)
            except (ValidationError, PermissionDenied) as exc:
                if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
                    for field, errors in exc.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, _text(exc))
            else:
                messages.success(request, "已设立资金预算")
                return redirect("budgets")
    return render(
        request,
        "subsidies/budget_list.html",
        {"page": page, "budgets": budgets, "form": form, "year": year},
    )


@login_required
@require_POST
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    budget = payouts.budget_for(request.user, pk)
    try:
        payouts.budget_set(
            actor=request.user,
            data={"amount": request.POST.get("amount"), "note": request.POST.get("note", "")},
            channel=Channel.PAGE,
            budget=budget,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"{budget}的额度未修改：{_text(exc)}")
    else:
        messages.success(request, f"已修改{budget}的额度")
    return redirect("budgets")


# --- batches -------------------------------------------------------------------------------


def _counties(user) -> list[Region]:  # noqa: ANN001
    """The counties in scope that have lines payable now."""
    codes = payouts.payable_in_scope(user).values_list("county_id", flat=True).distinct()
    return list(Region.objects.filter(code__in=list(codes), level=Level.COUNTY).order_by("code"))


@login_required
def batches_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "payment.read")
    rows = payouts.batches_visible_to(request.user)
    state = request.GET.get("state", "")
    if state in BatchState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counties = _counties(request.user)
    chosen = None
    code = request.GET.get("county", "")
    if code:
        chosen = next((c for c in counties if c.code == code), None)
    elif len(counties) == 1:
        chosen = counties[0]
    found = payouts.candidates(request.user, chosen) if chosen else None
    kinds = {}
    if found:
        labels = dict(RuleKind.choices)
        for line in found.ready:
            entry = kinds.setdefault(line.kind, [labels.get(line.kind, line.kind), 0, 0])
            entry[1] += 1
            entry[2] += line.amount
    budgets = [
        (b, payouts.budget_figures(b).remaining)
        for b in (payouts.budgets_for_county(chosen, timezone.localdate().year) if chosen else [])
    ]
    return render(
        request,
        "subsidies/batch_list.html",
        {
            "page": page,
            "states": BatchState.choices,
            "state": state,
            "counties": counties,
            "chosen": chosen,
            "found": found,
            "kinds": kinds,
            "budgets": budgets,
            "may_make": can(request.user, "batch.make"),
            "may_account": can(request.user, "payee_account.edit"),
            "person_kind": PayeeKind.PERSON,
            "institution_kind": PayeeKind.INSTITUTION,
        },
    )


@login_required
@require_POST
def batch_build(request: HttpRequest) -> HttpResponse:
    county = request.POST.get("county", "")
    try:
        batch = payouts.batch_build(
            actor=request.user,
            county=county,
            budget=request.POST.get("budget", ""),
            channel=Channel.PAGE,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未生成发放批次：{_text(exc)}")
        return redirect(f"/batches/?county={county}" if county.isdigit() else "/batches/")
    messages.success(
        request, f"已生成发放批次第{batch.pk}号：{batch.line_count}条明细，合计{batch.total}元"
    )
    return redirect("batch_detail", pk=batch.pk)


@login_required
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "payment.read")
    batch = payouts.batch_for(request.user, pk)
    payments = Paginator(
        batch.payments.select_related("line", "reversal").order_by("row", "id"), 200
    ).get_page(request.GET.get("page"))
    job = Job.objects.filter(pk=batch.export_job_id).first() if batch.export_job_id else None
    result_jobs = list(Job.objects.filter(kind=RESULT_KIND, params__batch=batch.pk)[:5])
    lacking = []
    if batch.state in (BatchState.DRAFT, BatchState.LOCKED):
        lacking = payouts.candidates(request.user, batch.county, batch.budget.kind).lacking
    return render(
        request,
        "subsidies/batch_detail.html",
        {
            "batch": batch,
            "payments": payments,
            "figures": payouts.budget_figures(batch.budget),
            "may": payouts.may(request.user, batch),
            "job": job,
            "finished": job.finished if job else True,
            "report_open": False,
            "result_jobs": result_jobs,
            "result_form": ResultForm(),
            "upload_note": upload_note(),
            "lacking": lacking,
            "may_account": can(request.user, "payee_account.edit"),
            "person_kind": PayeeKind.PERSON,
            "institution_kind": PayeeKind.INSTITUTION,
            "paid": PaymentStatus.PAID,
            "counts": _counts(batch),
        },
    )


def _counts(batch) -> dict[str, int]:  # noqa: ANN001
    counts = {s: 0 for s in PaymentStatus.values}
    for row in batch.payments.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts


def _act(request: HttpRequest, pk: int, action, done: str) -> HttpResponse:  # noqa: ANN001
    batch = payouts.batch_for(request.user, pk)
    try:
        action(batch)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未办理：{_text(exc)}")
    else:
        messages.success(request, done)
    return redirect("batch_detail", pk=batch.pk)


@login_required
@require_POST
def batch_lock(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda b: payouts.batch_lock(actor=request.user, batch=b, channel=Channel.PAGE),
        "已锁定批次，可以生成银行文件",
    )


@login_required
@require_POST
def batch_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda b: payouts.batch_withdraw(
            actor=request.user, batch=b, channel=Channel.PAGE, reason=request.POST.get("reason", "")
        ),
        "已撤销批次，其中的明细可以纳入新批次",
    )


@login_required
@require_POST
def batch_export(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda b: payouts.batch_export_start(actor=request.user, batch=b),
        "已开始生成银行代发文件",
    )


@login_required
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    batch = payouts.batch_for(request.user, pk)
    require(request.user, "batch.make", batch)
    if not batch.bank_file:
        raise Http404("该批次尚未生成银行文件")
    from django.core.files.storage import default_storage

    if not default_storage.exists(batch.bank_file):
        raise Http404("银行文件已超过保存期限被删除（其SHA-256仍记录在批次上）")
    return kept_file_response(
        request,
        default_storage.open(batch.bank_file, "rb"),
        filename=f"补贴发放批次第{batch.pk}号-银行代发文件.xlsx",
        object_type="subsidies.paymentbatch",
        object_id=batch.pk,
        rows=batch.row_count,
        subject=f"补贴发放批次第{batch.pk}号银行代发文件（SHA-256 {batch.bank_file_sha256}）",
    )


class ResultForm(forms.Form):
    file = forms.FileField(label="银行结果文件（.xlsx 或 .csv）")


@login_required
def batch_result(request: HttpRequest, pk: int) -> HttpResponse:
    batch = payouts.batch_for(request.user, pk)
    require(request.user, "batch.reconcile", batch)
    if request.method != "POST":
        return redirect("batch_detail", pk=batch.pk)
    if batch.state != BatchState.EXPORTED:
        messages.error(request, f"该批次{batch.get_state_display()}，不能导入银行结果")
        return redirect("batch_detail", pk=batch.pk)
    form = upload_form(request, ResultForm)
    job = None
    if form.is_valid():
        job = start_upload_job(request, form, kind=RESULT_KIND, params={"batch": batch.pk})
    if job is None:
        errors = "；".join(e for errs in form.errors.values() for e in errs)
        messages.error(request, f"未导入：{errors or '请选择文件'}")
        return redirect("batch_detail", pk=batch.pk)
    return redirect("job", pk=job.pk)


@login_required
@require_POST
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    payment = payouts.payment_for(request.user, pk)
    try:
        payouts.payment_reverse(
            actor=request.user,
            payment=payment,
            reason=request.POST.get("reason", ""),
            channel=Channel.PAGE,
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, f"未冲回：{_text(exc)}")
    else:
        messages.success(request, f"已冲回{payment.payee_name}的{payment.amount}元")
    return redirect("batch_detail", pk=payment.batch_id)
