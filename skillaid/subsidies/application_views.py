"""Pages for the applications a county clerk records: a person's skill-upgrading
application from a certificate, the certificates still waiting for one, an enterprise's
apprentice list with its contract, and the contract's download."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import log_export
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note
from skillaid.accounts.jobs import jobs_of
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors
from skillaid.evaluation.models import Certificate
from skillaid.evaluation.selectors import certificates_visible_to
from skillaid.lib.sheets import SUFFIXES
from skillaid.regions.selectors import counties_visible_to

from .applications import certificates_awaiting, claim_months, upgrading_apply
from .apprentices import (
    CONTRACT_SUFFIXES,
    ApprenticeImport,
    apprenticeship_claim_open,
    contract_check,
    enterprise_claim_find,
    enterprise_terms,
)
from .models import ClaimKind
from .selectors import claim_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def certificate_in_scope(user, number: object) -> Certificate | None:  # noqa: ANN001
    number = "".join(str(number or "").split()).upper()
    if not number:
        return None
    return (
        certificates_visible_to(user)
        .select_related("person", "occupation")
        .filter(number=number)
        .first()
    )


class UpgradingForm(forms.Form):
    certificate = forms.CharField(
        label="证书编号",
        max_length=40,
        help_text="系统中已有的证书；外部颁发而尚未导入的，请先在“导入外部证书”中导入",
        error_messages={"required": "请填写证书编号"},
    )
    insured = forms.BooleanField(
        label="申请人为失业保险参保职工（参保职工）",
        required=False,
        help_text="技能提升补贴限参保职工：请按申请人提供的参保情况申报",
    )
    employer = forms.CharField(label="参保单位", max_length=100, required=False)
    claimed_on = forms.DateField(
        label="申领日期", widget=DATE, error_messages={"invalid": "日期格式不对（应为 2026-03-01）"}
    )

    def __init__(self, *args, user, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_certificate(self) -> Certificate:
        raw = self.cleaned_data["certificate"]
        cert = certificate_in_scope(self.user, raw)
        if cert is None:
            raise ValidationError(
                f"证书编号“{raw.strip()}”在系统中不存在，或持证人不在您的管辖范围内；"
                "外部颁发的证书请先导入"
            )
        return cert


@login_required
def upgrading_new(request: HttpRequest) -> HttpResponse:
    """Record a person's skill-upgrading application (the clerk fills it in for them)."""
    require(request.user, "claim.record")
    initial = {
        "claimed_on": timezone.localdate(),
        "certificate": request.GET.get("certificate", ""),
    }
    form = UpgradingForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = upgrading_apply(
                actor=request.user,
                certificate=data["certificate"],
                insured=data["insured"],
                employer=data["employer"],
                claimed_on=data["claimed_on"],
                channel=Channel.PAGE,
            )
        except PermissionDenied as exc:
            form.add_error("certificate", str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            line = claim.lines.get()
            if line.status == "due":
                messages.success(
                    request, f"已登记技能提升补贴申领，应发{line.amount}元，请核对后提交审核"
                )
            else:
                messages.warning(request, f"已登记，但不予补贴：{line.reason}")
            return redirect("claim_detail", pk=claim.pk)
    shown = certificate_in_scope(request.user, form["certificate"].value())
    return render(
        request,
        "subsidies/upgrading_form.html",
        {"form": form, "cert": shown},
    )


@login_required
def upgrading_awaiting(request: HttpRequest) -> HttpResponse:
    """The county's certificates of the last months with no application and no subsidy."""
    require(request.user, "claim.record")
    wanted = request.GET.get("county", "").strip() or (request.user.region_id or "")
    county = counties_visible_to(request.user).filter(code=wanted).first()
    today = timezone.localdate()
    rows = Certificate.objects.none()
    months = 12
    if county is not None:
        months = claim_months(county.code, today)
        rows = certificates_awaiting(
            certificates_visible_to(request.user), county=county.code, today=today
        )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "subsidies/upgrading_awaiting.html",
        {
            "page": page,
            "county": county,
            "wanted": wanted,
            # A county clerk works on one county; others (administrators) name it.
            "choose": not (request.user.region_id and len(request.user.region_id) == 6),
            "months": months,
        },
    )


class ApprenticeForm(forms.Form):
    county = forms.ChoiceField(
        label="企业所在县（区）",
        error_messages={
            "invalid_choice": "县（区）%(value)s不在您的管辖范围内，请选择本辖区的县（区）"
        },
    )
    enterprise_name = forms.CharField(label="企业名称", max_length=128)
    enterprise_uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        widget=forms.TextInput(attrs={"autocapitalize": "characters"}),
    )
    period_from = forms.DateField(label="申领期间起", widget=DATE)
    period_until = forms.DateField(
        label="申领期间止",
        widget=DATE,
        help_text="按学徒在此期间内的整月数折算学徒·年（12个月为1学徒·年）",
    )
    contract = forms.FileField(
        label="学徒培训合同（PDF、JPG、PNG 或 ZIP）",
        required=False,
        help_text="同一申领只需上传一次，系统保存原件及其 SHA-256；再次导入名单时无需重传",
    )
    file = forms.FileField(label="学徒名单（.xlsx / .xls / .csv）")
    dry_run = forms.BooleanField(label="试导入（只检查，不保存）", required=False)

    def __init__(self, *args, counties, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [(c.code, c.name) for c in counties]
        for name in ("enterprise_name", "enterprise_uscc", "period_from", "period_until"):
            self.fields[name].error_messages["required"] = f"请填写{self.fields[name].label}"
        self.fields["file"].error_messages["required"] = "请选择学徒名单文件"


@login_required
def apprentice_import(request: HttpRequest) -> HttpResponse:
    """An enterprise's apprenticeship claim: its terms, its contract and its apprentice list."""
    require(request.user, "claim.record")
    counties = list(counties_visible_to(request.user).order_by("code"))
    initial: dict[str, object] = {"county": request.user.region_id or ""}
    claim = None
    if request.GET.get("claim"):
        claim = claim_for(request.user, request.GET["claim"])
        if claim.kind != ClaimKind.APPRENTICESHIP:
            raise Http404("没有这笔企业新型学徒制补贴申领")
        initial.update(
            county=claim.county_id,
            enterprise_name=claim.enterprise_name,
            enterprise_uscc=claim.enterprise_uscc,
            period_from=claim.period_from,
            period_until=claim.period_until,
        )
    form = upload_form(request, ApprenticeForm, counties=counties, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contract = data.get("contract")
        suffix = Path(data["file"].name or "").suffix.lower()
        try:
            if suffix not in SUFFIXES:
                # Refused before the claim is opened; start_upload_job says the same.
                raise ValidationError(
                    {
                        "file": f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 .xlsx、.xls 或 .csv 文件"
                    }
                )
            if data["dry_run"]:
                # A dry run keeps nothing: the terms and the contract are checked here, the
                # rows in the job, against the enterprise's claim for the period if there is
                # one, else against one made and rolled back there.
                county, _, code, period_from, period_until = enterprise_terms(request.user, data)
                if contract is not None:
                    contract_check(contract)
                existing = enterprise_claim_find(
                    county=county.code,
                    uscc_code=code,
                    period_from=period_from,
                    period_until=period_until,
                )
                params = {
                    "dry_run": True,
                    "claim": existing.pk if existing is not None else None,
                    "terms": {
                        "county": data["county"],
                        "enterprise_name": data["enterprise_name"],
                        "enterprise_uscc": data["enterprise_uscc"],
                        "period_from": data["period_from"].isoformat(),
                        "period_until": data["period_until"].isoformat(),
                    },
                }
            else:
                claim = apprenticeship_claim_open(
                    actor=request.user, data=data, contract=contract, channel=Channel.PAGE
                )
                params = {"claim": claim.pk}
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            job = start_upload_job(request, form, kind=ApprenticeImport.kind, params=params)
            if job is not None:
                return redirect("job", pk=job.pk)
    return render(
        request,
        "subsidies/apprentice_import.html",
        {
            "form": form,
            "claim": claim,
            "jobs": jobs_of(request.user, ApprenticeImport.kind),
            "upload_note": upload_note(),
            "suffixes": "、".join(CONTRACT_SUFFIXES),
        },
    )


@login_required
def claim_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """The attached contract, to those who see the claim; each download is logged."""
    require(request.user, "claim.read")
    claim = claim_for(request.user, pk)
    if not claim.attachment or not claim.attachment.storage.exists(claim.attachment.name):
        raise Http404("该申领没有附件")
    log_export(
        actor=request.user,
        channel=Channel.PAGE,
        object_type="subsidies.claim",
        object_id=claim.pk,
        rows=1,
        note=f"下载{claim}的附件“{claim.attachment_name}”",
    )
    response = FileResponse(
        claim.attachment.open("rb"), as_attachment=True, filename=claim.attachment_name
    )
    return response
