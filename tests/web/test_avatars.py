"""Avatars are served through the visibility check: 451 where the account is withheld, private caching."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from tidings.legal.actions.withholding import do_withhold
from tidings.lib.images import avatar_path, prepare_avatar
from tidings.social.actions import do_update_profile

COUNTRY = {"headers": {"X-Test-Country": "IN"}}
ELSEWHERE = {"headers": {"X-Test-Country": "FR"}}


@pytest.fixture
def pictured(alice, settings, tmp_path):
    """Alice with an avatar; the viewer's country comes from the X-Test-Country header."""
    settings.MEDIA_ROOT = tmp_path
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    picture = io.BytesIO()
    Image.new("RGB", (50, 50), "orange").save(picture, "PNG")
    picture.seek(0)
    return do_update_profile(alice, acting_user=alice, avatar=prepare_avatar(picture).content)


@pytest.fixture
def withheld_in_india(pictured, legal):
    do_withhold(account=pictured, countries=["IN"], reason="order 7", acting_user=legal)
    return pictured


def test_an_avatar_is_served_with_private_caching(client, pictured):
    response = client.get(avatar_path(pictured), **COUNTRY)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"].startswith("private")
    assert "X-Test-Country" in response["Vary"]
    assert b"".join(response.streaming_content)[:3] == b"\xff\xd8\xff"


def test_a_withheld_accounts_avatar_is_451_in_the_withheld_country(client, withheld_in_india):
    response = client.get(avatar_path(withheld_in_india), **COUNTRY)
    assert response.status_code == 451
    assert response["Link"].endswith('>; rel="blocked-by"')
    assert response["Link"].startswith("</transparency/")
    assert response["Cache-Control"].startswith("private")
    assert "X-Test-Country" in response["Vary"]


def test_a_withheld_accounts_avatar_is_served_elsewhere(client, withheld_in_india):
    response = client.get(avatar_path(withheld_in_india), **ELSEWHERE)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("private")


def test_the_owner_sees_their_own_avatar_in_the_withheld_country(withheld_in_india):
    owner = Client()
    owner.force_login(withheld_in_india)
    assert owner.get(avatar_path(withheld_in_india), **COUNTRY).status_code == 200


def test_a_suspended_accounts_avatar_is_not_found(client, pictured):
    type(pictured).objects.filter(id=pictured.id).update(suspended_at=timezone.now())
    assert client.get(avatar_path(pictured)).status_code == 404


def test_an_old_or_made_up_file_name_is_not_found(client, pictured):
    assert client.get(f"/avatars/{pictured.id}/other.jpg").status_code == 404
    assert client.get("/avatars/999999/x.jpg").status_code == 404


def test_the_media_directory_is_not_served_directly(client, pictured):
    assert client.get("/media/" + pictured.avatar.name).status_code == 404
