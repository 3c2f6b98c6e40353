"""The one place where raw request input is refused before any view sees it.

Rules, the same on SQLite and PostgreSQL and for every route:

- A NUL character (``\\x00``, ``%00``, JSON ``\\u0000``) anywhere in the path, the
  query string, a form-encoded or JSON body, or a multipart text field or file
  name answers **400** ("... contains a NUL character"). PostgreSQL cannot store
  NUL in text and SQLite would store it silently, so it is refused, not stripped.
- A query string or form-encoded body that is not UTF-8 once percent-decoded
  answers **400**; a JSON body that is not UTF-8 is invalid JSON (the API says so).
- A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (uploaded files excepted, they are
  streamed to disk and capped by the image pipeline) answers **413**.

API calls (``/api/…`` and the OAuth endpoints clients call) get Mastodon's JSON
error, ``{"error": "..."}``; web pages get the HTML error page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from django.conf import settings
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
)
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.utils.datastructures import MultiValueDict

#: OAuth endpoints that are API calls (the others, authorize and sign_in, are pages).
OAUTH_API_PATHS = frozenset({"/oauth/token", "/oauth/revoke", "/oauth/token/", "/oauth/revoke/"})


class BadInput(Exception):
    """Input refused before routing; ``status`` is 400 or 413."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def is_api_request(request: HttpRequest) -> bool:
    """True for calls whose errors must be JSON: the client API and OAuth's token endpoints."""
    path = request.path_info
    return path.startswith("/api/") or path in OAUTH_API_PATHS


def error_answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """``message`` as JSON for API calls, else as the web error page."""
    if is_api_request(request):
        from tidings.api.errors import error_response

        return error_response(status, message)
    template = "web/errors/400.html" if status == 400 else "web/errors/error.html"
    heading = "Bad request" if status == 400 else "Request too large"
    return render(
        request, template, {"status": status, "message": message, "heading": heading}, status=status
    )


def _check_percent_encoded(raw: bytes | str, where: str) -> None:
    """``raw`` (a query string or form body) decodes to UTF-8 without NUL."""
    if isinstance(raw, str):
        raw = raw.encode("latin-1", "replace")
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    if b"\x00" in decoded:
        raise BadInput(400, f"The {where} contains a NUL character.")
    try:
        decoded.decode("utf-8")
    except UnicodeDecodeError:
        raise BadInput(400, f"The {where} is not valid UTF-8.") from None


def _strings(value: Any) -> Iterator[str]:
    """Every string (keys included) inside a parsed JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def multipart_fields(request: HttpRequest) -> tuple[QueryDict, MultiValueDict]:
    """The text fields and files of a multipart body, for any method (Django parses POST only).

    Parsed once per request and kept, so that the guard and the API read the same values.
    """
    if request.method == "POST":
        return request.POST, request.FILES  # type: ignore[return-value]
    parsed = getattr(request, "_multipart_fields", None)
    if parsed is None:
        parsed = request._multipart_fields = request.parse_file_upload(request.META, request)  # type: ignore[attr-defined]
    return parsed


def _check_body(request: HttpRequest) -> None:
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        fields, files = multipart_fields(request)
        for key, values in fields.lists():
            if any("\x00" in text for text in (key, *values)):
                raise BadInput(400, "A form field contains a NUL character.")
        for upload in files.values():
            if "\x00" in (upload.name or ""):
                raise BadInput(400, "An uploaded file name contains a NUL character.")
        return
    if not request.META.get("CONTENT_LENGTH") and not request.META.get("HTTP_TRANSFER_ENCODING"):
        return
    body = request.body  # raises RequestDataTooBig past DATA_UPLOAD_MAX_MEMORY_SIZE
    if not body:
        return
    if content_type == "application/x-www-form-urlencoded":
        _check_percent_encoded(body, "form body")
    elif content_type == "application/json" or b"\x00" in body:
        if b"\x00" in body:
            raise BadInput(400, "The request body contains a NUL character.")
        if b"\\u0000" not in body:
            return
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return  # the API answers invalid JSON itself
        if any("\x00" in text for text in _strings(data)):
            raise BadInput(400, "The JSON body contains a NUL character.")


def _too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    shown = f"{limit / (1024 * 1024):g} MB" if limit >= 1024 * 1024 else f"{limit / 1024:g} KB"
    return (
        f"The request body is too large (the limit is {shown}); "
        "send long text, such as an order, as a file upload."
    )


def check_request_input(request: HttpRequest) -> None:
    """Raise ``BadInput`` if the path, query string or body breaks a rule above."""
    if "\x00" in request.path_info:
        raise BadInput(400, "The address contains a NUL character.")
    _check_percent_encoded(request.META.get("QUERY_STRING", ""), "query string")
    try:
        _check_body(request)
    except RequestDataTooBig:
        raise BadInput(413, _too_large_message()) from None
    except TooManyFieldsSent:
        raise BadInput(413, "The request has too many fields.") from None
    except (MultiPartParserError, SuspiciousOperation, BadRequest):
        raise BadInput(400, "The request body could not be read.") from None


class InputGuardMiddleware:
    """Refuses NUL bytes, broken encodings and oversized bodies with one clear 400/413."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request_input(request)
        except BadInput as refusal:
            return error_answer(request, refusal.status, refusal.message)
        return self.get_response(request)
