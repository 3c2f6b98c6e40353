"""The dialogue with the authority: letters we send, notices it sends, withdrawal and hearings."""

from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest
from django.utils import timezone

from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.legal.actions.correspondence import (
    ATTACHMENT_MAX_BYTES,
    NewAttachment,
    do_record_correspondence,
)
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.dialogue import (
    do_acknowledge_demand,
    do_receive_noncompliance_notice,
    do_record_hearing_notice,
    do_respond_to_noncompliance,
    do_send_status_update,
    do_withdraw_demand,
    hearing_flag,
)
from tidings.legal.models import (
    Attachment,
    Authority,
    AuthorityMember,
    Correspondence,
    Demand,
    DemandItem,
    LegalNotice,
    Withholding,
)
from tidings.lib.errors import InvalidInput, NotPermitted

PDF = b"%PDF-1.4\n% a scanned notice\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def demand(import_order, make_account, make_post) -> Demand:
    """An Indian order: @kisanvoice withheld, @reporter_r declined, @quiet pending."""
    make_account("kisanvoice")
    make_account("reporter_r")
    make_account("quiet")
    return import_order("@kisanvoice\n@reporter_r\n@quiet\n@nobody_here").demand


def line(demand: Demand, number: int) -> DemandItem:
    return DemandItem.objects.get(demand=demand, line_number=number)


@pytest.fixture
def decided(demand, legal) -> Demand:
    do_decide_items(
        demand, [line(demand, 1).id], action="withhold", reason="s69A order", acting_user=legal
    )
    do_decide_items(
        demand,
        [line(demand, 2).id],
        action="decline",
        reason="journalism in the public interest",
        acting_user=legal,
    )
    return demand


def with_contact(demand: Demand, contact: str = "Grievance cell <cell@meity.gov.in>") -> None:
    Authority.objects.filter(id=demand.authority_id).update(contact=contact)
    demand.authority.refresh_from_db()


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action))


def fresh(demand: Demand) -> Demand:
    return Demand.objects.get(id=demand.id)


# -- letters we send -----------------------------------------------------------------------------


def test_acknowledging_stores_the_letter_with_its_pdf_and_meets_the_clock(demand, legal):
    message = do_acknowledge_demand(demand, acting_user=legal)
    assert message.direction == "outbound"
    assert message.kind == "acknowledgement"
    assert "MEITY/2021/001" in message.document_html
    assert fresh(demand).acknowledged_at == message.sent_at
    (attachment,) = message.attachments.all()
    assert attachment.content_type == "application/pdf"
    text = pdf_text(bytes(attachment.content))
    assert "Acknowledgement of receipt" in text
    assert "MEITY/2021/001" in text
    assert "Ministry of Electronics and Information Technology" in text
    (event,) = events("legal.acknowledge")
    assert event.subject_id == str(demand.id)
    assert event.data["attachments"][0]["sha256"] == attachment.sha256
    assert list(verify_chain()) == []


def test_an_order_is_acknowledged_once(demand, legal):
    do_acknowledge_demand(demand, acting_user=legal)
    with pytest.raises(InvalidInput, match="already acknowledged"):
        do_acknowledge_demand(demand, acting_user=legal)
    assert Correspondence.objects.filter(demand=demand).count() == 1


def test_the_letter_is_emailed_to_the_authority_with_the_pdf_after_commit(
    demand, legal, mailoutbox, run_on_commit
):
    with_contact(demand, "Grievance cell, 6 CGO Complex; cell@meity.gov.in, not-an-address@")
    with run_on_commit():
        message = do_acknowledge_demand(demand, acting_user=legal)
    (mail,) = mailoutbox
    assert mail.to == ["cell@meity.gov.in"]
    assert "MEITY/2021/001" in mail.subject
    ((filename, content, mime),) = mail.attachments
    assert mime == "application/pdf"
    assert content == bytes(message.attachments.get().content)
    assert events("legal.acknowledge")[0].data["emailed_to"] == ["cell@meity.gov.in"]


def test_without_an_address_the_letter_is_only_in_the_portal(
    demand, legal, mailoutbox, run_on_commit
):
    with run_on_commit():
        do_acknowledge_demand(demand, acting_user=legal)
    assert mailoutbox == []
    assert Correspondence.objects.filter(demand=demand, channel="portal").count() == 1


def test_status_update_pdf_gives_each_items_outcome(decided, legal):
    message = do_send_status_update(decided, acting_user=legal)
    text = pdf_text(bytes(message.attachments.get().content))
    assert "MEITY/2021/001" in text
    assert "Withheld in India" in text
    # Public words only: the reviewer's reason stays on the desk.
    assert "Declined: after review, we did not find" in text
    assert "journalism in the public interest" not in text + message.document_html
    assert "Pending review" in text
    assert "Not actionable" in text
    assert "Withheld in India with no end" in message.document_html
    assert fresh(decided).authority_informed_at == message.sent_at
    assert len(events("legal.status_update")) == 1


def test_status_update_shows_lifted_and_expired_withholdings(decided, legal):
    withholding = Withholding.objects.get(demand_item__demand=decided)
    Withholding.objects.filter(id=withholding.id).update(
        ends_at=timezone.now() - timedelta(minutes=1)
    )
    message = do_send_status_update(decided, acting_user=legal)
    assert "expired on" in message.document_html


def test_non_latin_text_does_not_break_the_pdf(demand, legal):
    Demand.objects.filter(id=demand.id).update(reference="आदेश/2021/7 📜")
    demand.refresh_from_db()
    do_decide_items(
        demand,
        [line(demand, 2).id],
        action="decline",
        reason="पत्रकारिता 🙂 protected",
        acting_user=legal,
    )
    message = do_send_status_update(demand, note="नमस्ते 🙂 protected", acting_user=legal)
    content = bytes(message.attachments.get().content)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert "/2021/7" in text
    assert "protected" in text
    assert "आदेश/2021/7" in message.document_html  # the HTML copy keeps every character
    assert "नमस्ते 🙂" in message.document_html


def test_plain_users_and_moderators_cannot_send_letters(demand, alice, make_account):
    moderator = make_account("mod", role="moderator")
    for who in (alice, moderator):
        with pytest.raises(NotPermitted):
            do_acknowledge_demand(demand, acting_user=who)
        with pytest.raises(NotPermitted):
            do_send_status_update(demand, acting_user=who)
    assert not Correspondence.objects.exists()


def test_a_failed_letter_leaves_nothing_behind(demand, legal, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tidings.legal.actions.dialogue.enqueue_letter_email", broken)
    with pytest.raises(RuntimeError):
        do_acknowledge_demand(demand, acting_user=legal)
    assert fresh(demand).acknowledged_at is None
    assert not Correspondence.objects.exists()
    assert not Attachment.objects.exists()
    assert not events("legal.acknowledge")


# -- non-compliance ----------------------------------------------------------------------------------


def test_a_noncompliance_notice_sticks_until_answered(decided, legal):
    notice = do_receive_noncompliance_notice(
        decided,
        body="You have not blocked @quiet.",
        attachments=[NewAttachment("n.pdf", PDF)],
        channel="email",
        acting_user=legal,
    )
    demand = fresh(decided)
    assert demand.status == "noncompliance_notice"
    assert demand.noncompliance_received_at == notice.received_at
    do_decide_items(
        decided, [line(decided, 3).id], action="withhold", reason="s69A", acting_user=legal
    )
    assert fresh(decided).status == "noncompliance_notice"
    answer = do_respond_to_noncompliance(
        decided, body="@quiet is now withheld in India.", acting_user=legal
    )
    demand = fresh(decided)
    assert demand.status == "actioned"
    assert demand.noncompliance_answered_at == answer.sent_at
    assert answer.kind == "noncompliance_response"
    text = pdf_text(bytes(answer.attachments.get().content))
    assert "@quiet is now withheld in India." in text
    assert "MEITY/2021/001" in text
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="legal.noncompliance")
    ] == [
        "legal.noncompliance.receive",
        "legal.noncompliance.respond",
    ]


def test_answering_needs_an_open_notice_and_a_text(decided, legal):
    with pytest.raises(InvalidInput, match="no open non-compliance notice"):
        do_respond_to_noncompliance(decided, body="Nothing to answer", acting_user=legal)
    do_receive_noncompliance_notice(decided, body="late", acting_user=legal)
    with pytest.raises(InvalidInput, match="Write the response"):
        do_respond_to_noncompliance(decided, body=" \x00 ", acting_user=legal)
    assert fresh(decided).status == "noncompliance_notice"


def test_an_authority_member_sends_a_notice_through_the_portal_only_for_its_own_demands(
    decided, make_account, legal
):
    member = make_account("meity_officer", role="authority")
    AuthorityMember.objects.create(account=member, authority=decided.authority)
    do_receive_noncompliance_notice(decided, body="Comply.", acting_user=member)
    assert fresh(decided).status == "noncompliance_notice"
    other_authority = Authority.objects.create(name="Other", country="IN")
    stranger = make_account("other_officer", role="authority")
    AuthorityMember.objects.create(account=stranger, authority=other_authority)
    with pytest.raises(NotPermitted):
        do_receive_noncompliance_notice(decided, body="Comply.", acting_user=stranger)
    with pytest.raises(InvalidInput, match="portal"):
        do_receive_noncompliance_notice(decided, body="x", channel="letter", acting_user=member)
    with pytest.raises(NotPermitted):
        do_acknowledge_demand(decided, acting_user=member)


# -- withdrawal -------------------------------------------------------------------------------------


def test_withdrawal_lifts_every_live_withholding_and_tells_the_owners(decided, legal):
    withholding = Withholding.objects.get(demand_item__demand=decided)
    message = do_withdraw_demand(
        decided, body="The order is withdrawn.", channel="letter", acting_user=legal
    )
    withholding.refresh_from_db()
    assert withholding.lifted_at is not None
    assert withholding.lift_reason == "order withdrawn"
    demand = fresh(decided)
    assert demand.status == "withdrawn"
    assert demand.withdrawn_at == message.received_at
    notice = LegalNotice.objects.get(withholding=withholding, kind="reinstated")
    assert "Reason: order withdrawn." in notice.body
    (event,) = events("legal.withdraw")
    assert event.data["lifted"] == [withholding.id]
    assert len(events("legal.lift")) == 1


def test_a_withdrawn_order_stays_withdrawn_and_its_items_cannot_be_decided(decided, legal):
    do_withdraw_demand(decided, body="Withdrawn.", acting_user=legal)
    with pytest.raises(InvalidInput, match="withdrew this order"):
        do_decide_items(
            decided, [line(decided, 3).id], action="decline", reason="moot", acting_user=legal
        )
    with pytest.raises(InvalidInput, match="already withdrawn"):
        do_withdraw_demand(decided, body="Again.", acting_user=legal)
    with pytest.raises(InvalidInput, match="withdrew this order"):
        do_receive_noncompliance_notice(decided, body="Comply.", acting_user=legal)
    assert fresh(decided).status == "withdrawn"


def test_a_refused_withdrawal_lifts_nothing(decided, legal):
    with pytest.raises(InvalidInput, match="future"):
        do_withdraw_demand(
            decided, received_at=timezone.now() + timedelta(days=1), acting_user=legal
        )
    assert Withholding.objects.get(demand_item__demand=decided).lifted_at is None
    assert fresh(decided).status != "withdrawn"
    assert not events("legal.lift")


# -- hearings ---------------------------------------------------------------------------------------


def test_a_hearing_called_at_short_notice_is_recorded_and_flagged(demand, legal):
    received = timezone.now() - timedelta(hours=1)
    hearing_at = received + timedelta(hours=30)
    message = do_record_hearing_notice(
        demand,
        hearing_at=hearing_at,
        received_at=received,
        body="Appear before the committee.",
        acting_user=legal,
    )
    assert fresh(demand).hearing_at == hearing_at
    assert hearing_flag(fresh(demand), message) == "short notice: 30 h given, Rule 8 requires 48 h"
    assert events("legal.hearing")[0].data["short_notice"] == (
        "short notice: 30 h given, Rule 8 requires 48 h"
    )


def test_a_hearing_with_enough_notice_is_not_flagged(demand, legal):
    message = do_record_hearing_notice(
        demand, hearing_at=timezone.now() + timedelta(hours=72), acting_user=legal
    )
    assert hearing_flag(fresh(demand), message) is None
    with pytest.raises(InvalidInput, match="after the notice"):
        do_record_hearing_notice(demand, hearing_at=timezone.now(), acting_user=legal)


# -- attachments ------------------------------------------------------------------------------------


def record(demand, legal, attachments):
    return do_record_correspondence(
        demand,
        direction="inbound",
        kind="other",
        channel="email",
        body="see attached",
        attachments=attachments,
        acting_user=legal,
    )


def test_attachments_are_typed_by_their_content_not_their_name(demand, legal):
    with pytest.raises(InvalidInput, match="not a PDF"):
        record(demand, legal, [NewAttachment("order.pdf", b"MZ\x90\x00 an executable")])
    message = record(demand, legal, [NewAttachment("scan.txt", PNG)])
    assert message.attachments.get().content_type == "image/png"


def test_attachment_size_count_and_names_are_limited(demand, legal):
    with pytest.raises(InvalidInput, match="at most 10 MB"):
        record(demand, legal, [NewAttachment("big.pdf", PDF + b"0" * ATTACHMENT_MAX_BYTES)])
    with pytest.raises(InvalidInput, match="At most 10 attachments"):
        record(demand, legal, [NewAttachment(f"{n}.pdf", PDF) for n in range(11)])
    message = record(demand, legal, [NewAttachment("no\x00tice.pdf", PDF)])
    assert message.attachments.get().filename == "notice.pdf"
    assert Correspondence.objects.count() == 1


def test_notices_that_change_the_order_are_not_recorded_as_plain_messages(demand, legal):
    for kind in ("noncompliance_notice", "withdrawal", "hearing_notice"):
        with pytest.raises(InvalidInput, match="changes the order"):
            do_record_correspondence(
                demand,
                direction="inbound",
                kind=kind,
                channel="email",
                body="x",
                acting_user=legal,
            )
    assert fresh(demand).status == "received"
    assert not Correspondence.objects.exists()


def test_owners_hear_of_the_withdrawal(decided, legal, mailoutbox, run_on_commit):
    with run_on_commit():
        do_withdraw_demand(decided, body="Withdrawn.", acting_user=legal)
    reinstated = [m for m in mailoutbox if "reinstated" in m.subject]
    assert [m.to for m in reinstated] == [["kisanvoice@example.com"]]
    assert "Reason: order withdrawn." in reinstated[0].body


def test_without_the_unicode_font_the_pdf_falls_back_to_latin_1(demand, legal, settings):
    settings.TIDINGS_PDF_FONT = "/nonexistent/font.ttf"
    Demand.objects.filter(id=demand.id).update(reference="Café Őrs आदेश/9")
    demand.refresh_from_db()
    message = do_acknowledge_demand(demand, acting_user=legal)
    text = pdf_text(bytes(message.attachments.get().content))
    assert "Café Ors ????/9" in text
    assert "Café Őrs आदेश/9" in message.document_html
