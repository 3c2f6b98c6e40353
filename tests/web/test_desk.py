"""The legal desk in the browser (test client): intake, the demand list, review, decisions, lifts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from tests.conftest import viewer
from tests.web.conftest import page_text
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.models import Demand, DemandItem, Withholding
from tidings.social.models import Post
from tidings.visibility import can_view_account, can_view_post

NEW = "/desk/demands/new"
LIST = "/desk/demands"


def order_csv(targets: dict) -> bytes:
    post = targets["reporter_post"]
    return (
        "S.No,URL,Remarks\n"
        "1,https://twitter.com/kisanvoice,misinformation\n"
        f"2,https://localhost:8000/@reporter_r/{post.id},misinformation\n"
        "3,https://twitter.com/nobody_here,misinformation\n"
        "4,https://twitter.com/KisanVoice,again\n"
        "\n"
        "5,not a handle at all!!,??\n"
    ).encode()


def intake_fields(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "authority": "Ministry of Electronics and Information Technology",
        "authority_kind": "ministry",
        "country": "IN",
        "reference": "MEITY/2021/001",
        "legal_basis": "Section 69A of the Information Technology Act, 2000",
        "legal_basis_code": "IN-ITA-69A",
        "kind": "order",
        "received_at": "",
        "text": "",
    }
    fields.update(changes)
    return fields


def demand_url(demand: Demand, suffix: str = "") -> str:
    return reverse("web:desk_demand", args=[demand.id]) + suffix


def decide(client, demand: Demand, **fields: object):
    fields.setdefault("action", "withhold")
    fields.setdefault("next", demand_url(demand))
    return client.post(demand_url(demand, "/decide"), fields)


# -- intake ------------------------------------------------------------------------------


def test_a_legal_user_uploads_a_csv_and_sees_the_summary(signed_in, legal, desk_targets):
    client = signed_in(legal)
    upload = SimpleUploadedFile("order.csv", order_csv(desk_targets), content_type="text/csv")
    response = client.post(NEW, intake_fields(upload=upload), follow=True)
    assert response.status_code == 200
    demand = Demand.objects.get()
    assert response.redirect_chain[-1][0] == demand_url(demand)
    text = page_text(response)
    assert "5 lines: 2 matched, 1 unknown, 1 invalid, 1 duplicate; 1 blank line skipped" in text
    assert demand.original_filename == "order.csv"
    assert demand.legal_basis_code == "IN-ITA-69A"
    assert DemandItem.objects.filter(demand=demand).count() == 5


def test_a_five_megabyte_line_is_kept_short_on_the_desk_page_and_whole_in_the_file(
    signed_in, legal, desk_targets
):
    client = signed_in(legal)
    data = b"@kisanvoice\n" + b"y" * 5_000_000 + b"\n"
    upload = SimpleUploadedFile("order.txt", data, content_type="text/plain")
    response = client.post(NEW, intake_fields(upload=upload), follow=True)
    assert response.status_code == 200
    demand = Demand.objects.get()
    assert bytes(demand.original_bytes) == data
    item = DemandItem.objects.get(demand=demand, line_number=2)
    assert item.match_status == "invalid"
    assert item.raw == "y" * 2_000 + " [truncated]"
    assert "line is 5,000,000 characters; only the first 2,000 are kept" in item.match_reason
    assert len(response.content) < 200_000


def test_the_summary_stays_on_the_demand_page_after_the_redirect(
    signed_in, legal, desk_targets, import_order
):
    demand = import_order(order_csv(desk_targets).decode()).demand
    text = page_text(signed_in(legal).get(demand_url(demand)))
    assert "5 lines: 2 matched, 1 unknown, 1 invalid, 1 duplicate; 1 blank line skipped" in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "it is a PNG image"),
        (bytes(range(256)) * 8, "The file looks binary (not text)"),
    ],
    ids=["empty", "png", "binary"],
)
def test_an_unreadable_file_shows_one_clear_error_and_creates_nothing(
    signed_in, legal, content, message
):
    upload = SimpleUploadedFile("order.csv", content, content_type="text/csv")
    response = signed_in(legal).post(NEW, intake_fields(upload=upload))
    assert response.status_code == 422
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1
    assert message in errors[0]
    assert errors[0] in page_text(response)
    assert not Demand.objects.exists()


def test_pasted_text_is_taken_in_like_a_file(signed_in, legal, desk_targets):
    response = signed_in(legal).post(
        NEW, intake_fields(text="@kisanvoice\n@reporter_r\n@nobody_here\n"), follow=True
    )
    demand = Demand.objects.get()
    assert response.redirect_chain[-1][0] == demand_url(demand)
    assert "3 lines: 2 matched, 1 unknown, 0 invalid, 0 duplicate" in page_text(response)
    assert demand.original_content_type == "text/plain"


def test_intake_without_a_file_or_text_asks_for_one(signed_in, legal):
    response = signed_in(legal).post(NEW, intake_fields())
    assert response.status_code == 422
    assert escape("Upload the order's file or paste its lines.") in page_text(response)
    assert not Demand.objects.exists()


def test_intake_without_a_reference_shows_the_actions_message(signed_in, legal, desk_targets):
    response = signed_in(legal).post(NEW, intake_fields(text="@kisanvoice", reference=""))
    assert response.status_code == 422
    assert escape("Give the authority's reference number") in page_text(response)
    assert not Demand.objects.exists()


def test_the_intake_form_offers_known_authorities_and_defaults_to_india(
    signed_in, legal, import_order, desk_targets
):
    import_order("@kisanvoice", authority_name="Delhi Police")
    text = page_text(signed_in(legal).get(NEW))
    assert '<option value="Delhi Police">' in text
    assert 'name="country" value="IN"' in text


def test_a_court_order_with_an_explicit_column_is_taken_in(signed_in, legal, desk_targets):
    text = "handle,notes\nnotes about @kisanvoice,@reporter_r\n"
    response = signed_in(legal).post(
        NEW, intake_fields(text=text, kind="court_order", column="notes"), follow=True
    )
    demand = Demand.objects.get()
    assert demand.kind == "court_order"
    assert DemandItem.objects.get(demand=demand).account_id == desk_targets["reporter"].id
    assert response.status_code == 200


# -- who may use the desk -------------------------------------------------------------------


def desk_urls(demand: Demand) -> list[tuple[str, str]]:
    return [
        ("get", LIST),
        ("get", NEW),
        ("post", NEW),
        ("get", demand_url(demand)),
        ("post", demand_url(demand, "/decide")),
        ("post", demand_url(demand, "/lift")),
        ("post", demand_url(demand, "/confirm")),
        ("post", demand_url(demand, "/release")),
    ]


@pytest.mark.parametrize("role", ["moderator", "user"])
def test_moderators_and_users_get_403_on_every_desk_url(
    signed_in, make_account, import_order, desk_targets, role
):
    demand = import_order("@kisanvoice").demand
    client = signed_in(make_account(f"some_{role}", role=role))
    for method, url in desk_urls(demand):
        response = getattr(client, method)(url, {"action": "withhold", "reason": "x"})
        assert response.status_code == 403, (method, url)
        assert "legal team only" in page_text(response)
    assert not Withholding.objects.exists()
    assert Demand.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, import_order, desk_targets):
    demand = import_order("@kisanvoice").demand
    for method, url in desk_urls(demand):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(reverse("web:login"))


def test_the_nav_links_the_desk_only_for_desk_staff(signed_in, legal, moderator):
    assert "Legal desk" not in page_text(signed_in(moderator).get("/public"))
    assert "Legal desk" in page_text(signed_in(legal).get("/public"))


def test_an_unknown_demand_is_404(signed_in, legal):
    assert signed_in(legal).get("/desk/demands/12345").status_code == 404


# -- the list of demands -------------------------------------------------------------------


def test_the_demand_list_shows_overdue_and_due_in_clocks(
    signed_in, legal, import_order, desk_targets
):
    now = timezone.now()
    import_order(
        "@kisanvoice", reference="LATE/1", received_at=now - timedelta(hours=38, minutes=5)
    )
    import_order("@reporter_r", reference="FRESH/2", received_at=now - timedelta(hours=31))
    text = page_text(signed_in(legal).get(LIST))
    assert "overdue by 2 h" in text
    assert "due in 4 h" in text
    assert text.index("FRESH/2") < text.index("LATE/1")  # newest received first


def test_the_demand_list_shows_counts_per_review_and_match_state(
    signed_in, legal, import_order, desk_targets
):
    demand = import_order("@kisanvoice\n@reporter_r\n@nobody_here").demand
    item = DemandItem.objects.get(demand=demand, line_number=1)
    do_decide_items(demand, [item.id], action="decline", reason="news", acting_user=legal)
    response = signed_in(legal).get(LIST)
    (row,) = response.context["page"].rows
    assert row.counts.review == {"declined": 1, "pending": 1}
    assert row.counts.match == {"matched": 2, "unknown": 1}
    assert "Declined 1" in page_text(response)


def test_the_demand_list_pages_by_cursor(signed_in, legal, import_order, desk_targets, settings):
    now = timezone.now()
    for n in range(3):
        import_order("@kisanvoice", reference=f"R{n}", received_at=now - timedelta(hours=n))
    client = signed_in(legal)
    from tidings.legal import queries

    first = queries.list_demands(acting_user=legal, limit=2)
    assert [r.demand.reference for r in first.rows] == ["R0", "R1"]
    response = client.get(LIST, {"after": first.next_cursor})
    assert [r.demand.reference for r in response.context["page"].rows] == ["R2"]
    assert client.get(LIST, {"after": "junk"}).status_code == 422


# -- the demand page: filters, sort, search -------------------------------------------------


@pytest.fixture
def order(import_order, desk_targets):
    post = desk_targets["reporter_post"]
    text = "\n".join(
        [
            "@kisanvoice",
            f"https://localhost:8000/@reporter_r/{post.id}",
            "@nobody_here",
            "not a target!!",
            "@reporter_r",
        ]
    )
    return import_order(text).demand


def lines(response) -> list[int]:
    return [row.item.line_number for row in response.context["items"].rows]


def test_filters_narrow_the_item_table(signed_in, legal, order):
    client = signed_in(legal)
    assert lines(client.get(demand_url(order))) == [1, 2, 3, 4, 5]
    assert lines(client.get(demand_url(order), {"match": "matched"})) == [1, 2, 5]
    assert lines(client.get(demand_url(order), {"kind": "journalist"})) == [2, 5]
    item = DemandItem.objects.get(demand=order, line_number=5)
    do_decide_items(order, [item.id], action="escalate", reason="journalist", acting_user=legal)
    assert lines(client.get(demand_url(order), {"review": "escalated"})) == [5]


def test_search_finds_a_handle_or_raw_text(signed_in, legal, order):
    client = signed_in(legal)
    assert lines(client.get(demand_url(order), {"q": "@kisan"})) == [1]
    assert lines(client.get(demand_url(order), {"q": "not a target"})) == [4]


def test_sorting_by_followers_puts_the_most_followed_account_first(signed_in, legal, order):
    client = signed_in(legal)
    assert lines(client.get(demand_url(order), {"sort": "followers"}))[:3] == [2, 5, 1]


def test_the_item_table_shows_account_facts_and_evidence(signed_in, legal, order):
    text = page_text(signed_in(legal).get(demand_url(order)))
    assert "Kisan Voice" in text
    assert "Journalist" in text
    assert "5000 followers" in text
    assert "Tea at the border #FarmersProtest" in text  # the account's recent posts
    assert "Hashtags of this demand: #FarmersProtest" in text
    assert "no account @nobody_here here" in text
    assert "not a target!!" in text
    assert reverse("transparency:demand_notice", args=[order.id]) in text


# -- decisions ------------------------------------------------------------------------------


def test_bulk_withholding_all_matched_for_6_hours_ends_6_hours_from_now(
    signed_in, legal, order, run_on_commit
):
    before = timezone.now()
    with run_on_commit():
        response = decide(
            signed_in(legal), order, all_matched="on", reason="s.69A order", until="6 hours"
        )
    after = timezone.now()
    assert response.status_code == 302
    withholdings = list(Withholding.objects.all())
    assert len(withholdings) == 3
    for w in withholdings:
        assert w.countries == ["IN"]
        assert before + timedelta(hours=6) <= w.ends_at <= after + timedelta(hours=6)
    states = dict(
        DemandItem.objects.filter(demand=order).values_list("line_number", "review_state")
    )
    assert states == {1: "withheld", 2: "withheld", 3: "pending", 4: "pending", 5: "withheld"}
    page = page_text(signed_in(legal).get(demand_url(order)))
    assert "3 items withheld in India until" in page
    assert page.count('class="withholding-row withholding-row--active"') == 3


def test_ticked_items_are_decided_and_the_rest_stay_pending(signed_in, legal, order):
    first = DemandItem.objects.get(demand=order, line_number=1)
    response = decide(signed_in(legal), order, item=[first.id], action="decline", reason="satire")
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.review_state, first.decision_reason, first.reviewer_id) == (
        "declined",
        "satire",
        legal.id,
    )
    assert DemandItem.objects.filter(demand=order, review_state="pending").count() == 4


def test_a_decision_without_a_reason_is_refused_with_a_message(signed_in, legal, order):
    response = decide(signed_in(legal), order, all_matched="on", reason="  ")
    assert response.status_code == 422
    assert "A reason is required for every decision." in page_text(response)
    assert not Withholding.objects.exists()
    assert not DemandItem.objects.exclude(review_state="pending").exists()


def test_a_decision_with_nothing_ticked_is_refused(signed_in, legal, order):
    response = decide(signed_in(legal), order, reason="x")
    assert response.status_code == 422
    assert "Select at least one item." in page_text(response)


def test_a_junk_end_is_refused_with_the_accepted_forms(signed_in, legal, order):
    response = decide(signed_in(legal), order, all_matched="on", reason="x", until="soonish")
    assert response.status_code == 422
    assert "6 hours" in page_text(response)
    assert not Withholding.objects.exists()


def test_withholding_everywhere_is_refused_for_legal(signed_in, legal, order):
    response = decide(signed_in(legal), order, all_matched="on", reason="x", countries="XX")
    assert response.status_code == 403
    assert "Only a legal admin can withhold content everywhere." in page_text(response)
    assert not Withholding.objects.exists()


def test_withholding_everywhere_is_accepted_for_legal_admin(signed_in, legal_admin, order):
    response = decide(signed_in(legal_admin), order, all_matched="on", reason="x", countries="XX")
    assert response.status_code == 302
    assert {tuple(w.countries) for w in Withholding.objects.all()} == {("XX",)}


def test_withholding_in_several_countries_from_a_list(signed_in, legal, order):
    decide(signed_in(legal), order, all_matched="on", reason="x", countries="in, pk")
    assert {tuple(w.countries) for w in Withholding.objects.all()} == {("IN", "PK")}


def test_an_escalated_item_is_decided_by_legal_admin_not_legal(
    signed_in, client, legal, legal_admin, order
):
    item = DemandItem.objects.get(demand=order, line_number=5)
    assert (
        decide(signed_in(legal), order, item=[item.id], action="escalate", reason="MP").status_code
        == 302
    )
    refused = decide(signed_in(legal), order, item=[item.id], reason="x")
    assert refused.status_code == 403
    assert "Only a legal admin can decide an escalated item." in page_text(refused)
    item.refresh_from_db()
    assert item.review_state == "escalated"
    client.logout()
    accepted = decide(signed_in(legal_admin), order, item=[item.id], action="decline", reason="ok")
    assert accepted.status_code == 302
    item.refresh_from_db()
    assert item.review_state == "declined"


# -- lifting --------------------------------------------------------------------------------


def test_lifting_with_a_reason_reinstates_the_post_for_an_in_viewer(
    signed_in, legal, order, desk_targets, run_on_commit
):
    post: Post = desk_targets["reporter_post"]
    item = DemandItem.objects.get(demand=order, line_number=2)
    client = signed_in(legal)
    with run_on_commit():
        decide(client, order, item=[item.id], reason="s.69A")
    assert not can_view_post(viewer(None, "IN"), post)
    withholding = Withholding.objects.get()
    with run_on_commit():
        response = client.post(
            demand_url(order, "/lift"),
            {
                "withholding": [withholding.id],
                "reason_choice": "order withdrawn",
                "next": demand_url(order),
            },
        )
    assert response.status_code == 302
    withholding.refresh_from_db()
    assert withholding.lift_reason == "order withdrawn"
    assert can_view_post(viewer(None, "IN"), post)
    item.refresh_from_db()
    assert item.review_state == "lifted"
    page = page_text(client.get(demand_url(order)))
    assert "withholding-row--lifted" in page  # lifted ones stay listed
    assert "order withdrawn" in page


def test_lifting_every_active_withholding_with_other_and_details(
    signed_in, legal, order, desk_targets
):
    client = signed_in(legal)
    decide(client, order, all_matched="on", reason="s.69A")
    response = client.post(
        demand_url(order, "/lift"),
        {"all_active": "on", "reason_choice": "other", "reason_text": "Committee revoked it"},
    )
    assert response.status_code == 302
    assert set(Withholding.objects.values_list("lift_reason", flat=True)) == {
        "Committee revoked it"
    }
    assert can_view_account(viewer(None, "IN"), desk_targets["farmer"])


def test_lifting_without_a_reason_is_refused(signed_in, legal, order):
    client = signed_in(legal)
    decide(client, order, all_matched="on", reason="s.69A")
    response = client.post(demand_url(order, "/lift"), {"all_active": "on"})
    assert response.status_code == 422
    assert "A reason is required" in page_text(response)
    other = client.post(demand_url(order, "/lift"), {"all_active": "on", "reason_choice": "other"})
    assert other.status_code == 422
    assert not Withholding.objects.filter(lifted_at__isnull=False).exists()


def test_expired_withholdings_stay_listed_as_expired(signed_in, legal, order):
    client = signed_in(legal)
    decide(client, order, all_matched="on", reason="s.69A", until="1 hour")
    Withholding.objects.update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )
    page = page_text(client.get(demand_url(order)))
    assert page.count("withholding-row--expired") == 3
    assert 'name="withholding"' not in page  # nothing left to lift


def test_a_withholding_of_another_demand_cannot_be_lifted_here(
    signed_in, legal, order, import_order
):
    other = import_order("@kisanvoice", reference="OTHER/1").demand
    client = signed_in(legal)
    decide(client, other, all_matched="on", reason="s.69A")
    w = Withholding.objects.get()
    response = client.post(
        demand_url(order, "/lift"), {"withholding": [w.id], "reason_choice": "order withdrawn"}
    )
    assert response.status_code == 422
    assert "is not one of this demand" in page_text(response)


# -- legal admin only -----------------------------------------------------------------------


def test_confirm_and_release_buttons_show_only_for_legal_admin(
    signed_in, client, legal, legal_admin, import_order, desk_targets
):
    demand = import_order("@kisanvoice", kind="emergency_order", confidential=True).demand
    as_legal = page_text(signed_in(legal).get(demand_url(demand)))
    assert "Confirm emergency order" not in as_legal
    assert "Release notices" not in as_legal
    assert "lapses in 47 h" in as_legal
    client.logout()
    as_admin = page_text(signed_in(legal_admin).get(demand_url(demand)))
    assert "Confirm emergency order" in as_admin
    assert "Release notices" in as_admin


def test_a_legal_admin_confirms_an_emergency_order_and_releases_its_notices(
    signed_in, legal_admin, import_order, desk_targets, run_on_commit
):
    demand = import_order("@kisanvoice", kind="emergency_order", confidential=True).demand
    client = signed_in(legal_admin)
    assert client.post(demand_url(demand, "/confirm")).status_code == 302
    with run_on_commit():
        assert client.post(demand_url(demand, "/release")).status_code == 302
    demand.refresh_from_db()
    assert demand.confirmed_at is not None
    assert demand.notices_released_at is not None
    page = page_text(client.get(demand_url(demand)))
    assert "Confirm emergency order" not in page
    assert "Release notices" not in page
    again = client.post(demand_url(demand, "/confirm"))
    assert again.status_code == 422
    assert "already confirmed" in page_text(again)


def test_a_legal_user_cannot_confirm_or_release(signed_in, legal, import_order, desk_targets):
    demand = import_order("@kisanvoice", kind="emergency_order", confidential=True).demand
    client = signed_in(legal)
    assert client.post(demand_url(demand, "/confirm")).status_code == 403
    assert client.post(demand_url(demand, "/release")).status_code == 403
    demand.refresh_from_db()
    assert demand.confirmed_at is None and demand.notices_released_at is None


def test_an_upload_over_5_mb_is_read_from_disk_and_taken_in(signed_in, legal, desk_targets):
    padding = " " * (6 * 1024 * 1024)
    data = f"@kisanvoice{padding}\n@reporter_r\n".encode()
    upload = SimpleUploadedFile("big.txt", data, content_type="text/plain")
    response = signed_in(legal).post(NEW, intake_fields(upload=upload), follow=True)
    assert response.status_code == 200
    demand = Demand.objects.get()
    assert len(bytes(demand.original_bytes)) == len(data)
    assert "2 lines: 2 matched" in page_text(response)


def test_an_upload_over_the_limit_is_refused(signed_in, legal, monkeypatch):
    monkeypatch.setattr("tidings.web.views.desk.UPLOAD_MAX_BYTES", 1024)
    upload = SimpleUploadedFile("big.txt", b"@someone\n" * 200, content_type="text/plain")
    response = signed_in(legal).post(NEW, intake_fields(upload=upload))
    assert response.status_code == 422
    assert "The file is 1.8 KB; the limit is 1 KB." in page_text(response)
    assert not Demand.objects.exists()
