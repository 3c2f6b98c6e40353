"""Reading: timelines, profiles, threads, privacy, search, notifications, paging, errors."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tests.web.conftest import page_text


def test_anonymous_visitors_to_home_are_sent_to_the_public_timeline(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/public"


def test_the_public_timeline_reads_without_signing_in(client, alice, make_post):
    post = make_post(alice, "open to everyone")
    body = page_text(client.get("/public"))
    assert "open to everyone" in body
    assert "Alice Adeyemi" in body
    assert f'href="/@alice/{post.id}"' in body
    assert '<time datetime="' in body


def test_a_followers_only_post_is_hidden_from_a_non_follower(
    signed_in, alice, bob, carol, make_post, run_on_commit
):
    with run_on_commit():
        signed_in(carol).post("/@alice/follow")
    secret = make_post(alice, "for my followers", visibility="followers")
    client = signed_in(bob)
    assert "for my followers" not in page_text(client.get("/@alice"))
    assert client.get(f"/@alice/{secret.id}").status_code == 404
    follower = signed_in(carol)
    assert "for my followers" in page_text(follower.get("/@alice"))
    assert follower.get(f"/@alice/{secret.id}").status_code == 200


def test_an_unknown_handle_gets_a_404_page_that_says_so(client, db):
    response = client.get("/@nobody_here")
    assert response.status_code == 404
    assert "There is no account @nobody_here." in page_text(response)


def test_an_unknown_address_gets_the_404_page(client, db):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "There is no page at this address." in page_text(response)


def test_a_post_page_under_the_wrong_handle_redirects_to_the_right_one(
    client, alice, bob, make_post
):
    post = make_post(alice, "canonical")
    response = client.get(f"/@bob/{post.id}")
    assert response.status_code == 301
    assert response["Location"] == f"/@alice/{post.id}"


def test_profile_shows_the_account_kind_and_verified_badge(client, make_account, make_post):
    make_account("dailynews", display_name="Daily News", kind="news", verified=True)
    body = page_text(client.get("/@dailynews"))
    assert "News outlet" in body
    assert "(verified)" in body


def test_followers_and_following_pages_list_the_accounts(
    client, alice, bob, signed_in, run_on_commit
):
    with run_on_commit():
        signed_in(bob).post("/@alice/follow")
    assert "Bob Baptiste" in page_text(client.get("/@alice/followers"))
    assert "Alice Adeyemi" in page_text(client.get("/@bob/following"))
    assert "Bob Baptiste" not in page_text(client.get("/@alice/following"))


def test_search_finds_posts_by_word(client, alice, make_post):
    make_post(alice, "the harvest festival begins")
    make_post(alice, "nothing to see")
    body = page_text(client.get("/search", {"q": "harvest"}))
    assert "the harvest festival begins" in body
    assert "nothing to see" not in body


def test_searching_a_hashtag_shows_that_tags_posts(client, alice, make_post):
    make_post(alice, "gathering now #Kisan")
    response = client.get("/search", {"q": "#kisan"}, follow=True)
    assert response.redirect_chain[-1][0] == "/tags/kisan"
    assert "gathering now" in page_text(response)


def test_search_finds_accounts_by_handle(client, alice, bob):
    body = page_text(client.get("/search", {"q": "@ali"}))
    assert "Alice Adeyemi" in body
    assert "Bob Baptiste" not in body


def test_an_empty_or_odd_search_is_answered_not_crashed(client, db):
    assert client.get("/search").status_code == 200
    assert client.get("/search", {"q": '"))OR 1=1 --'}).status_code == 200
    assert client.get("/search", {"q": "x" * 5000}).status_code == 200


def test_notifications_list_a_follow_and_a_mention_and_are_marked_read_by_the_button(
    signed_in, alice, bob, make_post, run_on_commit
):
    with run_on_commit():
        signed_in(bob).post("/@alice/follow")
    make_post(bob, "hey @alice look at this")
    client = signed_in(alice)
    home = page_text(client.get("/"))
    assert '<span class="pill" id="unread-count">2<span class="visually-hidden"> unread' in home
    body = page_text(client.get("/notifications"))
    assert "followed you" in body
    assert "mentioned you" in body
    assert "look at this" in body
    assert 'id="unread-count">2<' in page_text(client.get("/"))  # reading marks nothing
    client.post("/notifications/read")
    assert 'id="unread-count"' not in page_text(client.get("/"))


def test_notifications_need_a_signed_in_account(client, db):
    assert client.get("/notifications")["Location"].startswith("/login?next=")


def test_older_posts_link_reaches_older_posts_without_repeating(client, alice, make_post):
    start = timezone.now() - timedelta(hours=1)
    for n in range(25):
        make_post(alice, f"numbered post {n:02d}", created_at=start + timedelta(minutes=n))
    first = page_text(client.get("/public"))
    assert "numbered post 24" in first
    assert "numbered post 04" not in first
    assert "Older posts" in first
    older_href = first.split('class="button button--secondary" href="')[1].split('"')[0]
    assert "max_id=" in older_href
    second = page_text(client.get(older_href.replace("&amp;", "&")))
    assert "numbered post 04" in second
    assert "numbered post 00" in second
    assert "numbered post 05" not in second
    assert "Older posts" not in second


def test_junk_paging_parameters_are_ignored(client, alice, make_post):
    make_post(alice, "still here")
    response = client.get("/public", {"max_id": "drop table", "limit": "lots"})
    assert response.status_code == 200
    assert "still here" in page_text(response)


def test_trending_hashtags_show_in_the_sidebar(client, alice, bob, make_post):
    make_post(alice, "#Budget2021 is out")
    make_post(bob, "reading the #Budget2021")
    body = page_text(client.get("/public"))
    assert '<a href="/tags/budget2021">#Budget2021</a>' in body


def test_the_server_error_page_apologises_without_needing_the_database(rf):
    from tidings.web.views.errors import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in page_text(response)


def test_an_htmx_request_for_a_missing_post_gets_a_notice_not_a_page(signed_in, alice):
    response = signed_in(alice).post("/posts/12345/favourite", HTTP_HX_REQUEST="true")
    assert response.status_code == 404
    assert response["HX-Retarget"] == "#flash"
    assert "<html" not in page_text(response)
    assert "That post does not exist or is not visible to you." in page_text(response)
