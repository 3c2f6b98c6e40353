"""The in-memory dataset refuses rows that the real actions would refuse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tidings.demo.dataset import Dataset
from tidings.demo.writer import write_dataset
from tidings.social.models import Account, Visibility


@pytest.fixture
def data() -> Dataset:
    return Dataset()


def two_accounts(data: Dataset):
    now = timezone.now()
    first = data.add_account("first", display_name="First", created_at=now - timedelta(days=3))
    second = data.add_account("second", display_name="Second", created_at=now - timedelta(days=3))
    return first, second, now


@pytest.mark.django_db  # ids are minted under a worker lease PostgreSQL renews in the database
def test_nobody_follows_themselves_or_twice(data):
    first, second, now = two_accounts(data)
    assert not data.follow(first.id, first.id, now)
    assert data.follow(first.id, second.id, now)
    assert not data.follow(first.id, second.id, now)


@pytest.mark.django_db  # ids are minted under a worker lease PostgreSQL renews in the database
def test_followers_only_posts_and_own_posts_are_not_reposted(data):
    first, second, now = two_accounts(data)
    private = data.post(first.id, "hi", now - timedelta(hours=2), visibility=Visibility.FOLLOWERS)
    public = data.post(first.id, "hello", now - timedelta(hours=2))
    assert data.repost(second.id, private, now) is None
    assert data.repost(first.id, public, now) is None
    assert data.repost(second.id, public, now) is not None
    assert data.repost(second.id, public, now) is None


@pytest.mark.django_db  # ids are minted under a worker lease PostgreSQL renews in the database
def test_a_reply_comes_after_its_parent(data):
    first, second, now = two_accounts(data)
    parent = data.post(first.id, "hello", now)
    with pytest.raises(ValueError):
        data.post(second.id, "@first hi", now - timedelta(minutes=1), reply_to=parent)


def test_only_fresh_existing_accounts_take_part(data):
    with pytest.raises(ValueError):
        data.include_existing(Account(id=1, username="busy", followers_count=3))


@pytest.mark.django_db(transaction=True)
def test_writing_needs_the_callers_transaction(data):
    two_accounts(data)
    with pytest.raises(RuntimeError):
        write_dataset(data)
    assert not Account.objects.exists()
