"""Reminders before a clock runs out, and the legal team's daily digest, by e-mail.

Both go to the legal staff: active, unsuspended accounts with a desk role
(legal, legal admin, admin) and an e-mail address.

- A **reminder** is sent once when an open clock has ``REMIND_BEFORE`` or less
  left, and once when it becomes overdue (within ``OVERDUE_GRACE`` of its due
  moment, so old overdue clocks are left to the digest rather than mailed one
  by one). A hearing is reminded of before it is held, never as overdue.
- The **digest** lists every overdue and due-soon clock, once a UTC day.

Each is at most once even with several workers: a ``ClockReminder`` row
(unique subject, clock, kind, due moment; the digest's is subject "digest",
clock "daily", due at the day's midnight UTC) is inserted and committed
*before* the e-mail goes out; a worker whose insert conflicts sends nothing. If
sending fails, the rows are deleted again and the task raises, so a retry sends
them (a crash between the mail server's acceptance and that point loses
nothing: the row stays and the e-mail went).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tidings.legal.clock_queries import DueClock, due_clocks
from tidings.legal.clocks import ClockState
from tidings.legal.models import ClockReminder
from tidings.legal.roles import DESK_ROLES
from tidings.social.models import Account

#: A reminder goes out when this little time is left on a clock.
REMIND_BEFORE = timedelta(hours=6)
#: An overdue reminder is sent only this soon after the due moment.
OVERDUE_GRACE = timedelta(hours=24)
SOON, OVERDUE, DIGEST = "soon", "overdue", "digest"


def staff_emails() -> list[str]:
    """Addresses of the legal staff, in a stable order."""
    return list(
        Account.objects.filter(role__in=DESK_ROLES, is_active=True, suspended_at__isnull=True)
        .exclude(email="")
        .order_by("id")
        .values_list("email", flat=True)
    )


def _claim(subject: str, clock: str, kind: str, due_at: datetime, now: datetime) -> int | None:
    """Insert the record of one reminder (committed); its id, or None if one exists already."""
    try:
        with transaction.atomic():
            row = ClockReminder.objects.create(
                subject=subject, clock=clock, kind=kind, due_at=due_at, sent_at=now
            )
    except IntegrityError:
        return None
    return row.id


def _link(due: DueClock) -> str:
    if due.demand is None:
        return ""
    return f"https://{settings.DOMAIN}{reverse('web:desk_demand', args=[due.demand.id])}"


def clock_line(due: DueClock) -> str:
    """One clock as a line of an e-mail."""
    c = due.clock
    kind = "law" if c.law else "policy"
    line = (
        f"- {due.title}: {c.label}, {due.text} (due {c.local_text(c.due_at)}; "
        f"{due.pack.code}, {kind}: {c.source})"
    )
    link = _link(due)
    return f"{line}\n  {link}" if link else line


def _send(subject: str, body: str, recipients: Sequence[str]) -> None:
    connection = get_connection()
    for address in recipients:
        send_mail(
            subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
            fail_silently=False,
            connection=connection,
        )


def _reminder_kind(due: DueClock, now: datetime) -> str | None:
    if due.state == ClockState.DUE:
        return SOON
    if due.state == ClockState.OVERDUE and now - due.clock.due_at <= OVERDUE_GRACE:
        return OVERDUE
    return None


def send_reminders(now: datetime | None = None) -> int:
    """Mail the staff about clocks that just came within ``REMIND_BEFORE`` or just ran out.

    Returns how many reminders were sent (each once, however many workers run this).
    """
    now = now or timezone.now()
    claimed: list[tuple[int, str, DueClock]] = []
    for due in due_clocks(now, within=REMIND_BEFORE):
        kind = _reminder_kind(due, now)
        if kind is None:
            continue
        row = _claim(due.subject, due.clock.key, kind, due.clock.due_at, now)
        if row is not None:
            claimed.append((row, kind, due))
    if not claimed:
        return 0
    overdue = [d for _, kind, d in claimed if kind == OVERDUE]
    soon = [d for _, kind, d in claimed if kind == SOON]
    parts = []
    if overdue:
        parts.append("Now overdue:\n" + "\n".join(clock_line(d) for d in overdue))
    if soon:
        parts.append(
            f"Due within {REMIND_BEFORE.total_seconds() / 3600:g} hours:\n"
            + "\n".join(clock_line(d) for d in soon)
        )
    subject = f"Legal desk reminder: {len(overdue)} now overdue, {len(soon)} due soon"
    try:
        _send(subject, "\n\n".join(parts) + "\n", staff_emails())
    except Exception:
        ClockReminder.objects.filter(id__in=[row for row, _, _ in claimed]).delete()
        raise
    return len(claimed)


def digest_day(now: datetime) -> datetime:
    """The UTC day ``now`` falls in, as its midnight (the digest's ``due_at``)."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def digest_text(clocks: Sequence[DueClock]) -> str:
    overdue = [d for d in clocks if d.overdue]
    soon = [d for d in clocks if not d.overdue]
    parts = [
        f"{len(overdue)} overdue and {len(soon)} due within 24 hours.",
        "Overdue:\n" + ("\n".join(clock_line(d) for d in overdue) or "- none"),
        "Due within 24 hours:\n" + ("\n".join(clock_line(d) for d in soon) or "- none"),
        f"Dashboard: https://{settings.DOMAIN}{reverse('web:desk_clocks')}",
    ]
    return "\n\n".join(parts) + "\n"


def send_digest(now: datetime | None = None) -> int:
    """Mail the day's digest of overdue and due-soon clocks, once a UTC day; 1 if sent.

    A day with nothing overdue or due soon is recorded but sends nothing.
    """
    now = now or timezone.now()
    day = digest_day(now)
    if ClockReminder.objects.filter(subject=DIGEST, clock="daily", due_at=day).exists():
        return 0
    clocks = due_clocks(now)
    row = _claim(DIGEST, "daily", DIGEST, day, now)
    if row is None or not clocks:
        return 0
    overdue = sum(1 for d in clocks if d.overdue)
    subject = (
        f"Legal desk digest {day:%Y-%m-%d}: {overdue} overdue, {len(clocks) - overdue} due soon"
    )
    try:
        _send(subject, digest_text(clocks), staff_emails())
    except Exception:
        ClockReminder.objects.filter(id=row).delete()
        raise
    return 1
