"""The API token page: a user's tokens (an administrator's: everyone's), issued once and revoked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from skillaid.errors import apply_errors

from .capabilities import can
from .forms import TokenForm
from .models import ApiToken, Channel
from .tokens import token_issue, token_revoke


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
            "everyone": can(request.user, "tokens.manage"),
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
