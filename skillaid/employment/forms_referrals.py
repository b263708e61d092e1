"""Forms of the referral pages: recommending a posting, recording what came of it."""

from __future__ import annotations

from django import forms

from .models import ReferralOutcome


class ReferForm(forms.Form):
    posting = forms.IntegerField(widget=forms.HiddenInput)
    fit = forms.CharField(required=False, max_length=255, widget=forms.HiddenInput)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="推荐结果",
        choices=[("", "请选择")]
        + [(o.value, o.label) for o in ReferralOutcome if o != ReferralOutcome.PENDING],
    )
    on = forms.DateField(label="结果日期", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="原因",
        required=False,
        max_length=255,
        help_text="本人未接受、单位未录用时必填",
    )
