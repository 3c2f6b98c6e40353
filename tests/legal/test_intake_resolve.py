"""Parsed lines → accounts and posts on this server, in bulk, with every line kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tidings.legal.intake import ResolvedLine, parse_order, resolve_targets
from tidings.social.models import Account, Post

OWN = "tidings.example"


def resolve(text: str) -> list[ResolvedLine]:
    return resolve_targets(parse_order(text, own_domain=OWN).lines)


def statuses(resolved: list[ResolvedLine]) -> list[str]:
    return [line.status for line in resolved]


@pytest.fixture
def ravi(make_account: Callable[..., Account]) -> Account:
    return make_account("Ravi_K")


def test_handle_in_any_case_and_form_matches_the_account(ravi: Account) -> None:
    for text in (
        "@ravi_k",
        "RAVI_K",
        "https://twitter.com/Ravi_K",
        "https://tidings.example/@ravi_k",
    ):
        (line,) = resolve(text)
        assert (line.status, line.account_id, line.post_id) == ("matched", ravi.id, None), text


def test_a_twitter_profile_link_says_it_was_matched_by_handle(ravi: Account) -> None:
    (line,) = resolve("https://x.com/ravi_k")
    assert line.reason == "account @Ravi_K (x.com profile link)"


def test_unknown_handle_is_unknown_with_its_reason(db: None) -> None:
    (line,) = resolve("@nobody")
    assert (line.status, line.reason, line.account_id) == (
        "unknown",
        "no account @nobody here",
        None,
    )


def test_own_post_url_resolves_to_its_post_and_author(
    ravi: Account, make_post: Callable[..., Post]
) -> None:
    post = make_post(ravi, "a post")
    (line,) = resolve(f"https://tidings.example/@Ravi_K/{post.id}")
    assert (line.status, line.post_id, line.account_id) == ("matched", post.id, ravi.id)
    assert line.reason == f"post {post.id} by @Ravi_K"


def test_post_url_whose_handle_is_not_the_author_is_unknown(
    ravi: Account, make_account: Callable[..., Account], make_post: Callable[..., Post]
) -> None:
    sita = make_account("sita")
    post = make_post(ravi, "a post")
    (line,) = resolve(f"https://tidings.example/@sita/{post.id}")
    assert (line.status, line.post_id, line.account_id) == ("unknown", None, sita.id)
    assert line.reason == f"post {post.id} is by @Ravi_K, not @sita"


def test_post_url_for_a_missing_post_is_unknown(ravi: Account) -> None:
    (line,) = resolve("https://tidings.example/@ravi_k/12345")
    assert (line.status, line.reason) == ("unknown", "no post 12345 here")


def test_twitter_status_url_is_unknown_and_names_the_account_without_widening_to_it(
    ravi: Account,
) -> None:
    (line,) = resolve("https://x.com/ravi_k/status/1356183921474117633?s=20")
    assert (line.status, line.account_id, line.post_id) == ("unknown", ravi.id, None)
    assert line.reason == (
        "x.com status link: the post is not on this server (the id is x.com's, not ours); "
        "@Ravi_K here is the account it names"
    )


def test_twitter_status_url_for_an_unknown_handle_says_so(db: None) -> None:
    (line,) = resolve("https://twitter.com/ghost/status/5")
    assert line.status == "unknown"
    assert line.reason.endswith("there is no account @ghost here either")


def test_invalid_lines_stay_invalid_with_the_parsers_reason(db: None) -> None:
    (line,) = resolve("https://tidings.example/tags/farmers")
    assert (line.status, line.reason) == ("invalid", "tag page, not an account or post")


def test_later_lines_naming_the_same_account_are_duplicates_of_the_first(ravi: Account) -> None:
    resolved = resolve("@ravi_k\n@sita_x\nhttps://twitter.com/RAVI_K\nravi_k\n")
    assert statuses(resolved) == ["matched", "unknown", "duplicate", "duplicate"]
    assert [line.reason for line in resolved[2:]] == ["same as line 1", "same as line 1"]
    assert all(line.account_id == ravi.id for line in resolved[2:])
    assert resolved[2].duplicate_of == 1


def test_the_same_post_twice_is_a_duplicate_but_its_author_is_not(
    ravi: Account, make_post: Callable[..., Post]
) -> None:
    post = make_post(ravi, "a post")
    url = f"https://tidings.example/@ravi_k/{post.id}"
    assert statuses(resolve(f"{url}\n@ravi_k\n{url}/\n")) == ["matched", "matched", "duplicate"]


def test_the_same_foreign_status_on_twitter_and_x_is_a_duplicate(ravi: Account) -> None:
    resolved = resolve("https://twitter.com/ravi_k/status/9\nhttps://x.com/ravi_k/status/9\n")
    assert statuses(resolved) == ["unknown", "duplicate"]


def test_an_order_of_1178_lines_with_3_bad_lines_keeps_all_of_them(db: None) -> None:
    # Bulk rows, not 1,175 audited sign-ups: the resolver reads handles only.
    Account.objects.bulk_create(
        Account(username=f"farmer{n}", email=f"f{n}@example.com") for n in range(1175)
    )
    good = [f"@farmer{n}" for n in range(1175)]
    bad = ["@farmer7", "@nobody_here", "@not valid!"]
    resolved = resolve("\n".join(good[:600] + bad + good[600:]))
    assert len(resolved) == 1178
    assert statuses(resolved).count("matched") == 1175
    marked = [line for line in resolved if line.status != "matched"]
    assert [(line.line.raw, line.status) for line in marked] == [
        ("@farmer7", "duplicate"),
        ("@nobody_here", "unknown"),
        ("@not valid!", "invalid"),
    ]


def test_resolving_uses_one_query_for_handles_and_one_for_posts(
    ravi: Account, make_post: Callable[..., Post], django_assert_num_queries
) -> None:
    post = make_post(ravi, "a post")
    lines = parse_order(
        "\n".join(
            [f"@user{n}" for n in range(3000)] + [f"https://tidings.example/@ravi_k/{post.id}"]
        ),
        own_domain=OWN,
    ).lines
    with django_assert_num_queries(2):
        resolved = resolve_targets(lines)
    assert resolved[-1].status == "matched"
