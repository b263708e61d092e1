"""Pages of the monthly monitoring (每月监测): the month's list of a school or a county, and a
student's record form and history."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Channel

from .models import Help
from .monitoring import (
    monitored_enrolment_for,
    monitoring_due,
    monitoring_history,
    month_label,
    month_start,
    monthly_record_save,
    next_month,
    parse_month,
    previous_month,
)


class RecordForm(forms.Form):
    grades = forms.CharField(label="学业成绩", required=False, max_length=64)
    attendance_rate = forms.DecimalField(
        label="出勤率（%）", required=False, min_value=0, max_value=100, decimal_places=1
    )
    study_difficulty = forms.CharField(
        label="学习困难",
        required=False,
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="没有困难请留空",
    )
    living_difficulty = forms.CharField(
        label="生活困难",
        required=False,
        max_length=255,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="没有困难请留空",
    )
    help_given = forms.MultipleChoiceField(
        label="帮扶措施",
        required=False,
        choices=Help.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    help_note = forms.CharField(label="帮扶情况", required=False, max_length=255)
    resolved = forms.BooleanField(label="此前记录的困难已解决", required=False)
    staff_name = forms.CharField(
        label="监测人", required=False, max_length=64, help_text="默认为该生的帮扶责任人"
    )


def _month_of(request: HttpRequest) -> tuple[dt.date, str]:
    today = timezone.localdate()
    text = request.GET.get("month", "")
    month = parse_month(text) if text else month_start(today)
    if month is None:
        return month_start(today), f"月份“{text}”无效（应为 2026-03 的格式），已显示本月"
    if month > month_start(today):
        return month_start(today), f"{month_label(month)}尚未到来，已显示本月"
    return month, ""


@login_required
def monitoring_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "monitoring.read")
    month, error = _month_of(request)
    listing = monitoring_due(request.user, month)
    this_month = month_start(timezone.localdate())
    return render(
        request,
        "students/monitoring.html",
        {
            "listing": listing,
            "month": month,
            "error": error,
            "previous": previous_month(month),
            "next": next_month(month) if month < this_month else None,
            "may_record": can(request.user, "monitoring.record"),
        },
    )


@login_required
def monitoring_student(request: HttpRequest, pk: int) -> HttpResponse:
    """A student's record for a month (this month unless ?month=) and their history."""
    enrolment = monitored_enrolment_for(request.user, pk)
    month, error = _month_of(request)
    may_record = can(request.user, "monitoring.record", enrolment)
    record = enrolment.monthly_records.filter(month=month).first()
    initial = {"staff_name": enrolment.staff_name}
    if record is not None:
        initial = {name: getattr(record, name) for name in RecordForm.base_fields}
    form = RecordForm(request.POST or None, initial=initial)
    if request.method == "POST":
        require(request.user, "monitoring.record", enrolment)
        if form.is_valid():
            try:
                monthly_record_save(
                    actor=request.user,
                    channel=Channel.PAGE,
                    enrolment=enrolment,
                    month=month,
                    data=form.cleaned_data,
                )
            except ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(
                    request, f"已保存{enrolment.person.name}{month_label(month)}的监测记录"
                )
                return redirect(f"{reverse('monitoring')}?month={month:%Y-%m}")
    return render(
        request,
        "students/monitoring_student.html",
        {
            "enrolment": enrolment,
            "person": enrolment.person,
            "month": month,
            "error": error,
            "record": record,
            "form": form if may_record else None,
            "history": monitoring_history(enrolment),
        },
    )
