"""The calendar pages (节假日安排): the years working days are counted from, one year's
holidays and make-up working days, and the form an administrator enters a year with."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from skillaid.errors import apply_errors
from skillaid.lib.holiday_lines import EXAMPLE, weekday_name

from .capabilities import can, require
from .history import describe
from .holidays import (
    FIRST_YEAR,
    LAST_YEAR,
    TEXT_MAX,
    CalendarSource,
    CalendarYear,
    DayKind,
    calendar_year_enter,
    missing_years_note,
)
from .models import AuditEntry, Channel

DAYS_HELP = (
    "每行一项：日期（或“起始日期至结束日期”）、节日名称、“休”或“班”，如"
    f"{EXAMPLE}；“班”只用于要上班的周六、周日。其余周一至周五为工作日，周六、周日休息。"
)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    days = forms.CharField(
        label="放假和调休上班日期",
        help_text=DAYS_HELP,
        widget=forms.Textarea(
            attrs={"rows": 14, "placeholder": "2028-01-01 元旦 休\n2028-02-06 春节 班"}
        ),
        strip=False,
        max_length=TEXT_MAX,
    )
    basis = forms.CharField(
        label="依据",
        required=False,
        max_length=255,
        help_text="如：国务院办公厅关于2028年部分节假日安排的通知",
    )

    def __init__(self, *args, year: int | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fixed_year = year
        if year is not None:
            del self.fields["year"]
            self.fields["days"].label = f"{year}年放假和调休上班日期"


@login_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "calendar.read")
    # Newest first: an aggregate query leaves out the model's ordering, so it is said here.
    years = (
        CalendarYear.objects.select_related("recorded_by")
        .annotate(
            holidays=Count("days", filter=Q(days__kind=DayKind.HOLIDAY)),
            workdays=Count("days", filter=Q(days__kind=DayKind.WORKDAY)),
        )
        .order_by("-year")
    )
    known = {y.year for y in years}
    this_year = timezone.localdate().year
    return render(
        request,
        "accounts/calendar_list.html",
        {
            "years": years,
            "note": missing_years_note(),
            "missing": [y for y in (this_year, this_year + 1) if y not in known],
            "can_edit": can(request.user, "calendar.edit"),
        },
    )


def _history(row: CalendarYear) -> list[dict]:
    """The year's log: who changed it when, each change of its days as the lines dropped
    and the lines added."""
    history = []
    for entry in AuditEntry.objects.about(row).select_related("actor"):
        others = {k: v for k, v in (entry.changes or {}).items() if k != "days"}
        before, after = (entry.changes or {}).get("days") or [None, None]
        before, after = before or [], after or []
        history.append(
            {
                "entry": entry,
                "changes": describe(entry.object_type, others),
                "removed": [line for line in before if line not in after],
                "added": [line for line in after if line not in before],
            }
        )
    return history


@login_required
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    require(request.user, "calendar.read")
    row = get_object_or_404(CalendarYear.objects.select_related("recorded_by"), year=year)
    days = [(d, weekday_name(d.date)) for d in row.days.all()]
    return render(
        request,
        "accounts/calendar_year.html",
        {
            "row": row,
            "days": days,
            "holidays": sum(d.kind == DayKind.HOLIDAY for d, _ in days),
            "workdays": sum(d.kind == DayKind.WORKDAY for d, _ in days),
            "history": _history(row),
            "can_edit": can(request.user, "calendar.edit"),
        },
    )


def _enter(request: HttpRequest, form: CalendarYearForm) -> CalendarYear | None:
    """The form's year stored through the service, or None with its refusals on the form."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        return calendar_year_enter(
            actor=request.user,
            channel=Channel.PAGE,
            year=form.fixed_year or data["year"],
            text=data["days"],
            basis=data["basis"],
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return None


@login_required
def calendar_year_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "calendar.edit")
    initial = {}
    asked = request.GET.get("year", "")
    if asked.isdigit():
        initial["year"] = int(asked)
    form = CalendarYearForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        if CalendarYear.objects.filter(year=year).exists():
            form.add_error("year", f"{year}年的节假日安排已录入，请打开该年度页面修改")
        elif (row := _enter(request, form)) is not None:
            messages.success(request, f"已录入{row.year}年节假日安排")
            return redirect("calendar_year", year=row.year)
    return render(
        request,
        "form.html",
        {
            "form": form,
            "title": "录入节假日安排",
            "intro": "国务院办公厅公布下一年的放假安排后，在此逐行录入放假日期和调休上班日期。"
            "有任何一行有误时，整年都不保存，请按各行旁的提示修改。",
        },
    )


@login_required
def calendar_year_edit(request: HttpRequest, year: int) -> HttpResponse:
    require(request.user, "calendar.edit")
    row = get_object_or_404(CalendarYear, year=year)
    form = CalendarYearForm(
        request.POST or None,
        year=row.year,
        initial={"days": "\n".join(row.lines()), "basis": row.basis},
    )
    if request.method == "POST" and (saved := _enter(request, form)) is not None:
        messages.success(request, f"已保存{saved.year}年节假日安排")
        return redirect("calendar_year", year=saved.year)
    intro = "保存后以本次填写的内容替换该年原有的全部放假和调休上班日期，并记入变更记录。"
    if row.source == CalendarSource.SEEDED:
        intro += "该年度原由 chinese-calendar 预置；保存后改为系统管理员录入，系统启动时不再更新。"
    return render(
        request,
        "form.html",
        {"form": form, "title": f"修改{row.year}年节假日安排", "intro": intro},
    )
