"""Thin forms of the students pages: raw input only; the services check it and say why."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from skillaid.institutions.models import SCHOOL_KINDS, Institution
from skillaid.subsidies.aid import TERMS

from .models import ClassType, JobOutcome, StudentStatus, Track

DATE = {"type": "date"}


class EnrolForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=64, required=False)
    id_number = forms.CharField(label="身份证号", max_length=32, required=False)
    county = forms.CharField(
        label="户籍县（区）代码",
        max_length=6,
        required=False,
        help_text="台账中没有此人时按此县（区）登记；留空按身份证号前六位",
    )
    major = forms.CharField(label="专业", max_length=64, required=False)
    class_type = forms.ChoiceField(
        label="班级类型", choices=[("", "请选择")] + ClassType.choices, required=False
    )
    track = forms.ChoiceField(label="培养方式", choices=Track.choices, required=False)
    partner_name = forms.CharField(label="合作企业/用人单位", max_length=128, required=False)
    partner_uscc = forms.CharField(label="统一社会信用代码", max_length=32, required=False)
    entered_on = forms.CharField(
        label="入学日期", required=False, widget=forms.DateInput(attrs=DATE)
    )
    expected_graduation = forms.CharField(
        label="预计毕业日期", required=False, widget=forms.DateInput(attrs=DATE)
    )
    student_number = forms.CharField(label="学号", max_length=32, required=False)
    staff_name = forms.CharField(label="帮扶责任人", max_length=64, required=False)
    staff_phone = forms.CharField(label="责任人电话", max_length=20, required=False)

    def __init__(self, *args, officer_school: int | None = None, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        if officer_school is None:
            self.fields["school"] = forms.ModelChoiceField(
                label="就读院校",
                queryset=Institution.objects.filter(kind__in=SCHOOL_KINDS).order_by("name"),
                required=False,
            )


class StatusForm(forms.Form):
    to_status = forms.ChoiceField(label="变更为", choices=[])
    on = forms.DateField(label="变动日期", widget=forms.DateInput(attrs=DATE), required=False)
    reason = forms.CharField(
        label="原因", max_length=255, required=False, help_text="休学、退学、转学须填写"
    )
    to_school = forms.ModelChoiceField(
        label="转入院校（转学时）",
        queryset=Institution.objects.filter(kind__in=SCHOOL_KINDS).order_by("name"),
        required=False,
    )

    def __init__(self, *args, moves: tuple[str, ...] = (), **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(m, StudentStatus(m).label) for m in moves]
        self.fields["on"].initial = timezone.localdate()


class GraduateForm(forms.Form):
    graduated_on = forms.DateField(
        label="毕业日期", widget=forms.DateInput(attrs=DATE), required=False
    )
    outcome = forms.ChoiceField(label="去向", choices=JobOutcome.choices)
    employer = forms.CharField(label="就业/推荐单位", max_length=128, required=False)
    job = forms.CharField(label="岗位", max_length=64, required=False)
    internship_employer = forms.CharField(label="实习单位", max_length=128, required=False)
    internship_from = forms.DateField(
        label="实习起", widget=forms.DateInput(attrs=DATE), required=False
    )
    internship_until = forms.DateField(
        label="实习止", widget=forms.DateInput(attrs=DATE), required=False
    )


class ImportForm(forms.Form):
    file = forms.FileField(label="学籍花名册（.xlsx / .xls / .csv）")


def this_term(today: dt.date) -> tuple[int, str]:
    """The term `today` falls in: from 1 September autumn, from 1 March spring."""
    if today.month >= 9:
        return today.year, "autumn"
    if today.month >= 3:
        return today.year, "spring"
    return today.year - 1, "autumn"


class AidForm(forms.Form):
    year = forms.IntegerField(label="学期开始年份", min_value=2019, max_value=2100)
    term = forms.ChoiceField(label="学期", choices=list(TERMS.items()))
