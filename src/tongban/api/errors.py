"""Every API error is JSON `{"code", "message"}` with the right status, decided here only."""

import logging
from typing import Any

from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tongban.core.errors import DomainError

logger = logging.getLogger(__name__)


def _field_name(location: tuple[Any, ...]) -> str:
    # ninja reports ("query", "days") or ("body", "payload", "field"): keep what the caller wrote
    parts = [
        str(part)
        for part in location
        if part not in {"query", "path", "body", "payload"}
    ]
    return ".".join(parts) or "input"


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
        response = api.create_response(request, error.as_dict(), status=error.status)
        retry_after = error.extra.get("retry_after")
        if isinstance(retry_after, int):  # a refusal that says when to try again (429)
            response["Retry-After"] = str(retry_after)
        return response

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        fields = {
            _field_name(tuple(item.get("loc", ()))): str(item.get("msg", ""))
            for item in error.errors
        }
        names = "、".join(fields)
        body = {
            "code": "invalid_input",
            "message": _("输入有误：%(fields)s") % {"fields": names},
            "fields": fields,
        }
        return api.create_response(request, body, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(
        request: HttpRequest, error: AuthenticationError
    ) -> HttpResponse:
        body = {"code": "not_authenticated", "message": _("请先登录。")}
        return api.create_response(request, body, status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        body = {"code": "not_found", "message": _("未找到。")}
        return api.create_response(request, body, status=404)

    # A body, its fields or its files past Django's bounds (DATA_UPLOAD_MAX_*): 413.
    too_large: dict[type[SuspiciousOperation], Any] = {
        RequestDataTooBig: gettext_lazy("请求内容过大。"),
        TooManyFieldsSent: gettext_lazy("请求中的字段过多。"),
        TooManyFilesSent: gettext_lazy("一次上传的文件过多。"),
    }

    def request_too_large(request: HttpRequest, error: Any) -> HttpResponse:
        message = too_large[type(error)]
        body = {"code": "request_too_large", "message": str(message)}
        return api.create_response(request, body, status=413)

    for kind in too_large:
        api.add_exception_handler(kind, request_too_large)

    @api.exception_handler(Exception)
    def unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
        logger.exception("unhandled error in %s %s", request.method, request.path)
        body = {"code": "internal_error", "message": _("系统出错，请稍后重试。")}
        return api.create_response(request, body, status=500)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        if error.status_code == 400:  # ninja could not parse the body: bad input
            body = {
                "code": "invalid_body",
                "message": _("请求内容无法解析，请发送有效的 JSON 或表单。"),
            }
            return api.create_response(request, body, status=422)
        body = {"code": f"http_{error.status_code}", "message": str(error)}
        return api.create_response(request, body, status=error.status_code)


@csrf_exempt  # no endpoint: nothing to protect, and the answer is JSON, not the CSRF page
def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any /api/ address no endpoint answers: a JSON 404, like every API error."""
    body = {
        "code": "not_found",
        "message": _("没有这个接口：%(path)s") % {"path": request.path},
    }
    return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
