"""Pages of the demand catalogue (需求指导目录): list, edit, import, export."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from skillaid.accounts.capabilities import require
from skillaid.accounts.exports import download
from skillaid.accounts.imports.uploads import start_upload_job, upload_form, upload_note
from skillaid.accounts.jobs import jobs_of
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors
from skillaid.regions.selectors import regions_for_choice

from . import selectors
from .models import DemandEntry, SkillLevel, TrainingKind
from .selectors import DemandFilters
from .services import demand_entry_save
from .tasks import KIND as CATALOGUE_IMPORT

DATE = forms.DateInput(attrs={"type": "date"})
HEADERS = [
    "职业编码",
    "职业（工种）名称",
    "培训类型",
    "等级",
    "标准课时",
    "补贴标准（元）",
    "适用地区",
    "起始日期",
    "截止日期",
    "数字技能",
    "绿色技能",
    "急需紧缺",
]


class EntryForm(forms.Form):
    code = forms.CharField(label="职业编码（如 4-10-01-01）", max_length=16, required=False)
    name = forms.CharField(label="职业（工种）名称", max_length=64)
    training_kind = forms.ChoiceField(label="培训类型", choices=TrainingKind.choices)
    level = forms.ChoiceField(label="等级", choices=SkillLevel.choices)
    standard_hours = forms.IntegerField(label="标准课时", min_value=1)
    subsidy = forms.CharField(label="补贴标准（元/人）", max_length=16)
    region = forms.ChoiceField(label="适用地区")
    valid_from = forms.DateField(label="起始日期", widget=DATE)
    valid_to = forms.DateField(label="截止日期", required=False, widget=DATE)
    digital = forms.BooleanField(label="数字技能（S）", required=False)
    green = forms.BooleanField(label="绿色技能（L）", required=False)
    urgent = forms.BooleanField(label="急需紧缺", required=False)
    source = forms.CharField(label="依据", max_length=128, required=False)

    def __init__(self, *args, regions=(), **kwargs) -> None:  # noqa: ANN001
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]


class ImportForm(forms.Form):
    file = forms.FileField(label="需求指导目录文件（.xlsx、.xls 或 .csv）")


def _rows(request: HttpRequest):  # noqa: ANN202
    filters = DemandFilters.parse(request.GET)
    return selectors.catalogue_list(request.user, filters=filters), filters


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    rows, filters = _rows(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/catalogue_list.html",
        {"page": page, "filters": filters.as_dict(), "query": request.GET.urlencode()},
    )


@login_required
def catalogue_export(request: HttpRequest) -> HttpResponse:
    rows, filters = _rows(request)

    def row(e: DemandEntry) -> list[object]:
        o = e.occupation
        return [
            o.code,
            o.name,
            e.get_training_kind_display(),
            e.get_level_display(),
            e.standard_hours,
            float(e.subsidy),
            e.region_id,
            e.valid_from,
            e.valid_to,
            "是" if o.digital else "否",
            "是" if o.green else "否",
            "是" if o.urgent else "否",
        ]

    return download(
        request,
        HEADERS,
        (row(e) for e in rows),
        subject="需求指导目录",
        object_type="catalogue.demandentry",
        filters={
            "查询": filters.q,
            "急需紧缺": "是" if filters.urgent else "",
            "现行有效": "是" if filters.current else "",
            "有效日期": filters.on.isoformat() if filters.on else "",
        },
    )


def _require_keeper(request: HttpRequest) -> None:
    """Refuse the page before any form is shown; the service checks the same capability."""
    require(request.user, "catalogue.edit")


@login_required
def catalogue_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_keeper(request)
    entry = (
        get_object_or_404(DemandEntry.objects.select_related("occupation"), pk=pk) if pk else None
    )
    initial = {}
    if entry is not None:
        o = entry.occupation
        initial = {
            "code": o.code,
            "name": o.name,
            "training_kind": entry.training_kind,
            "level": entry.level,
            "standard_hours": entry.standard_hours,
            "subsidy": entry.subsidy,
            "region": entry.region_id,
            "valid_from": entry.valid_from,
            "valid_to": entry.valid_to,
            "digital": o.digital,
            "green": o.green,
            "urgent": o.urgent,
            "source": entry.source,
        }
    form = EntryForm(
        request.POST or None, initial=initial, regions=regions_for_choice(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved, outcome = demand_entry_save(
                actor=request.user, channel=Channel.PAGE, data=dict(form.cleaned_data), entry=entry
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                {"created": "已添加", "updated": "已保存", "unchanged": "没有改动"}[outcome],
            )
            return redirect("catalogue")
    title = "添加目录条目" if entry is None else f"修改目录条目：{entry}"
    return render(request, "form.html", {"form": form, "title": title})


@login_required
def catalogue_import(request: HttpRequest) -> HttpResponse:
    _require_keeper(request)
    form = upload_form(request, ImportForm)
    if request.method == "POST" and form.is_valid():
        job = start_upload_job(request, form, kind=CATALOGUE_IMPORT)
        if job is not None:
            return redirect("job", pk=job.pk)
    jobs = jobs_of(request.user, CATALOGUE_IMPORT)
    return render(
        request,
        "catalogue/catalogue_import.html",
        {"form": form, "jobs": jobs, "upload_note": upload_note()},
    )
