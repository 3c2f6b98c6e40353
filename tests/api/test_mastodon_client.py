"""Mastodon.py, used exactly as an app uses it, against a real ``tidings serve``."""

from __future__ import annotations

import time

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError, MastodonUnauthorizedError

from tests.api.conftest import SCOPES
from tests.conftest import TEST_PASSWORD
from tests.lib.test_images import jpeg_with_gps_rotated


def test_an_app_registers_signs_up_and_reads_its_own_account(new_user):
    client = new_user("reg")
    me = client.account_verify_credentials()
    assert me.username == client.handle
    assert me.acct == client.handle
    assert me.source.privacy == "public"


def test_password_log_in_returns_a_token_covering_the_requested_scopes(
    live_tidings, registered_app, new_user
):
    signed_up = new_user("pw")
    client_id, client_secret = registered_app
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url
    )
    token = client.log_in(signed_up.handle, TEST_PASSWORD, scopes=SCOPES, allow_http=True)
    assert token
    assert client.account_verify_credentials().username == signed_up.handle


def test_log_in_with_the_email_address_works_as_on_mastodon(live_tidings, registered_app, new_user):
    signed_up = new_user("mail")
    client_id, client_secret = registered_app
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url
    )
    client.log_in(
        f"{signed_up.handle}@example.com", TEST_PASSWORD, scopes=["read"], allow_http=True
    )
    assert client.me().username == signed_up.handle


def test_a_wrong_password_is_refused(live_tidings, registered_app, new_user):
    signed_up = new_user("bad")
    client_id, client_secret = registered_app
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url
    )
    with pytest.raises(Exception, match="invalid_grant|Invalid"):
        client.log_in(signed_up.handle, "not-the-password", scopes=["read"], allow_http=True)


def test_posting_with_a_hashtag_a_reply_and_a_visibility(new_user):
    alice, bob = new_user("alice"), new_user("bob")
    first = alice.status_post("Farmers march today #kisanandolan")
    assert [t.name for t in first.tags] == ["kisanandolan"]
    assert "kisanandolan" in first.content
    reply = bob.status_post(
        f"@{alice.handle} where?", in_reply_to_id=first.id, visibility="unlisted"
    )
    assert reply.in_reply_to_id == first.id
    assert reply.in_reply_to_account_id == alice.me().id
    assert reply.visibility == "unlisted"
    assert [m.username for m in reply.mentions] == [alice.handle]
    private = alice.status_post("followers only", visibility="private")
    assert private.visibility == "private"
    with pytest.raises(MastodonNotFoundError):
        bob.status(private.id)


def test_the_same_idempotency_key_posts_once(new_user):
    alice = new_user("idem")
    first = alice.status_post("only once", idempotency_key="key-1")
    second = alice.status_post("only once", idempotency_key="key-1")
    assert first.id == second.id
    assert alice.me().statuses_count == 1


def wait_for_home(reader, count: int, seconds: float = 30) -> None:
    """Until ``reader``'s home timeline holds ``count`` posts (the worker fans posts out)."""
    deadline = time.monotonic() + seconds
    while len(reader.timeline_home(limit=40)) < count and time.monotonic() < deadline:
        time.sleep(0.1)


def test_the_home_timeline_pages_with_fetch_next_without_gaps_or_repeats(new_user):
    reader, author = new_user("reader"), new_user("author")
    reader.account_follow(author.me().id)
    posted = [author.status_post(f"post number {i}").id for i in range(25)]
    wait_for_home(reader, len(posted))  # fan-out to followers runs on the task worker
    page = reader.timeline_home(limit=10)
    seen = []
    while page:
        seen += [s.id for s in page]
        page = reader.fetch_next(page)
    assert seen == list(reversed(posted))


def test_fetch_previous_returns_newer_posts(new_user):
    alice = new_user("prev")
    old = [alice.status_post(f"old {i}").id for i in range(3)]
    page = alice.timeline_home(limit=3)
    assert [s.id for s in page] == list(reversed(old))
    newer = alice.status_post("newer").id
    assert [s.id for s in alice.fetch_previous(page)] == [newer]


def test_public_and_hashtag_timelines_list_public_posts_only(new_user):
    alice, bob = new_user("pub"), new_user("tagreader")
    public = alice.status_post("out in the open #opentag")
    alice.status_post("quietly #opentag", visibility="unlisted")
    assert public.id in [s.id for s in bob.timeline_public(limit=40)]
    assert public.id in [s.id for s in bob.timeline_local(limit=40)]
    tagged = bob.timeline_hashtag("opentag")
    assert [s.id for s in tagged] == [public.id]


def test_the_hashtag_timeline_pages(new_user):
    alice, bob = new_user("tagger"), new_user("tagpager")
    posted = [alice.status_post(f"#pagedtag {i}").id for i in range(7)]
    page = bob.timeline_hashtag("pagedtag", limit=3)
    seen = []
    while page:
        seen += [s.id for s in page]
        page = bob.fetch_next(page)
    assert seen == list(reversed(posted))


def test_follow_and_unfollow_change_the_relationship_and_the_home_timeline(new_user):
    alice, bob = new_user("follower"), new_user("followee")
    bob_id = bob.me().id
    post = bob.status_post("for my followers", visibility="private")
    relation = alice.account_follow(bob_id)
    assert relation.following is True
    assert post.id in [s.id for s in alice.timeline_home()]
    [rel] = bob.account_relationships([alice.me().id])
    assert rel.followed_by is True and rel.following is False
    assert alice.me().id in [a.id for a in bob.account_followers(bob_id)]
    assert bob_id in [a.id for a in alice.account_following(alice.me().id)]
    assert alice.account_unfollow(bob_id).following is False
    assert post.id not in [s.id for s in alice.timeline_home()]


def test_block_and_mute_show_in_relationships(new_user):
    alice, bob = new_user("blocker"), new_user("blockee")
    bob_id = bob.me().id
    assert alice.account_mute(bob_id).muting is True
    assert alice.account_unmute(bob_id).muting is False
    alice_id = alice.me().id
    assert alice.account_block(bob_id).blocking is True
    with pytest.raises(MastodonNotFoundError):
        bob.account(alice_id)  # whoever blocks you is not shown to you
    assert alice.account_unblock(bob_id).blocking is False
    assert bob.account(alice_id).username == alice.handle


def test_reblog_and_favourite_notify_the_author(new_user):
    alice, bob = new_user("poster"), new_user("fan")
    post = alice.status_post("worth sharing")
    reblog = bob.status_reblog(post.id)
    assert reblog.reblog.id == post.id and reblog.reblogged is True
    favourited = bob.status_favourite(post.id)
    assert favourited.favourited is True and favourited.favourites_count == 1
    bob.account_follow(alice.me().id)
    types = sorted(n.type for n in alice.notifications())
    assert types == ["favourite", "follow", "reblog"]
    assert [a.id for a in alice.status_reblogged_by(post.id)] == [bob.me().id]
    assert [a.id for a in alice.status_favourited_by(post.id)] == [bob.me().id]
    assert bob.status_unfavourite(post.id).favourited is False
    assert bob.status_unreblog(post.id).reblogged is False


def test_mentions_and_replies_arrive_as_mention_notifications(new_user):
    alice, bob = new_user("mentioned"), new_user("mentioner")
    post = alice.status_post("hello")
    bob.status_post(f"@{alice.handle} hi", in_reply_to_id=post.id)
    [notification] = alice.notifications(types=["mention"])
    assert notification.type == "mention"
    assert notification.account.username == bob.handle
    assert alice.notifications(id=notification.id).id == notification.id
    alice.notifications_clear()
    assert alice.notifications() == []


def test_status_context_gives_ancestors_and_descendants(new_user):
    alice, bob = new_user("thread"), new_user("replier")
    root = alice.status_post("root")
    middle = bob.status_post("middle", in_reply_to_id=root.id)
    leaf = alice.status_post("leaf", in_reply_to_id=middle.id)
    context = alice.status_context(middle.id)
    assert [s.id for s in context.ancestors] == [root.id]
    assert [s.id for s in context.descendants] == [leaf.id]


def test_account_statuses_can_leave_out_replies(new_user):
    alice = new_user("profile")
    first = alice.status_post("first")
    reply = alice.status_post("to myself", in_reply_to_id=first.id)
    me = alice.me().id
    assert [s.id for s in alice.account_statuses(me)] == [reply.id, first.id]
    assert [s.id for s in alice.account_statuses(me, exclude_replies=True)] == [first.id]


def test_deleting_a_status_returns_its_text_and_it_is_gone(new_user):
    alice = new_user("deleter")
    post = alice.status_post("a mistake")
    deleted = alice.status_delete(post.id)
    assert deleted.text == "a mistake"
    with pytest.raises(MastodonNotFoundError):
        alice.status(post.id)


def test_search_finds_accounts_statuses_and_hashtags(new_user):
    alice = new_user("searchable")
    alice.status_post("a distinctive zebracorn sighting #zebracorn")
    found = alice.search(alice.handle)
    assert [a.username for a in found.accounts] == [alice.handle]
    found = alice.search("zebracorn", result_type="statuses")
    assert len(found.statuses) == 1 and found.accounts == []
    found = alice.search("zebraco", result_type="hashtags")
    assert [t.name for t in found.hashtags] == ["zebracorn"]


def test_lookup_and_account_by_id(new_user):
    alice = new_user("lookup")
    looked_up = alice.account_lookup(alice.handle)
    assert alice.account(looked_up.id).username == alice.handle


def test_the_instance_version_parses_as_mastodon(live_tidings, new_user):
    client = Mastodon(api_base_url=live_tidings.url)
    assert client.retrieve_mastodon_version() == "4.3.0"
    assert client.instance_v1().version.startswith("4.3.0 (compatible; Tidings ")
    assert client.instance_v2().api_versions["mastodon"] >= 2
    assert client.custom_emojis() == []


def test_trending_tags_list_what_people_use(new_user):
    alice, bob = new_user("trend1"), new_user("trend2")
    alice.status_post("#trendingnow one")
    bob.status_post("#trendingnow two")
    names = [t.name for t in alice.trending_tags()]
    assert "trendingnow" in names


def test_a_revoked_token_no_longer_works(live_tidings, registered_app, new_user):
    signed_up = new_user("revoke")
    client_id, client_secret = registered_app
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url
    )
    client.log_in(signed_up.handle, TEST_PASSWORD, scopes=["read"], allow_http=True)
    client.revoke_access_token(allow_http=True)
    with pytest.raises(MastodonUnauthorizedError):
        Mastodon(access_token=client.access_token or "x", api_base_url=live_tidings.url).me()


def test_update_credentials_changes_the_profile(new_user):
    alice = new_user("profiled")
    updated = alice.account_update_credentials(
        display_name="Alice A.", note="Reporter", locked=True
    )
    assert updated.display_name == "Alice A."
    assert "Reporter" in updated.note and updated.locked is True


def test_a_read_only_token_cannot_post(live_tidings, registered_app, new_user):
    signed_up = new_user("readonly")
    client_id, client_secret = registered_app
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url
    )
    client.log_in(signed_up.handle, TEST_PASSWORD, scopes=["read"], allow_http=True)
    with pytest.raises(MastodonAPIError, match="403|scopes"):
        client.status_post("not allowed")


def test_openapi_document_describes_the_api(live_tidings):
    document = requests.get(live_tidings.url + "/api/openapi.json", timeout=10).json()
    assert document["openapi"].startswith("3.")
    for path in ("/api/v1/statuses", "/api/v1/timelines/home", "/api/v2/search", "/oauth/token"):
        assert path in document["paths"]


def test_a_locked_account_authorizes_a_follow_request_then_its_private_post_shows(new_user):
    owner, fan = new_user("locked"), new_user("fan")
    assert owner.account_update_credentials(locked=True).locked is True
    secret = owner.status_post("for followers", visibility="private")
    owner_id = owner.me().id
    rel = fan.account_follow(owner_id)
    assert (rel.following, rel.requested) == (False, True)
    assert fan.account_relationships(owner_id)[0].requested is True
    with pytest.raises(MastodonNotFoundError):
        fan.status(secret.id)
    assert secret.id not in [s.id for s in fan.timeline_home()]

    requests_ = owner.follow_requests()
    assert [a.acct for a in requests_] == [fan.handle]
    assert [n.type for n in owner.notifications()] == ["follow_request"]
    assert owner.me().source.follow_requests_count == 1
    rel = owner.follow_request_authorize(requests_[0])
    assert rel.followed_by is True and rel.requested_by is False

    assert fan.status(secret.id).content == "<p>for followers</p>"
    assert fan.account_relationships(owner_id)[0].following is True
    assert owner.follow_requests() == []
    assert owner.me().followers_count == 1


def test_a_rejected_request_leaves_the_private_post_hidden(new_user):
    owner, fan = new_user("locked"), new_user("fan")
    owner.account_update_credentials(locked=True)
    secret = owner.status_post("still for followers", visibility="private")
    fan.account_follow(owner.me().id)
    rel = owner.follow_request_reject(fan.me().id)
    assert rel.followed_by is False
    with pytest.raises(MastodonNotFoundError):
        fan.status(secret.id)
    assert fan.account_relationships(owner.me().id)[0].requested is False


def test_markers_round_trip_through_mastodon_py(new_user):
    reader, writer = new_user("reader"), new_user("writer")
    writer.account_follow(reader.me().id)
    post = reader.status_post("mark me")
    [note] = reader.notifications()
    saved = reader.markers_set(["home", "notifications"], [post.id, note.id])
    assert saved.home.last_read_id == post.id
    assert saved.notifications.version == 1
    markers = reader.markers_get(["home", "notifications"])
    assert markers.notifications.last_read_id == note.id
    assert markers.home.last_read_id == post.id


def test_grouped_notifications_through_mastodon_py(new_user):
    alice, bob, carol = new_user("grouped"), new_user("fan"), new_user("fan")
    post = alice.status_post("worth a star")
    bob.status_favourite(post.id)
    carol.status_favourite(post.id)
    bob.account_follow(alice.me().id)
    results = alice.grouped_notifications()
    groups = {g.group_key: g for g in results.notification_groups}
    favourites = groups[f"favourite-{post.id}"]
    assert favourites.notifications_count == 2 and favourites.type == "favourite"
    assert favourites.sample_account_ids == [carol.me().id, bob.me().id]
    assert groups["follow"].notifications_count == 1
    assert {a.id for a in results.accounts} == {bob.me().id, carol.me().id}
    assert [s.id for s in results.statuses] == [post.id]
    one = alice.grouped_notification(f"favourite-{post.id}")
    assert one.notification_groups[0].notifications_count == 2
    who = alice.grouped_notification_accounts(f"favourite-{post.id}")
    assert [a.id for a in who] == [carol.me().id, bob.me().id]
    assert alice.unread_grouped_notifications_count() == 2
    alice.dismiss_grouped_notification("follow")
    assert "follow" not in {g.group_key for g in alice.grouped_notifications().notification_groups}


def test_an_app_uploads_a_described_photo_and_posts_it(new_user, live_tidings, tmp_path):
    photo = tmp_path / "field.jpg"
    photo.write_bytes(jpeg_with_gps_rotated())
    alice, bob = new_user("photo"), new_user("viewer")
    media = alice.media_post(str(photo), mime_type="image/jpeg", description="A wheat field")
    assert media.type == "image"
    assert media.description == "A wheat field"
    assert media.meta.original.width == 30 and media.meta.original.height == 60
    posted = alice.status_post("At the border", media_ids=[media])
    assert [m.id for m in posted.media_attachments] == [media.id]
    seen = bob.status(posted.id)
    attachment = seen.media_attachments[0]
    assert attachment.description == "A wheat field"
    assert attachment.blurhash
    path = attachment.preview_url.split("://", 1)[1].split("/", 1)[1]
    served = requests.get(f"{live_tidings.url}/{path}", timeout=10)
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    assert b"Exif" not in served.content
    assert "private" in served.headers["Cache-Control"]
    described = alice.media_update(media, description="A wheat field at dawn")
    assert described.description == "A wheat field at dawn"
    with pytest.raises(MastodonAPIError):
        bob.media_update(media, description="not mine")
