"""The streaming paths on the main port: a redirect to the streaming server, as Mastodon's
web process does when its streaming API lives elsewhere."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect

from tidings.api.errors import error_response
from tidings.streaming.urls import streaming_base


def streaming_redirect(request: HttpRequest, rest: str = "") -> HttpResponse:
    base = streaming_base()
    if base == request.build_absolute_uri("/").rstrip("/"):
        return error_response(404, "Record not found")  # no streaming server on another port
    query = request.META.get("QUERY_STRING", "")
    return HttpResponseRedirect(f"{base}{request.path}" + (f"?{query}" if query else ""))
