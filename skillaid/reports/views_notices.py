"""The list of a user's notices (消息提醒): unread first, each marked read when opened from
the list or all at once."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from skillaid.accounts.notices import Notice, notices_of


def notices_unread_first(user: object) -> QuerySet[Notice]:
    """The user's notices, the unread ones first, each part latest first."""
    rank = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return notices_of(user).annotate(rank=rank).order_by("rank", "-created_at", "-id")


def notice_for(user: object, pk: object) -> Notice:
    """One of the user's own notices; anyone else's is a 404, as a missing one."""
    try:
        return notices_of(user).get(pk=int(pk))
    except (ValueError, TypeError, Notice.DoesNotExist) as exc:
        raise Http404("没有找到该消息") from exc


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notices_unread_first(request.user), settings.SKILLAID_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    unread = notices_of(request.user).filter(read_at__isnull=True).count()
    return render(request, "reports/desk_notices.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read; with `go`, open what it links to."""
    notice = notice_for(request.user, pk)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
    target = notice.url if request.POST.get("go") else ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notices")


@login_required
@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    notices_of(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notices")
