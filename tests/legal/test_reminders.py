"""Reminders before a clock runs out and the daily digest: to the legal staff, each exactly once."""

from __future__ import annotations

import re
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from tidings.legal.actions.intake import do_import_demand
from tidings.legal.clock_queries import due_clocks
from tidings.legal.models import Appeal, ClockReminder, Demand, Withholding
from tidings.legal.reminders import send_digest, send_reminders, staff_emails
from tidings.social.models import Account

RECEIVED = datetime(2021, 2, 10, 18, 0, tzinfo=UTC)  # 23:30 IST


@pytest.fixture
def staff(legal, legal_admin, make_account):
    """Two desk staff with e-mail, plus accounts that must get nothing."""
    make_account("reader")  # a plain user
    make_account("portal", role="authority")
    Account.objects.filter(id=make_account("gone", role="legal").id).update(is_active=False)
    Account.objects.filter(id=make_account("nomail", role="legal").id).update(email="")
    return legal, legal_admin


@pytest.fixture
def order(staff, make_account) -> Demand:
    make_account("kisanvoice")
    return do_import_demand(
        "@kisanvoice",
        authority_name="Ministry of Electronics and Information Technology",
        country="IN",
        reference="MEITY/2021/001",
        received_at=RECEIVED,
        acting_user=staff[0],
    ).demand


def test_only_active_desk_staff_with_an_address_get_clock_mail(staff):
    assert staff_emails() == [staff[0].email, staff[1].email]


def test_a_reminder_goes_out_once_when_six_hours_are_left(order, mailoutbox):
    six_before = RECEIVED + timedelta(hours=30)  # acknowledgement overdue, action due in 6 h
    assert send_reminders(six_before) == 2
    assert send_reminders(six_before + timedelta(minutes=15)) == 0
    assert len(mailoutbox) == 2  # one e-mail to each of the two staff
    body = mailoutbox[0].body
    assert "Now overdue:" in body and "Acknowledge receipt" in body
    assert "Act on the order, due in 6 h (due 2021-02-12 11:30 IST" in body
    assert f"/desk/demands/{order.id}" in body
    assert mailoutbox[0].subject == "Legal desk reminder: 1 now overdue, 1 due soon"


def test_nothing_is_reminded_while_more_than_six_hours_are_left(order, mailoutbox):
    assert send_reminders(RECEIVED + timedelta(hours=1)) == 0
    assert mailoutbox == []


def test_an_overdue_reminder_is_sent_once_when_the_clock_runs_out(order, mailoutbox):
    soon = RECEIVED + timedelta(hours=31)
    send_reminders(soon)
    mailoutbox.clear()
    at_due = RECEIVED + timedelta(hours=36)
    assert send_reminders(at_due) == 1
    assert send_reminders(at_due + timedelta(hours=1)) == 0
    assert "Act on the order, overdue by 0 min" in mailoutbox[0].body
    kinds = set(ClockReminder.objects.filter(clock="action").values_list("kind", flat=True))
    assert kinds == {"soon", "overdue"}


def test_a_reminder_another_worker_claimed_is_not_sent_again(order, mailoutbox):
    now = RECEIVED + timedelta(hours=31)
    ClockReminder.objects.create(
        subject=f"demand:{order.id}", clock="action", kind="soon", due_at=order.due_at
    )
    ClockReminder.objects.create(
        subject=f"demand:{order.id}",
        clock="acknowledge",
        kind="overdue",
        due_at=RECEIVED + timedelta(hours=24),
    )
    assert send_reminders(now) == 0
    assert mailoutbox == []


def test_a_failed_reminder_is_released_and_sent_by_the_retry(order, mailoutbox, monkeypatch):
    now = RECEIVED + timedelta(hours=31)

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("tidings.legal.reminders.send_mail", broken)
    with pytest.raises(OSError):
        send_reminders(now)
    assert not ClockReminder.objects.exists()
    monkeypatch.undo()
    assert send_reminders(now) == 2
    assert len(mailoutbox) == 2


def test_long_overdue_clocks_are_left_to_the_digest(order, mailoutbox):
    assert send_reminders(RECEIVED + timedelta(days=5)) == 0
    assert mailoutbox == []


def test_the_digest_goes_out_once_a_day_listing_overdue_and_due_soon_clocks(order, mailoutbox):
    morning = RECEIVED + timedelta(hours=30)  # 2021-02-12 00:00 UTC
    assert send_digest(morning) == 1
    assert send_digest(morning + timedelta(hours=5)) == 0
    assert len(mailoutbox) == 2
    mail = mailoutbox[0]
    assert mail.subject == "Legal desk digest 2021-02-12: 1 overdue, 1 due soon"
    overdue, soon = mail.body.split("Due within 24 hours:")
    assert "Acknowledge receipt, overdue by 6 h" in overdue
    assert "Act on the order, due in 6 h" in soon
    assert "/desk/clocks" in mail.body
    assert send_digest(morning + timedelta(days=1)) == 1
    assert len(mailoutbox) == 4


def test_a_quiet_day_sends_no_digest_but_is_recorded(staff, mailoutbox):
    now = datetime(2021, 3, 1, 6, 0, tzinfo=UTC)
    assert send_digest(now) == 0
    assert mailoutbox == []
    assert ClockReminder.objects.filter(subject="digest", due_at=datetime(2021, 3, 1, tzinfo=UTC))


def test_the_workers_run_reminders_and_the_digest_once(
    staff, make_account, run_periodic_tasks, mailoutbox
):
    make_account("kisanvoice")
    do_import_demand(
        "@kisanvoice",
        authority_name="Ministry",
        country="IN",
        reference="R-1",
        received_at=timezone.now() - timedelta(hours=33),
        acting_user=staff[0],
    )
    run_periodic_tasks()
    subjects = sorted(m.subject for m in mailoutbox)
    assert len(subjects) == 4  # a reminder and a digest, to each of two staff
    assert any(s.startswith("Legal desk digest") for s in subjects)
    assert any(s.startswith("Legal desk reminder") for s in subjects)
    run_periodic_tasks()
    assert len(mailoutbox) == 4


def test_an_open_appeal_has_clocks_and_a_decided_one_none(order, legal):
    from tidings.legal.actions.decisions import do_decide_items

    do_decide_items(order, "all_matched", action="withhold", reason="order", acting_user=legal)
    withholding = Withholding.objects.get()
    filed = RECEIVED + timedelta(days=2)
    appeal = Appeal.objects.create(
        withholding=withholding, appellant=withholding.account, text="wrong", filed_at=filed
    )
    now = filed + timedelta(hours=20)
    mine = [d for d in due_clocks(now) if d.appeal is not None]
    assert [(d.clock.key, d.clock.law, d.subject) for d in mine] == [
        ("appeal_acknowledge", True, f"appeal:{appeal.id}")
    ]
    assert mine[0].demand == order
    Appeal.objects.filter(id=appeal.id).update(status="rejected", decided_at=now)
    assert not [d for d in due_clocks(now) if d.appeal is not None]


def run_twice_at_once(job, now: datetime) -> list[BaseException]:
    """``job(now)`` in two threads released together (two workers); what they raised."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            job(now)
        except BaseException as error:  # noqa: BLE001 - every failure is the finding
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a worker never finished"
    return errors


def test_two_workers_at_once_send_each_reminder_and_the_digest_once(
    concurrent_database, staff, make_account, mailoutbox
):
    make_account("kisanvoice")
    do_import_demand(
        "@kisanvoice",
        authority_name="Ministry",
        country="IN",
        reference="R-2",
        received_at=RECEIVED,
        acting_user=staff[0],
    )
    now = RECEIVED + timedelta(hours=31)
    assert run_twice_at_once(send_reminders, now) == []
    assert run_twice_at_once(send_digest, now) == []
    digests = sorted(m.subject for m in mailoutbox if "digest" in m.subject)
    assert digests == ["Legal desk digest 2021-02-12: 1 overdue, 1 due soon"] * 2
    # The two workers may share the reminders out between them (each claims its own
    # rows), but every member of staff hears of each clock exactly once.
    told: Counter[tuple[str, str]] = Counter()
    for message in mailoutbox:
        found = re.fullmatch(
            r"Legal desk reminder: (\d+) now overdue, (\d+) due soon", message.subject
        )
        if found:
            for address in message.to:
                told[(address, "overdue")] += int(found[1])
                told[(address, "soon")] += int(found[2])
    assert len({address for address, _ in told}) == 2
    assert set(told.values()) == {1}
    assert ClockReminder.objects.count() == 3
