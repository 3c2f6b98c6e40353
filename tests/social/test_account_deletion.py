"""An owner deletes their own account: its content goes everywhere, the legal record stays."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from tests.conftest import TEST_PASSWORD
from tidings.api.actions import do_create_app, do_issue_token
from tidings.audit.models import AuditEvent
from tidings.audit.verify import verify_chain
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.withholding import do_withhold
from tidings.legal.models import DemandItem, LegalHold, Withholding
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions import (
    do_block,
    do_delete_own_account,
    do_favourite,
    do_follow,
    do_mute,
    do_repost,
    do_suspend_account,
    do_unsuspend_account,
    do_update_profile,
)
from tidings.social.actions.accounts import check_handle
from tidings.social.models import Account, AccountDeletion, Favourite, Follow, Notification, Post

WORDS = "Tractor rally at the border"
TEXT = f"{WORDS}, live #FarmersProtest"


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def world(make_account, make_post, run_on_commit):
    """@alice posts and reposts, favourites, follows and is followed by @bob, mutes and blocks."""
    alice = make_account("alice")
    bob = make_account("bob")
    carol = make_account("carol")
    with run_on_commit():
        do_follow(alice, acting_user=bob)
        do_follow(bob, acting_user=alice)
        do_mute(carol, acting_user=alice)
        do_block(alice, acting_user=carol)
    post = make_post(alice, TEXT)
    bobs = make_post(bob, "Bob on the weather")
    with run_on_commit():
        do_favourite(bobs, acting_user=alice)
        do_repost(bobs, acting_user=alice)
        do_favourite(post, acting_user=bob)
        do_repost(post, acting_user=bob)
    return alice, bob, carol, post, bobs


def _token(account: Account) -> str:
    app = do_create_app(
        "Reader", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes="read write", acting_user=None
    )
    return do_issue_token(account, app.app.application, ["read", "write"], acting_user=account).raw


def _api(account: Account) -> Client:
    return Client(headers={"Authorization": f"Bearer {_token(account)}"})


def test_a_wrong_password_refuses_and_changes_nothing(world):
    alice, bob, _carol, post, _bobs = world
    events = AuditEvent.objects.count()
    for wrong in ("not my password", "", "pass\x00word"):
        with pytest.raises(NotPermitted):
            do_delete_own_account(acting_user=alice, password=wrong)
    alice.refresh_from_db()
    assert alice.is_active and alice.check_password(TEST_PASSWORD)
    assert Post.objects.filter(author=alice).count() == 2
    assert Follow.objects.filter(follower=bob, followee=alice).exists()
    assert not AccountDeletion.objects.exists()
    assert AuditEvent.objects.count() == events
    assert Client().get("/@alice").status_code == 200


def test_deleting_removes_posts_favourites_reposts_follows_and_moves_the_counters(world):
    alice, bob, carol, post, bobs = world
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)

    assert not Post.objects.filter(author=alice).exists()
    assert not Post.objects.filter(id=post.id).exists()  # bob's repost of it went with it
    assert not Favourite.objects.filter(account=alice).exists()
    assert not Follow.objects.filter(follower=alice).exists()
    assert not Follow.objects.filter(followee=alice).exists()
    assert not Notification.objects.filter(actor=alice).exists()
    bob.refresh_from_db()
    bobs.refresh_from_db()
    assert (bob.followers_count, bob.following_count) == (0, 0)
    assert (bobs.favourites_count, bobs.reposts_count) == (0, 0)
    alice.refresh_from_db()
    assert (alice.display_name, alice.bio, alice.email) == ("", "", "")
    assert not alice.is_active and not alice.has_usable_password()
    # The handle stays reserved.
    with pytest.raises(InvalidInput, match="already taken"):
        check_handle("Alice")


def test_the_content_is_gone_from_every_page_and_the_api(world, run_tasks):
    alice, bob, _carol, post, _bobs = world
    bob_api = _api(bob)
    assert WORDS in bob_api.get("/api/v1/timelines/home").content.decode()
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)
    run_tasks()

    for path in (
        "/api/v1/timelines/home",
        "/api/v1/timelines/public",
        "/api/v1/timelines/tag/farmersprotest",
        "/api/v2/search?q=tractor",
        "/api/v2/search?q=alice&resolve=false",
        f"/api/v1/accounts/{bob.id}/followers",
        "/api/v1/notifications",
    ):
        body = bob_api.get(path).content.decode()
        assert WORDS not in body and '"alice"' not in body, path
    assert bob_api.get(f"/api/v1/statuses/{post.id}").status_code == 404
    assert bob_api.get(f"/api/v1/accounts/{alice.id}").status_code == 410
    assert bob_api.get("/api/v1/accounts/lookup?acct=alice").status_code == 410
    web = Client()
    web.force_login(bob)
    for path in ("/", "/public", "/tags/farmersprotest", "/search?q=tractor", "/@bob/followers"):
        assert WORDS not in web.get(path).content.decode(), path
    for who in (web, Client(), Client(headers={"X-Test-Country": "IN"})):
        answer = who.get("/@alice")
        assert answer.status_code == 410
        assert "@alice deleted their account." in answer.content.decode()
    assert Client().get(f"/@alice/{post.id}").status_code in (404, 410)


def test_the_deleted_account_can_no_longer_sign_in_nor_use_its_tokens(world):
    alice = world[0]
    api = _api(alice)
    assert api.get("/api/v1/accounts/verify_credentials").status_code == 200
    session = Client()
    session.force_login(alice)
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)

    assert api.get("/api/v1/accounts/verify_credentials").status_code == 401
    assert "Delete your account" not in session.get("/settings/profile").content.decode()
    assert session.get("/settings/profile").status_code == 302  # signed out everywhere
    login = Client().post("/login", {"username": "alice", "password": TEST_PASSWORD})
    assert login.status_code == 422


def test_a_deleted_account_stays_deleted_and_cannot_be_reinstated(world, make_account):
    alice = world[0]
    admin = make_account("root", role="admin")
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)
    alice.refresh_from_db()
    with pytest.raises(InvalidInput, match="deleted their account"):
        do_unsuspend_account(alice, reason="mistake", acting_user=admin)
    with pytest.raises(InvalidInput, match="already deleted"):
        do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)
    assert Client().get("/@alice").status_code == 410


def test_a_suspended_account_that_was_not_deleted_still_answers_404(world, make_account):
    do_suspend_account(world[2], reason="spam", acting_user=make_account("mod", role="moderator"))
    assert Client().get("/@carol").status_code == 404


def test_the_avatar_file_is_removed_after_commit(make_account, run_on_commit):
    alice = make_account("alice")
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "teal").save(buffer, "PNG")
    from tidings.lib.images import prepare_avatar

    avatar = prepare_avatar(SimpleUploadedFile("me.png", buffer.getvalue(), "image/png")).content
    do_update_profile(alice, acting_user=alice, avatar=avatar)
    name = Account.objects.get(id=alice.id).avatar.name
    assert default_storage.exists(name)
    with run_on_commit():
        do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)
    assert not default_storage.exists(name)
    assert Account.objects.get(id=alice.id).avatar.name == ""


def test_legal_records_and_held_content_survive_for_legal_staff(world, import_order, legal, client):
    alice, _bob, _carol, post, _bobs = world
    demand = import_order(f"https://localhost:8000/@alice/{post.id}", country="IN").demand
    do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)

    tombstone = Post.objects.get(id=post.id)
    assert tombstone.deleted_at is not None and tombstone.text == TEXT
    assert LegalHold.objects.filter(post_id=post.id, country="IN").exists()
    assert Withholding.objects.filter(post_id=post.id).exists()
    assert DemandItem.objects.get(demand=demand).post_id == post.id
    # The demand names the post and so its author: all she wrote is kept on file.
    assert AccountDeletion.objects.get(account=alice).posts_tombstoned == 2
    for who in (Client(), Client(headers={"X-Test-Country": "US"})):
        assert WORDS not in who.get(f"/@alice/{post.id}").content.decode()
    client.force_login(legal)
    desk = client.get(f"/desk/demands/{demand.id}").content.decode()
    assert WORDS in desk and "preserved under a legal hold" in desk


def test_the_deletion_is_audited_and_the_chain_verifies(world):
    alice, _bob, _carol, post, _bobs = world
    do_delete_own_account(acting_user=alice, password=TEST_PASSWORD)
    event = AuditEvent.objects.filter(action="account.delete").get()
    assert event.actor_id == alice.id and event.subject_id == str(alice.id)
    assert event.data["posts_deleted"] == 2
    deletes = AuditEvent.objects.filter(action="post.delete", actor_id=alice.id)
    assert {e.subject_id for e in deletes} >= {str(post.id)}
    assert TEXT not in str([e.data for e in AuditEvent.objects.all()])
    assert list(verify_chain()) == []


def test_an_account_withheld_in_india_can_still_delete_itself_from_there(
    make_account, make_post, legal
):
    kisan = make_account("kisanvoice", country="IN")
    make_post(kisan, "Kisan tractor rally wheatfield")
    do_withhold(account=kisan, countries=["IN"], reason="order", acting_user=legal)
    web = Client(headers={"X-Test-Country": "IN"})
    web.force_login(kisan)
    assert web.get("/settings/delete").status_code == 200
    answer = web.post("/settings/delete", {"password": TEST_PASSWORD})
    assert answer.status_code == 302
    assert AccountDeletion.objects.filter(account=kisan).exists()
    assert not Post.objects.filter(author=kisan, deleted_at__isnull=True).exists()
    assert Withholding.objects.filter(account=kisan).exists()
    assert Client(headers={"X-Test-Country": "IN"}).get("/@kisanvoice").status_code == 410


def test_the_settings_page_asks_for_the_password_and_refuses_a_wrong_one(world):
    alice = world[0]
    web = Client()
    web.force_login(alice)
    page = web.get("/settings/delete").content.decode()
    assert 'type="password"' in page and "handle stays reserved" in page
    assert 'href="/settings/delete"' in web.get("/settings/profile").content.decode()
    wrong = web.post("/settings/delete", {"password": "guess"})
    assert wrong.status_code == 403
    assert "That password is not right" in wrong.content.decode()
    assert web.post("/settings/delete", {"password": "x" * 1_000_000}).status_code == 422
    assert web.post("/settings/delete", {"password": "a\x00b"}).status_code == 400
    assert web.post("/settings/delete", {}).status_code == 422
    assert not AccountDeletion.objects.exists()
    done = web.post("/settings/delete", {"password": TEST_PASSWORD}, follow=True)
    assert "Your account @alice is deleted." in done.content.decode()
    assert AccountDeletion.objects.filter(account=alice).exists()
