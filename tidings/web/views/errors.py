"""Error pages (wired as Django's handler400/403/404/500) and the CSRF failure page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from tidings.web.views.base import flash_fragment, is_htmx


def _page(request: HttpRequest, template: str, status: int, message: str = "") -> HttpResponse:
    if is_htmx(request):
        return flash_fragment(request, message or "That did not work.", status)
    return render(request, template, {"status": status, "message": message}, status=status)


def _message(exception: Exception | None) -> str:
    """The message of a Tidings error or an explicit ``Http404("...")``; nothing else leaks."""
    message = getattr(exception, "message", None)
    if isinstance(message, str):
        return message
    return ""


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "web/errors/400.html", 400, "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "web/errors/403.html", 403, _message(exception))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, "web/errors/404.html", 404, _message(exception))


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without context processors: the database may be what failed."""
    return HttpResponse(loader.get_template("web/errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = "This form has expired or did not come from this site. Reload the page and try again."
    return _page(request, "web/errors/403.html", 403, message)
