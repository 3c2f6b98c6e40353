"""Notices are queued with the decision, delivered by workers exactly once, and retried."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import timedelta
from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tidings.legal.actions.decisions import do_decide_items, do_release_notices
from tidings.legal.models import LegalNotice
from tidings.legal.notices import send_notices
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account, Notification
from tidings.tasks.worker import Worker

LATER = timedelta(days=1)


class BrokenMailBackend(EmailBackend):
    """Refuses to send while ``down`` is set, like an SMTP server that went away."""

    down = True

    def send_messages(self, messages):
        if BrokenMailBackend.down:
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def broken_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenMailBackend"
    BrokenMailBackend.down = True
    yield BrokenMailBackend
    BrokenMailBackend.down = False


def voices(count: int) -> list[Account]:
    """``count`` accounts with e-mail addresses, inserted at once (set-up, not under test)."""
    return Account.objects.bulk_create(
        Account(username=f"voice{i}", email=f"voice{i}@example.com", password="!")
        for i in range(count)
    )


def withhold_all(import_order, legal, handles: list[str], **fields):
    demand = import_order("\n".join(f"@{h}" for h in handles), **fields).demand
    do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
    return demand


def queued_sends() -> int:
    return DBTaskResult.objects.filter(
        task_path=send_notices.module_path, status=TaskResultStatus.READY
    ).count()


def test_a_decision_queues_its_notices_in_its_own_transaction(import_order, make_account, legal):
    make_account("kisanvoice")
    withhold_all(import_order, legal, ["kisanvoice"])
    assert queued_sends() == 1
    assert mail.outbox == []
    assert LegalNotice.objects.get().sent_at is None


def test_a_failed_mail_leaves_the_notice_unsent_and_it_is_sent_on_retry(
    import_order, make_account, legal, run_tasks, broken_mail
):
    owner = make_account("kisanvoice", email="kisan@example.com")
    withhold_all(import_order, legal, ["kisanvoice"])
    run_tasks()
    notice = LegalNotice.objects.get()
    assert notice.sent_at is None and notice.emailed_at is None
    assert notice.notified_at is not None  # the in-app notification does not wait for the mail
    assert mail.outbox == []
    [row] = DBTaskResult.objects.filter(task_path=send_notices.module_path)
    assert row.status == TaskResultStatus.READY
    assert row.run_after > timezone.now()
    assert "SMTPServerDisconnected" in row.traceback

    assert run_tasks() == 0  # not before its retry time
    broken_mail.down = False
    run_tasks(now=timezone.now() + LATER)
    notice.refresh_from_db()
    assert notice.sent_at is not None and notice.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["kisan@example.com"]]
    assert Notification.objects.filter(recipient=owner, kind="legal").count() == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL
    assert len(row.worker_ids) == 2


def test_a_mail_that_never_goes_out_is_recorded_as_failed_not_sent(
    import_order, make_account, legal, run_tasks, broken_mail, settings
):
    settings.TASK_MAX_ATTEMPTS = 3
    make_account("kisanvoice")
    withhold_all(import_order, legal, ["kisanvoice"])
    run_tasks(now=timezone.now() + LATER)
    run_tasks(now=timezone.now() + 2 * LATER)
    [row] = DBTaskResult.objects.filter(task_path=send_notices.module_path)
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 3
    assert LegalNotice.objects.get().sent_at is None
    assert mail.outbox == []


def test_notices_of_a_committed_decision_are_all_sent_once_by_a_worker_started_afterwards(
    import_order, legal
):
    # The process that decided is gone before any after-commit work: only the queue remains.
    accounts = voices(2000)
    withhold_all(import_order, legal, [a.username for a in accounts])
    assert LegalNotice.objects.filter(sent_at=None).count() == 2000
    assert queued_sends() == 20
    assert mail.outbox == []

    Worker(worker_id="started-later").run_until_idle()

    assert not LegalNotice.objects.filter(sent_at=None).exists()
    mailed = Counter(address for message in mail.outbox for address in message.to)
    assert len(mailed) == 2000 and set(mailed.values()) == {1}
    assert Notification.objects.filter(kind="legal").count() == 2000


def test_running_the_send_task_twice_sends_once(import_order, make_account, legal, run_tasks):
    owner = make_account("kisanvoice")
    withhold_all(import_order, legal, ["kisanvoice"])
    ids = list(LegalNotice.objects.values_list("id", flat=True))
    send_notices.enqueue(ids)  # the same notices queued a second time
    assert run_tasks() == 2
    assert send_notices.call(ids) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=owner, kind="legal").count() == 1


def test_releasing_a_confidential_order_queues_its_notices_and_a_second_release_sends_nothing(
    import_order, make_account, legal, legal_admin, run_tasks
):
    make_account("kisanvoice")
    make_account("farmersunion")
    demand = withhold_all(import_order, legal, ["kisanvoice", "farmersunion"], confidential=True)
    assert queued_sends() == 0
    run_tasks()
    assert mail.outbox == []

    assert do_release_notices(demand, acting_user=legal_admin) == 2
    assert queued_sends() == 1
    run_tasks()
    assert len(mail.outbox) == 2
    with pytest.raises(InvalidInput):
        do_release_notices(demand, acting_user=legal_admin)
    run_tasks()
    assert len(mail.outbox) == 2
    assert not LegalNotice.objects.filter(sent_at=None).exists()


class WatchfulMailBackend(EmailBackend):
    """Notes whether a transaction (on SQLite: the database's write lock) is open while sending."""

    in_transaction: list[bool] = []

    def send_messages(self, messages):
        WatchfulMailBackend.in_transaction.append(connection.in_atomic_block)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_held_open_while_the_mail_server_is_talked_to(
    import_order, make_account, legal, run_tasks, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.WatchfulMailBackend"
    WatchfulMailBackend.in_transaction.clear()
    make_account("kisanvoice")
    withhold_all(import_order, legal, ["kisanvoice"])
    run_tasks()
    assert WatchfulMailBackend.in_transaction == [False]
    assert LegalNotice.objects.get().sent_at is not None


def test_an_email_another_worker_is_sending_is_left_to_it_until_its_claim_lapses(
    import_order, make_account, legal, run_tasks
):
    make_account("kisanvoice")
    withhold_all(import_order, legal, ["kisanvoice"])
    LegalNotice.objects.update(email_claimed_at=timezone.now())  # a worker is mid-send
    run_tasks()
    assert mail.outbox == []
    assert LegalNotice.objects.get().sent_at is None
    [row] = DBTaskResult.objects.filter(task_path=send_notices.module_path)
    assert row.status == TaskResultStatus.READY  # looked at again later
    # That worker died mid-send: after the lease, the notice is sent by the retry.
    LegalNotice.objects.update(email_claimed_at=timezone.now() - timedelta(minutes=11))
    run_tasks(now=timezone.now() + LATER)
    assert len(mail.outbox) == 1
    assert LegalNotice.objects.get().sent_at is not None


class SlowMailBackend(EmailBackend):
    """Takes a moment per message, as a real mail server does, so the workers overlap."""

    def send_messages(self, messages):
        time.sleep(0.002)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_send_a_notice_twice(import_order, legal, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowMailBackend"
    settings.TASK_MAX_ATTEMPTS = 10_000  # retries come at once here: let them wait for the other
    accounts = voices(300)
    withhold_all(import_order, legal, [a.username for a in accounts])
    ids = list(LegalNotice.objects.order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), 100):  # every batch queued twice, so both workers race
        send_notices.enqueue(ids[start : start + 100])
    start_together = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start_together.wait()
            Worker(worker_id=name).run_until_idle(now=timezone.now() + LATER)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    ran_by = {w for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) for w in ids}
    assert ran_by <= {"w0", "w1"}
    if connection.vendor == "postgresql":  # SQLite lets one writer at a time, PostgreSQL both
        assert ran_by == {"w0", "w1"}
    mailed = Counter(address for message in mail.outbox for address in message.to)
    assert len(mailed) == 300 and set(mailed.values()) == {1}
    assert Notification.objects.filter(kind="legal").count() == 300
    assert not LegalNotice.objects.filter(sent_at=None).exists()
