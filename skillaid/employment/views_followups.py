"""Pages of the follow-ups: the clerk's work list (overdue, this week, later) and the page
recording one return visit, made for a phone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Channel
from skillaid.errors import apply_errors

from .followups import GROUPS, followup_for, followup_months, followup_record, followups_due
from .forms_followups import FollowUpForm
from .models import EmploymentStatus


def _region_rule(user, today):  # noqa: ANN001, ANN202
    """The follow-up period where the user works, (None, None) without a rule there; an
    administrator, of no region, is told nothing (each county has its own answer)."""
    if not user.region_id:
        return None, None
    return followup_months(user.region_id, today)


@login_required
def followups_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "seeker.read")
    today = timezone.localdate()
    work = followups_due(request.user, on=today)
    counts = work.counts()
    group = request.GET.get("group", "")
    if group not in GROUPS:
        group = next((g for g in GROUPS if counts[g]), "overdue")
    page = Paginator(work.group(group), settings.SKILLAID_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for f in page:
        f.late_days = (today - f.due_on).days
        f.days_left = -f.late_days
    months, rule = _region_rule(request.user, today)
    return render(
        request,
        "employment/followups/list.html",
        {
            "groups": [(g, label, counts[g]) for g, label in GROUPS.items()],
            "group": group,
            "group_label": GROUPS[group],
            "page": page,
            "today": today,
            "months": months,
            "rule": rule,
            "can_record": can(request.user, "seeker.edit"),
            "rule_read": bool(request.user.region_id),
        },
    )


@login_required
def followup_page(request: HttpRequest, pk: int) -> HttpResponse:
    followup = followup_for(request.user, pk)
    require(request.user, "seeker.read", followup.seeker)
    seeker = followup.seeker
    can_record = followup.done_on is None and can(request.user, "seeker.edit", seeker)
    form = None
    if can_record:
        today = timezone.localdate()
        form = FollowUpForm(request.POST or None, initial={"on": today, "method": "phone"})
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                followup_record(
                    actor=request.user,
                    channel=Channel.PAGE,
                    followup=followup,
                    on=data["on"],
                    method=data["method"],
                    status=data["status"],
                    employer_name=data["employer_name"],
                    note=data["note"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"已登记{seeker.person.name}的回访：{EmploymentStatus(data['status']).label}",
                )
                return redirect(reverse("employment_followups"))
    elif request.method == "POST":
        require(request.user, "seeker.edit", seeker)
    return render(
        request,
        "employment/followups/record.html",
        {
            "f": followup,
            "seeker": seeker,
            "form": form,
            "today": timezone.localdate(),
            "late_days": (timezone.localdate() - followup.due_on).days,
        },
    )
