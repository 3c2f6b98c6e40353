"""Every form a target may take in an order, and the forms that are not targets."""

from __future__ import annotations

import pytest

from tidings.legal.intake import parse_order

OWN = "tidings.example"

# (cell, kind, handle, post_id, foreign_post_id, host)
VALID = [
    ("@alice", "account", "alice", None, None, None),
    ("alice", "account", "alice", None, None, None),
    ("@Alice_99", "account", "alice_99", None, None, None),
    ("ALICE", "account", "alice", None, None, None),
    ("a" * 30, "account", "a" * 30, None, None, None),
    ("  @alice  ", "account", "alice", None, None, None),
    ('"@alice"', "account", "alice", None, None, None),
    ("'alice'", "account", "alice", None, None, None),
    ("\u201c@alice\u201d", "account", "alice", None, None, None),
    ("@alice,", "account", "alice", None, None, None),
    ("@alice;", "account", "alice", None, None, None),
    ("1. @alice", "account", "alice", None, None, None),
    ("- @alice", "account", "alice", None, None, None),
    ("<https://twitter.com/alice>", "account", "alice", None, None, "twitter.com"),
    ("@alice@tidings.example", "account", "alice", None, None, OWN),
    ("@alice@mastodon.social", "account", "alice", None, None, "mastodon.social"),
    ("https://tidings.example/@alice", "account", "alice", None, None, OWN),
    ("https://tidings.example/@Alice/", "account", "alice", None, None, OWN),
    ("http://TIDINGS.example:8443/@alice", "account", "alice", None, None, OWN),
    ("https://www.tidings.example/@alice?ref=x", "account", "alice", None, None, OWN),
    (
        "https://tidings.example/@alice/7301234567890123",
        "post",
        "alice",
        7301234567890123,
        None,
        OWN,
    ),
    ("https://tidings.example/@alice/42/", "post", "alice", 42, None, OWN),
    ("https://mastodon.social/@alice", "account", "alice", None, None, "mastodon.social"),
    ("https://mastodon.social/@alice/1099", "foreign_post", "alice", None, 1099, "mastodon.social"),
    ("https://twitter.com/alice", "account", "alice", None, None, "twitter.com"),
    ("https://twitter.com/alice/", "account", "alice", None, None, "twitter.com"),
    ("http://twitter.com/Alice", "account", "alice", None, None, "twitter.com"),
    ("https://www.twitter.com/alice", "account", "alice", None, None, "twitter.com"),
    ("https://mobile.twitter.com/alice", "account", "alice", None, None, "twitter.com"),
    ("https://twitter.com/alice/with_replies", "account", "alice", None, None, "twitter.com"),
    ("twitter.com/alice", "account", "alice", None, None, "twitter.com"),
    ("https://x.com/alice", "account", "alice", None, None, "x.com"),
    (
        "https://x.com/alice/status/1356183921474117633",
        "foreign_post",
        "alice",
        None,
        1356183921474117633,
        "x.com",
    ),
    ("https://x.com/alice/status/13?s=20", "foreign_post", "alice", None, 13, "x.com"),
    ("https://twitter.com/alice/status/13/", "foreign_post", "alice", None, 13, "twitter.com"),
    (
        "https://twitter.com/alice/status/13/photo/1",
        "foreign_post",
        "alice",
        None,
        13,
        "twitter.com",
    ),
    (
        "https://mobile.twitter.com/alice/status/13",
        "foreign_post",
        "alice",
        None,
        13,
        "twitter.com",
    ),
    ("https://twitter.com/i/web/status/13", "foreign_post", None, None, 13, "twitter.com"),
    ("https://x.com/alice/status/13#m", "foreign_post", "alice", None, 13, "x.com"),
]

INVALID = [
    ("a" * 31, "handle too long (31 characters; the limit is 30)"),
    ("@al-ice", "handle has characters other than letters, digits and _"),
    ("@", "no handle after @"),
    ("alice@example.com", "an e-mail address or @handle@host without the leading @"),
    ("https://tidings.example/tags/farmers", "tag page, not an account or post"),
    ("https://tidings.example/", "link to this server, but not to an account or post"),
    ("https://tidings.example/about", "link to this server, but not to an account or post"),
    ("https://example.org/news/1", "link to example.org, but not to an account or post"),
    ("https://twitter.com/", "link to twitter.com itself, not to an account or post"),
    ("https://twitter.com/search?q=farmers", "twitter.com search page, not an account or post"),
    ("https://twitter.com/hashtag/farmers", "twitter.com hashtag page, not an account or post"),
    ("https://twitter.com/alice/status/", "twitter.com status link without a status number"),
    ("https://twitter.com/i/user/12", "twitter.com link that names no handle"),
    ("https://tidings.example/@alice/abc", "post link with a post number that is not a number"),
    (
        "https://tidings.example/@alice/99999999999999999999",
        "post number out of range for this server",
    ),
    ("ftp://tidings.example/@alice", "not a web link"),
    ("#farmers", "a hashtag, not an account or post"),
    ("@alice @bob", "2 targets on one line; put one per line"),
    ("Farmers protest accounts", "several words, not one handle or link"),
    ("n/a", "not a handle or link"),
]


@pytest.mark.parametrize(("cell", "kind", "handle", "post_id", "foreign_post_id", "host"), VALID)
def test_every_common_target_form_names_its_account_or_post(
    cell: str,
    kind: str,
    handle: str | None,
    post_id: int | None,
    foreign_post_id: int | None,
    host: str | None,
) -> None:
    (line,) = parse_order(cell, own_domain=OWN).lines
    assert (line.kind, line.handle, line.post_id, line.foreign_post_id, line.host) == (
        kind,
        handle,
        post_id,
        foreign_post_id,
        host,
    ), line.reason
    assert line.raw == cell


@pytest.mark.parametrize(("cell", "reason"), INVALID)
def test_a_cell_that_names_nothing_is_an_invalid_item_with_its_reason(
    cell: str, reason: str
) -> None:
    (line,) = parse_order(cell, own_domain=OWN).lines
    assert (line.kind, line.reason) == ("invalid", reason)
    assert line.raw == cell
    assert line.handle is None and line.post_id is None


def test_twitter_status_url_never_sets_our_post_id() -> None:
    (line,) = parse_order("https://x.com/alice/status/7301234567890123", own_domain=OWN).lines
    assert line.post_id is None
    assert line.foreign_post_id == 7301234567890123


def test_own_domain_with_a_port_still_recognises_its_post_links() -> None:
    (line,) = parse_order("http://localhost:8000/@alice/77", own_domain="localhost:8000").lines
    assert (line.kind, line.post_id) == ("post", 77)
