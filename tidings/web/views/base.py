"""Helpers every view shares: who is signed in, htmx detection, error pages, safe redirects."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from tidings.lib.errors import TidingsError, Withheld
from tidings.social.models import Account

View = Callable[..., HttpResponse]


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def signed_in(request: HttpRequest) -> Account:
    """The signed-in account; only call it behind ``@sign_in_required``."""
    account = request.viewer.account  # type: ignore[attr-defined]
    assert account is not None
    return account


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to after a form: ``next`` or the referrer, if it is on this site."""
    for candidate in (
        request.POST.get("next"),
        request.GET.get("next"),
        request.headers.get("Referer"),
    ):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return default


def flash_fragment(request: HttpRequest, message: str, status: int) -> HttpResponse:
    """For htmx: show ``message`` in the page's notice area instead of the element it targeted."""
    response = render(
        request, "web/_flash.html", {"message": message, "level": "error"}, status=status
    )
    response["HX-Retarget"] = "#flash"
    response["HX-Reswap"] = "innerHTML"
    return response


def error_response(request: HttpRequest, error: TidingsError) -> HttpResponse:
    """The answer to a refused request: a page (or an htmx notice) with the error's status."""
    if is_htmx(request):
        return flash_fragment(request, error.message, error.status)
    withheld = isinstance(error, Withheld)
    response = render(
        request,
        "web/errors/withheld.html" if withheld else "web/errors/error.html",
        {
            "status": error.status,
            "message": error.message,
            "heading": _heading(error.status),
            "error": error,
        },
        status=error.status,
    )
    notice_url = getattr(error, "notice_url", None)
    if error.status == 451 and notice_url:  # RFC 7725: who asked for the block
        response["Link"] = f'<{notice_url}>; rel="blocked-by"'
    return response


def _heading(status: int) -> str:
    return {
        400: "Bad request",
        403: "Not allowed",
        404: "Not found",
        410: "Gone",
        422: "That did not work",
        451: "Unavailable for legal reasons",
    }.get(status, "Something went wrong")


def handles_errors(view: View) -> View:
    """Turn ``TidingsError`` raised by access_* and do_* into error pages, never tracebacks."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except TidingsError as error:
            return error_response(request, error)

    return wrapper


def sign_in_required(view: View) -> View:
    """Anonymous visitors go to the sign-in page (htmx is told to navigate there)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.viewer.account is None:  # type: ignore[attr-defined]
            back = safe_next(request, request.get_full_path())
            if is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = f"{reverse('web:login')}?{urlencode({'next': back})}"
                return response
            return redirect_to_login(back, reverse("web:login"))
        return view(request, *args, **kwargs)

    return wrapper


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(safe_next(request, default))
