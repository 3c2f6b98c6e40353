"""The desk takes orders as ministries send them: workbooks and letters, namesakes elsewhere."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.legal.order_documents import pdf_letter, xlsx_order
from tests.web.conftest import page_text
from tests.web.test_desk import NEW, demand_url, intake_fields
from tidings.audit.models import AuditEvent
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Demand, DemandItem, Withholding


def accept_url(item: DemandItem) -> str:
    return reverse("web:desk_accept_suggestion", args=[item.demand_id, item.id])


def test_a_workbook_uploaded_on_the_desk_becomes_items_with_their_rows(
    signed_in, legal, desk_targets
):
    data = xlsx_order(
        {"Annexure A": [("Sl.", "Account URL"), (1, "https://localhost:8000/@kisanvoice")]}
    )
    upload = SimpleUploadedFile("annexure.xlsx", data, content_type="application/vnd.ms-excel")
    response = signed_in(legal).post(NEW, intake_fields(upload=upload), follow=True)
    assert response.status_code == 200
    (item,) = DemandItem.objects.all()
    assert (item.match_status, item.place) == ("matched", "sheet Annexure A, row 2")
    assert "sheet Annexure A, row 2" in page_text(response)


def test_a_pdf_letter_uploaded_on_the_desk_yields_its_links(signed_in, legal, desk_targets):
    data = pdf_letter(
        "Block the following.", [("No.", "URL", "Remarks"), ("1", "@kisanvoice", "rumour")]
    )
    upload = SimpleUploadedFile("letter.pdf", data, content_type="application/pdf")
    signed_in(legal).post(NEW, intake_fields(upload=upload), follow=True)
    (item,) = DemandItem.objects.all()
    assert (item.match_status, item.place) == ("matched", "page 1, line 3")


def test_a_receipt_time_in_the_future_is_refused_on_the_form(signed_in, legal, desk_targets):
    later = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = signed_in(legal).post(NEW, intake_fields(text="@kisanvoice", received_at=later))
    assert response.status_code == 422
    assert "received in the future" in page_text(response)
    assert not Demand.objects.exists()


def test_a_header_only_order_is_refused_on_the_form(signed_in, legal):
    response = signed_in(legal).post(NEW, intake_fields(text="S.No,URL\n"))
    assert response.status_code == 422
    assert "no target below it" in page_text(response)


def test_the_desk_shows_a_suggestion_and_accepting_it_matches_the_item(
    signed_in, legal, import_order, desk_targets
):
    demand = import_order("https://example.social/@kisanvoice").demand
    client = signed_in(legal)
    page = page_text(client.get(demand_url(demand)))
    assert "an account on example.social, not on this server" in page
    assert "Suggested:" in page and "@kisanvoice</a> here" in page
    item = DemandItem.objects.get()
    assert accept_url(item) in page
    response = client.post(accept_url(item), {"next": demand_url(demand)}, follow=True)
    assert "Line 1 now names @kisanvoice, as suggested." in page_text(response)
    item.refresh_from_db()
    assert (item.match_status, item.account_id) == ("matched", desk_targets["farmer"].id)
    assert AuditEvent.objects.filter(action="legal.item.accept_suggestion").count() == 1
    assert accept_url(item) not in page_text(client.get(demand_url(demand)))


def test_only_desk_staff_may_accept_a_suggestion(signed_in, moderator, import_order, desk_targets):
    demand = import_order("@kisanvoice@example.social").demand
    item = DemandItem.objects.get(demand=demand)
    response = signed_in(moderator).post(accept_url(item))
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.match_status == "unknown"


def test_accepting_twice_shows_why_not(signed_in, legal, import_order, desk_targets):
    demand = import_order("@kisanvoice@example.social").demand
    item = DemandItem.objects.get(demand=demand)
    client = signed_in(legal)
    client.post(accept_url(item))
    response = client.post(accept_url(item))
    assert response.status_code == 422
    assert "only an unknown line" in page_text(response)


def test_the_desk_counts_expired_withholdings(signed_in, legal, import_order, desk_targets):
    demand = import_order("@kisanvoice").demand
    until = timezone.now() + timedelta(hours=6)
    do_decide_items(
        demand, "all_matched", action="withhold", reason="x", until=until, acting_user=legal
    )
    Withholding.objects.update(ends_at=timezone.now() - timedelta(minutes=1))
    client = signed_in(legal)
    page = client.get(demand_url(demand)).content.decode()
    assert "Expired: 1" in page_text(client.get(demand_url(demand)))
    assert 'class="state state--expired"' in page  # the item itself says so, not "Withheld"
    assert "Expired 1" in page_text(client.get("/desk/demands"))
