"""The API speaks the caller's language (Accept-Language), not the pages' URL prefix, and
answers every refusal as JSON."""

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class ApiLanguageMiddleware:
    """Pages choose the language by URL (/en/…); API clients say it in Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request, check_path=False)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class ApiMethodNotAllowedMiddleware:
    """A method no endpoint at an /api/ address takes is a JSON 405, like every API error
    (the router answers an empty HTML one), with the `Allow` header kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == HTTPStatus.METHOD_NOT_ALLOWED
            and request.path_info.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            answer = JsonResponse(
                {
                    "code": "method_not_allowed",
                    "message": _("该接口不接受 %(method)s 请求。")
                    % {"method": request.method},
                },
                status=HTTPStatus.METHOD_NOT_ALLOWED,
                json_dumps_params={"ensure_ascii": False},
            )
            if response.has_header("Allow"):
                answer["Allow"] = response["Allow"]
            return answer
        return response
