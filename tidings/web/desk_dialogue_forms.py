"""Forms of a demand's thread with its authority. They check shape only; the actions enforce the rules."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

from tidings.legal.actions.correspondence import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_MAX,
    MB,
    NewAttachment,
)
from tidings.legal.models import Channel, CorrespondenceKind, Direction
from tidings.lib.errors import InvalidInput

_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MessageForm(forms.Form):
    """One message to record in the thread; attachments come as ``attachments`` files."""

    direction = forms.ChoiceField(label="Direction", choices=Direction.choices)
    kind = forms.ChoiceField(
        label="Kind",
        choices=CorrespondenceKind.choices,
        help_text="A non-compliance notice, a withdrawal or a hearing notice from the "
        "authority also changes the order (a withdrawal lifts its withholdings).",
    )
    channel = forms.ChoiceField(label="Channel", choices=Channel.choices, initial=Channel.EMAIL)
    subject = forms.CharField(label="Subject", max_length=300, required=False)
    body = forms.CharField(
        label="Text", required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=50_000
    )
    sent_at = forms.DateTimeField(label="Sent at (UTC)", required=False, widget=_MOMENT)
    received_at = forms.DateTimeField(label="Received at (UTC)", required=False, widget=_MOMENT)
    hearing_at = forms.DateTimeField(
        label="Hearing at (UTC)",
        required=False,
        widget=_MOMENT,
        help_text="For a hearing notice: when the hearing is.",
    )


class StatusUpdateForm(forms.Form):
    note = forms.CharField(
        label="Note to add (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20_000,
    )


class NoncomplianceResponseForm(forms.Form):
    body = forms.CharField(
        label="Our response", widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )


def uploaded_attachments(files: list[UploadedFile]) -> list[NewAttachment]:
    """The uploaded files as attachments; count and size are checked before any is read."""
    files = [f for f in files if f is not None]
    if len(files) > ATTACHMENTS_MAX:
        raise InvalidInput(f"At most {ATTACHMENTS_MAX} attachments per message.")
    for upload in files:
        if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
            name = (upload.name or "attachment").replace("\x00", "")[:80]
            raise InvalidInput(
                f"{name} is {(upload.size or 0) / MB:.1f} MB; "
                f"attachments may be at most {ATTACHMENT_MAX_BYTES // MB} MB."
            )
    return [NewAttachment(upload.name or "attachment", upload.read()) for upload in files]
