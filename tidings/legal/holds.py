"""Legal records outlive the content they are about; content under a demand is preserved.

When an author deletes a post that a legal record points at (a demand item or
a withholding names the post, or a demand names its author), the post is not
deleted but becomes a tombstone (``Post.deleted_at``), hidden from everyone.
Where the demand's jurisdiction requires removed content to be preserved
(its rule pack's ``preservation``, see ``legal.jurisdictions``), the text is kept under a ``LegalHold`` that only legal
staff can read, until the hold ends; otherwise it is blanked at once. The
SHA-256 of the text is kept either way, so a record can be matched to a copy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q

from tidings.legal.jurisdictions import packs
from tidings.legal.models import Demand, DemandItem, LegalHold, Withholding
from tidings.social.models import Post


@dataclass(frozen=True)
class Preservation:
    """How long a jurisdiction requires removed content and its records to be kept, and why."""

    period: timedelta
    source: str


def preservation_rules() -> dict[str, Preservation]:
    """Countries whose rule pack requires removed content to be preserved (code → rule)."""
    rules: dict[str, Preservation] = {}
    for pack in packs():
        rule = pack.preservation
        if rule is not None and rule.within is not None:
            for country in pack.countries:
                rules.setdefault(country, Preservation(rule.within, rule.source))
    return rules


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def legally_referenced(post: Post) -> bool:
    """Whether a legal record points at ``post`` or at one of its reposts."""
    ids = [post.id, *Post.objects.filter(repost_of_id=post.id).values_list("id", flat=True)]
    return (
        DemandItem.objects.filter(post_id__in=ids).exists()
        or Withholding.objects.filter(post_id__in=ids).exists()
    )


def demands_preserving(post: Post) -> list[Demand]:
    """Demands naming ``post`` or its author, from a jurisdiction that requires preservation."""
    named = DemandItem.objects.filter(Q(post_id=post.id) | Q(account_id=post.author_id))
    return list(
        Demand.objects.filter(
            id__in=named.values("demand_id"), country__in=list(preservation_rules())
        ).order_by("id")
    )


def place_holds(post: Post, demands: list[Demand], now: datetime) -> list[LegalHold]:
    """One hold per demand that requires preserving ``post`` (inside the deleting transaction)."""
    rules = preservation_rules()
    holds = [
        LegalHold(
            post=post,
            demand=demand,
            country=demand.country,
            source=rules[demand.country].source,
            starts_at=now,
            ends_at=now + rules[demand.country].period,
        )
        for demand in demands
    ]
    LegalHold.objects.bulk_create(holds, ignore_conflicts=True)
    return holds
