"""Pages for claims: the list within scope (with its export), one claim with its lines,
its review moves and history, and computing a draft claim again."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.models import Channel
from skillaid.accounts.review import review_history, review_move

from .claims import OPEN_STATES, class_claim
from .models import ClaimKind, ClaimState
from .publication_selectors import claim_publication
from .review import claim_moves, institution_submits, levels
from .sections import claim_lines
from .selectors import ClaimFilters, claim_for, claim_list

EXPORT_HEADERS = [
    "编号",
    "申领类型",
    "培训班/申请人/企业",
    "县（区）",
    "申领日期",
    "状态",
    "明细条数",
    "应发合计（元）",
]


@login_required
def claims_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "claim.read")
    filters = ClaimFilters.parse(request.GET)
    page = Paginator(claim_list(request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "subsidies/claim_list.html",
        {
            "page": page,
            "filters": filters.as_dict(),
            "states": ClaimState.choices,
            "kinds": ClaimKind.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def claims_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "claim.read")
    filters = ClaimFilters.parse(request.GET)

    def row(claim) -> list[object]:  # noqa: ANN001
        return [
            claim.pk,
            claim.get_kind_display(),
            str(claim),
            claim.county.name,
            claim.claimed_on,
            claim.get_status_display(),
            claim.line_count,
            claim.due or Decimal("0.00"),
        ]

    return download(
        request,
        EXPORT_HEADERS,
        (row(c) for c in claim_list(request.user, filters=filters)),
        subject="补贴申领",
        object_type="subsidies.claim",
        filters=filters.as_dict(),
    )


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "claim.read")
    claim = claim_for(request.user, pk)
    return render(
        request,
        "subsidies/claim_detail.html",
        {
            "claim": claim,
            **claim_lines(claim),
            "moves": claim_moves(claim, request.user),
            "levels": levels(claim),
            "steps": review_history(claim),
            "can_recompute": claim.training_class_id
            and claim.status in OPEN_STATES
            and can(request.user, "claim.submit", claim)
            and institution_submits(claim, request.user),
            **claim_publication(claim),
            "can_resolve": can(request.user, "objection.resolve", claim),
        },
    )


@login_required
@require_POST
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    move = request.POST.get("move", "")
    chosen = next((m for m in claim_moves(claim, request.user) if m.name == move), None)
    if chosen is None:
        messages.error(request, "您现在不能对该申领办理此项审核（状态已变化或无此权限）")
        return redirect("claim_detail", pk=claim.pk)
    try:
        review_move(
            claim,
            chosen.target,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            channel=Channel.PAGE,
        )
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"{chosen.label}未办理：{text}")
    else:
        messages.success(request, f"已{chosen.label}")
    return redirect("claim_detail", pk=claim.pk)


@login_required
@require_POST
def claim_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request.user, pk)
    try:
        require(request.user, "claim.submit", claim)
        if not institution_submits(claim, request.user):
            raise PermissionDenied("培训班的补贴申领由培训机构计算和提交，县（区）人社部门负责初审")
        if claim.training_class is None:
            raise ValidationError("只有培训班的申领可以重新计算")
        class_claim(claim.training_class, actor=request.user, channel=Channel.PAGE)
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"未重新计算：{text}")
    else:
        messages.success(request, "已按现行规则和最新考勤重新计算补贴明细")
    return redirect("claim_detail", pk=claim.pk)
