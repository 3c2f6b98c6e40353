"""Reporting from the web, and the moderators' queue and report pages."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from tests.web.conftest import page_text
from tidings.legal.actions.withholding import do_withhold
from tidings.legal.models import Demand
from tidings.social.actions import do_file_report
from tidings.social.models import Post
from tidings.social.models_moderation import ModerationNotice, Report


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def moderator(make_account):
    return make_account("mod", role="moderator")


def test_every_post_card_and_profile_offers_a_report_button(signed_in, alice, bob, make_post):
    post = make_post(bob, "hello from bob")
    client = signed_in(alice)
    assert f'href="/@bob/{post.id}/report"' in page_text(client.get("/@bob"))
    assert 'href="/@bob/report"' in page_text(client.get("/@bob"))
    own = make_post(alice, "my own")
    assert f"/@alice/{own.id}/report" not in page_text(client.get("/@alice"))


def test_a_user_reports_a_post_through_the_form_and_sees_a_confirmation(
    signed_in, alice, bob, make_post
):
    post = make_post(bob, "buy watches")
    client = signed_in(alice)
    form = client.get(f"/@bob/{post.id}/report")
    assert form.status_code == 200 and "buy watches" in page_text(form)
    sent = client.post(
        f"/@bob/{post.id}/report", {"category": "spam", "comment": "ads"}, follow=True
    )
    assert "is with the moderators" in page_text(sent) and "Report sent" in page_text(sent)
    report = Report.objects.get()
    assert (report.category, report.comment, list(report.posts.all())) == ("spam", "ads", [post])


def test_the_report_form_needs_the_csrf_token(alice, bob):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post("/@bob/report", {"category": "spam"}).status_code == 403
    assert not Report.objects.exists()


@pytest.mark.parametrize(("comment", "status"), [("x" * 1_000_000, 422), ("a\x00b", 400)])
def test_a_bad_comment_gets_the_form_back_with_the_error(signed_in, alice, bob, comment, status):
    answer = signed_in(alice).post("/@bob/report", {"category": "spam", "comment": comment})
    assert answer.status_code == status
    assert not Report.objects.exists()


def test_reporting_a_post_withheld_in_the_viewers_country_answers_451(
    signed_in, alice, bob, make_post, legal
):
    post = make_post(bob, "withheld words")
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    client = signed_in(alice)
    in_india = client.get(f"/@bob/{post.id}/report", HTTP_X_TEST_COUNTRY="IN")
    assert in_india.status_code == 451 and "withheld words" not in page_text(in_india)
    posted = client.post(f"/@bob/{post.id}/report", {"category": "legal"}, HTTP_X_TEST_COUNTRY="IN")
    assert posted.status_code == 451 and not Report.objects.exists()
    assert client.get(f"/@bob/{post.id}/report", HTTP_X_TEST_COUNTRY="US").status_code == 200


@pytest.mark.parametrize("role", ["user", "legal"])
def test_the_queue_is_for_moderators_only(signed_in, alice, bob, make_account, role):
    report = do_file_report(bob, acting_user=alice)
    client = signed_in(make_account("someone", role=role))
    assert client.get("/moderation/reports").status_code == 403
    assert client.get(f"/moderation/reports/{report.id}").status_code == 403
    assert client.post(f"/moderation/reports/{report.id}/resolve").status_code == 403
    assert Report.objects.get().status == "open"


def test_a_moderator_works_a_report_from_the_queue(
    signed_in, alice, bob, moderator, make_post, run_on_commit
):
    post = make_post(bob, "nasty words", visibility="followers")
    older = do_file_report(bob, category="spam", acting_user=alice)
    report = do_file_report(
        bob, posts=[post], category="violation", comment="rude", acting_user=alice
    )
    client = signed_in(moderator)
    queue = page_text(client.get("/moderation/reports"))
    assert queue.index(f"R-{report.id}") < queue.index(f"R-{older.id}")
    spam_only = page_text(client.get("/moderation/reports?category=spam"))
    assert f"R-{older.id}" in spam_only and f"R-{report.id}" not in spam_only
    page = page_text(client.get(f"/moderation/reports/{report.id}"))
    assert "nasty words" in page and "rude" in page  # a followers-only post, shown to staff
    client.post(f"/moderation/reports/{report.id}/assign")
    assert Report.objects.get(id=report.id).assignee_id == moderator.id
    done = client.post(
        f"/moderation/reports/{report.id}/delete_post", {"post_id": post.id}, follow=True
    )
    assert "The post was removed." in page_text(done) and "Removed" in page_text(done)
    assert Post.objects.get(id=post.id).is_tombstone
    with run_on_commit():
        client.post(f"/moderation/reports/{report.id}/warn", {"text": "Be kind"})
    report.refresh_from_db()
    assert (report.status, report.action_taken) == ("resolved", "warn")
    assert any("Be kind" in m.body for m in mail.outbox)
    resolved = page_text(client.get("/moderation/reports?status=resolved"))
    assert f"R-{report.id}" in resolved and f"R-{older.id}" not in resolved
    client.post(f"/moderation/reports/{older.id}/dismiss")
    assert Report.objects.get(id=older.id).status == "dismissed"


def test_a_moderator_in_india_sees_the_withheld_notice_not_the_post(
    signed_in, alice, bob, moderator, make_post, legal
):
    post = make_post(bob, "withheld words")
    report = do_file_report(bob, posts=[post], acting_user=alice)
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    client = signed_in(moderator)
    in_india = page_text(client.get(f"/moderation/reports/{report.id}", HTTP_X_TEST_COUNTRY="IN"))
    assert "withheld words" not in in_india and "withheld in India" in in_india
    assert "withheld words" in page_text(
        client.get(f"/moderation/reports/{report.id}", HTTP_X_TEST_COUNTRY="US")
    )


def test_a_refused_action_shows_the_report_again_with_the_reason(signed_in, alice, bob, moderator):
    report = do_file_report(bob, acting_user=alice)
    answer = signed_in(moderator).post(
        f"/moderation/reports/{report.id}/warn", {"text": "x" * 1_000_000}
    )
    assert answer.status_code == 422 and "at most 1,000 characters" in page_text(answer)


def test_legal_staff_make_a_draft_demand_of_a_legal_report(signed_in, alice, bob, legal, make_post):
    post = make_post(bob, "unlawful")
    report = do_file_report(bob, posts=[post], category="legal", acting_user=alice)
    client = signed_in(legal)
    page = page_text(client.get(f"/moderation/reports/{report.id}"))
    assert "Make a draft demand" in page and "Warn and resolve" not in page
    done = client.post(f"/moderation/reports/{report.id}/demand", {"country": "IN"}, follow=True)
    assert "A draft demand was made" in page_text(done)
    demand = Demand.objects.get()
    assert demand.items.get().post_id == post.id


def test_a_moderator_without_the_desk_cannot_make_a_demand(signed_in, alice, bob, moderator):
    report = do_file_report(bob, category="legal", acting_user=alice)
    client = signed_in(moderator)
    assert "Make a draft demand" not in page_text(client.get(f"/moderation/reports/{report.id}"))
    assert (
        client.post(f"/moderation/reports/{report.id}/demand", {"country": "IN"}).status_code == 403
    )
    assert not Demand.objects.exists()


def test_the_moderation_notice_reads_as_such_in_the_notifications(
    signed_in, bob, moderator, run_on_commit, settings
):
    from tidings.social.actions import do_warn_account

    with run_on_commit():
        do_warn_account(bob, text="Stop it", acting_user=moderator)
    response = signed_in(bob).get("/notifications")
    page = page_text(response)
    assert "Moderation notice" in page and "Stop it" in page and "appeal it by" in page
    assert "reply to this notice" not in page
    notice = ModerationNotice.objects.get(recipient=bob)
    assert (
        f'href="https://{settings.DOMAIN}/notices/moderation/{notice.id}"'
        in response.content.decode()
    )


def test_a_moderator_limits_an_account_from_a_report(signed_in, alice, bob, moderator, make_post):
    post = make_post(bob, "loud words")
    report = do_file_report(bob, posts=[post], acting_user=alice)
    client = signed_in(moderator)
    done = client.post(f"/moderation/reports/{report.id}/limit", {"text": "Calm"}, follow=True)
    assert "The account was limited." in page_text(done) and "(limited)" in page_text(done)
    assert "loud words" not in page_text(signed_in(alice).get("/public"))
    assert "loud words" in page_text(signed_in(alice).get("/@bob"))
