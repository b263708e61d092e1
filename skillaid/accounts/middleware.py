"""What stands between a logged-in session and the pages: timeouts, logout everywhere, the
second factor and a password that must be changed (等保 2.0 level 3).

Sessions carry three numbers set at login (`start_session`): when the login happened, when
the session was last used and the user's session epoch at the time. A session past either
timeout, or from before the user's "logout everywhere", is ended here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django_otp import user_has_device

from .models import Role

AUTH_AT = "skillaid_auth_at"
SEEN_AT = "skillaid_seen_at"
EPOCH = "skillaid_epoch"
# Whether the user had a second-factor device at login: read from the session, it spares
# the clerks without one two device queries per page. Enrolling or resetting a device
# raises the session epoch, so no session outlives a change of this answer.
HAS_DEVICE = "skillaid_has_device"
# The last-seen time is written at most this often: one session write a minute, not one
# per request, at the cost of an idle timeout that may run up to a minute long.
SEEN_RESOLUTION = 60


def start_session(sender, request: HttpRequest, user, **kwargs) -> None:  # noqa: ANN001
    """Connected to `user_logged_in`."""
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now
    request.session[EPOCH] = user.session_epoch
    request.session[HAS_DEVICE] = user_has_device(user)


# Pages a user may reach before each step is done (besides static files).
OTP_VERIFY_PATHS = ("otp_verify", "logout")
OTP_ENROL_PATHS = ("otp_enrol", "logout")
PASSWORD_PATHS = ("password_change", "logout")
# The only pages the person themselves (Role.PERSON) may open once signed in: their own
# record, their password, signing out, and the public pages (certificate check, class
# sign-in, account opening). Everything else, today's pages and any added later, answers
# 403 for them: an allow-list, so a new page is closed to them until it is listed. The
# apps above that own such a page list it from their ready() (person_pages_register).
PERSON_PATHS: set[str] = {"login", "logout", "logout_everywhere", "password_change"}
_PERSON_HOME: list[str] = []


def person_pages_register(*names: str, home: str | None = None) -> None:
    """Open the pages (URL names) to a person's own account; `home` is where their home
    page sends them."""
    PERSON_PATHS.update(names)
    if home is not None:
        PERSON_PATHS.add(home)
        _PERSON_HOME[:] = [home]


# The pages an employer's or an agency's account (Role.EMPLOYER, Role.AGENCY) may open,
# the same way: an allow-list the employment app fills from its ready()
# (employer_pages_register), with the API paths under the prefixes it names.
EMPLOYER_PATHS: set[str] = {
    "login",
    "logout",
    "logout_everywhere",
    "password_change",
    # Their own account: its second factor and its API tokens (a unit's system posts jobs
    # through the employment API; api.TokenAuth keeps such a token to those paths).
    "account",
    "otp_enrol",
    "otp_verify",
    "recovery_codes",
    "tokens",
    "token_revoke",
}
EMPLOYER_API_PREFIXES: list[str] = []
_EMPLOYER_HOME: list[str] = []


def employer_api_refusal(user, path: str) -> str:  # noqa: ANN001
    """Why an employer's or agency's account may not call the API at `path` ('' if it
    may): only the paths under the employment prefixes are theirs. An inspector's account
    has no API at all."""
    if user.role == Role.INSPECTOR:
        return "检查人员账户不能使用接口"
    if user.role not in (Role.EMPLOYER, Role.AGENCY):
        return ""
    if any(path.startswith(prefix) for prefix in EMPLOYER_API_PREFIXES):
        return ""
    return "用人单位和人力资源服务机构账户只能使用就业服务接口"


def employer_pages_register(
    *names: str, home: str | None = None, api_prefix: str | None = None
) -> None:
    """Open the pages (URL names) to employers' and agencies' accounts; `home` is where
    their home page sends them; `api_prefix` opens the API paths under it."""
    EMPLOYER_PATHS.update(names)
    if home is not None:
        EMPLOYER_PATHS.add(home)
        _EMPLOYER_HOME[:] = [home]
    if api_prefix is not None and api_prefix not in EMPLOYER_API_PREFIXES:
        EMPLOYER_API_PREFIXES.append(api_prefix)


# The pages an inspector's account (Role.INSPECTOR) may open, the same way: an allow-list
# the reports app fills from its ready() (inspector_pages_register). No API.
INSPECTOR_PATHS: set[str] = {
    "login",
    "logout",
    "logout_everywhere",
    "password_change",
    "account",
    "otp_enrol",
    "otp_verify",
    "recovery_codes",
}
_INSPECTOR_HOME: list[str] = []


def inspector_pages_register(*names: str, home: str | None = None) -> None:
    """Open the pages (URL names) to inspectors' accounts; `home` is where their home page
    sends them."""
    INSPECTOR_PATHS.update(names)
    if home is not None:
        INSPECTOR_PATHS.add(home)
        _INSPECTOR_HOME[:] = [home]


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        response = self.gate(request, user) or self.get_response(request)
        # A signed-in page holds personal data or a secret shown once (a new token, an
        # initial password, recovery codes): no browser or proxy may keep a copy.
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response

    def gate(self, request: HttpRequest, user) -> HttpResponse | None:  # noqa: ANN001
        session = request.session
        now = int(time.time())
        auth_at = session.get(AUTH_AT)
        seen_at = session.get(SEEN_AT)
        if auth_at is None or seen_at is None:
            return self.end(request, "会话已失效，请重新登录。")
        if now - auth_at > settings.SKILLAID_SESSION_MAX_HOURS * 3600:
            return self.end(
                request, f"登录已超过 {settings.SKILLAID_SESSION_MAX_HOURS} 小时，请重新登录。"
            )
        if now - seen_at > settings.SKILLAID_SESSION_IDLE_MINUTES * 60:
            return self.end(
                request,
                f"已有 {settings.SKILLAID_SESSION_IDLE_MINUTES} 分钟没有操作，为安全起见已退出，请重新登录。",
            )
        if session.get(EPOCH) != user.session_epoch:
            return self.end(request, "您的账号已在所有设备上退出，请重新登录。")
        if now - seen_at >= SEEN_RESOLUTION:
            session[SEEN_AT] = now

        if request.path_info.startswith(settings.STATIC_URL):
            return None
        try:
            # The view's full name: the admin site's own password_change is
            # "admin:password_change", not ours.
            name = resolve(request.path_info).view_name
        except Resolver404:
            name = None
        # A step still to do: only its own page opens, and pages leave out the menu.
        if not user.is_verified():
            if session.get(HAS_DEVICE):
                request.account_pending = True
                if name not in OTP_VERIFY_PATHS:
                    return self.redirect(request, "otp_verify", "请输入动态验证码。")
                return None
            if user.needs_second_factor:
                request.account_pending = True
                if name not in OTP_ENROL_PATHS:
                    return self.redirect(request, "otp_enrol", "您的角色须启用双因素认证。")
                return None
        if user.must_change_password or user.password_expired(
            settings.SKILLAID_PASSWORD_MAX_AGE_DAYS
        ):
            request.account_pending = True
            if name not in PASSWORD_PATHS:
                return self.redirect(request, "password_change", "请先修改密码。")
        if user.role == Role.PERSON and name not in PERSON_PATHS:
            return self.person_elsewhere(request, name)
        if user.role in (Role.EMPLOYER, Role.AGENCY) and name not in EMPLOYER_PATHS:
            return self.employer_elsewhere(request, name)
        if user.role == Role.INSPECTOR and name not in INSPECTOR_PATHS:
            return self.inspector_elsewhere(request, name)
        return None

    def inspector_elsewhere(self, request: HttpRequest, name: str | None) -> HttpResponse:
        """An inspector asked for a page not open to them: their own list for the home page,
        a refusal (403, or 404 for no page at all) for anything else."""
        if name == "home" and _INSPECTOR_HOME:
            return HttpResponseRedirect(reverse(_INSPECTOR_HOME[0]))
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": "检查人员账户不能使用接口"}, status=403)
        if name is None:
            raise Http404("页面不存在")
        raise PermissionDenied("检查人员账户只能查看抽取给本人的检查对象并登记检查结果。")

    def employer_elsewhere(self, request: HttpRequest, name: str | None) -> HttpResponse | None:
        """An employer's or agency's account asked for a page not open to it: its own home
        for the home page, the API under the employment prefixes, a refusal otherwise."""
        path = request.path_info
        if path.startswith("/api/"):
            refusal = employer_api_refusal(request.user, path)
            return JsonResponse({"detail": refusal}, status=403) if refusal else None
        if name == "home" and _EMPLOYER_HOME:
            return HttpResponseRedirect(reverse(_EMPLOYER_HOME[0]))
        if name is None:
            raise Http404("页面不存在")
        raise PermissionDenied(
            "用人单位和人力资源服务机构账户只能办理本单位的招聘岗位、推荐和就业登记。"
        )

    def person_elsewhere(self, request: HttpRequest, name: str | None) -> HttpResponse:
        """A person's own account asked for a page that is not theirs: their record for the
        home page, a refusal (403, or 404 for no page at all) for anything else."""
        if name == "home" and _PERSON_HOME:
            return HttpResponseRedirect(reverse(_PERSON_HOME[0]))
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": "本人账户不能使用接口"}, status=403)
        if name is None:
            raise Http404("页面不存在")
        raise PermissionDenied("本人账户只能查看本人的档案。")

    def end(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=401)
        messages.info(request, message)
        return HttpResponseRedirect(
            reverse("login") + "?" + urlencode({"next": request.get_full_path()})
        )

    def redirect(self, request: HttpRequest, to: str, message: str) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        url = reverse(to)
        if request.method == "GET" and request.path_info != "/":
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
