"""Forms for the web UI. They check shape only; the do_* actions enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from tidings.lib.countries import country_choices
from tidings.lib.errors import InvalidInput
from tidings.lib.images import IMAGE_MAX_BYTES, IMAGE_MIME_TYPES, MB, prepare_avatar
from tidings.social.actions.direct import POLL_DURATIONS, check_poll, check_poll_alone
from tidings.social.models import HANDLE_MAX_LENGTH, POST_MAX_LENGTH, Account, Visibility
from tidings.social.models_direct import POLL_MAX_OPTIONS, POLL_OPTION_MAX_LENGTH
from tidings.social.models_media import DESCRIPTION_MAX_LENGTH, MEDIA_PER_POST

IMAGE_SLOTS = range(1, MEDIA_PER_POST + 1)
POLL_DEFAULT_DURATION = 24 * 60 * 60


class ListWidget(forms.Widget):
    """Several inputs of one name (``poll_options``): the list of what was sent, in order."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])


class PollOptionsField(forms.Field):
    """The texts typed in the option inputs, blank ones (unused slots) left out; the rules are
    ``check_poll``'s, the API's."""

    widget = ListWidget

    def to_python(self, value: Any) -> list[str]:
        return [v for v in value or [] if isinstance(v, str) and v.strip()]


class ComposeForm(forms.Form):
    text = forms.CharField(
        label="What's happening?",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "data-max-length": POST_MAX_LENGTH}),
    )
    visibility = forms.ChoiceField(
        label="Who can see it", choices=Visibility.choices, initial=Visibility.PUBLIC
    )
    in_reply_to = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=0, max_value=2**63 - 1
    )
    poll_options = PollOptionsField(label="Poll options", required=False)
    poll_expires_in = forms.CharField(
        label="Poll length",
        required=False,
        initial=str(POLL_DEFAULT_DURATION),
        widget=forms.Select(choices=[(str(s), name) for s, name in POLL_DURATIONS]),
    )
    poll_multiple = forms.ChoiceField(
        label="Choices",
        required=False,
        initial="single",
        choices=[("single", "One choice"), ("multiple", "Several choices")],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in IMAGE_SLOTS:
            self.fields[f"image_{slot}"] = forms.FileField(
                label=f"Image {slot}",
                required=False,
                widget=forms.FileInput(attrs={"accept": ",".join(IMAGE_MIME_TYPES)}),
            )
            self.fields[f"alt_{slot}"] = forms.CharField(
                label=f"Description of image {slot} (alt text)",
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": DESCRIPTION_MAX_LENGTH}),
            )

    def image_slots(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """The (file, description) field pairs, for the template."""
        return [(self[f"image_{slot}"], self[f"alt_{slot}"]) for slot in IMAGE_SLOTS]

    def images(self) -> list[tuple[object, str]]:
        """The chosen files with their descriptions, in slot order (empty slots skipped)."""
        return [
            (self.cleaned_data[f"image_{slot}"], self.cleaned_data[f"alt_{slot}"] or "")
            for slot in IMAGE_SLOTS
            if self.cleaned_data.get(f"image_{slot}")
        ]

    def clean(self) -> dict[str, Any]:
        """``poll``: the checked poll (``check_poll``, as the API checks it) when an option is
        filled in, else None; a poll with images is refused before any image is stored."""
        data = super().clean()
        data["poll"] = None
        options = data.get("poll_options") or []
        if not options:
            return data
        try:
            data["poll"] = check_poll(
                options,
                data.get("poll_expires_in") or "",
                multiple=data.get("poll_multiple") == "multiple",
            )
            check_poll_alone(data["poll"], len(self.images()))
        except InvalidInput as error:
            if data["poll"] is None:
                self.add_error("poll_options", error.message)
            else:
                self.add_error(None, error.message)
        return data

    def poll_wanted(self) -> bool:
        """Whether an option was typed (the poll section then opens to show it)."""
        return bool(
            self.is_bound
            and self["poll_options"].value()
            and any(isinstance(v, str) and v.strip() for v in self["poll_options"].value())
        )

    def poll_option_values(self) -> list[str]:
        """The option inputs to show: what was typed (kept after a refusal), then empty ones up
        to four."""
        typed = [v for v in (self["poll_options"].value() or []) if isinstance(v, str)]
        typed = typed if self.is_bound else []
        return typed + [""] * max(0, POLL_MAX_OPTIONS - len(typed))

    poll_option_max_length = POLL_OPTION_MAX_LENGTH


class SignupForm(forms.Form):
    username = forms.CharField(
        label="Handle",
        max_length=HANDLE_MAX_LENGTH,
        help_text="1 to 30 letters, digits or underscores. People find you as @handle.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    email = forms.EmailField(
        label="E-mail address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Password",
        help_text="At least 8 characters, not a common password.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    reason = forms.CharField(
        label="Why do you want to join?",
        required=False,
        max_length=500,
        help_text="Sign-ups here are approved by the server's staff.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, approval: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not approval:
            del self.fields["reason"]


class SignInForm(AuthenticationForm):
    """Django's sign-in form. A suspended account signs in only to read its moderation notices
    and appeal them (``tidings.web.suspended`` confines it); a deleted one is inactive."""

    def confirm_login_allowed(self, user: Account) -> None:  # type: ignore[override]
        super().confirm_login_allowed(user)
        if not user.approved:
            raise ValidationError(
                "This account is waiting for approval by the server's staff.", code="pending"
            )
        if settings.TIDINGS_CONFIRM_EMAIL and user.email_confirmed_at is None:
            raise ValidationError(
                "Confirm your e-mail address first: follow the link we sent you.",
                code="unconfirmed",
            )


class ProfileForm(forms.Form):
    display_name = forms.CharField(label="Display name", max_length=60, required=False)
    bio = forms.CharField(
        label="Bio", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    country = forms.ChoiceField(
        label="Country",
        required=False,
        help_text="Decides which country's laws apply to what you see. Not shown on your profile.",
    )
    avatar = forms.FileField(
        label="Avatar",
        required=False,
        help_text=(
            f"A PNG, JPEG, GIF or WebP image of at most {IMAGE_MAX_BYTES // MB} MB; "
            "it is cropped to a square."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/png,image/jpeg,image/gif,image/webp"}
        ),
    )

    locked = forms.BooleanField(
        label="Lock the account",
        required=False,
        help_text=(
            "People ask to follow you and you authorize each one. Unlocking accepts "
            "every pending request."
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["country"].choices = [("", "Not set"), *country_choices()]  # type: ignore[attr-defined]

    def clean_avatar(self) -> object:
        """A new upload becomes the stored avatar (checked and re-encoded by the image pipeline)."""
        avatar = self.cleaned_data.get("avatar")
        if isinstance(avatar, UploadedFile):
            try:
                return prepare_avatar(avatar).content
            except InvalidInput as error:
                raise ValidationError(error.message, code="image") from None
        return avatar


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        max_length=4096,
        strip=False,
        help_text="Enter it to confirm. This cannot be undone.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
