"""The URLs the API hands out name the platform's own domain, whatever host a client used."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.test import Client

from tidings.legal.intake import parse_order, resolve_targets
from tidings.social.models import Account, Post


def test_a_post_fetched_through_another_host_gets_urls_on_the_canonical_domain(
    make_account: Callable[..., Account], make_post: Callable[..., Post]
) -> None:
    post = make_post(make_account("alice"), "hello")
    data = Client().get(f"/api/v1/statuses/{post.id}", HTTP_HOST="127.0.0.1:8123").json()
    assert data["url"] == f"http://{settings.DOMAIN}/@alice/{post.id}"
    assert data["uri"] == f"http://{settings.DOMAIN}/users/alice/statuses/{post.id}"
    assert data["account"]["url"] == f"http://{settings.DOMAIN}/@alice"
    assert "127.0.0.1:8123" not in str(data)


def test_the_instance_document_names_the_canonical_domain(db: None) -> None:
    data = Client().get("/api/v2/instance", HTTP_HOST="127.0.0.1:8123").json()
    assert data["domain"] == settings.DOMAIN
    assert "127.0.0.1:8123" not in str(data)


def test_the_url_the_api_returns_pasted_into_an_order_matches_the_post(
    make_account: Callable[..., Account], make_post: Callable[..., Post]
) -> None:
    post = make_post(make_account("alice"), "hello")
    data = Client().get(f"/api/v1/statuses/{post.id}", HTTP_HOST="127.0.0.1:8123").json()
    order = f"{data['url']}\n{data['uri']}\n{data['account']['url']}\n"
    lines = resolve_targets(parse_order(order, own_domain=settings.DOMAIN).lines)
    assert [(r.status, r.post_id) for r in lines] == [
        ("matched", post.id),
        ("duplicate", post.id),
        ("matched", None),
    ]
    assert lines[2].account_id == post.author_id
