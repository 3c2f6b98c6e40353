"""The same click arriving twice at once (two devices, a retried request) counts once.

Each test releases several threads at the same instant (``threading.Barrier``),
each with its own database connection, all calling the same action; exactly
one row results and the counters users see stay right. On PostgreSQL the
requests really overlap; on SQLite (a file database) they queue.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from tests.conftest import TEST_PASSWORD
from tidings.audit.chain import verify_chain
from tidings.lib.errors import InvalidInput
from tidings.social.actions import (
    do_create_post,
    do_favourite,
    do_follow,
    do_repost,
    do_unrepost,
)
from tidings.social.actions.registration import do_register_account
from tidings.social.models import Account, Favourite, Follow, Post

THREADS = 4


def at_once(
    action: Callable[..., object], times: int = THREADS, *, allowed: type | None = None
) -> list[object]:
    """Call ``action(n)`` from ``times`` threads released together; their results.

    An exception of type ``allowed`` counts as a result; any other fails the test.
    """
    barrier = threading.Barrier(times)
    results: list[object] = []

    def run(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            results.append(action(n))
        except BaseException as error:  # noqa: BLE001 - a failure is the finding
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "an action never finished"
    errors = [
        r
        for r in results
        if isinstance(r, BaseException) and not (allowed and isinstance(r, allowed))
    ]
    assert errors == []
    return results


@pytest.fixture
def people(concurrent_database, make_account) -> tuple[Account, Account, Post]:
    alice, bob = make_account("alice"), make_account("bob")
    return alice, bob, do_create_post("the original", acting_user=alice)


def test_simultaneous_reposts_make_one_repost(people):
    alice, bob, post = people
    reposts = at_once(lambda _: do_repost(post, acting_user=bob))
    assert Post.objects.filter(author=bob, repost_of=post).count() == 1
    assert {r.id for r in reposts} == {Post.objects.get(author=bob, repost_of=post).id}
    assert Post.objects.get(id=post.id).reposts_count == 1
    assert Account.objects.get(id=bob.id).posts_count == 1
    assert list(verify_chain()) == []


def test_simultaneous_undo_of_a_repost_counts_once(people, make_account):
    alice, bob, post = people
    carol = make_account("carol")
    do_repost(post, acting_user=bob)
    do_repost(post, acting_user=carol)
    at_once(lambda _: do_unrepost(post, acting_user=bob))
    assert not Post.objects.filter(author=bob, repost_of=post).exists()
    assert Post.objects.get(id=post.id).reposts_count == 1
    assert Account.objects.get(id=bob.id).posts_count == 0


def test_simultaneous_favourites_count_once(people):
    alice, bob, post = people
    at_once(lambda _: do_favourite(post, acting_user=bob))
    assert Favourite.objects.filter(account=bob, post=post).count() == 1
    assert Post.objects.get(id=post.id).favourites_count == 1


def test_simultaneous_follows_count_once(people):
    alice, bob, post = people
    created = at_once(lambda _: do_follow(alice, acting_user=bob))
    assert sorted(created) == [False] * (THREADS - 1) + [True]
    assert Follow.objects.filter(follower=bob, followee=alice).count() == 1
    assert Account.objects.get(id=alice.id).followers_count == 1
    assert Account.objects.get(id=bob.id).following_count == 1


def test_simultaneous_sign_ups_with_one_email_address_make_one_account(concurrent_database):
    results = at_once(
        lambda n: do_register_account(
            f"twin{n}", email="Twin@Example.com", password=TEST_PASSWORD, acting_user=None
        ),
        allowed=InvalidInput,
    )
    assert Account.objects.filter(email__iexact="twin@example.com").count() == 1
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(refused) == THREADS - 1
    assert all("already taken" in r.message for r in refused)
