"""Conversations (threads of direct messages) and polls: ``/api/v1/conversations``, ``/api/v1/polls``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema

from tidings.api.auth import optional_auth, require_user
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import as_bool, body_doc, request_params
from tidings.api.serializers import Serializer
from tidings.lib.errors import InvalidInput
from tidings.social.actions import (
    PollSpec,
    check_poll,
    do_hide_conversation,
    do_read_conversation,
    do_vote,
)
from tidings.social.queries import Cursor
from tidings.social.queries_direct import conversations
from tidings.visibility import access_poll

router = Router(tags=["conversations and polls"])


class PollIn(Schema):
    options: list[str]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False


def poll_from_request(request: HttpRequest) -> PollSpec | None:
    """The ``poll`` of a new status, sent as JSON (``{"poll": {...}}``) or as form fields
    (``poll[options][]``, ``poll[expires_in]``, ``poll[multiple]``, ``poll[hide_totals]``)."""
    params = request_params(request)
    given: Any = params.get("poll")
    if given is None and "poll[options]" in params:
        form = request.POST
        given = {
            "options": params["poll[options]"],
            "expires_in": form.get("poll[expires_in]"),
            "multiple": form.get("poll[multiple]"),
            "hide_totals": form.get("poll[hide_totals]"),
        }
    if given is None:
        return None
    if not isinstance(given, dict):
        raise InvalidInput("Validation failed: poll is an object with options and expires_in")
    try:
        return check_poll(
            given.get("options") or [],
            given.get("expires_in"),
            multiple=as_bool(given.get("multiple")),
            hide_totals=as_bool(given.get("hide_totals")),
        )
    except InvalidInput as error:
        raise InvalidInput(f"Validation failed: {error.message}") from None


@router.get("/api/v1/conversations", summary="Direct-message conversations")
def list_conversations(request: HttpRequest, query: Query[PageQuery]) -> HttpResponse:
    """One entry per thread of direct messages the caller takes part in, newest message first;
    ``max_id``/``min_id`` page by the id of each entry's newest message."""
    auth = require_user(request, "read:statuses")
    entries = conversations(auth.viewer, cursor(request))
    data = Serializer(request, auth.viewer).conversations(entries)
    return paged_response(request, data, [e.cursor_id for e in entries])


@router.delete("/api/v1/conversations/{conversation_id}", summary="Hide a conversation")
def hide_conversation(request: HttpRequest, conversation_id: str) -> HttpResponse:
    """Hidden from the caller's list until a new message arrives in it (others keep theirs)."""
    auth = require_user(request, "write:conversations")
    do_hide_conversation(conversation_id, acting_user=auth.account)
    return json_response({})


@router.post("/api/v1/conversations/{conversation_id}/read", summary="Mark a conversation read")
def read_conversation(request: HttpRequest, conversation_id: str) -> HttpResponse:
    auth = require_user(request, "write:conversations")
    mine = do_read_conversation(conversation_id, acting_user=auth.account)
    for entry in conversations(auth.viewer, Cursor(max_id=mine.last_post_id + 1, limit=1)):
        if entry.id == mine.id:
            return json_response(Serializer(request, auth.viewer).conversations([entry])[0])
    return json_response({"id": str(mine.id), "unread": False, "accounts": [], "last_status": None})


def _poll_answer(request: HttpRequest, viewer: Any, poll_id: str) -> HttpResponse:
    poll = access_poll(viewer, poll_id)
    ser = Serializer(request, viewer).prepare([poll.post])
    return json_response(ser.poll(ser.polls[poll.post_id]))


@router.get("/api/v1/polls/{poll_id}", summary="A poll")
def get_poll(request: HttpRequest, poll_id: str) -> HttpResponse:
    """Seen exactly when its status is: 404, or 451 where the status is withheld."""
    auth = optional_auth(request, "read:statuses")
    return _poll_answer(request, auth.viewer, poll_id)


class VoteIn(Schema):
    choices: list[str]


@router.post("/api/v1/polls/{poll_id}/votes", openapi_extra=body_doc(VoteIn), summary="Vote")
def vote(request: HttpRequest, poll_id: str) -> HttpResponse:
    """``choices[]``: option indexes. One vote per account; refused once the poll ended."""
    auth = require_user(request, "write:statuses")
    poll = access_poll(auth.viewer, poll_id)
    choices = request_params(request).get("choices")
    if choices is None:
        raise InvalidInput("Validation failed: choices is missing")
    do_vote(poll, choices if isinstance(choices, list) else [choices], acting_user=auth.account)
    return _poll_answer(request, auth.viewer, poll_id)
