from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillaid.errors import apply_errors

from .forms import AuditFilterForm, TokenForm
from .models import ApiToken, AuditEntry, Channel, Role
from .tokens import token_issue, token_revoke


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """A user's API tokens (an administrator's: everyone's); a new one is shown once, here."""
    issued = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            row, token = token_issue(
                actor=request.user,
                user=request.user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                days=form.cleaned_data["days"],
                channel=Channel.PAGE,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # Rendered, not redirected: the token must not wait in a session or a URL.
            issued = {"row": row, "token": token}
            form = TokenForm()
    tokens = ApiToken.objects.visible_to(request.user).order_by("revoked_at", "-created_at")
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "issued": issued,
            "everyone": request.user.role == "admin",
        },
    )


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.visible_to(request.user).filter(pk=pk).first()
    if token is None:
        raise Http404
    token_revoke(actor=request.user, token=token, channel=Channel.PAGE)
    messages.success(request, f"令牌“{token.name}”（{token.prefix}…）已吊销，立即失效。")
    return redirect("tokens")


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    """The whole audit log for administrators, filtered by actor, action and dates."""
    if request.user.role != Role.ADMIN:
        raise PermissionDenied("只有系统管理员可以查看全部审计日志")
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
