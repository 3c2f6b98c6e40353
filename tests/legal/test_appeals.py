"""People whose content is withheld appeal; the desk acknowledges, grants (lifting) or rejects."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tests.conftest import viewer
from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.legal.actions.appeals import (
    do_acknowledge_appeal,
    do_file_appeal,
    do_grant_appeal,
    do_reject_appeal,
)
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.withholding import do_lift_withholding, do_withhold
from tidings.legal.appeals import appeal_queue
from tidings.legal.clocks import ClockKey, ClockState
from tidings.legal.models import Appeal, AppealStatus, AuthorityMember, LegalNotice, Withholding
from tidings.lib.errors import InvalidInput, NotPermitted, Withheld
from tidings.social.models import Notification
from tidings.visibility import access_post

GAC = (
    "You may appeal to the Grievance Appellate Committee within 30 days of this decision: "
    "https://gac.gov.in/ (IT (Intermediary Guidelines and Digital Media Ethics Code) Rules "
    "2021, Rule 3A)."
)


@pytest.fixture
def owner(make_account):
    return make_account("kisanvoice", email="kisan@example.com")


@pytest.fixture
def withheld_post(owner, make_post, import_order, legal, run_on_commit):
    """A post of the owner withheld in India on a MeitY order (its notice delivered)."""
    post = make_post(owner, "March to the capital #FarmersProtest")
    demand = import_order(
        f"https://localhost:8000/@kisanvoice/{post.id}", legal_basis_code="IN-ITA-69A"
    ).demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    mail.outbox.clear()
    return Withholding.objects.get(post=post)


@pytest.fixture
def withheld_account(owner, import_order, legal, run_on_commit):
    demand = import_order("@kisanvoice").demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    mail.outbox.clear()
    return Withholding.objects.get(account=owner)


def appeal_actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="legal.appeal.")
        .order_by("seq")
        .values_list("action", flat=True)
    )


# -- filing --------------------------------------------------------------------------


def test_the_author_of_a_withheld_post_files_an_appeal_and_gets_a_receipt_with_the_clocks(
    owner, withheld_post, run_on_commit
):
    with run_on_commit():
        appeal = do_file_appeal(
            withheld_post, text="This is news, not misinformation.", acting_user=owner
        )
    assert appeal.status == AppealStatus.FILED
    assert appeal.acknowledged_at is None
    [message] = mail.outbox
    assert message.to == ["kisan@example.com"]
    assert message.subject == f"We received your appeal A-{appeal.id}"
    assert "acknowledged within 24 hours and decided within 15 days" in message.body
    assert "Rule 3(2)" in message.body
    assert "IST" in message.body
    assert "/appeals." in message.body
    notification = Notification.objects.get(
        recipient=owner, kind="legal", message__contains="We received"
    )
    assert f"We received your appeal A-{appeal.id}" in notification.message
    assert appeal_actions() == ["legal.appeal.file"]


def test_the_owner_of_a_withheld_account_can_appeal(owner, withheld_account):
    appeal = do_file_appeal(withheld_account, text="I am a farmer.", acting_user=owner)
    assert appeal.appellant_id == owner.id


@pytest.mark.parametrize("who", ["another user", "moderator", "legal staff", "the authority"])
def test_only_the_owner_may_appeal(who, withheld_post, make_account, legal):
    if who == "another user":
        someone = make_account("stranger")
    elif who == "moderator":
        someone = make_account("mod", role="moderator")
    elif who == "legal staff":
        someone = legal
    else:
        someone = make_account("meity_desk", role="authority")
        AuthorityMember.objects.create(
            account=someone, authority=withheld_post.demand_item.demand.authority
        )
    with pytest.raises(NotPermitted, match="Only the owner"):
        do_file_appeal(withheld_post, text="Please lift it.", acting_user=someone)
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write the appeal"),
        ("   \n\t ", "Write the appeal"),
        ("fine\x00text", "NUL"),
        ("broken \ud800 text", "not valid Unicode"),
        ("x" * 2001, "2,001 characters; at most 2,000"),
        ("x" * 1_000_000, "1,000,000 characters; at most 2,000"),
        (None, "must be text"),
    ],
)
def test_an_appeal_needs_1_to_2000_characters_without_nul(owner, withheld_post, text, message):
    with pytest.raises(InvalidInput, match=message):
        do_file_appeal(withheld_post, text=text, acting_user=owner)
    assert not Appeal.objects.exists()


def test_2000_characters_are_accepted(owner, withheld_post):
    assert len(do_file_appeal(withheld_post, text="y" * 2000, acting_user=owner).text) == 2000


def test_a_line_break_sent_by_a_browser_counts_as_one_character(owner, withheld_post):
    text = "line\r\n" * 400  # 2,400 characters as sent, 2,000 as typed
    assert (
        do_file_appeal(withheld_post, text=text, acting_user=owner).text == "line\n" * 399 + "line"
    )


def test_one_open_appeal_per_withholding(owner, withheld_post, legal):
    first = do_file_appeal(withheld_post, text="one", acting_user=owner)
    with pytest.raises(InvalidInput, match="already have an open appeal"):
        do_file_appeal(withheld_post, text="two", acting_user=owner)
    do_reject_appeal(first, reason="The order stands.", acting_user=legal)
    assert do_file_appeal(withheld_post, text="new facts", acting_user=owner).id != first.id


def test_an_ended_withholding_can_be_appealed_only_within_the_window(owner, withheld_post, legal):
    do_lift_withholding(withheld_post, reason="order withdrawn", acting_user=legal)
    assert do_file_appeal(withheld_post, text="for the record", acting_user=owner)
    Appeal.objects.all().update(status=AppealStatus.REJECTED)
    long_ago = timezone.now() - timedelta(days=200)
    withheld_post.notices.update(notified_at=long_ago)
    with pytest.raises(InvalidInput, match="time to appeal this withholding ended"):
        do_file_appeal(withheld_post, text="late", acting_user=owner)


def test_a_live_withholding_can_be_appealed_however_old_its_notice(owner, withheld_post):
    withheld_post.notices.update(notified_at=timezone.now() - timedelta(days=400))
    assert do_file_appeal(withheld_post, text="still withheld", acting_user=owner)


# -- acknowledging and deciding ---------------------------------------------------------------


def test_acknowledging_meets_the_24_hour_clock_and_tells_the_owner(
    owner, withheld_post, legal, run_on_commit
):
    appeal = do_file_appeal(withheld_post, text="please", acting_user=owner)
    [row] = appeal_queue(acting_user=legal)
    assert row.clock_views[0]["state"] == ClockState.DUE
    with run_on_commit():
        do_acknowledge_appeal(appeal, acting_user=legal)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ACKNOWLEDGED and appeal.acknowledged_at is not None
    [row] = appeal_queue(acting_user=legal)
    states = {c["key"]: c["state"] for c in row.clock_views}
    assert states == {ClockKey.APPEAL_ACKNOWLEDGE: "met", ClockKey.APPEAL_DECIDE: "due"}
    assert mail.outbox[-1].subject == f"Your appeal A-{appeal.id} has been acknowledged"
    with pytest.raises(InvalidInput, match="already acknowledged"):
        do_acknowledge_appeal(appeal, acting_user=legal)
    assert appeal_actions() == ["legal.appeal.file", "legal.appeal.acknowledge"]


def test_granting_lifts_the_withholding_so_the_post_is_visible_in_india_again(
    owner, withheld_post, legal, run_on_commit
):
    post_id = withheld_post.post_id
    with pytest.raises(Withheld):
        access_post(viewer(None, "IN"), post_id)
    appeal = do_file_appeal(withheld_post, text="news", acting_user=owner)
    with run_on_commit():
        do_grant_appeal(appeal, reason="Reporting on a protest is not unlawful.", acting_user=legal)
    assert access_post(viewer(None, "IN"), post_id).id == post_id
    withheld_post.refresh_from_db()
    assert withheld_post.lift_reason == "appeal granted"
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.GRANTED
    assert appeal.decided_by_id == legal.id and appeal.decided_at is not None
    assert appeal.acknowledged_at == appeal.decided_at
    subjects = [m.subject for m in mail.outbox]
    assert any("has been reinstated in India" in s for s in subjects)
    assert f"Your appeal A-{appeal.id} was granted" in subjects
    assert appeal_actions() == ["legal.appeal.file", "legal.appeal.grant"]
    assert AuditEvent.objects.filter(action="legal.lift", subject_id=str(withheld_post.id)).exists()
    assert list(verify_chain()) == []


def test_rejecting_keeps_it_withheld_and_names_the_grievance_appellate_committee(
    owner, withheld_post, legal, run_on_commit
):
    appeal = do_file_appeal(withheld_post, text="news", acting_user=owner)
    with run_on_commit():
        do_reject_appeal(appeal, reason="The order is lawful.", acting_user=legal)
    with pytest.raises(Withheld):
        access_post(viewer(None, "IN"), withheld_post.post_id)
    message = mail.outbox[-1]
    assert message.subject == f"Your appeal A-{appeal.id} was rejected"
    assert "remains withheld in India" in message.body
    assert "Reason: The order is lawful." in message.body
    assert GAC in message.body
    assert Notification.objects.filter(recipient=owner, message__contains=GAC).exists()
    assert appeal_actions() == ["legal.appeal.file", "legal.appeal.reject"]


def test_an_eu_rejection_names_out_of_court_settlement_and_the_courts(
    owner, make_post, import_order, legal, run_on_commit
):
    post = make_post(owner, "Bonjour")
    demand = import_order(
        f"https://localhost:8000/@kisanvoice/{post.id}", country="FR", authority_name="Arcom"
    ).demand
    do_decide_items(
        demand, "all_matched", action="withhold", reason="x", countries=["FR"], acting_user=legal
    )
    appeal = do_file_appeal(Withholding.objects.get(post=post), text="satire", acting_user=owner)
    with run_on_commit():
        do_reject_appeal(appeal, reason="Unlawful in France.", acting_user=legal)
    body = mail.outbox[-1].body
    assert "certified out-of-court dispute settlement body" in body and "Art. 21" in body
    assert "the courts of the Member State" in body


def test_a_rejection_needs_a_reason(owner, withheld_post, legal):
    appeal = do_file_appeal(withheld_post, text="news", acting_user=owner)
    for reason in ("", "  ", "a\x00b"):
        with pytest.raises(InvalidInput):
            do_reject_appeal(appeal, reason=reason, acting_user=legal)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.FILED


def test_a_decided_appeal_cannot_be_decided_again(owner, withheld_post, legal, legal_admin):
    appeal = do_file_appeal(withheld_post, text="news", acting_user=owner)
    do_reject_appeal(appeal, reason="No.", acting_user=legal)
    with pytest.raises(InvalidInput, match="already rejected"):
        do_grant_appeal(appeal, reason="Yes.", acting_user=legal_admin)
    with pytest.raises(InvalidInput, match="already rejected"):
        do_reject_appeal(appeal, reason="No again.", acting_user=legal_admin)
    appeal.refresh_from_db()
    assert appeal.decision_reason == "No." and appeal.decided_by_id == legal.id
    assert appeal_actions() == ["legal.appeal.file", "legal.appeal.reject"]


def test_only_desk_staff_decide_and_never_their_own_appeal(
    owner, withheld_post, make_account, legal
):
    appeal = do_file_appeal(withheld_post, text="news", acting_user=owner)
    moderator = make_account("mod", role="moderator")
    for act in (do_grant_appeal, do_reject_appeal):
        with pytest.raises(NotPermitted):
            act(appeal, reason="x", acting_user=moderator)
        with pytest.raises(NotPermitted):
            act(appeal, reason="x", acting_user=owner)
    with pytest.raises(NotPermitted):
        do_acknowledge_appeal(appeal, acting_user=owner)
    own_post_withheld = do_withhold(
        account=legal,
        countries=["IN"],
        reason="order",
        acting_user=make_account("lex2", role="legal"),
    )
    own = do_file_appeal(own_post_withheld, text="mine", acting_user=legal)
    with pytest.raises(NotPermitted, match="your own appeal"):
        do_grant_appeal(own, reason="self-serving", acting_user=legal)


def test_granting_an_appeal_on_a_lifted_withholding_records_the_grant_without_lifting_again(
    owner, withheld_post, legal
):
    appeal = do_file_appeal(withheld_post, text="news", acting_user=owner)
    do_lift_withholding(withheld_post, reason="order withdrawn", acting_user=legal)
    do_grant_appeal(appeal, reason="Agreed.", acting_user=legal)
    withheld_post.refresh_from_db()
    assert withheld_post.lift_reason == "order withdrawn"
    assert AuditEvent.objects.get(action="legal.appeal.grant").data["lifted"] is False


# -- the queue -------------------------------------------------------------------------------


def test_the_queue_lists_open_appeals_oldest_first_with_overdue_clocks(
    owner, withheld_post, withheld_account, legal, make_account
):
    older = do_file_appeal(withheld_post, text="one", acting_user=owner)
    newer = do_file_appeal(withheld_account, text="two", acting_user=owner)
    Appeal.objects.filter(id=older.id).update(filed_at=timezone.now() - timedelta(hours=30))
    rows = appeal_queue(acting_user=legal)
    assert [r.appeal.id for r in rows] == [older.id, newer.id]
    assert rows[0].overdue and not rows[1].overdue
    do_reject_appeal(newer, reason="No.", acting_user=legal)
    assert [r.appeal.id for r in appeal_queue(acting_user=legal)] == [older.id]
    assert len(appeal_queue(acting_user=legal, open_only=False)) == 2
    with pytest.raises(NotPermitted):
        appeal_queue(acting_user=make_account("mod", role="moderator"))


def test_the_withheld_notice_points_at_the_appeal_form_and_the_committee(
    owner, make_post, import_order, legal, run_on_commit
):
    post = make_post(owner, "x")
    demand = import_order(f"https://localhost:8000/@kisanvoice/{post.id}").demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    withholding = Withholding.objects.get(post=post)
    body = LegalNotice.objects.get(withholding=withholding).body
    assert f"/appeals/new?withholding={withholding.id}" in body
    assert "acknowledged within 24 hours and decided within 15 days" in body
    assert "Grievance Appellate Committee" in body and "https://gac.gov.in/" in body
    assert "reply to this e-mail" not in body
