"""Login, the code step, the user's own account page, and the administrator's user pages."""

from __future__ import annotations

import base64

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from skillaid.errors import apply_errors

from . import users as services
from .capabilities import require
from .forms import CodeForm, EnrolForm, LoginForm, PasswordChangeForm, UserForm
from .middleware import EPOCH, HAS_DEVICE
from .models import AuditEntry, Role, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin site's login: SkillAid's own login and code step, never a second form.

    A signed-in user the admin site turned away (not staff) is told so here; sending
    them to the login page would send them straight back to the admin site, and round.
    """
    if request.user.is_authenticated:
        raise PermissionDenied("管理后台只供系统管理员使用。")
    return redirect(f"{resolve_url('login')}?{request.GET.urlencode()}")


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


# ---- the user's own account -------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "recovery_left": sum(
                d.token_set.count() for d in StaticDevice.objects.filter(user=user)
            ),
            "max_age": settings.SKILLAID_PASSWORD_MAX_AGE_DAYS,
            "idle_minutes": settings.SKILLAID_SESSION_IDLE_MINUTES,
            "max_hours": settings.SKILLAID_SESSION_MAX_HOURS,
        },
    )


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_change_password(user=user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, "密码已修改。")
        return redirect(_next_url(request))
    if user.must_change_password:
        intro = "这是管理员为您设置的初始密码，请先设置您自己的密码，之后才能使用系统。"
    elif user.password_expired(settings.SKILLAID_PASSWORD_MAX_AGE_DAYS):
        intro = f"您的密码已使用超过 {settings.SKILLAID_PASSWORD_MAX_AGE_DAYS} 天，请设置新密码后继续使用。"
    else:
        intro = (
            "修改后，其他设备上的登录不受影响；如怀疑密码泄露，请修改后在“我的账号”中退出所有设备。"
        )
    return render(
        request,
        "accounts/password_change.html",
        {"form": form, "intro": intro, "next": request.GET.get("next", "")},
    )


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    revoked = services.user_logout_everywhere(user=request.user)
    logout(request)
    messages.info(
        request,
        "已在所有设备上退出登录" + (f"，并吊销了您的 {revoked} 个 API 令牌。" if revoked else "。"),
    )
    return redirect("login")


# ---- second factor -----------------------------------------------------------------------


def _throttle_message(user: User) -> str | None:
    for device in django_otp.devices_for_user(user):
        allowed, info = device.verify_is_allowed()
        if not allowed and info and "locked_until" in info:
            return (
                f"验证码连续输错 {info['failure_count']} 次，请于 "
                f"{info['locked_until'].astimezone():%H:%M:%S} 之后再试。"
            )
    return None


def _match_code(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """Six digits are a TOTP code, anything else a recovery code: a recovery code never counts
    as a failed TOTP code. Each device applies its own throttle (django-otp)."""
    model = TOTPDevice if len(code) == 6 and code.isdigit() else StaticDevice
    for device in model.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = _match_code(user, form.cleaned_data["code"])
        if device is not None:
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request, f"已使用一个恢复码，还剩 {left} 个。请尽快在“我的账号”中重新生成。"
                )
            return redirect(_next_url(request))
        form.add_error("code", f"验证码不正确。{_throttle_message(user) or ''}")
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")}
    )


@login_required
def otp_enrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        messages.info(request, "您已绑定验证器；如需更换手机，请联系系统管理员重置双因素认证。")
        return redirect("account")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="验证器", confirmed=False)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            codes = services.user_confirm_totp(user=user, device=device)
            django_otp.login(request, device)
            # This session typed the code: it goes on under the new epoch.
            request.session[EPOCH] = user.session_epoch
            request.session[HAS_DEVICE] = True
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            "code", f"验证码不正确，请核对手机时间后重试。{_throttle_message(user) or ''}"
        )
    qr = segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": qr,
            "secret": base64.b32encode(device.bin_key).decode(),
            "required": user.needs_second_factor,
            "next": request.GET.get("next", ""),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        raise PermissionDenied("请先用验证码登录后再生成恢复码。")
    codes = services.user_new_recovery_codes(user=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/account/"})


# ---- users, kept by an administrator -----------------------------------------------------


def _require_admin(user: User) -> None:
    """Refuse the page before any form is shown; the services check the same capability."""
    require(user, "users.manage")


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    rows = User.objects.select_related("region", "institution").order_by("username")
    if q:
        rows = rows.filter(
            Q(username__icontains=q) | Q(full_name__icontains=q) | Q(phone__contains=q)
        )
    if role in Role.values:
        rows = rows.filter(role=role)
    page = Paginator(rows, settings.SKILLAID_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/user_list.html",
        {"page": page, "q": q, "role": role, "roles": Role.choices},
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request.user)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return render(
                request,
                "accounts/user_password.html",
                {"target": user, "password": password, "created": True},
            )
    return render(request, "form.html", {"form": form, "title": "新建用户"})


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request.user)
    target = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=target, data=form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"已保存 {target.username} 的账号信息。")
            return redirect("users")
    log = AuditEntry.objects.about(target)[:30]
    return render(
        request,
        "accounts/user_edit.html",
        {
            "form": form,
            "target": target,
            "title": f"编辑用户 {target.username}",
            "log": AuditEntry.describe_all(list(log)),
        },
    )


@login_required
@require_POST
def user_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_admin(request.user)
    target = get_object_or_404(User, pk=pk)
    try:
        if action == "deactivate":
            services.user_set_active(actor=request.user, user=target, active=False)
            messages.success(request, f"已停用 {target.username}，其登录和会话均已失效。")
        elif action == "activate":
            services.user_set_active(actor=request.user, user=target, active=True)
            messages.success(request, f"已启用 {target.username}。")
        elif action == "reset-password":
            password = services.user_reset_password(actor=request.user, user=target)
            return render(
                request,
                "accounts/user_password.html",
                {"target": target, "password": password, "created": False},
            )
        elif action == "reset-otp":
            services.user_reset_second_factor(actor=request.user, user=target)
            messages.success(
                request, f"已重置 {target.username} 的双因素认证，下次登录须重新绑定。"
            )
        else:
            raise PermissionDenied("未知操作。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("user_edit", pk=pk)
