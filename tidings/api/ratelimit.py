"""Mastodon's rate limits: fixed-window counters in the shared ``ratelimit`` cache, reported in ``X-RateLimit-*`` headers."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse

from tidings.api.auth import api_auth
from tidings.api.errors import ApiError, error_response
from tidings.api.params import request_params
from tidings.lib.shared_counters import SharedCounterCache
from tidings.visibility.country import client_address

#: Mastodon's defaults as (requests, seconds); ``settings.TIDINGS_RATE_LIMIT_RULES`` overrides them.
DEFAULT_RULES: dict[str, tuple[int, int]] = {
    "api": (300, 5 * 60),
    "sign_up": (5, 30 * 60),
    "statuses": (300, 3 * 60 * 60),
    "password_grant": (25, 5 * 60),
}

#: Where windows are cut from; a module attribute so that tests can move time forward.
clock: Callable[[], float] = time.time

Caller = Callable[[HttpRequest], str | None]
Run = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Hit:
    """One counted request: how many the window allows, how many it has seen, when it ends."""

    limit: int
    count: int
    reset: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def rule(name: str) -> tuple[int, int]:
    """(requests, seconds) of a named limit."""
    overrides = getattr(settings, "TIDINGS_RATE_LIMIT_RULES", None) or {}
    return overrides.get(name) or DEFAULT_RULES[name]


def count_request(name: str, caller: str) -> Hit:
    """Count one request of ``caller`` against limit ``name``.

    One cache increment; opening a window adds an ``add``. The machine-local
    :class:`SharedCounterCache` (no Redis) does both in one call. Windows are aligned to the epoch, as Rack::Attack cuts them for Mastodon.
    """
    limit, period = rule(name)
    now = int(clock())
    start = now - now % period
    key = f"{name}:{caller}:{start}"
    cache = caches["ratelimit"]
    if isinstance(cache, SharedCounterCache):
        return Hit(limit, cache.count(key, timeout=period + 60), start + period)
    try:
        count = cache.incr(key)
    except ValueError:
        # Else another worker opened the window first.
        count = 1 if cache.add(key, 1, timeout=period + 60) else cache.incr(key)
    return Hit(limit, count, start + period)


def by_ip(request: HttpRequest) -> str:
    return "ip:" + client_address(request)


def by_account(request: HttpRequest) -> str | None:
    """The token's account; None for anonymous calls, app tokens and refused tokens (the view answers those)."""
    try:
        account = api_auth(request).account
    except ApiError:
        return None
    return None if account is None else f"account:{account.pk}"


def by_account_or_ip(request: HttpRequest) -> str:
    return by_account(request) or by_ip(request)


def is_api_call(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def uses_password_grant(request: HttpRequest) -> bool:
    return request_params(request).get("grant_type") == "password"


def too_many_requests() -> HttpResponse:
    return error_response(429, "Too many requests")


def report(response: HttpResponse, hit: Hit) -> HttpResponse:
    """Put ``hit`` in the headers unless they already report a tighter limit (fewer left, or as few for longer)."""
    reported: Hit | None = getattr(response, "_rate_limit_hit", None)
    if reported is not None and (reported.remaining, -reported.reset) <= (
        hit.remaining,
        -hit.reset,
    ):
        return response
    response._rate_limit_hit = hit  # type: ignore[attr-defined]
    reset = datetime.fromtimestamp(hit.reset, UTC)
    response["X-RateLimit-Limit"] = str(hit.limit)
    response["X-RateLimit-Remaining"] = str(hit.remaining)
    response["X-RateLimit-Reset"] = reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if response.status_code == 429:
        response["Retry-After"] = str(max(1, hit.reset - int(clock())))
    return response


def rate_limit(
    name: str, caller: Caller, *, when: Callable[[HttpRequest], bool] | None = None
) -> Callable[[Run], Run]:
    """Decorate an operation: count it per ``caller``, answer 429 past the limit, report it in headers.

    Requests for which ``when`` is false, or ``caller`` gives None, are neither
    counted nor limited. ``TIDINGS_RATE_LIMITS = False`` turns every limit off.
    """

    def decorate(run: Run) -> Run:
        @wraps(run)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not settings.TIDINGS_RATE_LIMITS or (when is not None and not when(request)):
                return run(request, *args, **kwargs)
            who = caller(request)
            if who is None:
                return run(request, *args, **kwargs)
            hit = count_request(name, who)
            response = too_many_requests() if hit.exceeded else run(request, *args, **kwargs)
            return report(response, hit)

        return limited

    return decorate


def limit_password_attempts(view: Run) -> Run:
    """Count each POST of a sign-in page against the password-grant limit of the caller's IP.

    The web sign-in, the OAuth sign-in page and the OAuth password grant draw on one
    budget per IP, so spreading guesses over the three doors gains nothing. Past the
    limit the page answers 429 with ``Retry-After`` and says when to try again.
    """

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.TIDINGS_RATE_LIMITS or request.method != "POST":
            return view(request, *args, **kwargs)
        hit = count_request("password_grant", by_ip(request))
        if not hit.exceeded:
            return report(view(request, *args, **kwargs), hit)
        from django.shortcuts import render

        minutes = max(1, -(-(hit.reset - int(clock())) // 60))
        message = (
            "Too many sign-in attempts from your address. "
            f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
        )
        page = render(
            request,
            "web/errors/error.html",
            {"status": 429, "message": message, "heading": "Too many sign-in attempts"},
            status=429,
        )
        return report(page, hit)

    return limited
