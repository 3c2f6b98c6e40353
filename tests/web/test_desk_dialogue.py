"""A demand's thread with its authority on the desk: recording, letters, downloads, refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.web.conftest import page_text
from tidings.legal.actions.correspondence import NewAttachment, do_record_correspondence
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Correspondence, Demand, DemandItem, Withholding

PDF = b"%PDF-1.4\n%\xe2\xe3 a notice from the ministry\n"


@pytest.fixture
def demand(import_order, desk_targets) -> Demand:
    return import_order("@kisanvoice\n@reporter_r").demand


def page(demand: Demand) -> str:
    return f"/desk/demands/{demand.id}"


def at(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def message_fields(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "direction": "inbound",
        "kind": "clarification_request",
        "channel": "email",
        "subject": "Clarify line 2",
        "body": "Please explain <b>why</b> line 2 was declined.",
        "next": "/desk/demands",
    }
    fields.update(changes)
    return fields


def test_the_thread_shows_each_message_with_its_attachments(signed_in, legal, demand):
    message = do_record_correspondence(
        demand,
        direction="inbound",
        kind="order",
        channel="letter",
        body="Block these accounts <script>x</script>",
        received_at=timezone.now() - timedelta(hours=2),
        attachments=[NewAttachment("order.pdf", PDF)],
        acting_user=legal,
    )
    text = page_text(signed_in(legal).get(page(demand)))
    assert "Correspondence with the authority" in text
    assert "From the authority" in text
    assert "Letter" in text
    assert "&lt;script&gt;x&lt;/script&gt;" in text
    attachment = message.attachments.get()
    assert f"/correspondence/{message.id}/attachments/{attachment.id}" in text
    assert "order.pdf" in text


def test_an_attachment_downloads_verbatim_and_never_inline(signed_in, legal, demand):
    message = do_record_correspondence(
        demand,
        direction="inbound",
        kind="order",
        channel="email",
        attachments=[NewAttachment('ord"er\x00.txt', PDF)],
        acting_user=legal,
    )
    attachment = message.attachments.get()
    url = f"{page(demand)}/correspondence/{message.id}/attachments/{attachment.id}"
    response = signed_in(legal).get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_attachment_of_another_demand_is_404(signed_in, legal, demand, import_order):
    other = import_order("@kisanvoice", reference="OTHER/1").demand
    message = do_record_correspondence(
        other,
        direction="inbound",
        kind="order",
        channel="email",
        attachments=[NewAttachment("a.pdf", PDF)],
        acting_user=legal,
    )
    attachment = message.attachments.get()
    url = f"{page(demand)}/correspondence/{message.id}/attachments/{attachment.id}"
    assert signed_in(legal).get(url).status_code == 404


@pytest.mark.parametrize("role", ["moderator", "user"])
def test_moderators_and_users_get_403_on_the_thread(signed_in, make_account, legal, demand, role):
    message = do_record_correspondence(
        demand,
        direction="inbound",
        kind="order",
        channel="email",
        attachments=[NewAttachment("a.pdf", PDF)],
        acting_user=legal,
    )
    client = signed_in(make_account(f"some_{role}", role=role))
    attachment = message.attachments.get()
    base = page(demand)
    assert (
        client.get(f"{base}/correspondence/{message.id}/attachments/{attachment.id}").status_code
        == 403
    )
    for url in ("correspondence", "acknowledge", "status_update", "noncompliance_response"):
        assert client.post(f"{base}/{url}", message_fields()).status_code == 403, url
    assert Correspondence.objects.count() == 1


def test_recording_a_message_with_attachments(signed_in, legal, demand):
    client = signed_in(legal)
    fields = message_fields(
        received_at=at(timezone.now() - timedelta(hours=1)),
        attachments=[
            SimpleUploadedFile("scan.pdf", PDF, "application/octet-stream"),
            SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "image/png"),
        ],
    )
    response = client.post(f"{page(demand)}/correspondence", fields)
    assert response.status_code == 302
    message = Correspondence.objects.get(demand=demand)
    assert message.kind == "clarification_request"
    assert sorted(a.content_type for a in message.attachments.all()) == [
        "application/pdf",
        "image/png",
    ]
    assert "Clarify line 2" in page_text(client.get(page(demand)))


def test_an_attachment_that_is_not_a_pdf_or_image_is_refused_on_the_page(signed_in, legal, demand):
    fields = message_fields(attachments=[SimpleUploadedFile("notice.pdf", b"MZ\x90 exe")])
    response = signed_in(legal).post(f"{page(demand)}/correspondence", fields)
    assert response.status_code == 422
    text = page_text(response)
    assert "notice.pdf is not a PDF, PNG, JPEG, GIF or WebP file." in text
    assert "Clarify line 2" in text  # what was typed is kept
    assert not Correspondence.objects.exists()


def test_acknowledging_from_the_page_puts_the_letter_in_the_thread(signed_in, legal, demand):
    client = signed_in(legal)
    response = client.post(f"{page(demand)}/acknowledge", {"next": page(demand)})
    assert response.status_code == 302
    text = page_text(client.get(page(demand)))
    assert "Acknowledgement of receipt" in text
    assert "The letter as sent" in text
    assert "Acknowledge receipt</button>" not in text
    assert Demand.objects.get(id=demand.id).acknowledged_at is not None


def test_a_status_update_and_a_noncompliance_answer_from_the_page(signed_in, legal, demand):
    client = signed_in(legal)
    assert client.post(f"{page(demand)}/status_update", {"note": "All done."}).status_code == 302
    fields = message_fields(kind="noncompliance_notice", body="You have not complied.")
    assert client.post(f"{page(demand)}/correspondence", fields).status_code == 302
    assert Demand.objects.get(id=demand.id).status == "noncompliance_notice"
    assert "Answer the non-compliance notice" in page_text(client.get(page(demand)))
    response = client.post(f"{page(demand)}/noncompliance_response", {"body": "We have."})
    assert response.status_code == 302
    assert Demand.objects.get(id=demand.id).status == "received"
    kinds = list(Correspondence.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["status_update", "noncompliance_notice", "noncompliance_response"]


def test_a_short_notice_hearing_is_flagged_in_the_thread(signed_in, legal, demand):
    received = timezone.now() - timedelta(hours=2)
    fields = message_fields(
        kind="hearing_notice",
        received_at=at(received),
        hearing_at=at(received + timedelta(hours=30)),
    )
    client = signed_in(legal)
    assert client.post(f"{page(demand)}/correspondence", fields).status_code == 302
    assert "Short notice: 30 h given, Rule 8 requires 48 h." in page_text(client.get(page(demand)))


def test_a_withdrawal_recorded_on_the_page_lifts_the_withholdings(signed_in, legal, demand):
    item = DemandItem.objects.get(demand=demand, line_number=1)
    do_decide_items(demand, [item.id], action="withhold", reason="s69A", acting_user=legal)
    client = signed_in(legal)
    fields = message_fields(kind="withdrawal", channel="letter", body="Withdrawn.")
    assert client.post(f"{page(demand)}/correspondence", fields).status_code == 302
    withholding = Withholding.objects.get(demand_item=item)
    assert withholding.lift_reason == "order withdrawn"
    text = page_text(client.get(page(demand)))
    assert "Withdrawn" in text
    assert "Send a letter" not in text


def test_the_thread_forms_need_a_csrf_token(legal, demand):
    client = Client(enforce_csrf_checks=True)
    client.force_login(legal)
    assert client.post(f"{page(demand)}/correspondence", message_fields()).status_code == 403
    assert client.post(f"{page(demand)}/acknowledge").status_code == 403
    assert not Correspondence.objects.exists()
