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
from tidings.social.models import Account
from tidings.social.roles import Permission, check_permission
from tidings.tasks import task

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


@task()
def send_confirmation_email(account_id: int, email: str, confirm_url: str) -> bool:
    """Mail the confirmation link, unless the address changed or is already confirmed.

    Raises when the mail cannot be sent, so the queue retries it.
    """
    account = Account.objects.filter(id=account_id, email=email).first()
    if account is None or account.email_confirmed_at is not None:
        return False
    send_mail(
        "Confirm your Tidings account",
        f"Hello @{account.username},\n\nFollow this link to confirm your e-mail address:\n\n"
        f"{confirm_url}\n\nIf you did not sign up, ignore this message.\n",
        settings.DEFAULT_FROM_EMAIL,
        [email],
    )
    return True


def notify_confirmation_email(account: Account, *, confirm_url: str) -> None:
    """Queue the confirmation mail in the sign-up transaction."""
    send_confirmation_email.enqueue(account.id, account.email, confirm_url)


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
    confirmation is required; the mail is queued in this transaction.
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
    """Let a sign-up that waited for approval in; moderators and admins only."""
    check_permission(acting_user, Permission.APPROVE_SIGNUPS)
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
