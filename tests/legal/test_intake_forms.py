"""Every shape an order line takes "as ministries send them" → status, subject and reason.

The server's domain here is ``tidings.example``; ``old-tidings.example`` is an alias.
``{post}`` stands for a post by @alice.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tidings.legal.intake import parse_order, resolve_targets
from tidings.social.models import Account, Post

OWN = "tidings.example"
ALIASES = ("old-tidings.example", "tidings-alias.example:8443")
NOT_LATIN = "handles here are Latin letters, digits and _; this one has other characters"
SHORT = "a shortened link: expand it and send the target"

# (line, status, subject: "@handle" matched/suggested, "post", or None, reason or None)
FORMS = [
    # our own domain, every URL form we serve
    ("https://tidings.example/@alice", "matched", "@alice", "account @alice (profile link)"),
    ("http://tidings.example/@alice", "matched", "@alice", None),
    ("https://www.tidings.example/@alice?utm_source=x#top", "matched", "@alice", None),
    ("tidings.example/@alice/", "matched", "@alice", None),
    ("https://tidings.example/@alice/{post}", "matched", "post", "post {post} by @alice"),
    ("https://tidings.example/@alice/{post}?s=20#reply", "matched", "post", None),
    ("https://tidings.example/users/alice", "matched", "@alice", None),
    ("https://tidings.example/users/alice/statuses/{post}", "matched", "post", None),
    ("https://tidings.example/api/v1/statuses/{post}", "matched", "post", None),
    ("https://tidings.example/alice/status/{post}", "matched", "post", None),
    ("https://www.tidings.example/alice/status/{post}?lang=en", "matched", "post", None),
    ("@alice@tidings.example", "matched", "@alice", None),
    # aliases: former and other domains of the platform
    ("https://old-tidings.example/@alice", "matched", "@alice", None),
    ("http://www.old-tidings.example/@alice/{post}", "matched", "post", None),
    ("https://old-tidings.example/users/alice/statuses/{post}", "matched", "post", None),
    ("https://old-tidings.example/api/v1/statuses/{post}", "matched", "post", None),
    ("https://tidings-alias.example:8443/alice/status/{post}", "matched", "post", None),
    ("@alice@old-tidings.example", "matched", "@alice", None),
    # twitter.com / x.com handles are matched by handle, as their links are
    ("https://twitter.com/alice", "matched", "@alice", "account @alice (twitter.com profile link)"),
    ("@alice@twitter.com", "matched", "@alice", None),
    # another server: never our namesake, only a suggestion
    (
        "https://example.social/@alice",
        "unknown",
        "suggested @alice",
        "an account on example.social, not on this server",
    ),
    (
        "@alice@example.social",
        "unknown",
        "suggested @alice",
        "an account on example.social, not on this server",
    ),
    (
        "example.social/users/alice",
        "unknown",
        "suggested @alice",
        "an account on example.social, not on this server",
    ),
    (
        "https://example.social/@alice/123",
        "unknown",
        "suggested @alice",
        "a post on example.social, not on this server",
    ),
    (
        "https://example.social/users/alice/statuses/123",
        "unknown",
        "suggested @alice",
        "a post on example.social, not on this server",
    ),
    (
        "@nobody@example.social",
        "unknown",
        None,
        "an account on example.social, not on this server",
    ),
    # punctuation around a handle
    ("@alice:", "matched", "@alice", "account @alice"),
    ("@alice!", "matched", "@alice", None),
    ("@alice?", "matched", "@alice", None),
    ("(@alice)", "matched", "@alice", None),
    ("@bob).", "matched", "@bob", None),
    ("@carol\u2014", "matched", "@carol", None),
    ("@carol\u2013", "matched", "@carol", None),
    ("@x\u2026", "matched", "@x", None),
    ("@x...", "matched", "@x", None),
    ('"@alice",', "matched", "@alice", None),
    ("\u201c@alice\u201d,", "matched", "@alice", None),
    ("'@bob'.", "matched", "@bob", None),
    ("[@carol]", "matched", "@carol", None),
    ("(https://tidings.example/@alice/{post}).", "matched", "post", None),
    # handles that cannot be ours
    ("@\u0430\u043b\u0438\u0441\u0430", "invalid", None, NOT_LATIN),
    ("\u0905\u0932\u093f\u0938", "invalid", None, NOT_LATIN),
    ("@jos\u00e9", "invalid", None, NOT_LATIN),
    ("@al-ice", "invalid", None, "handle has characters other than letters, digits and _"),
    # shortened links
    ("https://t.co/AbC123xyz", "unknown", None, SHORT),
    ("http://bit.ly/3xYz", "unknown", None, SHORT),
    ("https://goo.gl/abc", "unknown", None, SHORT),
    ("https://tinyurl.com/y4abc", "unknown", None, SHORT),
    ("ow.ly/abc1", "unknown", None, SHORT),
    ("https://buff.ly/abc", "unknown", None, SHORT),
    ("https://is.gd/abc", "unknown", None, SHORT),
]


@pytest.fixture
def people(make_account: Callable[..., Account], make_post: Callable[..., Post]) -> dict:
    accounts = {handle: make_account(handle) for handle in ("alice", "bob", "carol", "x")}
    return {**accounts, "post": make_post(accounts["alice"], "the post")}


@pytest.mark.parametrize(("line", "status", "subject", "reason"), FORMS)
def test_each_order_line_shape_resolves_to_what_it_names(
    people: dict, line: str, status: str, subject: str | None, reason: str | None
) -> None:
    post: Post = people["post"]
    text = line.replace("{post}", str(post.id))
    (resolved,) = resolve_targets(parse_order(text, own_domain=OWN, aliases=ALIASES).lines)
    assert resolved.status == status, resolved.reason
    if reason is not None:
        assert resolved.reason == reason.replace("{post}", str(post.id))
    assert resolved.line.raw == text
    if subject == "post":
        assert (resolved.post_id, resolved.account_id) == (post.id, post.author_id)
    elif subject and subject.startswith("suggested @"):
        handle = subject.removeprefix("suggested @")
        assert resolved.account_id is None and resolved.post_id is None
        assert resolved.suggested_account_id == people[handle].id
    elif subject:
        assert resolved.account_id == people[subject[1:]].id
        assert resolved.post_id is None and resolved.suggested_account_id is None
    else:
        assert resolved.account_id is None and resolved.suggested_account_id is None


def test_a_link_on_an_alias_is_not_ours_unless_configured(people: dict) -> None:
    (line,) = resolve_targets(
        parse_order("https://old-tidings.example/@alice", own_domain=OWN).lines
    )
    assert (line.status, line.account_id) == ("unknown", None)
    assert line.suggested_account_id == people["alice"].id
