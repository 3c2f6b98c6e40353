"""Appeals of moderators' actions: who may file, when, how often; who decides; what approving undoes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.social.test_races import at_once
from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions import (
    do_file_report,
    do_limit_account,
    do_moderator_delete_post,
    do_moderator_suspend,
    do_warn_account,
)
from tidings.social.actions.moderation_appeals import (
    do_approve_moderation_appeal,
    do_file_moderation_appeal,
    do_reject_moderation_appeal,
)
from tidings.social.models import Account, Notification, NotificationKind, Post
from tidings.social.models_moderation import ModerationAppeal, ModerationNotice
from tidings.social.moderation_appeals import (
    access_moderation_appeal,
    access_own_notice,
    appealable_notices,
    moderation_appeal_queue,
)
from tidings.visibility import anonymous_viewer
from tidings.visibility.policy import Listing, visible_posts


@pytest.fixture
def moderator(make_account):
    return make_account("mod", role="moderator")


@pytest.fixture
def second_moderator(make_account):
    return make_account("mod2", role="moderator")


def _notice(account: Account) -> ModerationNotice:
    return ModerationNotice.objects.filter(recipient=account).latest("created_at")


def _warned(bob, moderator) -> ModerationNotice:
    do_warn_account(bob, text="No ads.", acting_user=moderator)
    return _notice(bob)


def _actions_since(seq: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True)
    )


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


# -- the notice --------------------------------------------------------------------------


def test_the_notice_links_to_its_appeal_form_and_no_longer_says_reply(
    bob, moderator, run_on_commit, settings
):
    with run_on_commit():
        do_warn_account(bob, text="Please stop posting ads.", acting_user=moderator)
    notice = _notice(bob)
    url = f"https://{settings.DOMAIN}/notices/moderation/{notice.id}"
    closes = (notice.created_at + timedelta(days=20)).strftime("%d %B %Y")
    notification = Notification.objects.get(recipient=bob, kind=NotificationKind.MODERATION)
    [message] = mail.outbox
    for text in (notice.body, notification.message, message.body):
        assert url in text and f"appeal it by {closes}" in text
        assert "reply to this notice" not in text and "answer its e-mail" not in text


def test_the_appeal_window_is_a_setting(bob, moderator, settings):
    settings.TIDINGS_MODERATION_APPEAL_DAYS = 3
    notice = _warned(bob, moderator)
    closes = (notice.created_at + timedelta(days=3)).strftime("%d %B %Y")
    assert f"appeal it by {closes}" in notice.body


# -- filing ------------------------------------------------------------------------------


def test_the_account_files_an_appeal_once_and_it_is_audited(bob, moderator):
    notice = _warned(bob, moderator)
    start = _head()
    appeal = do_file_moderation_appeal(notice, text="  It was not an ad.  ", acting_user=bob)
    assert (appeal.status, appeal.text, appeal.appellant_id) == (
        "pending",
        "It was not an ad.",
        bob.id,
    )
    assert _actions_since(start) == ["moderation.appeal.file"]
    with pytest.raises(InvalidInput, match="already appealed"):
        do_file_moderation_appeal(notice, text="Again.", acting_user=bob)
    assert ModerationAppeal.objects.count() == 1
    assert appealable_notices(bob) == []


def test_nobody_else_may_appeal_or_even_find_the_notice(alice, bob, moderator):
    notice = _warned(bob, moderator)
    for someone in (alice, moderator):
        with pytest.raises(NotPermitted):
            do_file_moderation_appeal(notice, text="Unfair to bob.", acting_user=someone)
        with pytest.raises(Exception, match="no such moderation notice"):
            access_own_notice(notice.id, account=someone)
    assert not ModerationAppeal.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the appeal"),
        ("   \n ", "Write the appeal"),
        ("a\x00b", "NUL character"),
        ("x" * 2001, "at most 2,000"),
        ("x" * 1_000_000, "at most 2,000"),
        ("\ud800", "not valid Unicode"),
        (None, "must be text"),
    ],
)
def test_a_bad_appeal_text_is_refused(bob, moderator, text, message):
    notice = _warned(bob, moderator)
    with pytest.raises(InvalidInput, match=message):
        do_file_moderation_appeal(notice, text=text, acting_user=bob)
    assert not ModerationAppeal.objects.exists()


def test_an_appeal_after_the_window_is_refused(bob, moderator, settings):
    notice = _warned(bob, moderator)
    ModerationNotice.objects.filter(id=notice.id).update(
        created_at=timezone.now() - timedelta(days=20, minutes=1)
    )
    notice.refresh_from_db()
    with pytest.raises(InvalidInput, match="time to appeal .* ended"):
        do_file_moderation_appeal(notice, text="Late.", acting_user=bob)
    settings.TIDINGS_MODERATION_APPEAL_DAYS = 30
    assert do_file_moderation_appeal(notice, text="In time now.", acting_user=bob).is_pending


def test_a_suspended_account_can_still_appeal(bob, moderator):
    do_moderator_suspend(bob, text="Spam.", acting_user=moderator)
    bob.refresh_from_db()
    assert bob.is_suspended
    appeal = do_file_moderation_appeal(_notice(bob), text="Not spam.", acting_user=bob)
    assert appeal.is_pending


def test_two_appeals_of_one_notice_at_once_make_one(concurrent_database, make_account):
    moderator, bob = make_account("mod", role="moderator"), make_account("bob")
    notice = _warned(bob, moderator)
    results = at_once(
        lambda n: do_file_moderation_appeal(notice, text=f"try {n}", acting_user=bob),
        allowed=InvalidInput,
    )
    assert ModerationAppeal.objects.filter(notice=notice).count() == 1
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(refused) == len(results) - 1
    assert all("already appealed" in r.message for r in refused)


# -- deciding ----------------------------------------------------------------------------


def test_only_moderators_see_and_decide_appeals(bob, moderator, make_account):
    appeal = do_file_moderation_appeal(_warned(bob, moderator), text="Why?", acting_user=bob)
    for role in ("user", "legal", "legal_admin"):
        someone = make_account(f"someone_{role}", role=role)
        with pytest.raises(NotPermitted):
            access_moderation_appeal(appeal.id, acting_user=someone)
        with pytest.raises(NotPermitted):
            moderation_appeal_queue(acting_user=someone)
        for act in (do_approve_moderation_appeal, do_reject_moderation_appeal):
            with pytest.raises(NotPermitted):
                act(appeal, reason="I say so.", acting_user=someone)
    appeal.refresh_from_db()
    assert appeal.is_pending
    assert list(moderation_appeal_queue(acting_user=moderator)) == [appeal]


def test_a_decision_needs_a_reason(bob, moderator):
    appeal = do_file_moderation_appeal(_warned(bob, moderator), text="Why?", acting_user=bob)
    for reason in ("", "a\x00", "r" * 2001):
        with pytest.raises(InvalidInput):
            do_reject_moderation_appeal(appeal, reason=reason, acting_user=moderator)
    appeal.refresh_from_db()
    assert appeal.is_pending


def test_rejecting_keeps_the_action_and_tells_the_account_why(bob, moderator, run_on_commit):
    do_moderator_suspend(bob, text="Spam.", acting_user=moderator)
    appeal = do_file_moderation_appeal(_notice(bob), text="Not spam.", acting_user=bob)
    start = _head()
    with run_on_commit():
        do_reject_moderation_appeal(appeal, reason="Forty identical ads.", acting_user=moderator)
    assert _actions_since(start) == ["moderation.appeal.reject"]
    bob.refresh_from_db()
    assert bob.is_suspended and _notice(bob).overturned_at is None
    [message] = [m for m in mail.outbox if "appeal" in m.subject]
    assert message.subject == f"Your appeal {appeal.reference} was rejected"
    assert "Forty identical ads." in message.body
    latest = Notification.objects.filter(recipient=bob, kind="moderation").latest("id")
    assert "was rejected" in latest.message and "Forty identical ads." in latest.message
    with pytest.raises(InvalidInput, match="already rejected by @mod"):
        do_approve_moderation_appeal(appeal, reason="Changed my mind.", acting_user=moderator)


def test_approving_a_suspension_unsuspends_the_account(bob, moderator, run_on_commit):
    do_moderator_suspend(bob, text="Spam.", acting_user=moderator)
    appeal = do_file_moderation_appeal(_notice(bob), text="Not spam.", acting_user=bob)
    start = _head()
    with run_on_commit():
        do_approve_moderation_appeal(appeal, reason="We were wrong.", acting_user=moderator)
    bob.refresh_from_db()
    assert not bob.is_suspended
    assert _notice(bob).overturned_at is not None
    assert _actions_since(start) == ["account.unsuspend", "moderation.appeal.approve"]
    latest = Notification.objects.filter(recipient=bob, kind="moderation").latest("id")
    assert "was approved: your account is no longer suspended" in latest.message


def test_approving_an_old_suspension_leaves_a_later_one(bob, moderator):
    do_moderator_suspend(bob, text="Spam.", acting_user=moderator)
    appeal = do_file_moderation_appeal(_notice(bob), text="Not spam.", acting_user=bob)
    Account.objects.filter(id=bob.id).update(
        suspended_at=timezone.now() + timedelta(seconds=1)
    )  # lifted and suspended again since, for something else
    do_approve_moderation_appeal(appeal, reason="The first was wrong.", acting_user=moderator)
    bob.refresh_from_db()
    assert bob.is_suspended


def test_approving_a_limit_removes_it(alice, bob, moderator, make_post):
    post = make_post(bob, "public words #topic")
    do_limit_account(bob, text="Too much.", acting_user=moderator)
    assert not visible_posts(
        Post.objects.filter(id=post.id), anonymous_viewer(), Listing.PUBLIC
    ).exists()
    appeal = do_file_moderation_appeal(_notice(bob), text="Fair use.", acting_user=bob)
    do_approve_moderation_appeal(appeal, reason="Fine.", acting_user=moderator)
    bob.refresh_from_db()
    assert bob.limited_at is None
    assert visible_posts(
        Post.objects.filter(id=post.id), anonymous_viewer(), Listing.PUBLIC
    ).exists()


def test_approving_a_warning_marks_it_overturned(bob, moderator):
    appeal = do_file_moderation_appeal(_warned(bob, moderator), text="Why?", acting_user=bob)
    do_approve_moderation_appeal(appeal, reason="Sorry.", acting_user=moderator)
    assert _notice(bob).overturned_at is not None
    assert access_moderation_appeal(appeal.id, acting_user=moderator).status == "approved"


def test_approving_a_removal_overturns_it_and_says_the_post_cannot_come_back(
    alice, bob, moderator, make_post, run_on_commit
):
    post = make_post(bob, "a removed post")
    report = do_file_report(bob, posts=[post], acting_user=alice)
    do_moderator_delete_post(post, text="Ads.", report=report, acting_user=moderator)
    notice = _notice(bob)
    assert notice.post_id == post.id
    appeal = do_file_moderation_appeal(notice, text="Not an ad.", acting_user=bob)
    with run_on_commit():
        do_approve_moderation_appeal(appeal, reason="Not an ad indeed.", acting_user=moderator)
    post.refresh_from_db()
    assert post.deleted_at is not None and post.text == ""  # honest: nothing to restore
    assert _notice(bob).overturned_at is not None
    [message] = [m for m in mail.outbox if "appeal" in m.subject]
    assert "the removal of your post is overturned" in message.body
    assert "cannot be brought back" in message.body


def test_a_moderator_cannot_decide_their_own_appeal(make_account):
    admin = make_account("boss", role="admin")
    staff = make_account("staffmod", role="moderator")
    do_warn_account(staff, text="Careful.", acting_user=admin)
    appeal = do_file_moderation_appeal(_notice(staff), text="Unfair.", acting_user=staff)
    with pytest.raises(NotPermitted, match="your own appeal"):
        do_approve_moderation_appeal(appeal, reason="Mine.", acting_user=staff)


def test_a_decision_is_delivered_once_however_often_its_task_runs(bob, moderator, run_on_commit):
    from tidings.social.actions.moderation_appeals import send_moderation_appeal_decision

    appeal = do_file_moderation_appeal(_warned(bob, moderator), text="Why?", acting_user=bob)
    with run_on_commit():
        do_reject_moderation_appeal(appeal, reason="Because.", acting_user=moderator)
    assert send_moderation_appeal_decision.call(appeal.id) is False
    assert len([m for m in mail.outbox if "appeal" in m.subject]) == 1
    assert Notification.objects.filter(recipient=bob, message__contains="Because.").count() == 1


def test_two_moderators_deciding_at_once_make_one_decision(concurrent_database, make_account):
    moderators = [make_account(f"mod{n}", role="moderator") for n in range(4)]
    bob = make_account("bob")
    do_moderator_suspend(bob, text="Spam.", acting_user=moderators[0])
    appeal = do_file_moderation_appeal(_notice(bob), text="Not spam.", acting_user=bob)

    def decide(n: int) -> ModerationAppeal:
        act = do_approve_moderation_appeal if n % 2 else do_reject_moderation_appeal
        return act(appeal, reason=f"decision {n}", acting_user=moderators[n])

    results = at_once(decide, allowed=InvalidInput)
    decided = [r for r in results if isinstance(r, ModerationAppeal)]
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(decided) == 1 and len(refused) == 3
    assert all("was already" in r.message and "nothing was changed" in r.message for r in refused)
    appeal.refresh_from_db()
    assert appeal.decision_reason == decided[0].decision_reason
    assert (
        AuditEvent.objects.filter(action__startswith="moderation.appeal.")
        .exclude(action="moderation.appeal.file")
        .count()
        == 1
    )
    bob.refresh_from_db()
    assert bob.is_suspended == (appeal.status == "rejected")
    assert list(verify_chain()) == []
