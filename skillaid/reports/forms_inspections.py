"""Forms of the random inspections' pages: raw input only; the services check the rest."""

from __future__ import annotations

from django import forms

from .inspections import PER_ITEM_MAX, SAMPLE_MAX, TEXT_MAX
from .models import FindingResult, Population

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DrawForm(forms.Form):
    """No seed: the server makes it when the draw is made (a posted one is ignored)."""

    title = forms.CharField(
        label="抽查名称", max_length=128, help_text="如“2026年上半年南宁市职业技能培训双随机抽查”"
    )
    region = forms.CharField(
        label="抽查地区（区划代码）",
        max_length=6,
        help_text="6 位区划代码，如 450100（南宁市）或 450124（马山县）",
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    population = forms.ChoiceField(label="抽查对象", choices=Population.choices)
    period_start = forms.DateField(
        label="对象期间起", widget=DATE, help_text="培训班：开班、结业日期与该期间有交集的"
    )
    period_end = forms.DateField(label="对象期间止", widget=DATE)
    sample_size = forms.IntegerField(label="抽取对象数量", min_value=1, max_value=SAMPLE_MAX)
    inspectors_per_item = forms.IntegerField(
        label="每个对象的检查人员数", min_value=1, max_value=PER_ITEM_MAX, initial=2
    )


class FindingForm(forms.Form):
    result = forms.ChoiceField(
        label="检查结果", choices=FindingResult.choices, widget=forms.RadioSelect
    )
    inspected_on = forms.DateField(label="检查日期", widget=DATE)
    text = forms.CharField(
        label="检查情况",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="查看了什么（花名册、考勤、教学现场、台账），发现了什么。检查情况将向社会公开："
        "检查情况中请勿填写学员姓名、身份证号等个人信息（可写“学员甲”“2名学员”）",
    )


class LinkForm(forms.Form):
    inspector = forms.TypedChoiceField(label="检查人员", coerce=int)
    institution = forms.CharField(
        label="关联院校/机构（名称）", max_length=128, help_text="须与院校/机构名录中的名称一致"
    )
    reason = forms.CharField(
        label="关联关系", max_length=128, help_text="如“曾在该机构任教”“亲属在该机构任职”"
    )

    def __init__(self, *args, inspectors=(), **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["inspector"].choices = [("", "请选择")] + [
            (u.pk, f"{u.display_name}（{u.region.name if u.region else ''}）") for u in inspectors
        ]
        self.fields["inspector"].error_messages["invalid_choice"] = "请从名录中选择检查人员"
