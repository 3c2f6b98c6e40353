"""People whose content is withheld or reinstated are told: in the app and by e-mail."""

from __future__ import annotations

from django.core import mail

from tidings.legal.actions.decisions import do_decide_items, do_release_notices
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.models import LegalNotice, Withholding
from tidings.social.models import Notification


def test_withholding_tells_the_owner_what_where_who_and_how_to_appeal(
    import_order, make_account, legal, run_on_commit
):
    owner = make_account("kisanvoice", email="kisan@example.com")
    demand = import_order(
        "@kisanvoice", legal_basis="Section 69A, IT Act", legal_basis_code="IN-ITA-69A"
    ).demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    [message] = mail.outbox
    assert message.to == ["kisan@example.com"]
    assert message.subject == "Your account @kisanvoice has been withheld in India"
    for words in (
        "withheld in India in response to a legal demand",
        "Ministry of Electronics and Information Technology",
        "IN-ITA-69A Section 69A, IT Act",
        "appeal",
    ):
        assert words in message.body
    notification = Notification.objects.get(recipient=owner, kind="legal")
    assert "withheld in India" in notification.message


def test_lifting_tells_the_owner_it_is_visible_again(
    import_order, make_account, legal, run_on_commit
):
    make_account("kisanvoice")
    demand = import_order("@kisanvoice").demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
        do_lift_withholdings(
            list(Withholding.objects.all()), reason="order withdrawn", acting_user=legal
        )
    assert [m.subject for m in mail.outbox] == [
        "Your account @kisanvoice has been withheld in India",
        "Your account @kisanvoice has been reinstated in India",
    ]
    assert "Reason: order withdrawn." in mail.outbox[1].body


def test_notices_of_a_confidential_order_wait_until_a_legal_admin_releases_them(
    import_order, make_account, legal, legal_admin, run_on_commit
):
    owner = make_account("kisanvoice")
    demand = import_order("@kisanvoice", confidential=True).demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=owner, kind="legal").exists()
    assert LegalNotice.objects.get().sent_at is None
    with run_on_commit():
        assert do_release_notices(demand, acting_user=legal_admin) == 1
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(recipient=owner, kind="legal").count() == 1


def test_the_owner_reads_the_notice_on_the_web_and_in_the_api(
    import_order, make_account, legal, run_on_commit, client
):
    from tidings.api.actions import do_create_app, do_issue_token

    owner = make_account("kisanvoice")
    demand = import_order("@kisanvoice").demand
    with run_on_commit():
        do_decide_items(demand, "all_matched", action="withhold", reason="x", acting_user=legal)
    client.force_login(owner)
    page = client.get("/notifications").content.decode()
    assert "Legal notice" in page
    assert "has been withheld in India in response to a legal demand" in page
    app = do_create_app(
        "Reader", redirect_uris="urn:ietf:wg:oauth:2.0:oob", scopes="read", acting_user=None
    )
    token = do_issue_token(owner, app.app.application, ["read"], acting_user=owner).raw
    [notice] = client.get(
        "/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}
    ).json()
    assert notice["type"] == "moderation_warning"
    assert "withheld in India" in notice["moderation_warning"]["text"]
