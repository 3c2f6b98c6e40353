"""Stored files handed back as downloads, never rendered by the browser."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def download_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """``content`` as an attachment named ``filename``; the type is the one we sniffed at upload."""
    response = HttpResponse(content, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, filename or "attachment")
    response["X-Content-Type-Options"] = "nosniff"
    return response
