"""The HTTP API for other systems, with its OpenAPI schema at /api/docs."""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, transaction
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as InvalidInput
from ninja.parser import Parser
from ninja.security import HttpBearer

from skillaid.accounts.calendar_api import router as calendar_router
from skillaid.accounts.middleware import employer_api_refusal
from skillaid.accounts.models import (
    READ_METHODS,
    TERMINAL_ROUTES,
    Action,
    ApiToken,
    Channel,
    TokenScope,
    audit,
)
from skillaid.catalogue.api import router as catalogue_router
from skillaid.db import sqlite_writer
from skillaid.evaluation.api import router as evaluation_router
from skillaid.institutions.api import router as institutions_router
from skillaid.lib import pydantic_zh
from skillaid.lib.ints import in_range
from skillaid.pairings.api import router as pairings_router
from skillaid.people.api import router as people_router
from skillaid.regions.api import router as regions_router
from skillaid.students.api import router as students_router
from skillaid.students.care_api import router as students_care_router
from skillaid.subsidies.api import router as subsidies_router
from skillaid.subsidies.application_api import router as subsidy_applications_router
from skillaid.subsidies.claim_api import router as claims_router
from skillaid.subsidies.payout_api import router as payouts_router
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
        refusal = scope_refusal(use.scope, request.method or "", route) or (
            employer_api_refusal(user, request.path_info)
        )
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
                        object_type="accounts.apitoken",
                        object_id=use.token_id,
                        note=f"{request.method} /{route}"[:255],
                    )
        return user


class BodyError(ValueError):
    """A request body that is not one JSON object."""


class ObjectParser(Parser):
    """Every JSON body this API takes is one object. A list, a string or a number would
    otherwise be read as an object with no fields (a PATCH that changes nothing and says
    200), so it is refused, as is text that is not JSON, with a message saying why."""

    def parse_body(self, request: HttpRequest) -> dict:
        try:
            data = json.loads(request.body)
        except UnicodeDecodeError as exc:
            raise BodyError("请求体不是有效的 JSON：应为 UTF-8 编码的文本") from exc
        except json.JSONDecodeError as exc:
            raise BodyError(
                f"请求体不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列有误"
            ) from exc
        except ValueError as exc:
            raise BodyError("请求体不是有效的 JSON") from exc
        if not isinstance(data, dict):
            kind = {list: "数组", str: "字符串", bool: "布尔值", type(None): "null"}.get(
                type(data), "数字"
            )
            raise BodyError(f"请求体应为 JSON 对象（{{…}}），收到的是{kind}")
        return data


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
    description=(
        "技能帮扶与职业技能培训信息系统接口。除证书查验外，所有请求都需要 Bearer 令牌，"
        "只能访问令牌所属用户管辖范围内的数据。\n\n"
        "证书查验（公开，无需令牌）：`GET /api/certificates/verify?number=证书编号&name=姓名`，"
        "其他系统（如用人单位的招聘系统）据此核验证书真伪；name 可不填，填写时同时核对姓名。"
        "返回证书信息和打码的持证人姓名；同一地址每分钟最多查询30次，超过时返回 429。"
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    parser=ObjectParser(),
)
api.add_router("/people", people_router)
api.add_router("/regions", regions_router)
api.add_router("/", calendar_router)
api.add_router("/", catalogue_router)
api.add_router("/", institutions_router)
api.add_router("/", pairings_router)
api.add_router("/", training_router)
api.add_router("/", evaluation_router)
api.add_router("/", subsidies_router)
api.add_router("/", claims_router)
api.add_router("/", subsidy_applications_router)
api.add_router("/", payouts_router)
api.add_router("/", students_router)
api.add_router("/", students_care_router)
api.add_router("/", "skillaid.matching.api.router")
api.add_router("/employment/", "skillaid.employment.api.router")
api.add_router("/reports/", "skillaid.reports.api_targets.router")


# What the API answers in Chinese where django-ninja would answer in English.
NOT_FOUND = "未找到，或不在您的管辖范围内"
UNAUTHORIZED = "需要有效的 API 令牌（Authorization: Bearer …）：令牌缺失、已过期、已吊销，或其用户已停用或被锁定"
FORBIDDEN = "您没有进行此操作的权限"


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):  # noqa: ANN201
    # The same words whether the record is missing or outside the caller's scope.
    return api.create_response(request, {"detail": NOT_FOUND}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError):  # noqa: ANN201
    return api.create_response(request, {"detail": UNAUTHORIZED}, status=401)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):  # noqa: ANN201
    """Each field's errors as one text; a field whose errors name lines of a text (a class's
    timetable) has them as a list, each with its line number: [{"line": 2, "msg": "第2行…"}]."""
    fields = exc.error_dict if hasattr(exc, "error_dict") else {"__all__": exc.error_list}
    detail: dict[str, str | list[dict]] = {}
    for name, errors in fields.items():
        if any("line" in (e.params or {}) for e in errors):
            detail[name] = [
                {"line": (e.params or {}).get("line"), "msg": next(iter(e))} for e in errors
            ]
        else:
            detail[name] = " ".join(m for e in errors for m in e)
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(InvalidInput)
def invalid_input(request: HttpRequest, exc: InvalidInput):  # noqa: ANN201
    """Fields that do not validate: each error with its `type` and `loc`, and `msg` saying
    where and why in Chinese (pydantic's English only for a caller who asks for English)."""
    if (get_language() or "").startswith("en"):
        errors = [{k: e[k] for k in ("type", "loc", "msg") if k in e} for e in exc.errors]
    else:
        errors = pydantic_zh.translate(exc.errors)
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(PermissionError)
def permission_error(request: HttpRequest, exc: PermissionError):  # noqa: ANN201
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied):  # noqa: ANN201
    return api.create_response(request, {"detail": str(exc) or FORBIDDEN}, status=403)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):  # noqa: ANN201
    # django-ninja answers any body its parser refuses with 400 "Cannot parse request body";
    # a body we refuse says why, as an unprocessable request.
    if isinstance(exc.__cause__, BodyError):
        return api.create_response(request, {"detail": str(exc.__cause__)}, status=422)
    return api.create_response(request, {"detail": exc.message}, status=exc.status_code)


def _out_of_range(request: HttpRequest):  # noqa: ANN202
    """A number beyond what the database holds: the ID in the path names nothing (404);
    a number in the query or the body is refused (422). SQLite raises OverflowError,
    PostgreSQL an out-of-range DataError; neither is a server error."""
    match = getattr(request, "resolver_match", None)
    path_numbers = [v for v in (match.kwargs.values() if match else ()) if isinstance(v, int)]
    if any(not in_range(v) for v in path_numbers):
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)
    return api.create_response(
        request, {"detail": "数值超出允许范围（最大 9223372036854775807）"}, status=422
    )


@api.exception_handler(OverflowError)
def overflow(request: HttpRequest, exc: OverflowError):  # noqa: ANN201
    return _out_of_range(request)


@api.exception_handler(DataError)
def data_error(request: HttpRequest, exc: DataError):  # noqa: ANN201
    # Only a number out of range is the caller's doing; any other DataError is a defect.
    text = str(exc).lower()
    if "out of range" not in text and "too large" not in text:
        raise exc
    return _out_of_range(request)
