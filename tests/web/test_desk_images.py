"""The desk shows the images of a post named in a demand as evidence; deleting takes them with the text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.lib.test_images import png_bytes, upload
from tests.web.conftest import page_text
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.holds import do_purge_ended_holds
from tidings.legal.models import DemandItem
from tidings.social.actions import do_delete_post, do_upload_media
from tidings.social.models import MediaAttachment


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def pictured(make_account, make_post, import_order):
    author = make_account("photographer")
    image = do_upload_media(
        upload(png_bytes(), "p.png"), acting_user=author, description="Police at the barricade"
    )
    post = make_post(author, "From the border", media=[image])
    demand = import_order(f"https://localhost:8000/@photographer/{post.id}").demand
    item = DemandItem.objects.get(demand=demand)
    return demand, item, image, post


def test_the_demand_page_shows_the_posts_images_with_their_alt_text(signed_in, legal, pictured):
    demand, item, image, _ = pictured
    page = page_text(signed_in(legal).get(f"/desk/demands/{demand.id}"))
    base = f"/desk/demands/{demand.id}/items/{item.id}/images/{image.id}"
    assert f'<a href="{base}/original.jpg">' in page
    assert f'src="{base}/small.jpg" alt="Police at the barricade"' in page


def test_staff_in_india_see_the_evidence_of_a_withheld_post(signed_in, legal, pictured):
    demand, item, image, post = pictured
    do_decide_items(
        demand, [item.id], action="withhold", reason="order", countries=["IN"], acting_user=legal
    )
    staff = signed_in(legal)
    base = f"/desk/demands/{demand.id}/items/{item.id}/images/{image.id}"
    evidence = staff.get(f"{base}/small.jpg", HTTP_X_TEST_COUNTRY="IN")
    assert evidence.status_code == 200
    assert evidence["Cache-Control"] == "no-store"
    # Everyone else in India, staff included, gets the 451 on the public address.
    assert staff.get(f"/media/{image.id}/small.jpg", HTTP_X_TEST_COUNTRY="IN").status_code == 451
    assert Client().get(f"/media/{image.id}/small.jpg", HTTP_X_TEST_COUNTRY="US").status_code == 200


def test_evidence_images_are_for_desk_staff_only_and_only_of_the_items_post(
    signed_in, legal, bob, pictured, make_post
):
    demand, item, image, _ = pictured
    base = f"/desk/demands/{demand.id}/items/{item.id}/images"
    assert signed_in(bob).get(f"{base}/{image.id}/small.jpg").status_code == 403
    other = do_upload_media(upload(png_bytes(), "o.png"), acting_user=bob)
    make_post(bob, "unrelated", media=[other])
    assert signed_in(legal).get(f"{base}/{other.id}/small.jpg").status_code == 404
    assert signed_in(legal).get(f"{base}/{image.id}/secret.jpg").status_code == 404


# -- deleting: images go with the text, and stay while a legal hold keeps it -------------


def test_deleting_a_post_deletes_its_images_and_their_files(
    make_account, make_post, settings, django_capture_on_commit_callbacks
):
    author = make_account("snapper")
    image = do_upload_media(upload(png_bytes(), "p.png"), acting_user=author)
    post = make_post(author, "Soon gone", media=[image])
    stored = settings.MEDIA_ROOT / image.file.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        do_delete_post(post, acting_user=author)
    assert not MediaAttachment.objects.filter(id=image.id).exists()
    assert not stored.exists()
    assert Client().get(f"/media/{image.id}/small.jpg").status_code == 404


def test_a_held_tombstone_keeps_its_images_for_the_desk_until_the_hold_ends(
    signed_in, legal, pictured, django_capture_on_commit_callbacks
):
    demand, item, image, post = pictured
    do_decide_items(
        demand, [item.id], action="withhold", reason="order", countries=["IN"], acting_user=legal
    )
    do_delete_post(post, acting_user=post.author)
    evidence = f"/desk/demands/{demand.id}/items/{item.id}/images/{image.id}/small.jpg"
    assert signed_in(legal).get(evidence).status_code == 200  # preserved, for legal staff only
    assert Client().get(f"/media/{image.id}/small.jpg", HTTP_X_TEST_COUNTRY="US").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        do_purge_ended_holds(acting_user=None, now=timezone.now() + timedelta(days=181))
    assert not MediaAttachment.objects.filter(id=image.id).exists()
    assert signed_in(legal).get(evidence).status_code == 404
