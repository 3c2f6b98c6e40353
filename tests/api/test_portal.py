"""The authority portal's API: ``portal:*`` scopes, orders submitted, outcomes and the thread."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.api.test_oauth import password_token, register_app
from tests.legal.portal_world import PDF, SECRETS, World, make_member, world_fixture  # noqa: F401
from tidings.api.api import api
from tidings.audit.models import AuditEvent
from tidings.legal.models import Correspondence, Demand

PORTAL = "/api/v1/portal"
SCOPES = "read portal:read portal:write"


def test_a_member_submits_an_order_as_a_json_list(make_account, api_client):
    make_account("kisanvoice")
    member, authority = make_member(make_account, "officer", "MeitY", "IN")
    response = api_client(member, SCOPES).post(
        f"{PORTAL}/demands",
        {
            "reference": "MEITY/7",
            "kind": "emergency_order",
            "legal_basis": "Section 69A",
            "targets": ["@kisanvoice", "@ghost"],
            "authority": "PTA",  # ignored: the token's authority is the one that asks
            "country": "PK",
            "received_at": "2001-01-01T00:00:00Z",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["demand"]["authority"] == {"name": "MeitY", "country": "IN"}
    assert body["demand"]["country"] == "IN" and body["demand"]["kind"] == "emergency_order"
    assert not body["demand"]["received_at"].startswith("2001")
    assert [(i["raw"], i["outcome"]) for i in body["items"]] == [
        ("@kisanvoice", "pending"),
        ("@ghost", "not_actionable"),
    ]
    assert body["demand"]["counts"]["pending"] == 1
    demand = Demand.objects.get()
    assert demand.authority == authority
    assert AuditEvent.objects.get(action="legal.import").actor_id == member.id


def test_a_member_uploads_an_order_file(make_account, api_client):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    upload = SimpleUploadedFile("order.txt", b"@a\n@b\n@c\n", content_type="text/plain")
    response = api_client(member, SCOPES).post(
        f"{PORTAL}/demands", {"file": upload, "reference": "R/1"}
    )
    assert response.status_code == 201
    assert Demand.objects.get().original_filename == "order.txt"


def test_submitting_needs_portal_write(make_account, api_client):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    client = api_client(member, "read portal:read")
    response = client.post(
        f"{PORTAL}/demands", {"reference": "R", "targets": ["@a"]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert client.get(f"{PORTAL}/demands").status_code == 200
    assert not Demand.objects.exists()


def test_bad_input_is_a_clear_422(make_account, api_client):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    client = api_client(member, SCOPES)
    for body, words in (
        ({"reference": "R"}, "Send the targets"),
        ({"targets": ["@a"]}, "reference"),
        ({"reference": "R", "targets": ["@a"], "kind": "decree"}, "Unknown kind"),
        ({"reference": "R" * 5000, "targets": ["@a"]}, "at most 200"),
    ):
        response = client.post(f"{PORTAL}/demands", body, content_type="application/json")
        assert response.status_code == 422 and words in response.json()["error"], body
    assert not Demand.objects.exists()


def test_the_thread_reads_and_takes_messages_with_attachments(world: World, api_client):
    client = api_client(world.member_a, SCOPES)
    url = f"{PORTAL}/demands/{world.demand_a.id}/correspondence"
    response = client.post(
        url,
        {
            "kind": "noncompliance_notice",
            "subject": "Non-compliance",
            "body": "Line 2 was not blocked.",
            "attachments": SimpleUploadedFile("notice.pdf", PDF),
        },
    )
    assert response.status_code == 201, response.content
    posted = response.json()
    assert posted["direction"] == "inbound" and posted["channel"] == "portal"
    assert posted["attachments"][0]["filename"] == "notice.pdf"
    thread = client.get(url).json()
    assert [m["kind"] for m in thread] == [
        "order",
        "acknowledgement",
        "status_update",
        "noncompliance_notice",
    ]
    ack = thread[1]
    assert ack["direction"] == "outbound" and ack["text"] == "We received your order."
    download = client.get(ack["attachments"][0]["url"].removeprefix("http://testserver"))
    assert download.status_code == 200 and download.content == PDF
    message = Correspondence.objects.get(id=int(posted["id"]))
    assert message.created_by_id == world.member_a.id


def test_a_member_cannot_send_the_desks_kinds_of_message(world: World, api_client):
    client = api_client(world.member_a, SCOPES)
    response = client.post(
        f"{PORTAL}/demands/{world.demand_a.id}/correspondence",
        {"kind": "status_update", "body": "All done"},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_the_demand_shows_public_outcomes_only(world: World, api_client):
    body = api_client(world.member_a, SCOPES).get(f"{PORTAL}/demands/{world.demand_a.id}").json()
    outcomes = {i["line_number"]: i for i in body["items"]}
    assert outcomes[1]["outcome"] == "withheld" and outcomes[1]["country_codes"] == ["IN"]
    assert outcomes[1]["withheld_until"] is not None
    assert outcomes[2]["outcome"] == "declined" and "did not find" in outcomes[2]["text"]
    assert body["counts"]["withheld"] == 1 and body["counts"]["declined"] == 1
    assert not any(s in str(body) for s in SECRETS)


def test_every_portal_operation_is_documented_with_errors():
    paths = api.get_openapi_schema(path_prefix="")["paths"]
    operations = [
        op for path, ops in paths.items() if path.startswith(PORTAL) for op in ops.values()
    ]
    assert len(operations) == 7
    for operation in operations:
        assert operation["summary"]
        assert {401, 403, 404, 422} <= {int(s) for s in operation["responses"]}


def test_every_portal_text_input_refuses_nul_and_survives_a_megabyte(world: World, api_client):
    client = api_client(world.member_a, SCOPES)
    counts = (Demand.objects.count(), Correspondence.objects.count())
    for path, fields in (
        (f"{PORTAL}/demands", ("reference", "legal_basis", "legal_basis_code", "kind", "targets")),
        (
            f"{PORTAL}/demands/{world.demand_a.id}/correspondence",
            ("kind", "subject", "body"),
        ),
    ):
        for field in fields:
            nul = client.post(path, {field: "a\x00b"}, content_type="application/json")
            assert nul.status_code == 400 and "NUL" in nul.json()["error"], (path, field)
            huge = client.post(path, {field: "x" * 1_000_000}, content_type="application/json")
            assert huge.status_code in (413, 422), (path, field, huge.status_code)
            assert huge.json()["error"]
    assert (Demand.objects.count(), Correspondence.objects.count()) == counts


def test_an_authority_asking_for_admin_scopes_gets_the_portals_only(make_account):
    member, _ = make_member(make_account, "officer", "MeitY", "IN")
    client = Client()
    everything = "read admin:read admin:write portal:read portal:write"
    app = register_app(client, scopes=everything)
    status, body = password_token(client, app, member.username, everything)
    assert status == 200
    assert set(body["scope"].split()) == {"read", "portal:read", "portal:write"}
    token = Client(headers={"Authorization": f"Bearer {body['access_token']}"})
    assert token.get(f"{PORTAL}/demands").status_code == 200
    assert token.get("/api/v1/admin/legal/demands").status_code == 403


def test_portal_scopes_are_dropped_for_everyone_else(make_account, legal):
    make_account("plain")
    client = Client()
    app = register_app(client, scopes="read portal:read portal:write admin:read")
    for handle, granted in (("plain", {"read"}), (legal.username, {"read", "admin:read"})):
        status, body = password_token(
            client, app, handle, "read portal:read portal:write admin:read"
        )
        assert status == 200 and set(body["scope"].split()) == granted
