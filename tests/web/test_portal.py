"""The authority portal in the browser (test client): submit an order, follow it, write to us."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.legal.portal_world import PDF, SECRETS, World, make_member, world_fixture  # noqa: F401
from tests.web.conftest import page_text
from tidings.legal.models import Correspondence, Demand


def test_the_header_shows_the_portal_to_authority_accounts_only(world: World, signed_in, client):
    assert 'href="/portal"' in page_text(signed_in(world.member_a).get("/public"))
    assert "Legal desk" not in page_text(client.get("/public"))
    client.logout()
    assert 'href="/portal"' not in page_text(signed_in(world.legal).get("/public"))


def test_a_member_submits_pasted_lines_and_lands_on_the_order(make_account, signed_in):
    make_account("kisanvoice")
    member, authority = make_member(make_account, "officer", "MeitY", "IN")
    client = signed_in(member)
    response = client.post(
        "/portal/orders/new",
        {"text": "@kisanvoice\n@ghost\n", "reference": "MEITY/42", "kind": "emergency_order"},
    )
    demand = Demand.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/portal/demands/{demand.id}"
    assert (demand.authority, demand.country, demand.kind) == (authority, "IN", "emergency_order")
    page = page_text(client.get(response["Location"]))
    assert "Order MEITY/42 received: 2 lines." in page
    assert "@kisanvoice" in page and "Under review." in page and "Not actionable" in page
    assert "Order MEITY/42" in page and "submitted through the portal" in page


def test_a_member_uploads_an_order_file(make_account, signed_in):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    upload = SimpleUploadedFile("order.csv", b"S.No,URL\n1,@a\n2,@b\n", content_type="text/csv")
    response = signed_in(member).post(
        "/portal/orders/new", {"upload": upload, "reference": "R/1", "kind": "order"}
    )
    assert response.status_code == 302
    demand = Demand.objects.get()
    assert demand.original_filename == "order.csv" and demand.items.count() == 2


def test_an_unreadable_order_is_explained_and_creates_nothing(make_account, signed_in):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    upload = SimpleUploadedFile("order.bin", bytes(range(256)) * 10)
    response = signed_in(member).post(
        "/portal/orders/new", {"upload": upload, "reference": "R/1", "kind": "order"}
    )
    assert response.status_code == 422 and "binary" in page_text(response)
    empty = signed_in(member).post("/portal/orders/new", {"reference": "R/1", "kind": "order"})
    assert empty.status_code == 422 and "paste its lines" in page_text(empty)
    assert not Demand.objects.exists()


def test_a_member_writes_to_us_with_an_attachment_and_downloads_ours(world: World, signed_in):
    client = signed_in(world.member_a)
    url = f"/portal/demands/{world.demand_a.id}"
    response = client.post(
        f"{url}/messages",
        {
            "kind": "clarification_request",
            "subject": "Pending lines",
            "body": "When will line 3 be decided?",
            "attachments": [SimpleUploadedFile("letter.pdf", PDF)],
        },
    )
    assert response.status_code == 302
    message = Correspondence.objects.filter(demand=world.demand_a).latest("id")
    assert (message.direction, message.channel, message.kind) == (
        "inbound",
        "portal",
        "clarification_request",
    )
    assert message.attachments.get().filename == "letter.pdf"
    page = page_text(client.get(url))
    assert "When will line 3 be decided?" in page and "ack.pdf" in page
    assert "We received your order." in page
    assert not any(secret in page for secret in SECRETS)


def test_a_bad_attachment_is_refused_on_the_page(world: World, signed_in):
    response = signed_in(world.member_a).post(
        f"/portal/demands/{world.demand_a.id}/messages",
        {"body": "see file", "attachments": [SimpleUploadedFile("x.exe", b"MZ\x90\x00")]},
    )
    assert response.status_code == 422 and "is not a PDF" in page_text(response)


def test_a_message_with_nul_bytes_or_a_huge_body_gets_a_clear_error(world: World, signed_in):
    client = signed_in(world.member_a)
    url = f"/portal/demands/{world.demand_a.id}/messages"
    before = Correspondence.objects.count()
    huge = client.post(url, {"body": "x" * 1_000_000})
    assert huge.status_code == 422 and "at most 50,000" in page_text(huge)
    nul = client.post(url, {"body": "\x00"})
    assert nul.status_code == 400 and "NUL" in page_text(nul)
    assert Correspondence.objects.count() == before


def test_the_order_form_names_the_members_own_authority(make_account, signed_in):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    page = signed_in(member).get("/portal/orders/new")
    assert page.status_code == 200
    text = page_text(page)
    assert "For MeitY (IN)" in text and "Emergency order" in text
    assert 'name="authority"' not in text and 'name="country"' not in text
