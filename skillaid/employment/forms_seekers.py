"""Forms of the seekers and employers pages: raw input only; the services check the rest
and their refusals are shown beside these fields (skillaid.errors.apply_errors)."""

from __future__ import annotations

from django import forms

from .models import ConfirmedBy, EmployerKind, EmploymentStatus, Place

DATE = forms.DateInput(attrs={"type": "date"})


class WishesForm(forms.Form):
    occupations = forms.CharField(
        label="求职意向职业（工种）",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="职业目录中的编码或名称，多个用顿号、逗号或换行分开，如：电工、6-31-01-03",
    )
    places = forms.MultipleChoiceField(
        label="意向就业地",
        required=False,
        choices=Place.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    wage_min = forms.CharField(label="期望月薪下限（元）", required=False, max_length=16)
    available_on = forms.DateField(label="可到岗日期", required=False, widget=DATE)
    note = forms.CharField(label="备注", required=False, max_length=255)

    def occupation_list(self) -> list[str]:
        text = self.cleaned_data.get("occupations") or ""
        for sep in "、，,;；\n":
            text = text.replace(sep, "|")
        return [t.strip() for t in text.split("|") if t.strip()]


class SeekerNewForm(WishesForm):
    """Register a person already in the ledger, found by ID number within the clerk's
    regions."""

    id_number = forms.CharField(label="身份证号", max_length=32)

    field_order = ["id_number", "occupations", "places", "wage_min", "available_on", "note"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label="就业状态",
        choices=[("", "请选择")]
        + [(v, label) for v, label in EmploymentStatus.choices if v != EmploymentStatus.UNKNOWN],
    )
    confirmed_on = forms.DateField(label="确认日期", widget=DATE)
    confirmed_by = forms.ChoiceField(
        label="确认方式", choices=[("", "请选择"), *ConfirmedBy.choices]
    )
    employer_name = forms.CharField(label="就业单位", required=False, max_length=128)
    workplace = forms.CharField(
        label="就业地（区划代码）",
        required=False,
        max_length=12,
        help_text="6位区划代码，如 450124（马山县）、440300（深圳市）",
    )
    note = forms.CharField(label="说明", required=False, max_length=255)


class EmployerForm(forms.Form):
    kind = forms.ChoiceField(label="单位类型", choices=EmployerKind.choices)
    name = forms.CharField(label="单位名称", max_length=128)
    uscc = forms.CharField(label="统一社会信用代码", max_length=32)
    region = forms.CharField(
        label="所在地区（区划代码）",
        max_length=12,
        help_text="6位区划代码，须在您的管辖范围内，如 450124",
    )
    workshop = forms.BooleanField(label="就业帮扶车间", required=False)
    address = forms.CharField(label="地址", required=False, max_length=255)
    contact_name = forms.CharField(label="联系人", required=False, max_length=64)
    contact_phone = forms.CharField(label="联系电话", required=False, max_length=20)


class ContactForm(forms.Form):
    """What an employer's or agency's own account may change of its unit."""

    address = forms.CharField(label="地址", required=False, max_length=255)
    contact_name = forms.CharField(label="联系人", required=False, max_length=64)
    contact_phone = forms.CharField(label="联系电话", required=False, max_length=20)


class AccountForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，字母、数字和 @.+-_"
    )
    full_name = forms.CharField(label="使用人姓名", max_length=64)
    phone = forms.CharField(label="使用人手机号", max_length=20)
