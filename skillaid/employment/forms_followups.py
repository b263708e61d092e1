"""The thin form of a return visit: raw input only; `followup_record` checks it and says why."""

from __future__ import annotations

from django import forms

from .models import ConfirmedBy, EmploymentStatus

DATE = {"type": "date"}
STATUSES = [(s.value, s.label) for s in EmploymentStatus if s != EmploymentStatus.UNKNOWN]


class FollowUpForm(forms.Form):
    on = forms.DateField(
        label="回访日期", required=False, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d")
    )
    method = forms.ChoiceField(
        label="回访方式", choices=[("", "请选择")] + ConfirmedBy.choices, required=False
    )
    status = forms.ChoiceField(
        label="就业状态", choices=[("", "请选择")] + STATUSES, required=False
    )
    employer_name = forms.CharField(
        label="就业单位", max_length=128, required=False, help_text="已就业的填写单位名称"
    )
    note = forms.CharField(
        label="回访情况",
        max_length=255,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
