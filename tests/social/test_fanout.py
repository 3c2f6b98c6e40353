"""Fan-out to home timelines runs on the queue, in batches, after the post is made."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

import pytest
from django.db import OperationalError, connection
from django.db.models import F, QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tidings.audit.models import AuditEvent
from tidings.social.actions import do_create_post, do_delete_post
from tidings.social.fanout import FANOUT_BATCH, fanout_post
from tidings.social.models import Account, Follow, HomeEntry, Post
from tidings.tasks.worker import Worker


def give_followers(author: Account, count: int) -> list[int]:
    """``count`` new accounts following ``author``, inserted at once (set-up, not under test)."""
    fans = Account.objects.bulk_create(
        Account(username=f"{author.username}fan{i}", password="!") for i in range(count)
    )
    Follow.objects.bulk_create(Follow(follower=fan, followee=author) for fan in fans)
    Account.objects.filter(id=author.id).update(followers_count=F("followers_count") + count)
    return [fan.id for fan in fans]


def posting_queries(author: Account, text: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        do_create_post(text, acting_user=author)
    return [q["sql"] for q in queries.captured_queries]


def test_posting_costs_the_same_with_2500_followers_as_with_none(alice, bob):
    give_followers(bob, 2500)
    assert len(posting_queries(bob, "to 2,500 people")) == len(posting_queries(alice, "to nobody"))


def test_a_post_reaches_its_author_at_once_and_every_follower_through_the_queue(alice, run_tasks):
    fans = give_followers(alice, 2500)
    post = do_create_post("hello all", acting_user=alice)
    assert list(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True)) == [
        alice.id
    ]
    with CaptureQueriesContext(connection) as queries:
        assert run_tasks() == 3  # 1,000 + 1,000 + 500 followers
    inserts = [q for q in queries.captured_queries if 'INTO "social_homeentry"' in q["sql"]]
    assert len(inserts) == 3  # one statement per batch of FANOUT_BATCH
    assert FANOUT_BATCH == 1000
    owners = set(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True))
    assert owners == {alice.id, *fans}


def test_a_fanout_batch_costs_a_fixed_number_of_queries(alice, django_assert_num_queries):
    """A batch costs the same queries whatever its size (pinned, so one added is noticed).

    Claiming the row: on PostgreSQL one UPDATE that picks and locks it; on SQLite a look,
    then BEGIN, read, mark it running, COMMIT. Then one transaction: BEGIN, the post and its
    author, the batch's followers, one INSERT for their home entries, the stream event, the
    row marked done, COMMIT (no savepoint inside the task's own transaction).
    """
    give_followers(alice, 300)
    do_create_post("to 300", acting_user=alice)
    claim = 1 if connection.vendor == "postgresql" else 5
    with django_assert_num_queries(claim + 7):
        assert Worker(worker_id="counted").step() is True


def test_fanning_out_again_adds_nothing_and_a_deleted_post_is_not_fanned_out(alice, run_tasks):
    give_followers(alice, 3)
    post = do_create_post("twice", acting_user=alice)
    run_tasks()
    assert fanout_post.call(post.id) == 3
    assert HomeEntry.objects.filter(post=post).count() == 4
    gone = do_create_post("deleted before the worker ran", acting_user=alice)
    do_delete_post(gone, acting_user=alice)
    run_tasks()
    assert not HomeEntry.objects.filter(post_id=gone.id).exists()


def fanout_rows() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=fanout_post.module_path).order_by("enqueued_at")
    )


def test_a_post_commits_with_its_fanout_task_and_its_audit_event(alice):
    give_followers(alice, 3)
    post = do_create_post("all three together", acting_user=alice)
    [row] = fanout_rows()
    assert row.args_kwargs["args"] == [post.id]
    [event] = AuditEvent.objects.filter(action="post.create", subject_id=str(post.id))
    assert event.actor_id == alice.id


@pytest.mark.parametrize(
    "failing",
    [
        "django_tasks_db.backend.DatabaseBackend.enqueue",
        "tidings.social.actions.posts.record_event",
    ],
)
def test_a_post_whose_fanout_task_or_audit_event_fails_is_not_made_at_all(alice, failing):
    give_followers(alice, 3)
    events_before = AuditEvent.objects.count()
    with patch(failing, side_effect=OperationalError("disk full")), pytest.raises(OperationalError):
        do_create_post("never seen", acting_user=alice)
    assert not Post.objects.filter(text="never seen").exists()
    assert not HomeEntry.objects.exists()
    assert not fanout_rows()
    assert AuditEvent.objects.count() == events_before
    assert Account.objects.get(id=alice.id).posts_count == 0


class WorkerKilled(BaseException):
    """Stands for the process dying: no ``except Exception`` in the worker catches it."""


def test_a_worker_killed_after_a_batch_but_before_marking_it_done_resumes_without_duplicates(
    alice, settings
):
    """The batch, the next batch's task and the row's success commit together or not at all."""
    settings.TASK_LEASE = 60
    fans = give_followers(alice, 2500)
    post = do_create_post("survives a crash", acting_user=alice)
    now = timezone.now()
    Worker(worker_id="first").run_until_idle(now=now, limit=1)  # batch 1 of 3 done
    assert HomeEntry.objects.filter(post=post).count() == 1001
    real_update = QuerySet.update

    def die_on_marking_done(queryset, **fields):
        if fields.get("status") == TaskResultStatus.SUCCESSFUL:
            raise WorkerKilled
        return real_update(queryset, **fields)

    with (
        patch.object(QuerySet, "update", die_on_marking_done),
        patch.object(DBTaskResult, "set_successful", side_effect=WorkerKilled),
        pytest.raises(WorkerKilled),
    ):
        Worker(worker_id="killed").run_until_idle(now=now)  # dies at the end of batch 2
    assert HomeEntry.objects.filter(post=post).count() == 1001  # batch 2 rolled back whole
    later = now + timedelta(seconds=61)
    survivor = Worker(worker_id="survivor")
    assert survivor.reclaim_abandoned(later) == 1
    assert survivor.run_until_idle(now=later) == 2  # batches 2 and 3, once each
    owners = list(HomeEntry.objects.filter(post=post).values_list("owner_id", flat=True))
    assert sorted(owners) == sorted([alice.id, *fans])
    rows = fanout_rows()
    assert [r.status for r in rows] == [TaskResultStatus.SUCCESSFUL] * 3
    assert [r.args_kwargs["args"][1:] for r in rows] == [
        [],
        [sorted(fans)[999]],
        [sorted(fans)[1999]],
    ]


def test_a_batch_whose_row_was_given_back_while_it_ran_is_rolled_back(alice, settings):
    """Two workers that both think a batch is theirs write it once."""
    settings.TASK_LEASE = 60
    give_followers(alice, 10)
    post = do_create_post("slow worker", acting_user=alice)
    now = timezone.now()
    slow = Worker(worker_id="slow")
    row = slow.claim(now)
    fast = Worker(worker_id="fast")
    later = now + timedelta(seconds=61)
    assert fast.reclaim_abandoned(later) == 1
    assert fast.run_until_idle(now=later) == 1
    assert slow.execute(row) is False  # its claim is gone: its work is undone
    assert HomeEntry.objects.filter(post=post).count() == 11
    [done] = fanout_rows()
    assert done.status == TaskResultStatus.SUCCESSFUL and done.worker_ids == ["slow", "fast"]
