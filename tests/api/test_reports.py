"""Reports through the client API, and the moderators' admin API for reports and accounts."""

from __future__ import annotations

import pytest
from django.core import mail

from tidings.legal.actions.withholding import do_withhold
from tidings.social.actions import do_file_report
from tidings.social.models import Account
from tidings.social.models_moderation import Report

STAFF_SCOPES = "read write admin:read admin:write"


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def moderator(make_account):
    return make_account("mod", role="moderator")


def test_a_user_reports_a_post_and_gets_the_report_entity(api_client, alice, bob, make_post):
    post = make_post(bob, "spam spam")
    answer = api_client(alice).post(
        "/api/v1/reports",
        {"account_id": bob.id, "status_ids[]": [post.id], "comment": "ads", "category": "spam",
         "forward": "true", "rule_ids[]": ["1"]},
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status_ids"] == [str(post.id)] and body["category"] == "spam"
    assert body["target_account"]["username"] == "bob" and body["action_taken"] is False
    report = Report.objects.get()
    assert (report.reporter_id, report.comment, report.forward) == (alice.id, "ads", True)


def test_reporting_a_post_withheld_in_the_reporters_country_is_refused_like_reading_it(
    api_client, alice, bob, make_post, legal
):
    post = make_post(bob, "withheld words")
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    client = api_client(alice)
    data = {"account_id": bob.id, "status_ids[]": [post.id]}
    refused = client.post("/api/v1/reports", data, headers={"X-Test-Country": "IN"})
    assert refused.status_code == 451 and refused.json()["error"]
    assert (
        client.get(f"/api/v1/statuses/{post.id}", headers={"X-Test-Country": "IN"}).status_code
        == 451
    )
    assert not Report.objects.exists()
    assert client.post("/api/v1/reports", data, headers={"X-Test-Country": "US"}).status_code == 200


def test_reporting_what_one_cannot_see_is_not_found(api_client, alice, bob, carol, make_post):
    private = make_post(bob, "for followers", visibility="followers")
    client = api_client(alice)
    answer = client.post("/api/v1/reports", {"account_id": bob.id, "status_ids[]": [private.id]})
    assert answer.status_code == 404
    assert client.post("/api/v1/reports", {"account_id": "999"}).status_code == 404
    other = make_post(carol)
    answer = client.post("/api/v1/reports", {"account_id": bob.id, "status_ids[]": [other.id]})
    assert answer.status_code == 422 and "only posts of the account" in answer.json()["error"]


@pytest.mark.parametrize(
    ("comment", "status"), [("x" * 1_000_000, 422), ("x" * 1001, 422), ("a\x00b", 400)]
)
def test_a_bad_comment_gets_a_clear_error(api_client, alice, bob, comment, status):
    answer = api_client(alice).post("/api/v1/reports", {"account_id": bob.id, "comment": comment})
    assert answer.status_code == status and answer.json()["error"]
    assert not Report.objects.exists()


def test_a_json_comment_with_nul_is_refused(api_client, alice, bob):
    answer = api_client(alice).post(
        "/api/v1/reports",
        f'{{"account_id": "{bob.id}", "comment": "a\\u0000b"}}',
        content_type="application/json",
    )
    assert answer.status_code in (400, 422) and not Report.objects.exists()


def test_reporting_needs_the_write_reports_scope(api_client, alice, bob):
    answer = api_client(alice, "read").post("/api/v1/reports", {"account_id": bob.id})
    assert answer.status_code == 403


def test_a_moderator_lists_reads_assigns_and_resolves_reports(
    api_client, alice, bob, moderator, make_post
):
    post = make_post(bob, "for followers", visibility="followers")
    from tidings.social.actions import do_follow

    do_follow(bob, acting_user=alice)
    report = do_file_report(bob, posts=[post], comment="rude", acting_user=alice)
    client = api_client(moderator, STAFF_SCOPES)
    [listed] = client.get("/api/v1/admin/reports").json()
    assert listed["id"] == str(report.id) and listed["comment"] == "rude"
    assert [s["id"] for s in listed["statuses"]] == [
        str(post.id)
    ]  # staff see followers-only evidence
    assert listed["target_account"]["email"] == bob.email
    assert client.post(f"/api/v1/admin/reports/{report.id}/assign_to_self").json()[
        "assigned_account"]["id"] == str(moderator.id)  # fmt: skip
    resolved = client.post(f"/api/v1/admin/reports/{report.id}/resolve").json()
    assert resolved["action_taken"] is True and resolved["status"] == "resolved"
    assert client.get("/api/v1/admin/reports").json() == []
    assert len(client.get("/api/v1/admin/reports?resolved=true").json()) == 1
    assert client.post(f"/api/v1/admin/reports/{report.id}/reopen").json()["status"] == "open"
    assert (
        client.post(f"/api/v1/admin/reports/{report.id}/unassign").json()["assigned_account"]
        is None
    )


def test_a_moderator_in_india_does_not_see_a_reported_post_withheld_there(
    api_client, alice, bob, moderator, make_post, legal
):
    post = make_post(bob, "withheld words")
    report = do_file_report(bob, posts=[post], acting_user=alice)
    do_withhold(post=post, countries=["IN"], reason="order", acting_user=legal)
    client = api_client(moderator, STAFF_SCOPES)
    in_india = client.get(f"/api/v1/admin/reports/{report.id}", headers={"X-Test-Country": "IN"})
    assert in_india.json()["statuses"] == [] and b"withheld words" not in in_india.content
    elsewhere = client.get(f"/api/v1/admin/reports/{report.id}", headers={"X-Test-Country": "US"})
    assert [s["id"] for s in elsewhere.json()["statuses"]] == [str(post.id)]


@pytest.mark.parametrize("role", ["user", "legal", "legal_admin"])
def test_only_moderators_use_the_admin_api(api_client, alice, bob, make_account, role):
    report = do_file_report(bob, acting_user=alice)
    someone = make_account("someone", role=role)
    client = api_client(someone, STAFF_SCOPES)
    for path in ("/api/v1/admin/reports", f"/api/v1/admin/reports/{report.id}",
                 "/api/v1/admin/accounts", f"/api/v1/admin/accounts/{bob.id}"):  # fmt: skip
        assert client.get(path).status_code == 403, path
    assert client.post(f"/api/v1/admin/reports/{report.id}/resolve").status_code == 403
    answer = client.post(f"/api/v1/admin/accounts/{bob.id}/action", {"type": "suspend"})
    assert answer.status_code == 403 and answer.json()["error"]
    bob.refresh_from_db()
    assert not bob.is_suspended and Report.objects.get().status == "open"


def test_the_reporter_cannot_read_their_report_through_the_admin_api(api_client, alice, bob):
    report = do_file_report(bob, acting_user=alice)
    client = api_client(alice, STAFF_SCOPES)
    assert client.get(f"/api/v1/admin/reports/{report.id}").status_code == 403


def test_a_moderator_token_without_admin_scopes_is_refused(api_client, moderator):
    assert api_client(moderator, "read write").get("/api/v1/admin/reports").status_code == 403


def test_a_moderator_lists_accounts_with_filters_and_suspends_one_from_a_report(
    api_client, alice, bob, moderator, run_on_commit
):
    report = do_file_report(bob, acting_user=alice)
    client = api_client(moderator, STAFF_SCOPES)
    with run_on_commit():
        answer = client.post(
            f"/api/v1/admin/accounts/{bob.id}/action",
            {"type": "suspend", "text": "Spam network", "report_id": report.id},
        )
    assert answer.status_code == 200
    bob.refresh_from_db()
    report.refresh_from_db()
    assert bob.is_suspended and (report.status, report.action_taken) == ("resolved", "suspend")
    assert "Spam network" in mail.outbox[0].body
    suspended = client.get("/api/v1/admin/accounts?suspended=true").json()
    assert [a["username"] for a in suspended] == ["bob"] and suspended[0]["suspended"] is True
    active = {
        a["username"] for a in client.get("/api/v1/admin/accounts?active=true&local=true").json()
    }
    assert "bob" not in active and {"alice", "mod"} <= active
    assert client.get(f"/api/v1/admin/accounts/{bob.id}").json()["suspended"] is True
    assert client.get("/api/v1/admin/accounts/12345").status_code == 404


def test_a_warning_through_the_admin_api_reaches_the_account(
    api_client, bob, moderator, run_on_commit
):
    client = api_client(moderator, STAFF_SCOPES)
    with run_on_commit():
        answer = client.post(
            f"/api/v1/admin/accounts/{bob.id}/action", {"type": "none", "text": "Calm down"}
        )
    assert answer.status_code == 200
    notes = api_client(bob).get("/api/v1/notifications").json()
    assert (
        notes[0]["type"] == "moderation_warning"
        and "Calm down" in notes[0]["moderation_warning"]["text"]
    )


@pytest.mark.parametrize("kind", ["disable", "sensitive", "bogus"])
def test_actions_not_offered_are_refused_clearly(api_client, bob, moderator, kind):
    answer = api_client(moderator, STAFF_SCOPES).post(
        f"/api/v1/admin/accounts/{bob.id}/action", {"type": kind}
    )
    assert answer.status_code == 422 and kind in answer.json()["error"]
    assert not Account.objects.get(id=bob.id).is_suspended


def test_silence_limits_the_account_and_the_accounts_list_says_so(
    api_client, alice, bob, moderator, make_post
):
    post = make_post(bob, "loud words")
    client = api_client(moderator, STAFF_SCOPES)
    answer = client.post(f"/api/v1/admin/accounts/{bob.id}/action", {"type": "silence"})
    assert answer.status_code == 200
    assert client.get(f"/api/v1/admin/accounts/{bob.id}").json()["silenced"] is True
    silenced = client.get("/api/v1/admin/accounts?silenced=true").json()
    assert [a["username"] for a in silenced] == ["bob"]
    public = api_client(alice).get("/api/v1/timelines/public").json()
    assert str(post.id) not in [s["id"] for s in public]
    assert api_client(alice).get(f"/api/v1/statuses/{post.id}").status_code == 200
