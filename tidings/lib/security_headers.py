"""HTTPS detection, Secure cookies and the Content-Security-Policy, for every response.

- ``HttpsMiddleware`` (first in the chain): a request is HTTPS when the server
  is told so (``TIDINGS_HTTPS=1``: TLS ends at a proxy in front of every
  request) or when a proxy listed in ``TIDINGS_TRUSTED_PROXIES`` says
  ``X-Forwarded-Proto: https``; anybody else's header is ignored. Django's
  ``SecurityMiddleware`` then sends HSTS on HTTPS requests, and the session
  and CSRF cookies set on an HTTPS answer are marked ``Secure``.
- ``ContentSecurityPolicyMiddleware``: scripts, styles, images and fonts only
  from this site; no inline code (the templates have none: htmx's own indicator
  style is turned off in ``htmx-config`` and lives in ``tidings.css``); no
  plugins; no framing. A view whose answer needs another policy says so with
  ``@content_security_policy(POLICY)`` (the SVG charts: ``SVG_IMAGE_POLICY``);
  the middleware then leaves that answer's policy alone.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from tidings.streaming.urls import connect_sources
from tidings.visibility.country import _is_trusted

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        f"connect-src {connect_sources()}",  # the streaming API may be on its own port
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
    )
)


#: SVG images we draw ourselves (``tidings/transparency/charts.py``): their own inline
#: ``<style>`` and nothing else, no script, nothing fetched, never framed. Applies when the
#: image is opened on its own; inside ``<img>`` an SVG never runs script anyway.
SVG_IMAGE_POLICY = "; ".join(
    (
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


#: An uploaded image opened on its own: the browser's image viewer styles itself inline; the
#: answer is an image, so nothing else may load, run or frame it.
UPLOADED_IMAGE_POLICY = "; ".join(
    (
        "default-src 'none'",
        "img-src 'self'",
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)


def content_security_policy(
    policy: str,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Answers of the decorated view carry ``policy`` instead of the site's, and ``nosniff``."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.headers["Content-Security-Policy"] = policy
            response.headers["X-Content-Type-Options"] = "nosniff"
            return response

        return wrapper

    return decorate


def forwarded_https(request: HttpRequest) -> bool:
    """True when this request reached us over HTTPS, as far as we may believe."""
    if settings.TIDINGS_HTTPS:
        return True
    if not _is_trusted(request.META.get("REMOTE_ADDR", "")):
        return False
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return proto == "https"


class HttpsMiddleware:
    """Marks trusted HTTPS requests as secure and their cookies ``Secure``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if forwarded_https(request):
            request.META["wsgi.url_scheme"] = "https"  # what request.is_secure() reads
        response = self.get_response(request)
        if request.is_secure():
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
                if name in response.cookies:
                    response.cookies[name]["secure"] = True
        return response


class ContentSecurityPolicyMiddleware:
    """Adds ``Content-Security-Policy`` to every answer that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
