"""Withholding hides content only in the countries named, exactly while it is in force."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Max
from django.utils import timezone

from tests.conftest import viewer
from tidings.audit.models import AuditEvent
from tidings.legal.actions.withholding import do_lift_withholding, do_withhold
from tidings.lib.errors import InvalidInput, NotPermitted, Withheld
from tidings.social.actions import do_follow, do_repost
from tidings.social.models import Post
from tidings.social.queries import Cursor, home_timeline, profile_timeline, public_timeline
from tidings.social.trends import trending_hashtags
from tidings.visibility import access_account, access_post, visible_accounts, withheld_extension


def public_ids(*countries: str) -> list[int]:
    return [p.id for p in public_timeline(viewer(None, *countries), Cursor())]


def test_withheld_post_is_absent_in_its_country_and_present_elsewhere(alice, legal, make_post):
    post = make_post(alice, "#FarmersProtest march today")
    do_withhold(post=post, countries=["IN"], reason="order 1", acting_user=legal)
    assert post.id not in public_ids("IN")
    assert post.id in public_ids("US")
    assert post.id in public_ids()


def test_withheld_post_fetched_in_its_country_raises_451_with_the_notice(alice, legal, make_post):
    post = make_post(alice, "hello")
    do_withhold(post=post, countries=["IN"], reason="order 1", acting_user=legal)
    with pytest.raises(Withheld) as caught:
        access_post(viewer(None, "IN"), post.id)
    assert caught.value.status == 451
    assert caught.value.message == (
        "This post from @alice has been withheld in India in response to a legal demand."
    )
    assert access_post(viewer(None, "US"), post.id).id == post.id


def test_withheld_account_hides_the_account_and_everything_it_wrote(alice, bob, legal, make_post):
    post = make_post(alice, "anything")
    do_withhold(account=alice, countries=["IN"], reason="order 1", acting_user=legal)
    with pytest.raises(Withheld, match="@alice has been withheld in India"):
        access_account(viewer(bob, "IN"), "alice")
    with pytest.raises(Withheld):
        access_post(viewer(bob, "IN"), post.id)
    assert post.id not in public_ids("IN")
    assert not visible_accounts(type(alice).objects.filter(id=alice.id), viewer(bob, "IN")).exists()
    assert access_account(viewer(bob, "DE"), "alice").id == alice.id


def test_reposts_of_a_withheld_post_are_hidden_in_its_country(
    alice, bob, carol, legal, make_post, run_on_commit
):
    post = make_post(alice, "original")
    with run_on_commit():
        do_follow(bob, acting_user=carol)
        repost = do_repost(post, acting_user=bob)
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    assert repost.id not in [p.id for p in home_timeline(viewer(carol, "IN"), Cursor())]
    assert repost.id in [p.id for p in home_timeline(viewer(carol, "US"), Cursor())]
    with pytest.raises(Withheld):
        access_post(viewer(carol, "IN"), repost.id)


def test_the_author_still_sees_their_own_withheld_content(alice, legal, make_post):
    post = make_post(alice, "mine")
    do_withhold(account=alice, countries=["IN"], reason="order", acting_user=legal)
    me_in_india = viewer(alice, "IN")
    assert access_post(me_in_india, post.id).id == post.id
    assert [p.id for p in profile_timeline(me_in_india, alice, Cursor())] == [post.id]


def test_profile_country_counts_as_a_viewer_country(alice, make_account, legal, make_post):
    indian_reader = make_account("ravi", country="IN")
    post = make_post(alice, "hello")
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    with pytest.raises(Withheld):
        access_post(viewer(indian_reader, "US"), post.id)


def test_withholding_everywhere_needs_a_legal_admin(alice, legal, legal_admin, make_post):
    post = make_post(alice, "hello")
    with pytest.raises(NotPermitted, match="legal admin"):
        do_withhold(post=post, countries=["XX"], reason="court", acting_user=legal)
    do_withhold(post=post, countries=["XX"], reason="court", acting_user=legal_admin)
    assert post.id not in public_ids("FR")
    assert post.id not in public_ids()  # everywhere includes viewers whose country is unknown


def test_only_the_legal_team_can_withhold(alice, bob, make_account, make_post):
    moderator = make_account("mod", role="moderator")
    post = make_post(alice, "hello")
    for someone in (bob, moderator):
        with pytest.raises(NotPermitted):
            do_withhold(post=post, countries=["IN"], reason="x", acting_user=someone)


def test_withholding_needs_a_reason_and_a_real_country(alice, legal, make_post):
    post = make_post(alice, "hello")
    with pytest.raises(InvalidInput, match="reason"):
        do_withhold(post=post, countries=["IN"], reason=" ", acting_user=legal)
    with pytest.raises(InvalidInput, match="not an ISO 3166-1 country code"):
        do_withhold(post=post, countries=["ZZ"], reason="x", acting_user=legal)
    with pytest.raises(InvalidInput, match="at least one country"):
        do_withhold(post=post, countries=[], reason="x", acting_user=legal)


def test_time_bounded_withholding_ends_exactly_at_its_end(alice, legal, make_post, monkeypatch):
    post = make_post(alice, "hello")
    start = timezone.now()
    do_withhold(
        post=post, countries=["IN"], until=start + timedelta(hours=6), reason="x", acting_user=legal
    )
    at = start + timedelta(hours=6) - timedelta(microseconds=1)
    monkeypatch.setattr(timezone, "now", lambda: at)
    assert post.id not in public_ids("IN")
    at = start + timedelta(hours=6)
    assert post.id in public_ids("IN")


def test_lifting_restores_exactly_what_was_there_and_keeps_the_record(alice, legal, make_post):
    post = make_post(alice, "hello")
    withholding = do_withhold(post=post, countries=["IN"], reason="x", acting_user=legal)
    do_lift_withholding(withholding, reason="order withdrawn", acting_user=legal)
    assert post.id in public_ids("IN")
    withholding.refresh_from_db()
    assert withholding.lifted_at is not None and withholding.lift_reason == "order withdrawn"
    assert Post.objects.get(id=post.id).text == "hello"
    with pytest.raises(InvalidInput, match="already lifted"):
        do_lift_withholding(withholding, reason="again", acting_user=legal)


def test_withhold_and_lift_write_audit_events(alice, legal, make_post):
    post = make_post(alice, "hello")
    before = AuditEvent.objects.aggregate(newest=Max("seq"))["newest"] or 0
    withholding = do_withhold(post=post, countries=["IN"], reason="x", acting_user=legal)
    do_lift_withholding(withholding, reason="appeal granted", acting_user=legal)
    events = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq"))
    assert [e.action for e in events] == ["legal.withhold", "legal.lift"]
    assert events[0].data["countries"] == ["IN"]


def test_withheld_extension_names_the_countries_for_viewers_elsewhere(alice, legal, make_post):
    post = make_post(alice, "hello")
    assert withheld_extension(viewer(None, "US"), post) is None
    withholding = do_withhold(post=post, countries=["IN", "PK"], reason="x", acting_user=legal)
    assert withheld_extension(viewer(None, "US"), post) == {
        "country_codes": ["IN", "PK"],
        "scope": "status",
        "notice_url": f"/transparency/withholdings/{withholding.id}",
    }


def test_withheld_posts_do_not_count_towards_that_countrys_trends(alice, bob, legal, make_post):
    post = make_post(alice, "#FarmLaws now")
    make_post(bob, "#FarmLaws too")
    do_withhold(post=post, countries=["IN"], reason="x", acting_user=legal)
    assert [(t.hashtag.name, t.accounts) for t in trending_hashtags(viewer(None, "IN"))] == [
        ("farmlaws", 1)
    ]
    assert [(t.hashtag.name, t.accounts) for t in trending_hashtags(viewer(None, "US"))] == [
        ("farmlaws", 2)
    ]


@pytest.mark.parametrize("literal_limit", [300, 0], ids=["literal ids", "indexed probe"])
def test_both_ways_of_excluding_withheld_content_agree(
    alice, bob, carol, legal, make_post, run_on_commit, monkeypatch, literal_limit
):
    from tidings.social.models import Notification
    from tidings.visibility import policy

    monkeypatch.setattr(policy, "LITERAL_WITHHELD_LIMIT", literal_limit)
    kept = make_post(carol, "kept")
    by_account = make_post(alice, "alice's post")
    by_post = make_post(bob, "bob's post @carol")
    with run_on_commit():
        repost = do_repost(by_post, acting_user=carol)
        do_follow(carol, acting_user=alice)
    do_withhold(account=alice, countries=["IN"], reason="x", acting_user=legal)
    do_withhold(post=by_post, countries=["XX"], reason="x", acting_user=make_account_admin(legal))
    in_india = viewer(carol, "IN")
    assert [p.id for p in public_timeline(in_india, Cursor())] == [kept.id]
    assert [p.id for p in public_timeline(viewer(None, "US"), Cursor())] == [by_account.id, kept.id]
    assert repost.id not in [p.id for p in home_timeline(viewer(carol), Cursor())]
    assert not visible_accounts(type(alice).objects.filter(id=alice.id), in_india).exists()
    from tidings.visibility import visible_notifications

    kinds = set(
        visible_notifications(Notification.objects.filter(recipient=carol), in_india).values_list(
            "kind", flat=True
        )
    )
    assert kinds == set()  # alice's follow (withheld account) and bob's mention (withheld post)


def make_account_admin(account):
    from tidings.social.actions import do_set_role

    return do_set_role(account, "legal_admin", acting_user=None)
