"""Accounts: sign-up, credentials, profiles, their posts and follow lists, and relationships."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.decorators import decorate_view
from pydantic import Field

from tidings.api.actions import do_issue_token
from tidings.api.auth import optional_auth, require_app, require_user
from tidings.api.errors import ApiError, Forbidden
from tidings.api.oauth import without_admin_scopes
from tidings.api.pagination import PageQuery, cursor, json_response, paged_response
from tidings.api.params import as_bool, body_doc, parse, request_params
from tidings.api.ratelimit import by_ip, rate_limit
from tidings.api.serializers import Serializer
from tidings.lib.errors import TidingsError
from tidings.lib.images import prepare_avatar
from tidings.social.actions import (
    do_block,
    do_follow,
    do_mute,
    do_unblock,
    do_unfollow,
    do_unmute,
    do_update_profile,
)
from tidings.social.actions.registration import do_register_account
from tidings.social.filtering import filter_posts
from tidings.social.queries import follow_list, profile_timeline, relationship
from tidings.social.queries import relationships as relationships_of
from tidings.social.queries_lists import pinned_posts
from tidings.social.search import search_accounts
from tidings.visibility import access_account, access_account_to_undo

router = Router(tags=["accounts"])


class RegisterIn(Schema):
    username: str
    email: str
    password: str
    agreement: bool = False
    locale: str = "en"
    reason: str = ""


@router.post("/api/v1/accounts", openapi_extra=body_doc(RegisterIn), summary="Register")
@decorate_view(rate_limit("sign_up", by_ip))
def register(request: HttpRequest) -> HttpResponse:
    auth = require_app(request)
    if "write:accounts" not in auth.scopes:
        raise Forbidden()
    data = parse(request, RegisterIn)
    if not data.agreement:
        raise ApiError(422, "Validation failed: Agreement must be accepted")
    base = request.build_absolute_uri(reverse("api-confirm-email"))
    account = do_register_account(
        data.username,
        email=data.email,
        password=data.password,
        reason=data.reason,
        acting_user=None,
        confirm_url_for=lambda token: f"{base}?confirmation_token={token}",
    )
    scopes = without_admin_scopes(auth.token.scope.split(), account)
    issued = do_issue_token(account, auth.token.application, scopes, acting_user=account)
    return json_response(
        {
            "access_token": issued.raw,
            "token_type": "Bearer",
            "scope": " ".join(scopes),
            "created_at": int(issued.token.created.timestamp()),
        }
    )


@router.get("/api/v1/accounts/verify_credentials", summary="The caller's own account")
def verify_credentials(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "read:accounts")
    return json_response(Serializer(request, auth.viewer).credential_account(auth.account))


class ProfileIn(Schema):
    display_name: str | None = None
    note: str | None = None
    locked: bool | None = None
    discoverable: bool | None = None
    bot: bool | None = None


@router.patch(
    "/api/v1/accounts/update_credentials", openapi_extra=body_doc(ProfileIn), summary="Edit profile"
)
def update_credentials(request: HttpRequest) -> HttpResponse:
    auth = require_user(request, "write:accounts")
    data = parse(request, ProfileIn)
    changes: dict[str, object] = {}
    if data.display_name is not None:
        changes["display_name"] = data.display_name
    if data.note is not None:
        changes["bio"] = data.note
    if data.locked is not None:
        changes["locked"] = data.locked
    files = request_params(request)["_files"]
    if files.get("avatar"):
        changes["avatar"] = prepare_avatar(files["avatar"]).content
    account = auth.account
    if changes:
        account = do_update_profile(account, acting_user=account, **changes)
    return json_response(Serializer(request, auth.viewer).credential_account(account))


class LookupQuery(Schema):
    acct: str = ""


@router.get("/api/v1/accounts/lookup", summary="Find an account by handle")
def lookup(request: HttpRequest, query: Query[LookupQuery]) -> HttpResponse:
    auth = optional_auth(request, "read:accounts")
    handle = query.acct.strip().lstrip("@")
    local_domain = settings.DOMAIN.split(":")[0]
    if "@" in handle:
        handle, domain = handle.split("@", 1)
        if domain.split(":")[0].lower() not in (
            local_domain.lower(),
            request.get_host().split(":")[0],
        ):
            raise ApiError(404, "Record not found")
    account = access_account(auth.viewer, handle)
    return json_response(Serializer(request, auth.viewer).account(account))


class SearchQuery(Schema):
    q: str = ""
    limit: int = Field(40, ge=1, le=80)
    offset: int = Field(0, ge=0, le=10_000)


@router.get("/api/v1/accounts/search", summary="Search accounts")
def account_search(request: HttpRequest, query: Query[SearchQuery]) -> HttpResponse:
    auth = optional_auth(request, "read:accounts")
    found = search_accounts(auth.viewer, query.q, limit=query.limit, offset=query.offset)
    ser = Serializer(request, auth.viewer)
    return json_response([ser.account(a) for a in found])


class IdsQuery(Schema):
    id: list[str] = []


@router.get("/api/v1/accounts/relationships", summary="Relationships to accounts")
def relationships(request: HttpRequest, query: Query[IdsQuery]) -> HttpResponse:
    auth = require_user(request, "read:follows")
    ser = Serializer(request, auth.viewer)
    found = []
    for raw in query.id[:40]:
        try:
            found.append(access_account(auth.viewer, raw, by_id=True))
        except TidingsError:  # unknown or hidden ids are left out, as Mastodon does
            continue
    rels = relationships_of(auth.viewer, found)
    return json_response([ser.relationship(a, rels[a.id]) for a in found])


@router.get("/api/v1/accounts/{account_id}", summary="An account")
def get_account(request: HttpRequest, account_id: str) -> HttpResponse:
    auth = optional_auth(request, "read:accounts")
    account = access_account(auth.viewer, account_id, by_id=True)
    return json_response(Serializer(request, auth.viewer).account(account))


class StatusesQuery(PageQuery):
    exclude_replies: str | None = None
    exclude_reblogs: str | None = None
    only_media: str | None = None
    pinned: str | None = None
    tagged: str | None = None


@router.get("/api/v1/accounts/{account_id}/statuses", summary="An account's posts")
def account_statuses(
    request: HttpRequest, account_id: str, query: Query[StatusesQuery]
) -> HttpResponse:
    auth = optional_auth(request, "read:statuses")
    account = access_account(auth.viewer, account_id, by_id=True)
    if as_bool(query.only_media):
        return json_response([])  # no media yet
    if as_bool(query.pinned):
        pinned = pinned_posts(auth.viewer, account) if query.max_id is None else []
        return json_response(Serializer(request, auth.viewer).statuses(pinned))
    posts = profile_timeline(
        auth.viewer,
        account,
        cursor(request),
        exclude_replies=as_bool(query.exclude_replies),
        exclude_reposts=as_bool(query.exclude_reblogs),
    )
    if query.tagged:
        tag = query.tagged.lstrip("#").lower()
        posts = [p for p in posts if tag in {h.lower() for h in _tags(p)}]
    shown, warned = filter_posts(auth.viewer, "account", posts)
    data = Serializer(request, auth.viewer, filtered=warned).statuses(shown)
    return paged_response(request, data, [p.id for p in posts])


def _tags(post: object) -> list[str]:
    from tidings.social.text import extract_hashtags

    return extract_hashtags(post.text)  # type: ignore[attr-defined]


def _follow_page(request: HttpRequest, account_id: str, *, followers: bool) -> HttpResponse:
    auth = optional_auth(request, "read:accounts")
    account = access_account(auth.viewer, account_id, by_id=True)
    page = cursor(request, default_limit=40)
    accounts, next_id = follow_list(auth.viewer, account, page, followers=followers)
    ser = Serializer(request, auth.viewer)
    response = json_response([ser.account(a) for a in accounts])
    if next_id is not None:
        from tidings.api.pagination import link_header

        response["Link"] = link_header(request, next_id, None)
    return response


@router.get("/api/v1/accounts/{account_id}/followers", summary="Followers")
def followers(request: HttpRequest, account_id: str, query: Query[PageQuery]) -> HttpResponse:
    return _follow_page(request, account_id, followers=True)


@router.get("/api/v1/accounts/{account_id}/following", summary="Followed accounts")
def following(request: HttpRequest, account_id: str, query: Query[PageQuery]) -> HttpResponse:
    return _follow_page(request, account_id, followers=False)


def _relationship_change(
    request: HttpRequest, account_id: str, action, scope: str, *, undo: bool = False
) -> HttpResponse:
    """Apply ``action`` to the account; an undo (unfollow, unblock, unmute) always works."""
    auth = require_user(request, scope)
    access = access_account_to_undo if undo else access_account
    target = access(auth.viewer, account_id, by_id=True)
    action(target, acting_user=auth.account)
    viewer = auth.viewer
    viewer.forget_relations()
    target.refresh_from_db()
    return json_response(
        Serializer(request, viewer).relationship(target, relationship(viewer, target))
    )


@router.post("/api/v1/accounts/{account_id}/follow", summary="Follow")
def follow(request: HttpRequest, account_id: str) -> HttpResponse:
    return _relationship_change(request, account_id, do_follow, "write:follows")


@router.post("/api/v1/accounts/{account_id}/unfollow", summary="Unfollow")
def unfollow(request: HttpRequest, account_id: str) -> HttpResponse:
    return _relationship_change(request, account_id, do_unfollow, "write:follows", undo=True)


@router.post("/api/v1/accounts/{account_id}/block", summary="Block")
def block(request: HttpRequest, account_id: str) -> HttpResponse:
    return _relationship_change(request, account_id, do_block, "write:blocks")


@router.post("/api/v1/accounts/{account_id}/unblock", summary="Unblock")
def unblock(request: HttpRequest, account_id: str) -> HttpResponse:
    return _relationship_change(request, account_id, do_unblock, "write:blocks", undo=True)


@router.post("/api/v1/accounts/{account_id}/mute", summary="Mute")
def mute(request: HttpRequest, account_id: str) -> HttpResponse:
    return _relationship_change(request, account_id, do_mute, "write:mutes")


@router.post("/api/v1/accounts/{account_id}/unmute", summary="Unmute")
def unmute(request: HttpRequest, account_id: str) -> HttpResponse:
    return _relationship_change(request, account_id, do_unmute, "write:mutes", undo=True)
