"""The owner appeals from their withheld content; the desk works the appeals queue on the web."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.web.conftest import page_text
from tidings.legal.actions.appeals import do_file_appeal
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Appeal, AppealStatus, Withholding

IN = {"HTTP_X_TEST_COUNTRY": "IN"}


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


@pytest.fixture
def owner(make_account):
    return make_account("kisanvoice", email="kisan@example.com")


@pytest.fixture
def withheld(owner, make_post, import_order, legal, run_on_commit) -> Withholding:
    post = make_post(owner, "March to the capital #FarmersProtest")
    demand = import_order(f"https://localhost:8000/@kisanvoice/{post.id}").demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    return Withholding.objects.get(post=post)


def test_the_author_sees_appeal_this_decision_on_their_withheld_post(
    withheld, owner, make_account, signed_in
):
    path = f"/@kisanvoice/{withheld.post_id}"
    page = page_text(signed_in(owner).get(path, **IN))
    assert "Appeal this decision" in page
    assert f"/appeals/new?post={withheld.post_id}" in page
    other = page_text(signed_in(make_account("reader")).get(path, HTTP_X_TEST_COUNTRY="US"))
    assert "Withheld in India" in other and "Appeal this decision" not in other


def test_the_withheld_notification_links_to_the_appeal_form(withheld, owner, signed_in):
    page = page_text(signed_in(owner).get("/notifications"))
    assert f'/appeals/new?withholding={withheld.id}"' in page


def test_the_owner_files_an_appeal_and_sees_it_with_its_clocks(withheld, owner, signed_in):
    client = signed_in(owner)
    form = page_text(client.get(f"/appeals/new?withholding={withheld.id}"))
    assert "Appeal this decision" in form and "Ministry of Electronics" in form
    assert "acknowledged within 24 hours and decided within 15 days" in form
    response = client.post(
        "/appeals/new", {"withholding": withheld.id, "text": "Reporting is not a crime."}
    )
    assert response.status_code == 302 and response["Location"] == "/appeals"
    appeal = Appeal.objects.get()
    page = page_text(client.get("/appeals"))
    assert f"A-{appeal.id}" in page and "Filed" in page
    assert "Acknowledge the appeal" in page and "Decide the appeal" in page
    assert "IST" in page


def test_choosing_from_a_post_offers_its_withholding(withheld, owner, signed_in):
    page = page_text(signed_in(owner).get(f"/appeals/new?post={withheld.post_id}"))
    assert f"?withholding={withheld.id}" in page


@pytest.mark.parametrize(
    ("text", "status", "words"),
    [
        ("a\x00b", 400, "NUL character"),  # refused for every form by the input guard
        ("x" * 1_000_000, 422, "at most 2,000"),
        ("   ", 422, "Write the appeal"),
    ],
)
def test_bad_appeal_text_is_refused_with_a_clear_error(
    withheld, owner, signed_in, text, status, words
):
    response = signed_in(owner).post("/appeals/new", {"withholding": withheld.id, "text": text})
    assert response.status_code == status
    assert words in page_text(response)
    assert not Appeal.objects.exists()


def test_someone_elses_withholding_is_not_found(withheld, make_account, signed_in):
    client = signed_in(make_account("stranger"))
    assert client.get(f"/appeals/new?withholding={withheld.id}").status_code == 404
    response = client.post("/appeals/new", {"withholding": withheld.id, "text": "let me"})
    assert response.status_code == 404
    assert client.get("/appeals/new?withholding=junk").status_code == 404
    assert client.get(f"/appeals/new?withholding={'9' * 30}").status_code == 404
    assert client.get(f"/appeals/new?post={'9' * 30}").status_code == 200
    assert not Appeal.objects.exists()


def test_signing_in_is_required(client, withheld):
    response = client.get(f"/appeals/new?withholding={withheld.id}")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_the_form_needs_the_csrf_token(withheld, owner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post("/appeals/new", {"withholding": withheld.id, "text": "x"})
    assert response.status_code == 403
    assert not Appeal.objects.exists()


# -- the desk ------------------------------------------------------------------------------


def test_the_queue_shows_open_appeals_with_overdue_clocks(withheld, owner, legal, signed_in):
    appeal = do_file_appeal(withheld, text="please", acting_user=owner)
    Appeal.objects.filter(id=appeal.id).update(filed_at=timezone.now() - timedelta(hours=30))
    page = page_text(signed_in(legal).get("/desk/appeals"))
    assert f"A-{appeal.id}" in page
    assert "appeal-row--overdue" in page and "overdue by 6 h" in page


def test_the_queue_is_for_desk_staff_only(withheld, owner, moderator, signed_in):
    do_file_appeal(withheld, text="please", acting_user=owner)
    assert signed_in(moderator).get("/desk/appeals").status_code == 403
    assert signed_in(owner).get(f"/desk/appeals/{Appeal.objects.get().id}").status_code == 403


def test_the_appeal_page_shows_the_evidence_and_the_demand(withheld, owner, legal, signed_in):
    appeal = do_file_appeal(withheld, text="Reporting is not a crime.", acting_user=owner)
    page = page_text(signed_in(legal).get(f"/desk/appeals/{appeal.id}"))
    for words in (
        "Reporting is not a crime.",
        withheld.snapshot["text_sha256"],
        "MEITY/2021/001",
        "Grievance Appellate Committee",
        "csrfmiddlewaretoken",
    ):
        assert words in page


def test_the_appeal_text_is_shown_escaped(withheld, owner, legal, signed_in):
    appeal = do_file_appeal(withheld, text="<script>alert(1)</script>", acting_user=owner)
    for account, path in ((legal, f"/desk/appeals/{appeal.id}"), (owner, "/appeals")):
        page = page_text(signed_in(account).get(path))
        assert "<script>alert(1)</script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_granting_on_the_web_makes_the_post_visible_in_india(
    withheld, owner, legal, signed_in, client
):
    appeal = do_file_appeal(withheld, text="news", acting_user=owner)
    post_path = f"/@kisanvoice/{withheld.post_id}"
    assert Client().get(post_path, **IN).status_code == 451
    staff = signed_in(legal)
    assert staff.post(f"/desk/appeals/{appeal.id}/acknowledge").status_code == 302
    response = staff.post(f"/desk/appeals/{appeal.id}/grant", {"reason": "Lawful reporting."})
    assert response.status_code == 302
    assert Client().get(post_path, **IN).status_code == 200
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.GRANTED


def test_rejecting_without_a_reason_is_refused_on_the_page(withheld, owner, legal, signed_in):
    appeal = do_file_appeal(withheld, text="news", acting_user=owner)
    staff = signed_in(legal)
    response = staff.post(f"/desk/appeals/{appeal.id}/reject", {"reason": "  "})
    assert response.status_code == 422 and "Write the reason" in page_text(response)
    response = staff.post(f"/desk/appeals/{appeal.id}/reject", {"reason": "Order stands."})
    assert response.status_code == 302
    again = staff.post(f"/desk/appeals/{appeal.id}/grant", {"reason": "Changed my mind."})
    assert again.status_code == 422 and "already rejected" in page_text(again)
    assert Client().get(f"/@kisanvoice/{withheld.post_id}", **IN).status_code == 451


def test_the_owner_of_a_withheld_account_is_offered_the_appeal_on_their_profile(
    owner, import_order, legal, signed_in, make_account
):
    demand = import_order("@kisanvoice").demand
    do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    withholding = Withholding.objects.get(account=owner)
    page = page_text(signed_in(owner).get("/@kisanvoice", **IN))
    assert "Appeal this decision" in page
    choices = page_text(signed_in(owner).get("/appeals/new"))
    assert f"?withholding={withholding.id}" in choices
    other = page_text(
        signed_in(make_account("reader")).get("/@kisanvoice", HTTP_X_TEST_COUNTRY="US")
    )
    assert "Appeal this decision" not in other
