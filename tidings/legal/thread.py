"""Reading a demand's thread: its attachments, served as the verbatim bytes, never inline.

The caller has already checked who may read the demand (``queries.access_demand``
for desk staff); an attachment is found only through a message of that demand.
"""

from __future__ import annotations

from django.http import HttpResponse

from tidings.legal.models import Attachment, Demand
from tidings.lib.downloads import download_response
from tidings.lib.errors import NotFound

_MAX_ID = 2**63


def access_attachment(
    demand: Demand, message_id: int | str, attachment_id: int | str
) -> Attachment:
    """An attachment of a message of ``demand``, or ``NotFound`` (also for ids of other demands)."""
    try:
        message, attachment = int(message_id), int(attachment_id)
    except (TypeError, ValueError):
        raise NotFound("There is no such attachment.") from None
    if not (0 < message < _MAX_ID and 0 < attachment < _MAX_ID):
        raise NotFound("There is no such attachment.")
    found = Attachment.objects.filter(
        id=attachment, correspondence_id=message, correspondence__demand=demand
    ).first()
    if found is None:
        raise NotFound("There is no such attachment.")
    return found


def attachment_download(attachment: Attachment) -> HttpResponse:
    """The stored bytes as a download of their sniffed type (never rendered by the browser)."""
    response = download_response(
        bytes(attachment.content),
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
