"""``bench.write``'s own parts: the authors it makes and how it tells a post is fanned out."""

from __future__ import annotations

import time

from django.test import Client

from bench.write import FanoutWatcher, Posted, make_authors
from tidings.social.models import Account, Follow


def test_each_author_gets_its_followers_and_a_token_that_can_post(db):
    authors = make_authors("t1", [3, 5])
    assert [a["followers"] for a in authors] == [3, 5]
    for author in authors:
        assert Follow.objects.filter(followee_id=author["id"]).count() == author["followers"]
        assert Account.objects.get(id=author["id"]).followers_count == author["followers"]
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {authors[1]['token']}")
    response = client.post(
        "/api/v1/statuses", {"status": "from the benchmark"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["account"]["username"] == authors[1]["username"]


def test_a_post_counts_as_fanned_out_only_once_every_follower_has_it(db, run_tasks):
    [author] = make_authors("t2", [4])
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {author['token']}")
    post_id = int(
        client.post("/api/v1/statuses", {"status": "wait"}, content_type="application/json").json()[
            "id"
        ]
    )
    watcher = FanoutWatcher()
    watcher.add(Posted(post_id, expected=5, answered=time.monotonic()))
    watcher.look()
    assert watcher.done == [] and post_id in watcher.pending  # only the author's own entry yet
    run_tasks()
    watcher.look()
    assert [p.post_id for p in watcher.done] == [post_id]
    assert watcher.done[0].complete is not None
