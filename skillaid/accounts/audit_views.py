"""The whole audit log, for administrators."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .capabilities import require
from .forms import AuditFilterForm
from .models import AuditEntry


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The whole audit log for administrators, filtered by actor, action and dates."""
    require(request.user, "audit.read_all")
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.none()
    if not form.is_bound:
        entries = AuditEntry.objects.all()
    elif form.is_valid():
        entries = AuditEntry.objects.matching(**form.cleaned_data)
    page = Paginator(entries.order_by("-id"), settings.SKILLAID_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    AuditEntry.describe_all(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_list.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
