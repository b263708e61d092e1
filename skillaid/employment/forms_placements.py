"""Forms of the placements pages (就业登记): what the services take, with Chinese labels."""

from __future__ import annotations

from django import forms

from .models import ConfirmedBy
from .placements import CONFIRM_MEANS

DATE = forms.DateInput(attrs={"type": "date"})


class PlacementForm(forms.Form):
    id_number = forms.CharField(label="身份证号", max_length=18)
    name = forms.CharField(label="姓名", max_length=64)
    employer_uscc = forms.CharField(label="用人单位统一社会信用代码", max_length=18, required=False)
    agency_uscc = forms.CharField(
        label="人力资源服务机构统一社会信用代码（经机构介绍的填写）", max_length=18, required=False
    )
    referral = forms.CharField(label="推荐记录编号（可不填）", max_length=12, required=False)
    job = forms.CharField(label="岗位", max_length=128)
    contract_start = forms.DateField(label="劳动合同起始日期", widget=DATE)
    contract_end = forms.DateField(label="劳动合同终止日期", widget=DATE, required=False)
    open_ended = forms.BooleanField(label="无固定期限劳动合同", required=False)
    insured_months = forms.IntegerField(label="已缴纳社会保险月数", min_value=0, initial=0)
    insured_until = forms.DateField(
        label="社保缴纳至（已缴月数大于0时必填）", widget=DATE, required=False
    )

    def __init__(self, *args, role: str = "", **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if role == "employer":
            # An employer reports a job at its own unit.
            del self.fields["employer_uscc"], self.fields["agency_uscc"]
        elif role == "agency":
            # An agency is itself.
            del self.fields["agency_uscc"]


class ConfirmForm(forms.Form):
    on = forms.DateField(label="核实日期", widget=DATE)
    means = forms.ChoiceField(label="核实方式", choices=[(m.value, m.label) for m in CONFIRM_MEANS])
    insured_months = forms.IntegerField(
        label="核实的社会保险缴费月数（变更须社保比对）", min_value=0, required=False
    )
    insured_until = forms.DateField(label="社保缴纳至", widget=DATE, required=False)


class EndForm(forms.Form):
    ended_on = forms.DateField(label="离职日期", widget=DATE)


__all__ = ["PlacementForm", "ConfirmForm", "EndForm", "ConfirmedBy"]
