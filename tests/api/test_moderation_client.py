"""Reports and moderation with Mastodon.py against a real ``tidings serve``: a user reports, a
moderator's client with admin scopes lists, resolves and suspends."""

from __future__ import annotations

import pytest
from mastodon import Mastodon, MastodonAPIError

from tests.api.conftest import unique_handle
from tests.conftest import TEST_PASSWORD

STAFF_SCOPES = ["read", "write", "admin:read", "admin:write"]


def _staff_client(live_tidings, role: str) -> Mastodon:
    handle = unique_handle(role[:3])
    created = live_tidings.manage(
        "createuser", handle, "--email", f"{handle}@example.com",
        "--password", TEST_PASSWORD, "--role", role,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    client_id, client_secret = Mastodon.create_app(
        "Moderation client", api_base_url=live_tidings.url, scopes=STAFF_SCOPES
    )
    client = Mastodon(
        client_id=client_id, client_secret=client_secret, api_base_url=live_tidings.url
    )
    client.log_in(handle, TEST_PASSWORD, scopes=STAFF_SCOPES, allow_http=True)
    return client


def test_a_user_reports_a_post_and_a_moderator_resolves_it_and_suspends_the_account(
    live_tidings, new_user
):
    reporter, spammer = new_user("rep"), new_user("spam")
    spammer_id = spammer.me().id
    post = spammer.status_post("Cheap watches, click here")
    report = reporter.report(
        spammer_id, status_ids=[post.id], comment="Advertising", category="spam"
    )
    assert report.category == "spam" and report.comment == "Advertising"
    assert [str(i) for i in report.status_ids] == [str(post.id)]

    moderator = _staff_client(live_tidings, "moderator")
    listed = [r for r in moderator.admin_reports() if str(r.id) == str(report.id)]
    assert len(listed) == 1
    assert listed[0].target_account.username == spammer.handle
    assert [s.content for s in listed[0].statuses] == [post.content]
    resolved = moderator.admin_report_resolve(report.id)
    assert resolved.action_taken is True
    assert all(str(r.id) != str(report.id) for r in moderator.admin_reports())
    assert any(str(r.id) == str(report.id) for r in moderator.admin_reports(resolved=True))

    moderator.admin_account_moderate(spammer_id, "suspend", text="Spam network")
    assert moderator.admin_account(spammer_id).suspended is True
    suspended = moderator.admin_accounts_v1(status="suspended")
    assert spammer.handle in [a["username"] for a in suspended]  # this call returns plain dicts
    with pytest.raises(MastodonAPIError):
        spammer.me()  # a suspended account's token no longer works


@pytest.mark.parametrize("role", ["user", "legal"])
def test_accounts_without_the_moderator_role_are_refused_the_admin_api(
    live_tidings, new_user, role
):
    reporter, target = new_user("rep"), new_user("tgt")
    report = reporter.report(target.me().id, comment="look")
    client = reporter if role == "user" else _staff_client(live_tidings, role)
    with pytest.raises(MastodonAPIError) as refused:
        client.admin_reports()
    assert refused.value.args[1] == 403
    with pytest.raises(MastodonAPIError):
        client.admin_report_resolve(report.id)
