"""Writing posts and replies from the web UI, and how post text is shown."""

from __future__ import annotations

from tests.web.conftest import HTMX, page_text
from tidings.social.models import Post


def test_a_post_with_a_hashtag_shows_on_the_tag_page_and_the_home_timeline(
    signed_in, alice, run_on_commit
):
    client = signed_in(alice)
    with run_on_commit():
        response = client.post(
            "/compose", {"text": "Farmers march today #FarmersProtest", "visibility": "public"}
        )
    assert response.status_code == 302
    home = page_text(client.get("/"))
    assert "Farmers march today" in home
    tag_page = page_text(client.get("/tags/farmersprotest"))
    assert "Farmers march today" in tag_page
    assert '<a href="/tags/farmersprotest" class="hashtag">#FarmersProtest</a>' in tag_page


def test_an_over_length_post_is_refused_with_a_clear_message_and_the_text_kept(signed_in, alice):
    text = "x" * 501
    response = signed_in(alice).post("/compose", {"text": text, "visibility": "public"})
    assert response.status_code == 422
    body = page_text(response)
    assert "A post is at most 500 characters; this one has 501." in body
    assert text in body
    assert not Post.objects.filter(author=alice).exists()


def test_an_empty_post_is_refused_with_a_clear_message(signed_in, alice):
    response = signed_in(alice).post("/compose", {"text": "   ", "visibility": "public"})
    assert response.status_code == 422
    assert "A post cannot be empty." in page_text(response)


def test_an_unknown_visibility_is_refused_not_a_server_error(signed_in, alice):
    response = signed_in(alice).post("/compose", {"text": "hi", "visibility": "everyone"})
    assert response.status_code == 422
    assert "Select a valid choice." in page_text(response)
    assert not Post.objects.filter(author=alice).exists()


def test_composing_with_htmx_returns_a_fresh_form_and_the_new_post(signed_in, alice, run_on_commit):
    with run_on_commit():
        response = signed_in(alice).post(
            "/compose", {"text": "fresh from htmx", "visibility": "public"}, **HTMX
        )
    assert response.status_code == 200
    body = page_text(response)
    assert "<html" not in body
    assert 'hx-swap-oob="afterbegin:#new-posts"' in body
    assert "fresh from htmx" in body
    assert '<textarea name="text" id="id_text" rows="3" data-max-length="500"></textarea>' in body


def test_an_over_length_post_via_htmx_comes_back_as_the_form_with_the_reason(signed_in, alice):
    response = signed_in(alice).post(
        "/compose", {"text": "y" * 600, "visibility": "public"}, **HTMX
    )
    assert response.status_code == 422
    body = page_text(response)
    assert "<html" not in body
    assert "A post is at most 500 characters; this one has 600." in body


def test_a_reply_appears_in_the_thread_under_its_parent(
    signed_in, alice, bob, make_post, run_on_commit
):
    parent = make_post(alice, "What do you think?")
    client = signed_in(bob)
    thread_url = f"/@alice/{parent.id}"
    assert 'name="in_reply_to"' in page_text(client.get(thread_url))
    with run_on_commit():
        response = client.post(
            "/compose",
            {"text": "@alice I agree", "visibility": "public", "in_reply_to": parent.id},
            HTTP_REFERER="http://testserver" + thread_url,
        )
    assert response.status_code == 302
    assert response["Location"] == "http://testserver" + thread_url
    thread = page_text(client.get(thread_url))
    assert "What do you think?" in thread
    assert "I agree" in thread
    assert thread.index("What do you think?") < thread.index("I agree")
    assert "Replying to" in thread


def test_the_thread_page_shows_the_ancestors_above_a_reply(alice, bob, make_post, client):
    root = make_post(alice, "root of the thread")
    reply = make_post(bob, "first answer", in_reply_to=root)
    body = page_text(client.get(f"/@bob/{reply.id}")).split("<main", 1)[1]
    assert body.index("root of the thread") < body.index("first answer")


def test_replying_to_a_post_one_cannot_see_is_not_found(signed_in, alice, bob, make_post):
    hidden = make_post(alice, "followers only", visibility="followers")
    response = signed_in(bob).post(
        "/compose", {"text": "sneaky reply", "visibility": "public", "in_reply_to": hidden.id}
    )
    assert response.status_code == 404
    assert not Post.objects.filter(author=bob).exists()


def test_a_post_containing_a_script_tag_is_shown_escaped(client, alice, make_post):
    post = make_post(alice, "look <script>alert(1)</script> here")
    for url in (f"/@alice/{post.id}", "/@alice", "/public"):
        body = page_text(client.get(url))
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_the_author_can_delete_a_post_and_others_cannot(signed_in, alice, bob, make_post):
    post = make_post(alice, "regrettable")
    client = signed_in(bob)
    refused = client.post(f"/posts/{post.id}/delete")
    assert refused.status_code == 403
    assert "Only the author can delete a post." in page_text(refused)
    client = signed_in(alice)
    deleted = client.post(f"/posts/{post.id}/delete", {"next": f"/@alice/{post.id}"})
    assert deleted.status_code == 302
    assert deleted["Location"] == "/@alice"
    assert not Post.objects.filter(id=post.id).exists()


def test_composing_needs_a_signed_in_account(client, db):
    response = client.post("/compose", {"text": "anonymous", "visibility": "public"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")
