"""Live timelines on web pages: the stream a timeline's first page listens to for new posts."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest

from tidings.streaming.urls import streaming_base


def live_stream_url(request: HttpRequest, stream: str, tag: str = "") -> str:
    """The SSE address for ``stream`` (``user``, ``public`` or ``hashtag``), or "" past page one.

    Older pages (``max_id``) stay still: new posts belong at the top of the first page.
    """
    if request.GET.get("max_id"):
        return ""
    query = f"?{urlencode({'tag': tag})}" if stream == "hashtag" else ""
    return f"{streaming_base()}/api/v1/streaming/{stream}{query}"
