"""Forms of the legal desk. They check shape only; the legal actions enforce the rules."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from tidings.legal.actions.withholding import LIFT_REASONS
from tidings.legal.models import AuthorityKind, DemandKind
from tidings.lib.errors import InvalidInput

#: An uploaded order may be this large (the parser's own limit); pasted text stays under the request limit.
UPLOAD_MAX_BYTES = 50 * 1024 * 1024
_LIST_SPLIT = re.compile(r"[\s,;]+")


class IdsField(forms.Field):
    """Ids ticked in a table (checkboxes drawn by the template); whether they belong is the action's to say."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def to_python(self, value: object) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        if not all(str(v).isdigit() for v in values):
            raise ValidationError("Ticked rows must be given by their ids.")
        return [int(v) for v in values]


class IntakeForm(forms.Form):
    upload = forms.FileField(
        label="Order file",
        required=False,
        allow_empty_file=True,  # the parser explains an empty file better than "empty"
        help_text="CSV, TSV or plain text, one account or post per line; an Excel .xlsx sheet; "
        "or a PDF letter (every link and @handle in it); up to 50 MB.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.tsv,.txt,.xlsx,.pdf,text/csv,text/plain,application/pdf"}
        ),
    )
    text = forms.CharField(
        label="Or paste the order's lines",
        required=False,
        help_text="Up to 5 MB of text; upload longer orders as a file.",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    authority = forms.CharField(
        label="Authority",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "authority-names", "autocomplete": "off"}),
    )
    authority_kind = forms.ChoiceField(
        label="Kind of authority",
        choices=AuthorityKind.choices,
        initial=AuthorityKind.MINISTRY,
        help_text="Used when the authority is new to us.",
    )
    country = forms.CharField(
        label="Country",
        max_length=8,
        initial="IN",
        required=False,
        help_text="ISO code of the country whose law the order invokes, such as IN.",
        widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}),
    )
    reference = forms.CharField(label="Reference", max_length=200, required=False)
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
    received_at = forms.DateTimeField(
        label="Received at (UTC)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="When the order reached us; the deadline counts from here.",
    )
    confidential = forms.BooleanField(
        label="Confidential order",
        required=False,
        help_text=(
            "Notices to the people affected wait until a legal admin releases them. "
            "Orders whose law requires it (India) are confidential even if unticked."
        ),
    )
    column = forms.CharField(
        label="Target column",
        max_length=100,
        required=False,
        help_text="Header name or number of the column naming the targets; blank to detect it.",
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"received_at": timezone.now(), "country": "IN"})
        super().__init__(*args, **kwargs)

    def column_value(self) -> str | int | None:
        column = (self.cleaned_data.get("column") or "").strip()
        if not column:
            return None
        return int(column) if column.isdigit() else column


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label="Decision",
        choices=[
            ("withhold", "Withhold"),
            ("decline", "Decline (no action)"),
            ("escalate", "Escalate to a legal admin"),
        ],
        initial="withhold",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required. It is recorded with every item and in the audit log.",
    )
    countries = forms.CharField(
        label="Withhold in",
        required=False,
        max_length=200,
        help_text='Country codes such as "IN, PK"; XX means everywhere (legal admins only).',
    )
    until = forms.CharField(
        label="Until",
        required=False,
        max_length=100,
        help_text='A duration ("6 hours", "2 days", "90 minutes") or a date and time '
        '("2021-02-10 18:00" UTC); blank for no end.',
    )
    all_matched = forms.BooleanField(label="All matched items still pending", required=False)
    item = IdsField()

    def item_ids(self) -> list[int] | str:
        if self.cleaned_data.get("all_matched"):
            return "all_matched"
        return self.cleaned_data.get("item") or []

    def country_list(self) -> list[str] | None:
        return split_codes(self.cleaned_data.get("countries") or "") or None


def split_codes(text: str) -> list[str]:
    """ "IN, PK" → ["IN", "PK"] (validation is the action's)."""
    return [c for c in _LIST_SPLIT.split(text.strip()) if c]


class LiftForm(forms.Form):
    reason_choice = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason")] + [(r, r.capitalize()) for r in LIFT_REASONS],
        required=False,
    )
    reason_text = forms.CharField(
        label="Details",
        required=False,
        max_length=500,
        help_text='Required for "Other"; added to the reason otherwise.',
    )
    all_active = forms.BooleanField(label="Every withholding in force", required=False)
    withholding = IdsField()

    def reason(self) -> str:
        """The reason to record; "other" needs the details written out."""
        choice = self.cleaned_data.get("reason_choice") or ""
        text = (self.cleaned_data.get("reason_text") or "").strip()
        if choice == "other":
            if not text:
                raise InvalidInput('Say why in "Details" when the reason is "Other".')
            return text
        if choice and text:
            return f"{choice}: {text}"
        return choice or text

    def withholding_ids(self) -> list[int] | str:
        if self.cleaned_data.get("all_active"):
            return "all_active"
        return self.cleaned_data.get("withholding") or []
