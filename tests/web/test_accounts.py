"""Signing up, signing in and out, editing one's profile, and CSRF protection."""

from __future__ import annotations

import io

from django.test import Client
from PIL import Image

from tests.conftest import TEST_PASSWORD
from tests.web.conftest import page_text
from tidings.social.models import Account


def test_signing_up_creates_the_account_and_signs_in(client, db):
    response = client.post(
        "/signup",
        {"username": "newcomer", "email": "new@example.com", "password": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "@newcomer" in page_text(home)
    assert Account.objects.filter(username="newcomer").exists()


def test_signing_up_with_a_taken_handle_says_so(client, alice):
    response = client.post(
        "/signup",
        {"username": "Alice", "email": "other@example.com", "password": "a-long-pass-phrase"},
    )
    assert response.status_code == 422
    assert "The handle @Alice is already taken." in page_text(response)
    assert Account.objects.filter(username__iexact="alice").count() == 1


def test_signing_up_with_a_malformed_handle_or_weak_password_is_explained(client, db):
    bad_handle = client.post(
        "/signup",
        {"username": "no spaces!", "email": "x@example.com", "password": "a-long-pass-phrase"},
    )
    assert bad_handle.status_code == 422
    assert "A handle is 1 to 30 letters, digits or underscores." in page_text(bad_handle)
    weak = client.post(
        "/signup", {"username": "okname", "email": "x@example.com", "password": "password"}
    )
    assert weak.status_code == 422
    assert "This password is too common." in page_text(weak)


def test_signing_in_with_the_right_password_reaches_home_and_signing_out_leaves(client, alice):
    response = client.post("/login", {"username": "ALICE", "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    signed_out = client.post("/logout")
    assert signed_out.status_code == 302
    assert client.get("/")["Location"] == "/public"


def test_signing_in_with_a_wrong_password_is_refused_with_a_message(client, alice):
    response = client.post("/login", {"username": "alice", "password": "wrong"})
    assert response.status_code == 422
    assert "Please enter a correct handle and password." in page_text(response)


def test_signing_out_by_get_is_not_allowed(signed_in, alice):
    client = signed_in(alice)
    assert client.get("/logout").status_code == 405
    assert client.get("/").status_code == 200


def test_profile_edit_saves_name_bio_and_country(signed_in, alice):
    client = signed_in(alice)
    response = client.post(
        "/settings/profile",
        {"display_name": "Alice A.", "bio": "Reporter. #news", "country": "IN"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.bio, alice.country) == ("Alice A.", "Reporter. #news", "IN")
    profile = page_text(client.get("/@alice"))
    assert "Alice A." in profile
    assert 'href="/tags/news"' in profile


def test_profile_edit_rejects_an_unknown_country_code(signed_in, alice):
    client = signed_in(alice)
    response = client.post(
        "/settings/profile", {"display_name": "Alice", "bio": "", "country": "QQ"}
    )
    assert response.status_code == 422
    assert "Select a valid choice. QQ is not one of the available choices." in page_text(response)
    alice.refresh_from_db()
    assert alice.country == ""


def test_profile_edit_accepts_an_image_avatar_and_refuses_a_file_that_is_not_one(
    signed_in, alice, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = signed_in(alice)
    not_image = io.BytesIO(b"definitely not a picture")
    not_image.name = "avatar.png"
    refused = client.post("/settings/profile", {"country": "", "avatar": not_image})
    assert refused.status_code == 422
    assert "The file is not a PNG, JPEG, GIF or WebP image." in page_text(refused)

    picture = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(picture, "PNG")
    picture.seek(0)
    picture.name = "me.png"
    saved = client.post("/settings/profile", {"country": "", "avatar": picture})
    assert saved.status_code == 302
    alice.refresh_from_db()
    assert alice.avatar.name.startswith("avatars/")
    assert f"/avatars/{alice.id}/" in page_text(client.get("/@alice"))


def test_settings_page_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/settings/profile")
    assert response.status_code == 302
    assert response["Location"].startswith("/login?next=")


def test_a_form_post_without_the_csrf_token_is_refused(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post("/compose", {"text": "sneaky", "visibility": "public"})
    assert response.status_code == 403
    assert "did not come from this site" in page_text(response)
    assert not alice.posts.exists()


def test_every_page_carries_the_csrf_token_for_htmx_on_body(signed_in, alice):
    body = page_text(signed_in(alice).get("/"))
    assert '<body hx-headers=\'{"X-CSRFToken": "' in body
    assert "/static/tidings/htmx.min.js" in body


def test_sign_up_is_refused_with_an_explanation_when_registrations_are_closed(client, db, settings):
    settings.TIDINGS_REGISTRATIONS = "closed"
    response = client.post(
        "/signup",
        {"username": "latecomer", "email": "late@example.com", "password": "a-long-pass-phrase"},
    )
    assert response.status_code == 403
    assert "Sign-ups are closed on this server." in page_text(response)
    assert not Account.objects.filter(username="latecomer").exists()


def test_sign_up_under_approval_asks_why_and_waits_for_staff(client, settings, db):
    from tidings.social.models import Account

    settings.TIDINGS_REGISTRATIONS = "approval"
    form = client.get("/signup").content.decode()
    assert "Why do you want to join?" in form
    refused = client.post(
        "/signup",
        {"username": "newbie", "email": "newbie@example.com", "password": "a-long-passphrase-9"},
    )
    assert refused.status_code == 422
    assert "Tell the moderators why you want to join." in refused.content.decode()
    waiting = client.post(
        "/signup",
        {
            "username": "newbie",
            "email": "newbie@example.com",
            "password": "a-long-passphrase-9",
            "reason": "I report on farming.",
        },
    )
    assert "you can sign in once it is approved" in waiting.content.decode()
    assert Account.objects.get(username="newbie").approved is False
    assert "_auth_user_id" not in client.session


def test_sign_up_with_e_mail_confirmation_mails_a_link_before_sign_in(
    client, settings, db, run_on_commit
):
    from django.core import mail

    settings.TIDINGS_CONFIRM_EMAIL = True
    with run_on_commit():
        response = client.post(
            "/signup",
            {
                "username": "newbie",
                "email": "newbie@example.com",
                "password": "a-long-passphrase-9",
            },
        )
    assert "We sent a confirmation link to newbie@example.com" in response.content.decode()
    [message] = mail.outbox
    assert "/auth/confirmation?confirmation_token=" in message.body
    signed = client.post("/login", {"username": "newbie", "password": "a-long-passphrase-9"})
    assert "Confirm your e-mail address first" in signed.content.decode()
