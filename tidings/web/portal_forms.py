"""Forms of the authority portal. They check shape only; the portal actions enforce the rules."""

from __future__ import annotations

from django import forms

from tidings.legal.actions.portal import PORTAL_MESSAGE_KINDS
from tidings.legal.models import CorrespondenceKind, DemandKind

#: What an authority may send us about a demand (``actions.portal.PORTAL_MESSAGE_KINDS``).
MESSAGE_KINDS = [
    (kind, "Message" if kind == CorrespondenceKind.OTHER else CorrespondenceKind(kind).label)
    for kind in PORTAL_MESSAGE_KINDS
]


class OrderForm(forms.Form):
    upload = forms.FileField(
        label="Order file",
        required=False,
        allow_empty_file=True,  # the parser explains an empty file better than "empty"
        help_text="CSV, TSV or plain text, one account or post per line; up to 50 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,text/csv,text/plain"}),
    )
    text = forms.CharField(
        label="Or paste the order's lines",
        required=False,
        help_text="One account handle or post link per line.",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    column = forms.CharField(
        label="Target column",
        max_length=100,
        required=False,
        help_text="For a table: header name or number of the column naming the targets.",
    )
    reference = forms.CharField(label="Your reference", max_length=200, required=False)
    legal_basis = forms.CharField(
        label="Legal basis",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="As the order states it, e.g. Section 69A of the Information Technology Act, 2000.",
    )
    legal_basis_code = forms.CharField(
        label="Legal basis code", max_length=64, required=False, help_text="e.g. IN-ITA-69A"
    )
    kind = forms.ChoiceField(label="Kind of order", choices=DemandKind.choices)
    confidential = forms.BooleanField(
        label="Confidential order",
        required=False,
        help_text="We hold back notices to the people affected until confidentiality ends. "
        "Orders whose law requires it (India) are confidential even if unticked.",
    )

    def column_value(self) -> str | int | None:
        column = (self.cleaned_data.get("column") or "").strip()
        if not column:
            return None
        return int(column) if column.isdigit() else column


class MessageForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=MESSAGE_KINDS, required=False)
    subject = forms.CharField(label="Subject", max_length=300, required=False)
    body = forms.CharField(
        label="Message", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    hearing_at = forms.DateTimeField(
        label="Hearing (date and time, for a hearing notice)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def kind_value(self) -> str:
        return self.cleaned_data.get("kind") or CorrespondenceKind.OTHER
