"""Keyword filters (Mastodon's v2): an account's own choice of what to collapse or hide, audited."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.social.actions.lists import check_short_text
from tidings.social.models import Account, Post
from tidings.social.models_lists import (
    FILTER_KEYWORD_MAX_LENGTH,
    FILTER_TITLE_MAX_LENGTH,
    FILTERS_PER_ACCOUNT,
    KEYWORDS_PER_FILTER,
    STATUSES_PER_FILTER,
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    FilterStatus,
)

#: The longest ``expires_in`` accepted: ten years, in seconds.
MAX_EXPIRES_IN = 10 * 365 * 86400


@dataclass(frozen=True)
class KeywordChange:
    """One entry of ``keywords_attributes``: add (no id), change (id) or remove (id, destroy)."""

    keyword: str | None = None
    whole_word: bool | None = None
    id: int | None = None
    destroy: bool = False


def check_context(context: object) -> list[str]:
    values = [context] if isinstance(context, str) else list(context or [])  # type: ignore[call-overload]
    if not values:
        raise InvalidInput("Validation failed: Context can't be blank")
    unknown = [str(v)[:20].replace("\x00", "") for v in values if v not in FilterContext.values]
    if unknown:
        raise InvalidInput(
            f"Validation failed: Context {', '.join(unknown)[:100]} is not one of "
            f"{', '.join(FilterContext.values)}"
        )
    return list(dict.fromkeys(str(v) for v in values))


def check_action(action: object) -> str:
    if action not in FilterAction.values:
        raise InvalidInput(
            f"Validation failed: Filter action {str(action)[:20].replace(chr(0), '')!r} is not "
            "warn or hide"
        )
    return str(action)


def check_keyword(keyword: object) -> str:
    return check_short_text(keyword, what="Keyword", limit=FILTER_KEYWORD_MAX_LENGTH)


def expiry(expires_in: int | None) -> object:
    """When a filter made now with ``expires_in`` seconds ends (None: never)."""
    if expires_in is None:
        return None
    if not 0 < expires_in <= MAX_EXPIRES_IN:
        raise InvalidInput(
            f"Validation failed: Expires in must be between 1 and {MAX_EXPIRES_IN} seconds"
        )
    return timezone.now() + timedelta(seconds=expires_in)


def _own(filter_: Filter, acting_user: Account) -> None:
    if filter_.account_id != acting_user.id:
        raise NotPermitted("Only the owner of a filter can change it.")


def _check_keyword_count(filter_: Filter, adding: int) -> None:
    if FilterKeyword.objects.filter(filter=filter_).count() + adding > KEYWORDS_PER_FILTER:
        raise InvalidInput(
            f"Validation failed: A filter has at most {KEYWORDS_PER_FILTER} keywords"
        )


@transaction.atomic
def do_create_filter(
    title: str,
    *,
    context: Sequence[str],
    action: str = FilterAction.WARN,
    expires_in: int | None = None,
    keywords: Iterable[tuple[str, bool]] = (),
    acting_user: Account,
) -> Filter:
    """A new filter with its keywords (``(keyword, whole_word)`` pairs)."""
    title = check_short_text(title, what="Title", limit=FILTER_TITLE_MAX_LENGTH)
    context = check_context(context)
    action = check_action(action)
    words = [(check_keyword(k), bool(w)) for k, w in keywords]
    if len(words) > KEYWORDS_PER_FILTER:
        raise InvalidInput(
            f"Validation failed: A filter has at most {KEYWORDS_PER_FILTER} keywords"
        )
    Account.objects.select_for_update().filter(id=acting_user.id).first()
    if Filter.objects.filter(account=acting_user).count() >= FILTERS_PER_ACCOUNT:
        raise InvalidInput(f"Validation failed: You can have at most {FILTERS_PER_ACCOUNT} filters")
    made = Filter.objects.create(
        account=acting_user,
        title=title,
        context=context,
        action=action,
        expires_at=expiry(expires_in),
    )
    FilterKeyword.objects.bulk_create(
        [FilterKeyword(filter=made, keyword=k, whole_word=w) for k, w in words]
    )
    record_event(
        "filter.create",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=made.id,
        data={"title": title, "context": context, "action": action, "keywords": len(words)},
    )
    return made


@transaction.atomic
def do_update_filter(
    filter_: Filter,
    *,
    title: str | None = None,
    context: Sequence[str] | None = None,
    action: str | None = None,
    expires_in: int | None = None,
    clear_expiry: bool = False,
    keyword_changes: Sequence[KeywordChange] = (),
    acting_user: Account,
) -> Filter:
    """Change a filter and, through ``keyword_changes``, add, change or remove its keywords."""
    _own(filter_, acting_user)
    changes: dict[str, object] = {}
    if title is not None:
        changes["title"] = check_short_text(title, what="Title", limit=FILTER_TITLE_MAX_LENGTH)
    if context is not None:
        changes["context"] = check_context(context)
    if action is not None:
        changes["action"] = check_action(action)
    if expires_in is not None or clear_expiry:
        changes["expires_at"] = expiry(expires_in)
    for name, value in changes.items():
        setattr(filter_, name, value)
    if changes:
        filter_.save(update_fields=list(changes))
    own_keywords = {k.id: k for k in FilterKeyword.objects.filter(filter=filter_)}
    added = [c for c in keyword_changes if c.id is None and not c.destroy]
    _check_keyword_count(filter_, len(added))
    for change in keyword_changes:
        if change.id is None:
            if not change.destroy:
                FilterKeyword.objects.create(
                    filter=filter_,
                    keyword=check_keyword(change.keyword),
                    whole_word=True if change.whole_word is None else change.whole_word,
                )
            continue
        keyword = own_keywords.get(change.id)
        if keyword is None:
            raise InvalidInput(f"Validation failed: Keyword {change.id} is not in this filter")
        if change.destroy:
            keyword.delete()
            continue
        if change.keyword is not None:
            keyword.keyword = check_keyword(change.keyword)
        if change.whole_word is not None:
            keyword.whole_word = change.whole_word
        keyword.save()
    record_event(
        "filter.update",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=filter_.id,
        data={
            **{k: str(v) if k == "expires_at" else v for k, v in changes.items()},
            "keyword_changes": len(keyword_changes),
        },
    )
    return filter_


@transaction.atomic
def do_delete_filter(filter_: Filter, *, acting_user: Account) -> None:
    _own(filter_, acting_user)
    record_event(
        "filter.delete",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=filter_.id,
        data={"title": filter_.title},
    )
    filter_.delete()


@transaction.atomic
def do_add_filter_keyword(
    filter_: Filter, keyword: str, *, whole_word: bool = True, acting_user: Account
) -> FilterKeyword:
    _own(filter_, acting_user)
    word = check_keyword(keyword)
    _check_keyword_count(filter_, 1)
    made = FilterKeyword.objects.create(filter=filter_, keyword=word, whole_word=whole_word)
    record_event(
        "filter.keyword.add",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=filter_.id,
        data={"keyword_id": made.id},
    )
    return made


@transaction.atomic
def do_update_filter_keyword(
    keyword: FilterKeyword,
    *,
    text: str | None = None,
    whole_word: bool | None = None,
    acting_user: Account,
) -> FilterKeyword:
    _own(keyword.filter, acting_user)
    if text is not None:
        keyword.keyword = check_keyword(text)
    if whole_word is not None:
        keyword.whole_word = whole_word
    keyword.save()
    record_event(
        "filter.keyword.update",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=keyword.filter_id,
        data={"keyword_id": keyword.id},
    )
    return keyword


@transaction.atomic
def do_delete_filter_keyword(keyword: FilterKeyword, *, acting_user: Account) -> None:
    _own(keyword.filter, acting_user)
    record_event(
        "filter.keyword.delete",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=keyword.filter_id,
        data={"keyword_id": keyword.id},
    )
    keyword.delete()


@transaction.atomic
def do_add_filter_status(filter_: Filter, post: Post, *, acting_user: Account) -> FilterStatus:
    """Make ``filter_`` match ``post`` (or what it reposts) by id; idempotent."""
    _own(filter_, acting_user)
    original = post.repost_of if post.repost_of_id is not None else post
    existing = FilterStatus.objects.filter(filter=filter_, post=original).first()
    if existing is not None:
        return existing
    if FilterStatus.objects.filter(filter=filter_).count() >= STATUSES_PER_FILTER:
        raise InvalidInput(
            f"Validation failed: A filter matches at most {STATUSES_PER_FILTER} posts"
        )
    made = FilterStatus.objects.create(filter=filter_, post=original)
    record_event(
        "filter.status.add",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=filter_.id,
        data={"post": original.id},
    )
    return made


@transaction.atomic
def do_delete_filter_status(status: FilterStatus, *, acting_user: Account) -> None:
    _own(status.filter, acting_user)
    record_event(
        "filter.status.delete",
        actor_id=acting_user.id,
        subject_type="filter",
        subject_id=status.filter_id,
        data={"post": status.post_id},
    )
    status.delete()
