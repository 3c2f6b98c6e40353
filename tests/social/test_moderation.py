"""Reports and moderators' decisions: who may do what, what each leaves behind, what the account is told."""

from __future__ import annotations

import pytest
from django.core import mail

from tests.conftest import viewer
from tidings.audit.models import AuditEvent
from tidings.legal.actions.withholding import do_withhold
from tidings.legal.models import Demand, DemandStatus, LegalHold
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions import (
    do_assign_report,
    do_dismiss_report,
    do_file_report,
    do_moderator_delete_post,
    do_moderator_suspend,
    do_reopen_report,
    do_report_to_demand,
    do_resolve_report,
    do_warn_account,
)
from tidings.social.models import Notification, NotificationKind, Post
from tidings.social.models_moderation import OPEN_REPORTS_PER_TARGET, ModerationNotice, Report
from tidings.social.reports import access_report, report_queue
from tidings.visibility.evidence import report_evidence


@pytest.fixture
def moderator(make_account):
    return make_account("mod", role="moderator")


def _actions_since(seq: int) -> list[str]:
    return list(
        AuditEvent.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True)
    )


def _head() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_a_report_names_the_account_its_posts_category_and_comment(alice, bob, make_post):
    post = make_post(bob, "buy cheap watches")
    start = _head()
    report = do_file_report(bob, posts=[post], category="spam", comment="ads", acting_user=alice)
    assert (report.status, report.category, report.comment) == ("open", "spam", "ads")
    assert list(report.posts.all()) == [post]
    assert _actions_since(start) == ["report.file"]


def test_a_report_may_not_name_posts_of_another_account(alice, bob, carol, make_post):
    with pytest.raises(InvalidInput, match="only posts of the account reported"):
        do_file_report(bob, posts=[make_post(carol)], acting_user=alice)
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("comment", "message"),
    [("x" * 1001, "at most 1,000 characters"), ("a\x00b", "NUL"), ("x" * 1_000_000, "at most")],
)
def test_a_bad_comment_is_refused(alice, bob, comment, message):
    with pytest.raises(InvalidInput, match=message):
        do_file_report(bob, comment=comment, acting_user=alice)


def test_unknown_category_and_reporting_oneself_are_refused(alice, bob):
    with pytest.raises(InvalidInput, match="Unknown category"):
        do_file_report(bob, category="hate", acting_user=alice)
    with pytest.raises(InvalidInput, match="cannot report yourself"):
        do_file_report(alice, acting_user=alice)


def test_a_reporter_has_only_so_many_open_reports_about_one_account(alice, bob, carol, moderator):
    reports = [do_file_report(bob, acting_user=alice) for _ in range(OPEN_REPORTS_PER_TARGET)]
    with pytest.raises(InvalidInput, match="already have 3 open reports"):
        do_file_report(bob, acting_user=alice)
    do_file_report(carol, acting_user=alice)  # another account is another count
    do_dismiss_report(reports[0], acting_user=moderator)
    do_file_report(bob, acting_user=alice)


def test_assign_resolve_dismiss_and_reopen_move_the_report_and_are_audited(alice, bob, moderator):
    report = do_file_report(bob, acting_user=alice)
    start = _head()
    do_assign_report(report, assignee=moderator, acting_user=moderator)
    assert (report.status, report.assignee_id) == ("assigned", moderator.id)
    do_resolve_report(report, acting_user=moderator)
    assert report.status == "resolved" and report.closed_by_id == moderator.id
    do_reopen_report(report, acting_user=moderator)
    assert (report.status, report.assignee_id, report.closed_at) == ("open", None, None)
    do_dismiss_report(report, acting_user=moderator)
    assert report.status == "dismissed"
    assert _actions_since(start) == [
        "report.assign",
        "report.resolve",
        "report.reopen",
        "report.dismiss",
    ]


@pytest.mark.parametrize("role", ["user", "legal", "legal_admin"])
def test_only_moderators_and_admins_handle_reports(alice, bob, make_account, role):
    report = do_file_report(bob, acting_user=alice)
    someone = make_account("someone", role=role)
    for act in (do_resolve_report, do_dismiss_report, do_reopen_report):
        with pytest.raises(NotPermitted):
            act(report, acting_user=someone)
    with pytest.raises(NotPermitted):
        do_warn_account(bob, text="stop", acting_user=someone)
    report.refresh_from_db()
    assert report.status == "open"


def test_a_warning_reaches_the_account_in_app_and_by_mail_naming_how_to_contest_it(
    alice, bob, moderator, run_on_commit
):
    report = do_file_report(bob, acting_user=alice)
    with run_on_commit():
        do_warn_account(bob, text="Please stop posting ads.", report=report, acting_user=moderator)
    report.refresh_from_db()
    assert (report.status, report.action_taken) == ("resolved", "warn")
    notification = Notification.objects.get(recipient=bob, kind=NotificationKind.MODERATION)
    assert "Please stop posting ads." in notification.message
    assert "/notices/moderation/" in notification.message and "appeal it by" in notification.message
    [message] = mail.outbox
    assert message.to == [bob.email] and message.subject == "A warning from the moderators"
    notice = ModerationNotice.objects.get()
    assert f"M-{notice.id}" in message.body


def test_a_notice_is_delivered_once_however_often_its_task_runs(
    alice, bob, moderator, run_on_commit
):
    from tidings.social.moderation_notices import send_moderation_notice

    with run_on_commit():
        do_warn_account(bob, text="", acting_user=moderator)
    notice = ModerationNotice.objects.get()
    assert send_moderation_notice.call(notice.id) is False
    assert Notification.objects.filter(recipient=bob).count() == 1 and len(mail.outbox) == 1


def test_suspending_from_a_report_suspends_tells_the_account_and_resolves(
    alice, bob, moderator, run_on_commit
):
    report = do_file_report(bob, acting_user=alice)
    start = _head()
    with run_on_commit():
        do_moderator_suspend(bob, text="Spam network", report=report, acting_user=moderator)
    bob.refresh_from_db()
    report.refresh_from_db()
    assert bob.is_suspended and report.action_taken == "suspend"
    assert _actions_since(start) == ["account.suspend", "report.resolve"]
    assert mail.outbox[0].subject == "Your account @bob has been suspended"


def test_a_moderator_acts_on_staff_only_as_an_admin(alice, moderator, make_account):
    other = make_account("mod2", role="moderator")
    with pytest.raises(NotPermitted, match="Only an admin"):
        do_moderator_suspend(other, text="", acting_user=moderator)
    admin = make_account("root", role="admin")
    do_moderator_suspend(other, text="", acting_user=admin)


def test_a_moderators_deletion_leaves_a_tombstone_without_text(alice, bob, moderator, make_post):
    post = make_post(bob, "awful words")
    report = do_file_report(bob, posts=[post], acting_user=alice)
    start = _head()
    do_moderator_delete_post(post, text="", report=report, acting_user=moderator)
    post = Post.objects.get(id=post.id)
    assert post.is_tombstone and post.text == "" and post.text_sha256
    assert _actions_since(start) == ["moderation.delete_post"]
    report.refresh_from_db()
    assert report.status == "open"  # other posts may need deleting; the moderator resolves it
    bob.refresh_from_db()
    assert bob.posts_count == 0
    [evidence] = report_evidence(viewer(moderator), report.posts.all())
    assert evidence.state == "removed"


def test_a_moderators_deletion_keeps_the_text_under_a_legal_hold(
    alice, bob, moderator, make_post, import_order, legal
):
    post = make_post(bob, "order names this")
    import_order(f"https://localhost:8000/@bob/{post.id}")
    do_moderator_delete_post(post, text="", acting_user=moderator)
    post = Post.objects.get(id=post.id)
    assert post.is_tombstone and post.text == "order names this"
    assert LegalHold.objects.filter(post=post).exists()


def test_moderators_see_reported_followers_only_posts_but_not_past_a_withholding(
    alice, bob, moderator, make_post, legal
):
    private = make_post(bob, "for followers", visibility="followers")
    withheld = make_post(bob, "withheld in India")
    report = do_file_report(bob, posts=[private, withheld], acting_user=alice)
    do_withhold(post=withheld, countries=["IN"], reason="order", acting_user=legal)
    states = {
        e.post.id: e.state for e in report_evidence(viewer(moderator, "IN"), report.posts.all())
    }
    assert states == {private.id: "shown", withheld.id: "withheld"}
    states = {
        e.post.id: e.state for e in report_evidence(viewer(moderator, "US"), report.posts.all())
    }
    assert states == {private.id: "shown", withheld.id: "shown"}


def test_the_queue_puts_open_reports_first_and_only_staff_open_them(
    alice, bob, carol, moderator, legal
):
    first = do_file_report(bob, acting_user=alice)
    second = do_file_report(carol, category="legal", acting_user=alice)
    do_dismiss_report(second, acting_user=moderator)
    third = do_file_report(carol, acting_user=alice)
    assert list(report_queue()) == [third, first, second]
    assert list(report_queue(resolved=True)) == [second]
    assert access_report(moderator, first.id) == first
    with pytest.raises(NotPermitted):
        access_report(alice, first.id)
    with pytest.raises(NotPermitted):
        access_report(legal, first.id)
    assert access_report(legal, second.id) == second  # illegal content: the desk may open it


def test_legal_staff_turn_a_legal_report_into_a_draft_demand(
    alice, bob, moderator, legal, make_post
):
    post = make_post(bob, "unlawful")
    report = do_file_report(bob, posts=[post], category="legal", acting_user=alice)
    with pytest.raises(NotPermitted):
        do_report_to_demand(report, country="IN", acting_user=moderator)
    demand = do_report_to_demand(report, country="IN", acting_user=legal)
    demand = Demand.objects.get(id=demand.id)
    assert demand.status == DemandStatus.RECEIVED and demand.authority.name == "User report"
    assert demand.reference == f"User report {report.id}"
    [item] = demand.items.all()
    assert item.post_id == post.id
    report.refresh_from_db()
    assert report.demand_id == demand.id
    with pytest.raises(InvalidInput, match="already demand"):
        do_report_to_demand(report, country="IN", acting_user=legal)


def test_only_a_legal_report_becomes_a_demand(alice, bob, legal):
    report = do_file_report(bob, category="spam", acting_user=alice)
    with pytest.raises(InvalidInput, match="Only a report of illegal content"):
        do_report_to_demand(report, country="IN", acting_user=legal)


def test_a_limited_accounts_posts_leave_public_lists_and_trends_but_stay_for_followers(
    alice, bob, carol, moderator, make_post, run_on_commit
):
    from tidings.social.actions import do_follow, do_limit_account, do_unlimit_account
    from tidings.social.queries import Cursor, hashtag_timeline, public_timeline
    from tidings.social.trends import trending_hashtags
    from tidings.visibility import can_view_post

    with run_on_commit():
        do_follow(bob, acting_user=alice)
    post = make_post(bob, "loud #megaphone")

    def trending() -> list[str]:
        return [t.hashtag.name for t in trending_hashtags(viewer(alice))]

    assert "megaphone" in trending()
    start = _head()
    with run_on_commit():
        do_limit_account(bob, text="Tone it down", acting_user=moderator)
    assert _actions_since(start) == ["moderation.limit"]
    assert "has been limited" in mail.outbox[0].subject

    def listed(who) -> dict[str, bool]:
        v = viewer(who)
        return {
            "public": post.id in {p.id for p in public_timeline(v, Cursor())},
            "hashtag": post.id in {p.id for p in hashtag_timeline(v, "megaphone", Cursor())},
            "direct": can_view_post(v, post),
        }

    assert listed(carol) == {"public": False, "hashtag": False, "direct": True}
    assert listed(None) == {"public": False, "hashtag": False, "direct": True}
    assert listed(alice) == {"public": True, "hashtag": True, "direct": True}  # a follower
    assert listed(bob) == {"public": True, "hashtag": True, "direct": True}
    assert "megaphone" not in trending()  # trends count no limited author, followed or not
    do_unlimit_account(bob, acting_user=moderator)
    assert listed(carol) == {"public": True, "hashtag": True, "direct": True}
