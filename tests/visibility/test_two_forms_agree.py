"""The queryset form and the loaded-posts form of the visibility rules agree, case by case.

A small world with every rule in play (privacy, direct messages, mentions, follows, blocks,
mutes, suspensions, reposts, withholdings by account and by post, everywhere)
is built from a seed; every viewer, listing and country is then asked both ways.
"""

from __future__ import annotations

import random

import pytest

from tests.conftest import viewer
from tidings.legal.actions.withholding import do_withhold
from tidings.social.actions import (
    do_block,
    do_create_post,
    do_follow,
    do_mute,
    do_repost,
    do_set_role,
    do_suspend_account,
)
from tidings.social.models import Post
from tidings.social.queries import POST_RELATED
from tidings.visibility import Listing, filter_visible_posts, visible_posts


def build_world(seed: int, make_account, run_on_commit):
    rng = random.Random(seed)
    people = [make_account(f"p{seed}_{i}") for i in range(6)]
    lex = do_set_role(make_account(f"lex{seed}"), "legal_admin", acting_user=None)
    with run_on_commit():
        for a in people:
            for b in rng.sample(people, 3):
                if a != b:
                    do_follow(b, acting_user=a)
        posts = []
        for i in range(24):
            author = rng.choice(people)
            text = f"post {i}"
            if rng.random() < 0.3:
                text += f" @{rng.choice(people).username}"
            posts.append(
                do_create_post(
                    text,
                    acting_user=author,
                    visibility=rng.choice(["public", "public", "unlisted", "followers", "direct"]),
                )
            )
        for post in rng.sample([p for p in posts if p.visibility in ("public", "unlisted")], 5):
            do_repost(post, acting_user=rng.choice(people))
    a, b, c, d = rng.sample(people, 4)
    do_block(b, acting_user=a)
    do_mute(d, acting_user=c)
    moderator = make_account(f"mod{seed}", role="moderator")
    do_suspend_account(rng.choice(people), reason="spam", acting_user=moderator)
    do_withhold(account=rng.choice(people), countries=["IN"], reason="x", acting_user=lex)
    do_withhold(post=rng.choice(posts), countries=["IN", "PK"], reason="x", acting_user=lex)
    do_withhold(post=rng.choice(posts), countries=["XX"], reason="x", acting_user=lex)
    return people


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_both_forms_give_the_same_posts_for_every_viewer_and_listing(
    seed, make_account, run_on_commit
):
    people = build_world(seed, make_account, run_on_commit)
    everything = list(Post.objects.select_related(*POST_RELATED).order_by("-id"))
    sizes = set()
    for account in [None, *people]:
        for countries in [(), ("IN",), ("US",)]:
            who = viewer(account, *countries)
            for listing in Listing:
                by_query = set(
                    visible_posts(Post.objects.all(), who, listing).values_list("id", flat=True)
                )
                by_filter = {p.id for p in filter_visible_posts(everything, who, listing)}
                assert by_filter == by_query, (account, countries, listing)
                sizes.add(len(by_query))
    # The world is varied enough that the rules give many different answers.
    assert len(sizes) >= 5 and max(sizes) < len(everything)
