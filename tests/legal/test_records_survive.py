"""Legal records outlive what they are about; content deleted under an Indian demand is preserved."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import ProtectedError
from django.test import Client
from django.utils import timezone

from tests.conftest import viewer
from tidings.audit.models import AuditEvent
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.holds import do_purge_ended_holds
from tidings.legal.actions.withholding import do_withhold
from tidings.legal.holds import text_sha256
from tidings.legal.models import DemandItem, LegalHold, LegalNotice, Withholding
from tidings.social.actions import do_delete_post, do_repost
from tidings.social.models import Post
from tidings.visibility import can_view_post

TEXT = "Tractor rally at the border, live"


@pytest.fixture
def reporter(make_account):
    return make_account("reporter_r", kind="journalist")


@pytest.fixture
def post(reporter, make_post):
    return make_post(reporter, TEXT)


def ordered_and_withheld(import_order, legal, post, country: str) -> DemandItem:
    demand = import_order(f"https://localhost:8000/@reporter_r/{post.id}", country=country).demand
    do_decide_items(demand, "all_matched", action="withhold", reason="order", acting_user=legal)
    return DemandItem.objects.get(demand=demand)


def test_deleting_a_withheld_post_keeps_the_withholding_its_item_and_a_snapshot(
    import_order, legal, post, reporter
):
    item = ordered_and_withheld(import_order, legal, post, "PK")
    do_delete_post(post, acting_user=reporter)

    tombstone = Post.objects.get(id=post.id)
    assert tombstone.deleted_at is not None
    assert tombstone.text == ""  # Pakistan's rules ask for no preservation here
    assert tombstone.text_sha256 == text_sha256(TEXT)
    withholding = Withholding.objects.get(post_id=post.id)
    assert withholding.snapshot["handle"] == "reporter_r"
    assert withholding.snapshot["post_id"] == post.id
    assert withholding.snapshot["text_sha256"] == text_sha256(TEXT)
    assert withholding.snapshot["url"].endswith(f"/@reporter_r/{post.id}")
    item.refresh_from_db()
    assert item.review_state == "withheld" and item.post_id == post.id
    assert LegalNotice.objects.filter(withholding=withholding).exists()
    assert not LegalHold.objects.exists()


def test_a_tombstone_is_shown_to_no_one_not_even_its_author(import_order, legal, post, reporter):
    ordered_and_withheld(import_order, legal, post, "PK")
    do_delete_post(post, acting_user=reporter)
    tombstone = Post.objects.select_related("author").get(id=post.id)
    for who in (viewer(None), viewer(None, "PK"), viewer(reporter), viewer(legal)):
        assert not can_view_post(who, tombstone)
    assert Client().get(f"/api/v1/statuses/{post.id}").status_code == 404
    assert Client().get(f"/@reporter_r/{post.id}").status_code == 404


def test_a_post_deleted_under_an_indian_demand_is_held_180_days_for_legal_staff_only(
    import_order, legal, post, reporter, client
):
    item = ordered_and_withheld(import_order, legal, post, "IN")
    do_delete_post(post, acting_user=reporter)

    tombstone = Post.objects.get(id=post.id)
    assert tombstone.text == TEXT
    hold = LegalHold.objects.get(post_id=post.id)
    assert hold.demand_id == item.demand_id and hold.country == "IN"
    assert "Rule 3(1)(g)" in hold.source
    assert timedelta(days=179) < hold.ends_at - timezone.now() <= timedelta(days=180)
    assert TEXT not in Client().get(f"/@reporter_r/{post.id}").content.decode()
    client.force_login(legal)
    desk = client.get(f"/desk/demands/{item.demand_id}").content.decode()
    assert TEXT in desk
    assert "preserved under a legal hold" in desk


def test_content_held_for_an_account_named_in_an_indian_demand_is_preserved_too(
    import_order, make_post, reporter, legal
):
    import_order("@reporter_r")
    later = make_post(reporter, "Another dispatch")
    do_delete_post(later, acting_user=reporter)
    assert Post.objects.get(id=later.id).text == "Another dispatch"
    assert LegalHold.objects.filter(post_id=later.id).exists()


def test_purging_ended_holds_blanks_the_text_keeps_the_records_and_audits_it(
    import_order, legal, post, reporter
):
    ordered_and_withheld(import_order, legal, post, "IN")
    do_delete_post(post, acting_user=reporter)
    assert do_purge_ended_holds(acting_user=None) == 0  # not yet
    assert Post.objects.get(id=post.id).text == TEXT

    later = timezone.now() + timedelta(days=181)
    assert do_purge_ended_holds(acting_user=None, now=later) == 1
    tombstone = Post.objects.get(id=post.id)
    assert tombstone.text == "" and tombstone.text_sha256 == text_sha256(TEXT)
    assert LegalHold.objects.get(post_id=post.id).purged_at == later
    assert Withholding.objects.filter(post_id=post.id).exists()
    event = AuditEvent.objects.filter(action="legal.hold.purge").get()
    assert event.subject_id == str(post.id) and event.actor_id is None
    assert do_purge_ended_holds(acting_user=None, now=later) == 0  # once only


def test_the_purge_command_ends_holds_whose_time_is_up(import_order, legal, post, reporter):
    ordered_and_withheld(import_order, legal, post, "IN")
    do_delete_post(post, acting_user=reporter)
    LegalHold.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    call_command("holds", "purge")
    assert Post.objects.get(id=post.id).text == ""


def test_the_delete_event_keeps_the_texts_hash_never_the_text(reporter, post):
    do_delete_post(post, acting_user=reporter)
    event = AuditEvent.objects.filter(action="post.delete").get()
    assert event.data["text_sha256"] == text_sha256(TEXT)
    assert TEXT not in str(event.data)


def test_a_post_no_legal_record_points_at_is_deleted_outright(reporter, post):
    do_delete_post(post, acting_user=reporter)
    assert not Post.objects.filter(id=post.id).exists()


def test_deleting_the_original_of_a_withheld_repost_leaves_a_tombstone(
    make_account, legal, post, reporter
):
    amrit = make_account("amrit")
    repost = do_repost(post, acting_user=amrit)
    do_withhold(post=repost, countries=["IN"], reason="order", acting_user=legal)
    do_delete_post(post, acting_user=reporter)
    assert Post.objects.get(id=post.id).deleted_at is not None
    assert Withholding.objects.get(post_id=repost.id)


def test_the_database_layer_refuses_to_delete_what_a_legal_record_points_at(
    import_order, legal, post, reporter
):
    item = ordered_and_withheld(import_order, legal, post, "IN")
    with pytest.raises(ProtectedError):
        reporter.delete()
    with pytest.raises(ProtectedError):
        Post.objects.filter(id=post.id).delete()
    with pytest.raises(ProtectedError):
        item.demand.delete()
    assert Withholding.objects.filter(post_id=post.id).exists()


def test_deleting_a_tombstone_again_changes_nothing(import_order, legal, post, reporter):
    ordered_and_withheld(import_order, legal, post, "PK")
    do_delete_post(post, acting_user=reporter)
    do_delete_post(post, acting_user=reporter)
    assert AuditEvent.objects.filter(action="post.delete").count() == 1
    reporter.refresh_from_db()
    assert reporter.posts_count == 0


def test_the_workers_purge_ended_holds_on_their_schedule(
    import_order, legal, post, reporter, run_periodic_tasks
):
    ordered_and_withheld(import_order, legal, post, "IN")
    do_delete_post(post, acting_user=reporter)
    LegalHold.objects.update(ends_at=timezone.now() - timedelta(seconds=1))
    run_periodic_tasks()
    assert Post.objects.get(id=post.id).text == ""
    assert LegalHold.objects.get(post_id=post.id).purged_at is not None
