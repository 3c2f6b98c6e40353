"""Appealing a moderator's action on the web: the notice page and its form, a suspended account's
narrow access, and the moderators' queue with approve and reject."""

from __future__ import annotations

from django.test import Client

from tests.conftest import TEST_PASSWORD
from tests.web.conftest import page_text
from tidings.social.actions import (
    do_file_report,
    do_moderator_delete_post,
    do_moderator_suspend,
    do_warn_account,
)
from tidings.social.models import Account
from tidings.social.models_moderation import ModerationAppeal, ModerationNotice


def _notice(account: Account) -> ModerationNotice:
    return ModerationNotice.objects.filter(recipient=account).latest("created_at")


def test_a_suspended_account_signs_in_reads_its_notice_and_appeals_and_nothing_else(
    client: Client, bob, moderator, make_post, signed_in
):
    make_post(bob, "bob's words")
    do_moderator_suspend(bob, text="Spam.", acting_user=moderator)
    notice = _notice(bob)
    response = client.post("/login", {"username": "bob", "password": TEST_PASSWORD})
    assert response.status_code == 302
    # Any other page sends it to its notices; posting anything is refused.
    home = client.get("/")
    assert home.status_code == 302 and home["Location"] == "/suspended"
    landing = page_text(client.get("/suspended"))
    assert "Your account is suspended" in landing
    assert f'href="/notices/moderation/{notice.id}"' in landing
    for path in ("/@bob", "/notifications", "/settings/profile", "/moderation/reports"):
        assert client.get(path).status_code == 302, path
    assert client.post("/compose", {"text": "still here"}).status_code == 403
    page = page_text(client.get(f"/notices/moderation/{notice.id}"))
    assert "Spam." in page and 'id="appeal-form"' in page
    response = client.post(f"/notices/moderation/{notice.id}", {"text": "I only posted once."})
    assert response.status_code == 302
    appeal = ModerationAppeal.objects.get(notice=notice)
    assert appeal.text == "I only posted once."
    page = page_text(client.get(f"/notices/moderation/{notice.id}", follow=True))
    assert f"Appeal {appeal.reference} filed" in page and "Pending" in page
    assert 'id="appeal-form"' not in page
    assert client.get("/appeals").status_code == 200

    # A moderator approves from the queue; bob's session now reaches everything again.
    mod = Client()
    mod.force_login(moderator)
    assert 'Appeals of moderation <span class="pill">1' in page_text(mod.get("/moderation/reports"))
    queue = page_text(mod.get("/moderation/appeals"))
    assert f'href="/moderation/appeals/{appeal.id}"' in queue and "@bob" in queue
    response = mod.post(f"/moderation/appeals/{appeal.id}/approve", {"reason": "One post is fine."})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert not bob.is_suspended
    assert client.get("/").status_code == 200
    page = page_text(client.get(f"/notices/moderation/{notice.id}"))
    assert "Approved" in page and "One post is fine." in page and "Overturned" in page


def test_bad_appeal_text_gets_the_form_again_with_the_reason(signed_in, bob, moderator):
    do_warn_account(bob, text="No.", acting_user=moderator)
    notice = _notice(bob)
    client = signed_in(bob)
    for text, status, message in (
        ("a\x00b", 400, "NUL character"),  # refused before any view (input_guard)
        ("x" * 1_000_000, 422, "at most 2,000"),
        ("", 422, "Write the appeal"),
    ):
        response = client.post(f"/notices/moderation/{notice.id}", {"text": text})
        assert response.status_code == status
        assert message in page_text(response)
    assert not ModerationAppeal.objects.exists()
    client.post(f"/notices/moderation/{notice.id}", {"text": "Fine, once."})
    again = client.post(f"/notices/moderation/{notice.id}", {"text": "Twice."})
    assert again.status_code == 422 and "already appealed" in page_text(again)


def test_someone_elses_notice_is_not_found(signed_in, alice, bob, moderator):
    do_warn_account(bob, text="No.", acting_user=moderator)
    notice = _notice(bob)
    client = signed_in(alice)
    assert client.get(f"/notices/moderation/{notice.id}").status_code == 404
    assert client.post(f"/notices/moderation/{notice.id}", {"text": "x"}).status_code == 404
    assert client.get("/notices/moderation/99999999999999999999").status_code == 404
    assert not ModerationAppeal.objects.exists()


def test_only_moderators_reach_the_appeal_queue(signed_in, make_account, bob, moderator):
    do_warn_account(bob, text="No.", acting_user=moderator)
    client = signed_in(bob)
    client.post(f"/notices/moderation/{_notice(bob).id}", {"text": "Why?"})
    appeal = ModerationAppeal.objects.get()
    for role in ("user", "legal_admin"):
        other = Client()
        other.force_login(make_account(f"x_{role}", role=role))
        assert other.get("/moderation/appeals").status_code == 403
        assert other.get(f"/moderation/appeals/{appeal.id}").status_code == 403
        assert (
            other.post(f"/moderation/appeals/{appeal.id}/reject", {"reason": "no"}).status_code
            == 403
        )
    appeal.refresh_from_db()
    assert appeal.is_pending


def test_a_second_decision_is_told_who_decided_first(signed_in, make_account, bob, moderator):
    do_warn_account(bob, text="No.", acting_user=moderator)
    signed_in(bob).post(f"/notices/moderation/{_notice(bob).id}", {"text": "Why?"})
    appeal = ModerationAppeal.objects.get()
    other = Client()
    other.force_login(make_account("mod2", role="moderator"))
    mod = Client()
    mod.force_login(moderator)
    page = page_text(mod.get(f"/moderation/appeals/{appeal.id}"))
    assert 'id="decision-form"' in page
    assert (
        other.post(f"/moderation/appeals/{appeal.id}/reject", {"reason": "Stands."}).status_code
        == 302
    )
    late = mod.post(f"/moderation/appeals/{appeal.id}/approve", {"reason": "Overturn."})
    assert late.status_code == 422
    assert "already rejected by @mod2" in page_text(late)
    assert 'id="decision-form"' not in page_text(late)


def test_a_removed_post_appeal_says_honestly_that_the_post_cannot_return(
    signed_in, alice, bob, moderator, make_post
):
    post = make_post(bob, "removed words")
    report = do_file_report(bob, posts=[post], acting_user=alice)
    do_moderator_delete_post(post, text="Ads.", report=report, acting_user=moderator)
    notice = _notice(bob)
    client = signed_in(bob)
    page = page_text(client.get(f"/notices/moderation/{notice.id}"))
    assert "cannot be brought back" in page
    client.post(f"/notices/moderation/{notice.id}", {"text": "Not an ad."})
    appeal = ModerationAppeal.objects.get()
    mod = Client()
    mod.force_login(moderator)
    assert "cannot restore the post" in page_text(mod.get(f"/moderation/appeals/{appeal.id}"))
    done = mod.post(
        f"/moderation/appeals/{appeal.id}/approve", {"reason": "Not an ad."}, follow=True
    )
    assert "the removal is overturned, but the post cannot be restored" in page_text(done)
