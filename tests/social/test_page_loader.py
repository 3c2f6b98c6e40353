"""A page of posts loaded through prepared SQL is what ``select_related`` loads, in one query."""

from __future__ import annotations

from tidings.social.actions import do_repost
from tidings.social.models import Post
from tidings.social.page_loader import posts_by_id
from tidings.social.queries import POST_RELATED


def _columns(obj) -> dict:
    return {k: v for k, v in obj.__dict__.items() if k != "_state"}


def test_posts_reposts_and_replies_load_as_select_related_loads_them(
    alice, bob, make_post, django_assert_num_queries
):
    original = make_post(alice, "original #tag")
    reply = make_post(bob, "a reply", in_reply_to=original)
    repost = do_repost(original, acting_user=bob)
    ids = [repost.id, reply.id, original.id, repost.id, 2**62]  # a repeat and a missing id
    expected = Post.objects.filter(id__in=ids).select_related(*POST_RELATED).in_bulk()
    with django_assert_num_queries(1):
        loaded = posts_by_id(ids, POST_RELATED)
        # The related objects came with the rows: reading them asks nothing more.
        assert loaded[repost.id].repost_of.author.username == "alice"
        assert loaded[reply.id].in_reply_to_account.username == "alice"
        assert loaded[original.id].repost_of is None
    assert set(loaded) == set(expected) == {repost.id, reply.id, original.id}
    for post_id, post in loaded.items():
        assert _columns(post) == _columns(expected[post_id])
        assert _columns(post.author) == _columns(expected[post_id].author)
    assert _columns(loaded[repost.id].repost_of) == _columns(expected[repost.id].repost_of)


def test_pages_of_every_size_load_every_post_once(alice, make_post):
    posts = [make_post(alice, f"post {i}") for i in range(5)]
    for size in range(1, 6):
        ids = [p.id for p in posts[:size]]
        assert sorted(posts_by_id(ids, POST_RELATED)) == sorted(ids)
    assert posts_by_id([], POST_RELATED) == {}
