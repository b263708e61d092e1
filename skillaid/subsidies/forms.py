"""The form of a rule's terms: amounts are typed as text ("1,000.00", "1000") and read by
the service, which names each bad field in Chinese (shown beside it)."""

from __future__ import annotations

from typing import Any

from django import forms

from skillaid.regions.models import Region

from .models import BASES, HOUSEHOLD_CATEGORIES, LEVELS, TRAINING_KINDS, AmountUnit, Payee, RuleKind
from .services import describe_level_amounts

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKS = forms.CheckboxSelectMultiple
MONEY_HINT = "元，如 1,000.00 或 1000；留空表示无"


def money(label: str, help_text: str = MONEY_HINT) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class RuleTermsForm(forms.Form):
    name = forms.CharField(label="名称", max_length=128, required=False)
    source_document = forms.CharField(
        label="依据文件", max_length=128, required=False, help_text="如：003 桂人社发〔2022〕7号"
    )
    source_article = forms.CharField(
        label="条款", max_length=64, required=False, help_text="如：四（十）"
    )
    valid_from = forms.DateField(label="起始日期", required=False, widget=DATE)
    valid_until = forms.DateField(
        label="截止日期", required=False, widget=DATE, help_text="留空表示长期有效"
    )
    payee = forms.ChoiceField(
        label="补贴对象（收款方）", required=False, choices=[("", "—")] + Payee.choices
    )
    amount = money("补贴标准（元）")
    alongside = forms.ChoiceField(
        label="随同发放",
        required=False,
        choices=[("", "—（单独发放）")] + [c for c in RuleKind.choices if c[0] != RuleKind.LIMIT],
        help_text="只发给同一班中该类补贴应发的学员，如生活费补贴随项目制培训补贴",
    )
    amount_unit = forms.ChoiceField(
        label="计量单位", required=False, choices=[("", "—")] + AmountUnit.choices
    )
    amount_is_minimum = forms.BooleanField(label="标准为下限（不低于）", required=False)
    level_amounts = forms.CharField(
        label="分等级标准（元）",
        required=False,
        help_text="按等级计发时填写，如 5=1000；4=1500；3=2000",
    )
    cap_per_time = money("单次上限（元）")
    cap_per_year = money("年度上限（元）")
    limit_value = forms.CharField(
        label="限制数值",
        required=False,
        help_text="限制规则填写，如 3（次/人·年）、12（月）",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    limit_unit = forms.CharField(label="限制单位", max_length=32, required=False)
    household_categories = forms.MultipleChoiceField(
        label="户类别",
        required=False,
        choices=HOUSEHOLD_CATEGORIES,
        widget=CHECKS,
        help_text="不选表示不限",
    )
    bases = forms.MultipleChoiceField(
        label="申报类别", required=False, choices=BASES, widget=CHECKS, help_text="不选表示不限"
    )
    training_kinds = forms.MultipleChoiceField(
        label="培训类型",
        required=False,
        choices=TRAINING_KINDS,
        widget=CHECKS,
        help_text="不选表示不限",
    )
    occupation = forms.CharField(
        label="职业（工种）", max_length=128, required=False, help_text="留空表示不限职业"
    )
    levels = forms.MultipleChoiceField(
        label="等级", required=False, choices=LEVELS, widget=CHECKS, help_text="不选表示不限"
    )
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label="修改原因", max_length=255, required=False)

    @staticmethod
    def initial_of(version: Any) -> dict[str, Any]:  # noqa: ANN401
        """The form's values for a version's terms (amounts as plain text)."""
        from .services import terms_of

        initial = terms_of(version)
        for field in ("amount", "cap_per_time", "cap_per_year", "limit_value"):
            value = initial[field]
            initial[field] = "" if value is None else str(value)
        initial["level_amounts"] = describe_level_amounts(initial["level_amounts"])
        return initial

    def terms(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("reason", None)
        for field in ("code", "kind", "region"):
            data.pop(field, None)
        return data


class RuleCreateForm(RuleTermsForm):
    code = forms.CharField(
        label="规则编码",
        max_length=64,
        required=False,
        help_text="小写字母、数字和连字符，如 gx-skill-upgrading；建立后不能修改",
    )
    kind = forms.ChoiceField(label="类别", choices=RuleKind.choices)
    region = forms.CharField(
        label="适用地区", max_length=6, required=False, help_text="6位区划代码，如 450000"
    )
    replaces = forms.CharField(
        label="替代规则编码",
        max_length=64,
        required=False,
        help_text="本地区规则替代上级的同类规则时填写其编码，如 limit-attendance-threshold",
    )
    reason = forms.CharField(label="建立原因", max_length=255, required=False)

    field_order = ["code", "kind", "region", "replaces"]

    def clean_region(self) -> Region | None:
        code = self.cleaned_data["region"].strip()
        if not code:
            return None
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(f"区划代码“{code}”不存在")
        return region
