"""The referral pages: a seeker's suggested postings with the referrals made so far, the
referrals of a county (or made to an employer's own account) with their outcomes, one
referral with its outcome form, and the county's list of who is short of the rule."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.models import Channel
from skillaid.accounts.scope import Scope
from skillaid.errors import apply_errors

from .forms_referrals import OutcomeForm, ReferForm
from .models import Posting, ReferralOutcome, Seeker
from .referrals import (
    ReferralFilters,
    may_answer,
    referral_for,
    referral_list,
    referral_minimum,
    referral_outcome,
    referral_record,
    rule_text,
    short_of_referrals,
)
from .selectors_seekers import seeker_for
from .suggest import suggestions


def _minimum(seeker: Seeker, on) -> dict:  # noqa: ANN001
    minimum, version = referral_minimum(seeker.county_id, on)
    return {
        "minimum": minimum,
        "rule_text": rule_text(minimum, version),
        "needed": max(0, minimum - seeker.referrals) if minimum is not None else None,
    }


@login_required
def suggestions_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A seeker's suggested postings, each with why it fits and a 推荐 button."""
    seeker = seeker_for(request.user, pk)
    today = timezone.localdate()
    may_refer = can(request.user, "referral.record", seeker)
    form = ReferForm()
    if request.method == "POST":
        require(request.user, "referral.record", seeker)
        form = ReferForm(request.POST)
        if form.is_valid():
            posting = _posting(form.cleaned_data["posting"])
            try:
                referral_record(
                    actor=request.user,
                    channel=Channel.PAGE,
                    seeker=seeker,
                    posting=posting,
                    on=today,
                    fit=form.cleaned_data["fit"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                seeker.refresh_from_db(fields=["referrals"])
                messages.success(
                    request,
                    f"已向{seeker.person.name}推荐岗位“{posting.title}”（{posting.employer.name}），"
                    f"本轮已推荐{seeker.referrals}个",
                )
                return redirect("employment_suggestions", pk=seeker.pk)
    made = list(referral_list(request.user, filters=ReferralFilters(seeker=seeker.pk)))
    return render(
        request,
        "employment/referrals/suggestions.html",
        {
            "seeker": seeker,
            "suggestions": suggestions(seeker, on=today),
            "made": made,
            "may_refer": may_refer,
            "form": form,
            "today": today,
            **_minimum(seeker, today),
        },
    )


def _posting(pk: int) -> Posting:
    """The posting asked for, open or not (the service says why a closed one is refused)."""
    posting = Posting.objects.select_related("employer").filter(pk=pk).first()
    if posting is None:
        raise Http404("岗位不存在")
    return posting


@login_required
def referral_list_page(request: HttpRequest) -> HttpResponse:
    """The referrals in scope: a county's, or those made to an employer's own account."""
    if not (can(request.user, "seeker.read") or can(request.user, "referral.outcome")):
        require(request.user, "referral.outcome")
    filters = ReferralFilters.parse(request.GET)
    rows = referral_list(request.user, filters=filters)
    page = Paginator(rows, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "employment/referrals/list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "query": query.urlencode(),
            "outcomes": ReferralOutcome.choices,
            "outside": Scope.of(request.user).employer_id is not None,
        },
    )


@login_required
def referral_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One referral and, for whoever may answer it, the outcome form."""
    referral = referral_for(request.user, pk)
    answerable = may_answer(request.user, referral) and referral.outcome in (
        ReferralOutcome.PENDING,
        ReferralOutcome.INTERVIEW,
    )
    form = OutcomeForm(initial={"on": timezone.localdate()})
    if request.method == "POST":
        form = OutcomeForm(request.POST)
        if form.is_valid():
            try:
                referral_outcome(
                    actor=request.user,
                    channel=Channel.PAGE,
                    referral=referral,
                    outcome=form.cleaned_data["outcome"],
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "推荐结果已登记")
                return redirect("employment_referral", pk=referral.pk)
    return render(
        request,
        "employment/referrals/detail.html",
        {
            "r": referral,
            "form": form,
            "answerable": answerable,
            "outside": Scope.of(request.user).employer_id is not None,
        },
    )


SHORT_HEADERS = [
    "姓名",
    "身份证号",
    "县（区）",
    "优先推荐",
    "就业状态",
    "培训结业日期",
    "毕业日期",
    "已推荐岗位数",
    "应推荐岗位数",
    "尚需推荐",
]


@login_required
def short_page(request: HttpRequest) -> HttpResponse:
    """The county's trained-but-unemployed assisted workers still owed referrals."""
    require(request.user, "seeker.read")
    today = timezone.localdate()
    rows = short_of_referrals(request.user, on=today)
    if request.GET.get("format") == "xlsx":
        return download(
            request,
            SHORT_HEADERS,
            (
                [
                    s.person.name,
                    s.person.id_masked,
                    s.county.name,
                    "是" if s.priority else "",
                    s.get_status_display(),
                    s.trained_on,
                    s.graduated_on,
                    s.referrals,
                    s.minimum,
                    s.needed,
                ]
                for s in rows.iterator(chunk_size=2000)
            ),
            subject="推介岗位不足人员",
            object_type=Seeker,
        )
    user = request.user
    county = user.region_id if getattr(user, "region_id", None) else None
    minimum, version = referral_minimum(county, today) if county else (None, None)
    page = Paginator(rows, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "employment/referrals/short.html",
        {
            "page": page,
            "rule_text": rule_text(minimum, version) if county else "",
            "no_rule": county is not None and minimum is None,
            "may_refer": can(user, "referral.record"),
        },
    )
