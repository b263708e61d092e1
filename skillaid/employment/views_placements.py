"""Pages of placements (就业登记) and the agency service subsidy: the list with its export,
a new placement, one placement with the county's confirmation and its subsidy line (or
why none), and the county's agency claims with the placements waiting for confirmation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.exports import download
from skillaid.accounts.models import Channel, Role
from skillaid.accounts.scope import Scope
from skillaid.errors import apply_errors
from skillaid.subsidies.models import Claim, ClaimKind

from .forms_placements import ConfirmForm, EndForm, PlacementForm
from .models import Placement
from .placements import (
    PlacementFilters,
    agencies_in,
    may_reassess,
    placement_confirm,
    placement_end,
    placement_for,
    placement_list,
    placement_reassess,
    placement_record,
    placements_visible_to,
    sees_subsidy,
    subsidy_of,
)

HEADERS = [
    "姓名",
    "身份证号",
    "县（区）",
    "用人单位",
    "人力资源服务机构",
    "岗位",
    "劳动合同起",
    "劳动合同止",
    "社保月数",
    "核实日期",
    "核实方式",
    "离职日期",
]


def _may_read(user) -> None:  # noqa: ANN001
    if not (can(user, "placement.record") or can(user, "seeker.read")):
        raise PermissionDenied("您的角色不能查看就业登记")


def _outside(user) -> bool:  # noqa: ANN001
    return user.role in (Role.EMPLOYER, Role.AGENCY)


@login_required
def placements_page(request: HttpRequest) -> HttpResponse:
    _may_read(request.user)
    filters = PlacementFilters.from_query(request.GET)
    rows = placement_list(request.user, filters=filters)
    page = Paginator(rows, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "employment/placements/list.html",
        {
            "page": page,
            "filters": filters,
            "query": query.urlencode(),
            "agencies": agencies_in(request.user) if not _outside(request.user) else [],
            "can_record": can(request.user, "placement.record"),
        },
    )


def placement_row(p: Placement) -> list[object]:
    return [
        p.seeker.person.name,
        p.seeker.person.id_masked,
        p.county.name,
        p.employer.name,
        p.agency.name if p.agency_id else "",
        p.job,
        p.contract_start,
        "无固定期限" if p.open_ended else p.contract_end,
        p.insured_months,
        p.confirmed_on or "",
        p.get_confirm_means_display() if p.confirm_means else "",
        p.ended_on or "",
    ]


@login_required
def placements_export(request: HttpRequest) -> HttpResponse:
    _may_read(request.user)
    filters = PlacementFilters.from_query(request.GET)
    rows = placement_list(request.user, filters=filters)
    return download(
        request,
        HEADERS,
        (placement_row(p) for p in rows.iterator(chunk_size=2000)),
        subject="就业登记",
        object_type=Placement,
        filters={
            "核实": {"1": "已核实", "0": "待核实"}.get(filters.confirmed, ""),
            "机构": filters.agency,
            "查询": filters.q,
        },
    )


@login_required
def placement_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "placement.record")
    form = PlacementForm(request.POST or None, role=request.user.role)
    if request.method == "POST" and form.is_valid():
        data = {**form.cleaned_data}
        data["open_ended"] = "1" if data.get("open_ended") else ""
        try:
            placement = placement_record(actor=request.user, channel=Channel.PAGE, data=data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "就业登记已保存，待人员所在县（区）人社部门核实")
            return redirect("employment_placement", placement.pk)
    intro = {
        Role.EMPLOYER: "登记本单位录用人员的就业情况；人员须已在台账登记。",
        Role.AGENCY: "登记本机构介绍到已登记用人单位就业的人员；核实后符合条件的生成就业创业服务补助明细。",
    }.get(request.user.role, "登记本县（区）人员的就业情况；由本县（区）其他经办人员核实。")
    return render(request, "form.html", {"form": form, "title": "就业登记", "intro": intro})


@login_required
def placement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement = placement_for(request.user, pk)
    may_confirm = (
        placement.confirmed_on is None
        and can(request.user, "placement.confirm", placement)
        and placement.reported_by_id != request.user.pk
    )
    may_end = placement.ended_on is None and can(request.user, "placement.record", placement)
    confirm_form = ConfirmForm(
        initial={
            "on": timezone.localdate(),
            "insured_months": placement.insured_months,
            "insured_until": placement.insured_until,
        }
    )
    end_form = EndForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                confirm_form = ConfirmForm(request.POST)
                if confirm_form.is_valid():
                    c = confirm_form.cleaned_data
                    placement, result = placement_confirm(
                        actor=request.user,
                        channel=Channel.PAGE,
                        placement=placement,
                        on=c["on"],
                        means=c["means"],
                        insured_months=c.get("insured_months"),
                        insured_until=c.get("insured_until"),
                    )
                    messages.success(request, "已核实该就业登记")
                    return redirect("employment_placement", placement.pk)
            elif action == "reassess":
                result = placement_reassess(
                    actor=request.user, channel=Channel.PAGE, placement=placement
                )
                if result.line is not None:
                    messages.success(request, "已按核实日有效的补助规则生成补助明细")
                else:
                    messages.error(
                        request,
                        "重新审核后仍不符合条件：" + "；".join(result.assessment.shortfalls),
                    )
                return redirect("employment_placement", placement.pk)
            elif action == "end":
                end_form = EndForm(request.POST)
                if end_form.is_valid():
                    placement_end(
                        actor=request.user,
                        channel=Channel.PAGE,
                        placement=placement,
                        ended_on=end_form.cleaned_data["ended_on"],
                    )
                    messages.success(request, "已登记离职")
                    return redirect("employment_placement", placement.pk)
        except ValidationError as exc:
            if action == "reassess":
                messages.error(request, "；".join(exc.messages))
            else:
                apply_errors(confirm_form if action == "confirm" else end_form, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    show_subsidy = sees_subsidy(request.user, placement)
    line, why = subsidy_of(placement) if show_subsidy else (None, [])
    if line is not None and _outside(request.user):
        # The agency sees its line's state and amount, not the claim page (bureaus' own).
        claim_link = False
    else:
        claim_link = line is not None and can(request.user, "claim.read")
    return render(
        request,
        "employment/placements/detail.html",
        {
            "p": placement,
            "line": line,
            "why": why,
            "show_subsidy": show_subsidy,
            "may_reassess": show_subsidy and may_reassess(request.user, placement),
            "claim_link": claim_link,
            "may_confirm": may_confirm,
            "own_report": placement.confirmed_on is None
            and placement.reported_by_id == request.user.pk
            and can(request.user, "placement.confirm", placement),
            "may_end": may_end,
            "confirm_form": confirm_form,
            "end_form": end_form,
        },
    )


@login_required
def agency_claims(request: HttpRequest) -> HttpResponse:
    """The county's agency service-subsidy claims and the agencies' placements still to confirm."""
    require(request.user, "claim.read")
    scope = Scope.of(request.user)
    claims = scope.filter(
        Claim.objects.filter(kind=ClaimKind.AGENCY_SERVICE).select_related("county"),
        region="county__code",
    ).order_by("-period_from", "-id")[:200]
    waiting = (
        placements_visible_to(request.user)
        .filter(confirmed_on__isnull=True, agency__isnull=False)
        .order_by("contract_start", "id")[:200]
    )
    return render(
        request,
        "employment/placements/agency_claims.html",
        {"claims": claims, "waiting": waiting},
    )
