"""Who opens a stream: a token (header, ``access_token`` or Sec-WebSocket-Protocol, as
Mastodon takes it), else the web session of a page of this site, else nobody."""

from __future__ import annotations

from importlib import import_module
from urllib.parse import parse_qs

from django.conf import settings
from django.contrib.auth import get_user
from django.http import HttpRequest, QueryDict

from tidings.api.auth import api_auth, check_account_usable
from tidings.lib.errors import TidingsError
from tidings.streaming.dispatch import Subscriber
from tidings.streaming.urls import allowed_origins
from tidings.visibility.middleware import request_countries


class StreamRequest(HttpRequest):
    """The Django request an ASGI scope stands for (for auth, countries and serializers)."""

    def _get_scheme(self) -> str:
        return "https" if settings.TIDINGS_HTTPS else "http"


class StreamRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def request_from_scope(scope: dict) -> StreamRequest:
    request = StreamRequest()
    request.method = "GET"
    request.path = request.path_info = scope.get("path", "")
    raw_query = scope.get("query_string", b"").decode("latin-1")
    request.GET = QueryDict(raw_query)
    request.META["QUERY_STRING"] = raw_query
    client = scope.get("client") or ("", 0)
    request.META["REMOTE_ADDR"] = client[0]
    for name, value in scope.get("headers", []):
        key = name.decode("latin-1").upper().replace("-", "_")
        key = key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else f"HTTP_{key}"
        text = value.decode("latin-1")
        request.META[key] = f"{request.META[key]},{text}" if key in request.META else text
    request.COOKIES = {}
    for part in request.META.get("HTTP_COOKIE", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name:
            request.COOKIES[name] = value
    return request


def _token(request: StreamRequest, websocket: bool) -> str:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    query = parse_qs(request.META["QUERY_STRING"])
    if query.get("access_token"):
        return query["access_token"][0]
    if websocket:
        return request.headers.get("Sec-WebSocket-Protocol", "").split(",")[0].strip()
    return ""


def _page_of_this_site(request: StreamRequest) -> bool:
    origin = request.headers.get("Origin")
    if origin is None:
        return request.headers.get("Sec-Fetch-Site", "") == "same-origin"
    return origin in allowed_origins()


def authenticate(scope: dict, websocket: bool) -> Subscriber:
    """The subscriber for this connection; :class:`StreamRefused` for a bad token."""
    request = request_from_scope(scope)
    countries = request_countries(request)
    raw = _token(request, websocket)
    if raw:
        request.META["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        request.__dict__.pop("headers", None)  # read before; now it carries the token
        try:
            auth = api_auth(request)
        except TidingsError as error:
            raise StreamRefused(error.status, error.message) from None
        account_id = auth.account.id if auth.account else None
        return Subscriber(account_id, countries, request, auth.scopes)
    if settings.SESSION_COOKIE_NAME in request.COOKIES and _page_of_this_site(request):
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES[settings.SESSION_COOKIE_NAME])
        user = get_user(request)
        if user.is_authenticated:
            try:
                check_account_usable(user)
            except TidingsError as error:
                raise StreamRefused(403, error.message) from None
            return Subscriber(user.id, countries, request, frozenset({"read"}))
    return Subscriber(None, countries, request)
