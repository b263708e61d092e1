"""The HTTP API for other systems, with its OpenAPI schema at /api/docs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer

from skillaid.accounts.models import (
    READ_METHODS,
    TERMINAL_ROUTES,
    Action,
    ApiToken,
    Channel,
    TokenScope,
    audit,
)
from skillaid.db import sqlite_writer
from skillaid.evaluation.api import router as evaluation_router
from skillaid.institutions.api import router as institutions_router
from skillaid.people.api import router as people_router
from skillaid.regions.api import router as regions_router
from skillaid.training.api import router as training_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sk_…`, issued with `skillaid token issue USER` or on /account/tokens/.

    A revoked or expired token, or one of an inactive or locked-out user, gets 401.
    A token's scope is then checked: a read-only token makes only GET requests, a
    terminal token only signs in (POST /api/attendance) and reads sessions; other
    requests get 403 saying why.
    """

    def authenticate(self, request: HttpRequest, token: str):  # noqa: ANN201
        user = ApiToken.objects.user_for(token)
        if user is None:
            return None
        use = user.token_use
        route = _route(request)
        refusal = scope_refusal(use.scope, request.method or "", route)
        if refusal:
            raise HttpError(403, refusal)
        request.user = user
        if use.stale:
            # The first use in each interval is logged with its route: who called what, when.
            # Queued like the terminals' own writes on SQLite; one transaction for both rows.
            with sqlite_writer(), transaction.atomic():
                if ApiToken.objects.touch(use.token_id):
                    audit(
                        actor=user,
                        channel=Channel.API,
                        action=Action.TOKEN_USE,
                        object_type="api_token",
                        object_id=use.token_id,
                        note=f"{request.method} /{route}"[:255],
                    )
        return user


def _route(request: HttpRequest) -> str:
    """The route as Django resolved it (`api/sessions/<int:pk>/code`), or the path."""
    match = request.resolver_match
    return match.route if match is not None and match.route else request.path.lstrip("/")


def scope_refusal(scope: str, method: str, route: str) -> str:
    """Why a token of `scope` may not make this request, or '' if it may."""
    if scope == TokenScope.READ_WRITE:
        return ""
    if scope == TokenScope.READ:
        if method in READ_METHODS:
            return ""
        return f"此令牌为只读令牌，不能用于 {method} 请求（修改数据）；如需写入，请签发读写令牌。"
    if scope == TokenScope.TERMINAL:
        for allowed_method, prefix in TERMINAL_ROUTES:
            if method == allowed_method and route.startswith(prefix):
                return ""
        return (
            "此令牌为考勤终端令牌，只能提交签到签退（POST /api/attendance）"
            "和读取课次（GET /api/sessions/…）。"
        )
    return "此令牌的权限范围无效，请重新签发。"


api = NinjaAPI(
    title="SkillAid API",
    version="1",
    description="技能帮扶与职业技能培训信息系统接口。所有请求都需要 Bearer 令牌，只能访问令牌所属用户管辖范围内的数据。",
    auth=TokenAuth(),
    urls_namespace="api",
)
api.add_router("/people", people_router)
api.add_router("/regions", regions_router)
api.add_router("/", institutions_router)
api.add_router("/", training_router)
api.add_router("/", evaluation_router)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):  # noqa: ANN201
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(
        request, {"detail": {k: " ".join(v) for k, v in detail.items()}}, status=422
    )


@api.exception_handler(PermissionError)
def permission_error(request: HttpRequest, exc: PermissionError):  # noqa: ANN201
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied):  # noqa: ANN201
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)
