"""Errors as Mastodon answers them: ``{"error": "..."}`` with 401/403/404/422/429 (451 when the law is the reason)."""

from __future__ import annotations

from collections.abc import Callable

import orjson
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from tidings.api.serializers import base_url
from tidings.lib.errors import TidingsError
from tidings.lib.input_guard import is_api_request


class ApiError(TidingsError):
    """An API refusal with an explicit status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Unauthorized(ApiError):
    def __init__(self, message: str = "The access token is invalid") -> None:
        super().__init__(401, message)


class Forbidden(ApiError):
    def __init__(self, message: str = "This action is outside the authorized scopes") -> None:
        super().__init__(403, message)


def error_response(status: int, message: str, **extra: object) -> HttpResponse:
    response = HttpResponse(
        orjson.dumps({"error": message, **extra}), status=status, content_type="application/json"
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    return response


def _validation_message(error: NinjaValidationError) -> str:
    parts = []
    for item in error.errors[:5]:
        where = ".".join(str(p) for p in item.get("loc", ())[1:]) or "request"
        parts.append(f"{where}: {item.get('msg', 'is invalid')}")
    return "Validation failed: " + "; ".join(parts)


def install_handlers(api: NinjaAPI) -> None:
    """Turn every expected failure into a Mastodon-style JSON error."""

    @api.exception_handler(TidingsError)
    def tidings_error(request: HttpRequest, exc: TidingsError) -> HttpResponse:
        notice = getattr(exc, "notice_url", "")
        if exc.status != 451 or not notice:
            return error_response(exc.status, exc.message)
        absolute = base_url(request) + notice
        response = error_response(exc.status, exc.message, notice_url=absolute)
        response["Link"] = f'<{notice}>; rel="blocked-by"'
        return response

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return error_response(422, _validation_message(exc))

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error_response(401, "The access token is invalid")

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(exc.status_code, str(exc))

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "Record not found")


#: Headers of a refusal that still mean something once the body is JSON.
_KEPT_HEADERS = ("Allow", "Retry-After", "Link", "WWW-Authenticate", "Vary", "Cache-Control")


class JsonApiErrorsMiddleware:
    """Every error answer to an API call is JSON (``{"error": "..."}``), whoever produced it.

    Django's own refusals (405 from ``require_POST``, 400 from ``SuspiciousOperation``,
    the 500 page) are HTML; clients of ``/api/…`` and ``/oauth/token`` read JSON.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
            or getattr(response, "streaming", False)
            or not is_api_request(request)
        ):
            return response
        message = {405: "Method not allowed", 500: "Internal server error"}.get(
            response.status_code, response.reason_phrase
        )
        answer = error_response(response.status_code, message)
        for header in _KEPT_HEADERS:
            if header in response:
                answer[header] = response[header]
        return answer
