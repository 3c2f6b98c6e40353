"""Audit action names are a declared list: nothing else gets into the log."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import transaction

import tidings
from tidings.audit.chain import EventSpec, record_event, record_events
from tidings.audit.events import AuditAction
from tidings.audit.models import AuditEvent

# The first argument of record_event(...) / EventSpec(...) when it is a string literal.
_CALL = re.compile(r"\b(?:record_event|EventSpec)\(\s*\"([^\"]+)\"")


def _action_names_in_the_source() -> set[str]:
    root = Path(tidings.__file__).parent
    names = set()
    for path in root.rglob("*.py"):
        if "audit" in path.relative_to(root).parts[:1]:
            continue
        names.update(_CALL.findall(path.read_text()))
    return names


def test_every_action_name_used_in_the_code_is_declared():
    used = _action_names_in_the_source()
    assert len(used) > 20  # the pattern still finds the call sites
    assert used - {a.value for a in AuditAction} == set()


def test_an_undeclared_action_is_refused_and_nothing_is_written(alice):
    before = AuditEvent.objects.count()
    refused = pytest.raises(ValueError, match="'post.edit' is not a declared audit action")
    with refused, transaction.atomic():
        record_events([EventSpec("post.create", alice.id), EventSpec("post.edit", alice.id)])
    assert AuditEvent.objects.count() == before


def test_every_declared_action_is_accepted_as_member_or_string(alice):
    with transaction.atomic():
        events = record_events(EventSpec(action, alice.id) for action in AuditAction)
        events.append(record_event(AuditAction.POST_CREATE.value, actor_id=alice.id))
    assert [e.action for e in events] == [*(a.value for a in AuditAction), "post.create"]
    assert type(AuditEvent.objects.get(seq=events[0].seq).action) is str


def test_only_the_legal_desk_actions_are_legal():
    legal = {a.value for a in AuditAction if a.is_legal}
    assert legal == {
        "legal.authority.create",
        "legal.import",
        "legal.import.start",
        "legal.import.items",
        "legal.import.discard",
        "legal.hold.purge",
        "legal.decide",
        "legal.withhold",
        "legal.lift",
        "legal.expire",
        "legal.confirm",
        "legal.release_notices",
        "legal.publish",
        "legal.item.accept_suggestion",
        "legal.correspondence",
        "legal.acknowledge",
        "legal.status_update",
        "legal.hearing",
        "legal.noncompliance.receive",
        "legal.noncompliance.respond",
        "legal.withdraw",
        "legal.authority.member",
        "legal.appeal.file",
        "legal.appeal.acknowledge",
        "legal.appeal.grant",
        "legal.appeal.reject",
    }
