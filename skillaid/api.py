"""The HTTP API for other systems, with its OpenAPI schema at /api/docs."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from skillaid.accounts.models import ApiToken
from skillaid.evaluation.api import router as evaluation_router
from skillaid.institutions.api import router as institutions_router
from skillaid.people.api import router as people_router
from skillaid.regions.api import router as regions_router
from skillaid.training.api import router as training_router


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sk_…`, issued with `skillaid issue-token USER`."""

    def authenticate(self, request: HttpRequest, token: str):  # noqa: ANN201
        user = ApiToken.objects.user_for(token)
        if user is not None:
            request.user = user
        return user


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
