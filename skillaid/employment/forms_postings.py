"""Thin forms of the postings pages: raw input only; the services check it and say why."""

from __future__ import annotations

from django import forms

from .models import Campaign, JobFair

DATE = {"type": "date"}


def fair_choices() -> list[tuple[str, str]]:
    fairs = JobFair.objects.order_by("-held_on", "-id")[:200]
    return [("", "不属于招聘会")] + [(str(f.pk), str(f)) for f in fairs]


class PostingForm(forms.Form):
    employer = forms.CharField(
        label="用人单位统一社会信用代码",
        max_length=32,
        required=False,
        help_text="单位须已在人社部门登记；人力资源服务机构为本机构招聘时留空",
    )
    title = forms.CharField(label="岗位名称", max_length=128, required=False)
    occupation = forms.CharField(
        label="职业（工种）",
        max_length=80,
        required=False,
        help_text="职业编码（如 6-31-01-03）或职业目录中的准确名称（如 电工）",
    )
    region = forms.CharField(
        label="工作地",
        max_length=64,
        required=False,
        help_text="6位区划代码或地区全称，如 450124、南宁市马山县、440300（深圳市）",
    )
    address = forms.CharField(label="工作地点（详细地址）", max_length=255, required=False)
    wage_min = forms.CharField(
        label="月薪下限（元）",
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    wage_max = forms.CharField(
        label="月薪上限（元）",
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    places = forms.CharField(
        label="招聘人数",
        max_length=8,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    requirements = forms.CharField(
        label="岗位要求", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.CharField(
        label="有效期起", required=False, widget=forms.DateInput(attrs=DATE)
    )
    valid_until = forms.CharField(
        label="有效期止", required=False, widget=forms.DateInput(attrs=DATE)
    )
    campaign = forms.ChoiceField(label="专项活动", choices=Campaign.choices, required=False)
    fair = forms.ChoiceField(label="招聘会", choices=[], required=False)

    def __init__(self, *args, own_unit: bool = False, editing: bool = False, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["fair"].choices = fair_choices()
        if editing or own_unit:
            # An employer's account posts for its own unit; a posting keeps its employer.
            del self.fields["employer"]


class CloseForm(forms.Form):
    on = forms.DateField(label="停止招聘日期", widget=forms.DateInput(attrs=DATE), required=False)


class FairForm(forms.Form):
    name = forms.CharField(label="招聘会名称", max_length=128, required=False)
    campaign = forms.ChoiceField(label="专项活动", choices=Campaign.choices, required=False)
    region = forms.CharField(
        label="举办地", max_length=64, required=False, help_text="6位区划代码或地区全称"
    )
    held_on = forms.CharField(label="举办日期", required=False, widget=forms.DateInput(attrs=DATE))


class ImportForm(forms.Form):
    file = forms.FileField(label="招聘岗位表（.xlsx / .xls / .csv）")
    dry_run = forms.BooleanField(label="试导入（只检查，不入库）", required=False)
