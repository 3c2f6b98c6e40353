"""The audit log's signed checkpoints, listed for people at /transparency/audit."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tidings.audit.checkpoints import write_checkpoint


@pytest.fixture(autouse=True)
def _audit_key(settings, tmp_path):
    settings.TIDINGS_AUDIT_KEY = ""
    settings.TIDINGS_AUDIT_KEY_FILE = tmp_path / "audit_key"


def test_the_page_lists_a_written_checkpoint_with_its_signature_and_key(
    client: Client, import_order
):
    import_order("@nobody")
    checkpoint = write_checkpoint()
    assert checkpoint is not None

    response = client.get("/transparency/audit")

    assert response.status_code == 200
    text = response.content.decode()
    row = text[text.index(f'data-seq="{checkpoint.seq}"') :].split("</tr>")[0]
    assert f"<td>{checkpoint.seq}</td>" in row
    assert checkpoint.hash in row and checkpoint.signature in row
    assert checkpoint.public_key in row and checkpoint.time in row
    assert "does not verify" not in row
    assert f'<code id="public-key">{checkpoint.public_key}</code>' in text
    assert 'href="/transparency/audit/checkpoints?limit=1000"' in text
    assert "How to check" in text and "tidings audit verify --checkpoints" in text


def test_a_forged_checkpoint_is_marked_as_not_verifying(client: Client, import_order, settings):
    import_order("@nobody")
    checkpoint = write_checkpoint()
    forged = {**checkpoint.as_json(), "seq": checkpoint.seq + 1}
    with settings.TIDINGS_AUDIT_CHECKPOINT_FILE.open("a") as out:
        out.write(json.dumps(forged) + "\n")
    text = client.get("/transparency/audit").content.decode()
    row = text[text.index(f'data-seq="{checkpoint.seq + 1}"') :].split("</tr>")[0]
    assert "(does not verify)" in row


def test_before_any_checkpoint_the_page_says_so(client: Client, db):
    assert (
        "No checkpoint has been published yet."
        in client.get("/transparency/audit").content.decode()
    )


def test_a_damaged_checkpoint_file_is_a_503_not_a_crash(client: Client, db, settings):
    settings.TIDINGS_AUDIT_CHECKPOINT_FILE.parent.mkdir(parents=True)
    settings.TIDINGS_AUDIT_CHECKPOINT_FILE.write_text("not json\n")
    response = client.get("/transparency/audit")
    assert response.status_code == 503
    assert "The checkpoint file is damaged." in response.content.decode()
