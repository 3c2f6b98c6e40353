"""Signing up under the server's registration policy, confirming e-mail, approving sign-ups.

The policy comes from settings: ``TIDINGS_REGISTRATIONS`` (``open``,
``approval`` or ``closed``) and ``TIDINGS_CONFIRM_EMAIL``. An account that
waits for approval or for its e-mail confirmation exists but may not act.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.lib.locks import lock_value
from tidings.social.actions.accounts import do_create_account
from tidings.social.models import Account, Role

CONFIRM_SALT = "tidings.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600


def confirmation_token(account: Account) -> str:
    """A signed, expiring token for ``account``'s current e-mail address."""
    return signing.dumps({"a": str(account.id), "e": account.email}, salt=CONFIRM_SALT)


def account_for_confirmation(token: str) -> Account:
    """The account a confirmation token was made for; ``InvalidInput`` if it is bad, old or stale."""
    try:
        data = signing.loads(token or "", salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        account = Account.objects.get(id=int(data["a"]))
    except (signing.BadSignature, Account.DoesNotExist, KeyError, TypeError, ValueError):
        raise InvalidInput("This confirmation link is invalid or has expired.") from None
    if account.email != data.get("e"):
        raise InvalidInput("This confirmation link is for an e-mail address you no longer use.")
    return account


def notify_confirmation_email(account: Account, *, confirm_url: str) -> None:
    """Mail the confirmation link after the sign-up commits."""
    email, handle = account.email, account.username

    def send() -> None:
        send_mail(
            "Confirm your Tidings account",
            f"Hello @{handle},\n\nFollow this link to confirm your e-mail address:\n\n"
            f"{confirm_url}\n\nIf you did not sign up, ignore this message.\n",
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )

    transaction.on_commit(send)


@transaction.atomic
def do_register_account(
    username: str,
    *,
    email: str,
    password: str,
    reason: str = "",
    acting_user: Account | None,
    confirm_url_for: object = None,
) -> Account:
    """Sign up under the configured policy.

    ``confirm_url_for(token)`` builds the confirmation link when e-mail
    confirmation is required; the mail goes out after commit.
    """
    policy = settings.TIDINGS_REGISTRATIONS
    if policy == "closed":
        raise NotPermitted("Registrations are not open on this server.")
    email = (email or "").strip()
    if email:
        lock_value("account.email", email.lower())  # two sign-ups with one address at once
    if email and Account.objects.filter(email__iexact=email).exists():
        raise InvalidInput("That e-mail address is already taken.")
    if policy == "approval" and not (reason or "").strip():
        raise InvalidInput("Tell the moderators why you want to join.")
    account = do_create_account(username, email=email, password=password, acting_user=acting_user)
    changes: dict[str, object] = {}
    if policy == "approval":
        changes["approved"] = False
    if not settings.TIDINGS_CONFIRM_EMAIL:
        changes["email_confirmed_at"] = timezone.now()
    if changes:
        Account.objects.filter(id=account.id).update(**changes)
        for field, value in changes.items():
            setattr(account, field, value)
    record_event(
        "account.register",
        actor_id=acting_user.id if acting_user else account.id,
        subject_type="account",
        subject_id=account.id,
        data={"policy": policy, "reason": (reason or "")[:500]},
    )
    if settings.TIDINGS_CONFIRM_EMAIL and callable(confirm_url_for):
        notify_confirmation_email(account, confirm_url=confirm_url_for(confirmation_token(account)))
    return account


@transaction.atomic
def do_confirm_email(account: Account, *, acting_user: Account) -> Account:
    """Mark the e-mail address confirmed; idempotent."""
    if account.email_confirmed_at is not None:
        return account
    account.email_confirmed_at = timezone.now()
    Account.objects.filter(id=account.id).update(email_confirmed_at=account.email_confirmed_at)
    record_event(
        "account.confirm_email",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
    )
    return account


@transaction.atomic
def do_approve_account(account: Account, *, acting_user: Account) -> Account:
    """Let a sign-up that waited for approval in; staff only."""
    if acting_user.role == Role.USER:
        raise NotPermitted("Only staff can approve sign-ups.")
    if account.approved:
        return account
    account.approved = True
    Account.objects.filter(id=account.id).update(approved=True)
    record_event(
        "account.approve",
        actor_id=acting_user.id,
        subject_type="account",
        subject_id=account.id,
    )
    return account
