"""Creating accounts and changing what they say about themselves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.countries import normalise_country
from tidings.lib.errors import InvalidInput
from tidings.social.actions.graph import authorize_all_follow_requests
from tidings.social.models import Account, AccountKind, Role, handle_validator
from tidings.social.roles import check_can_grant_role, check_can_set_role, check_can_suspend

PROFILE_FIELDS = ("display_name", "bio", "country", "avatar", "locked")


def check_handle(username: str) -> str:
    username = (username or "").strip().lstrip("@")
    try:
        handle_validator(username)
    except ValidationError:
        raise InvalidInput("A handle is 1 to 30 letters, digits or underscores.") from None
    if Account.objects.filter(username__iexact=username).exists():
        raise InvalidInput(f"The handle @{username} is already taken.")
    return username


@transaction.atomic
def do_create_account(
    username: str,
    *,
    email: str,
    password: str | None,
    acting_user: Account | None,
    role: str = Role.USER,
    display_name: str = "",
    bio: str = "",
    country: str = "",
    kind: str = AccountKind.PERSON,
    verified: bool = False,
    validate: bool = True,
) -> Account:
    """A new account; ``acting_user`` is None when people sign themselves up (or the server acts).

    A staff ``role`` is granted only by an admin (or the server itself).
    """
    check_can_grant_role(acting_user, role)
    username = check_handle(username)
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("Enter a valid e-mail address.") from None
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
    if kind not in AccountKind.values:
        raise InvalidInput(f"Unknown account kind {kind!r}.")
    account = Account(
        username=username,
        email=email,
        role=role,
        display_name=display_name[:60],
        bio=bio[:500],
        country=normalise_country(country),
        kind=kind,
        verified=verified,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password is not None and validate:
        try:
            validate_password(password, account)
        except ValidationError as error:
            raise InvalidInput(" ".join(error.messages)) from None
    if password is None:
        account.set_unusable_password()
    else:
        account.set_password(password)
    try:
        with transaction.atomic():
            account.save(force_insert=True)
    except IntegrityError:
        raise InvalidInput(f"The handle @{username} is already taken.") from None
    record_event(
        "account.create",
        actor_id=acting_user.id if acting_user else account.id,
        subject_type="account",
        subject_id=account.id,
        data={"username": username, "role": role},
    )
    return account


@transaction.atomic
def do_update_profile(account: Account, *, acting_user: Account, **changes: Any) -> Account:
    """Change profile fields (display name, bio, country, avatar, locked); only the owner may.

    Unlocking accepts every pending follow request, as Mastodon does.
    """
    if acting_user.id != account.id:
        raise InvalidInput("You can only edit your own profile.")
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    if "display_name" in changes and len(changes["display_name"] or "") > 60:
        raise InvalidInput("A display name is at most 60 characters.")
    if "bio" in changes and len(changes["bio"] or "") > 500:
        raise InvalidInput("A bio is at most 500 characters.")
    if "country" in changes:
        changes["country"] = normalise_country(changes["country"] or "")
    if "locked" in changes:
        changes["locked"] = bool(changes["locked"])
        # Under the row lock that follow() reads "locked" with: no request slips in unaccepted.
        was_locked = (
            Account.objects.select_for_update()
            .filter(id=account.id)
            .values_list("locked", flat=True)
            .get()
        )
    for field, value in changes.items():
        setattr(account, field, value if value is not None else "")
    account.save(update_fields=list(changes))
    record_event(
        "account.update_profile",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
        data={k: str(v) for k, v in changes.items() if k != "avatar"}
        | ({"avatar": "changed"} if "avatar" in changes else {}),
    )
    unlocked = "locked" in changes and was_locked and not changes["locked"]
    if unlocked and authorize_all_follow_requests(account, acting_user=acting_user):
        account.refresh_from_db(fields=["followers_count"])
    return account


@transaction.atomic
def do_set_role(account: Account, role: str, *, acting_user: Account | None) -> Account:
    """Give ``account`` a role; admins only (``acting_user=None``: the command line)."""
    check_can_set_role(acting_user, account, role)
    if role not in Role.values:
        raise InvalidInput(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.")
    old = account.role
    account.role = role
    account.is_staff = account.is_superuser = role == Role.ADMIN
    account.save(update_fields=["role", "is_staff", "is_superuser"])
    record_event(
        "account.set_role",
        actor_id=acting_user.id if acting_user else None,
        subject_type="account",
        subject_id=account.id,
        data={"from": old, "to": role},
    )
    return account


@transaction.atomic
def do_suspend_account(account: Account, *, reason: str, acting_user: Account) -> Account:
    """Suspension hides the account and everything it wrote; nothing is deleted.

    Moderators and admins only; staff accounts only by an admin.
    """
    check_can_suspend(acting_user, account)
    account.suspended_at = timezone.now()
    account.save(update_fields=["suspended_at"])
    record_event(
        "account.suspend",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
        data={"reason": reason},
    )
    return account


@transaction.atomic
def do_unsuspend_account(account: Account, *, reason: str, acting_user: Account) -> Account:
    """Lift a suspension; the same people who may suspend may lift. A deleted account stays deleted."""
    check_can_suspend(acting_user, account)
    if hasattr(account, "deletion"):
        raise InvalidInput(f"@{account.username} deleted their account; it cannot be reinstated.")
    account.suspended_at = None
    account.save(update_fields=["suspended_at"])
    record_event(
        "account.unsuspend",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
        data={"reason": reason},
    )
    return account
