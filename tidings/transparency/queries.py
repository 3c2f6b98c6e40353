"""What the public may know of demands: who asked, under what law, and what was done.

Every fact shown comes through ``transparency.redaction``: a confidential order's
notice says that an order was received and what was done, in counts, and when its
details will be published, but not its reference, legal basis text or the items
it named. Demands still being imported, and discarded imports, have no notice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode

from tidings.legal.models import Authority, Demand, DemandStatus, Withholding
from tidings.legal.portal_queries import OUTCOMES
from tidings.lib.countries import country_name, normalise_country
from tidings.lib.errors import InvalidInput, NotFound, TidingsError
from tidings.transparency.periods import check_window
from tidings.transparency.redaction import (
    PublicTargets,
    action_taken,
    details_published,
    details_published_q,
    public_kind,
    public_legal_basis,
    public_outcome_counts,
    public_reference,
    public_targets,
    publication_due_at,
)

_MAX_ID = 2**63
NO_SUCH_NOTICE = "There is no such notice."

#: Outcomes as the notices word them, in the order they are listed.
OUTCOME_LABELS: tuple[tuple[str, str], ...] = (
    ("withheld", "Withheld"),
    ("lifted", "Reinstated"),
    ("expired", "Expired (the withholding ended)"),
    ("declined", "Declined (no action)"),
    ("pending", "Still in review"),
    ("not_actionable", "Not actionable"),
    ("duplicate", "Duplicate lines"),
)
assert {key for key, _ in OUTCOME_LABELS} == set(OUTCOMES)


class BadFilter(TidingsError):
    """A filter of the notices list that cannot be read (400)."""

    status = 400


def public_demands() -> QuerySet[Demand]:
    """Every demand that has a public notice: all but unfinished and discarded imports."""
    return Demand.objects.exclude(status__in=(DemandStatus.IMPORTING, DemandStatus.DISCARDED))


def _demand_id(value: int | str) -> int | None:
    text = str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= 19):
        return None
    number = int(text)
    return number if 0 < number < _MAX_ID else None


# -- one notice ------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicNotice:
    """A demand's notice, as the redaction policy lets the public read it."""

    demand: Demand
    country: str
    kind: str
    decided_at: datetime | None
    action: str
    counts: dict[str, int]
    details_published: bool
    reference: str
    legal_basis: str
    targets: PublicTargets | None
    publication_due_at: datetime | None

    @property
    def confidential(self) -> bool:
        """Confidential and not yet published: details withheld from the notice."""
        return not self.details_published

    @property
    def lines(self) -> int:
        return sum(self.counts.values())

    @property
    def count_rows(self) -> list[tuple[str, str, int]]:
        return [(key, label, self.counts.get(key, 0)) for key, label in OUTCOME_LABELS]

    @property
    def counted_targets(self) -> list[tuple[str, str, str, int]]:
        """Private individuals' accounts and posts: (scope, outcome, label, n)."""
        if self.targets is None:
            return []
        labels = dict(OUTCOME_LABELS)
        return [(s, o, labels.get(o, o), n) for s, o, n in self.targets.counted_rows]


def access_public_notice(demand_id: int | str, *, now: datetime | None = None) -> PublicNotice:
    """The public notice of a demand; ``NotFound`` for unknown ids and unfinished imports."""
    now = now or timezone.now()
    number = _demand_id(demand_id)
    demand = (
        public_demands().select_related("authority").filter(id=number).first()
        if number is not None
        else None
    )
    if demand is None:
        raise NotFound(NO_SUCH_NOTICE)
    counts = public_outcome_counts([demand.id], now)[demand.id]
    decided_at = demand.actioned_at or demand.items.aggregate(first=Min("decided_at"))["first"]
    return PublicNotice(
        demand=demand,
        country=country_name(demand.country),
        kind=public_kind(demand),
        decided_at=decided_at,
        action=action_taken(counts),
        counts=counts,
        details_published=details_published(demand, now),
        reference=public_reference(demand, now),
        legal_basis=public_legal_basis(demand, now),
        targets=public_targets(demand, now),
        publication_due_at=publication_due_at(demand),
    )


def access_withholding_notice(withholding_id: int | str) -> Withholding:
    number = _demand_id(withholding_id)
    found = (
        Withholding.objects.select_related("demand_item__demand__authority")
        .filter(id=number)
        .first()
        if number is not None
        else None
    )
    if found is None:
        raise NotFound(NO_SUCH_NOTICE)
    return found


# -- the list --------------------------------------------------------------------------

NOTICES_PAGE, NOTICES_MAX_PAGE = 50, 100
QUERY_MAX_CHARS = 200
_BASIS = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()/:-]{0,63}")
#: Control characters (NUL included) have no place in a filter.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class NoticeFilters:
    """The filters of ``/transparency/notices`` and its feed, read and checked."""

    country: str = ""
    authority: int | None = None
    q: str = ""
    basis: str = ""
    date_from: date | None = None
    date_to: date | None = None
    period: str = ""
    received_from: datetime | None = None  # inclusive
    received_before: datetime | None = None  # exclusive
    max_id: int | None = None
    limit: int = NOTICES_PAGE
    raw: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_params(
        cls, params: Mapping[str, str], *, now: datetime | None = None
    ) -> NoticeFilters:
        """Read the query string; ``BadFilter`` or ``BadPeriod`` (400) names the first value that cannot be read."""
        raw = {
            key: str(params.get(key, ""))
            for key in ("country", "authority", "q", "basis", "from", "to", "period", "max_id")
            if str(params.get(key, "")).strip()
        }
        for key, value in raw.items():
            if len(value) > 1000:
                raise BadFilter(f"The {key} filter is too long.")
            if _CONTROL.search(value):
                raise BadFilter(f"The {key} filter contains control characters.")
        country = _country(raw.get("country", ""))
        authority = _id_param(raw.get("authority", ""), "authority")
        q = " ".join(raw.get("q", "").split())
        if len(q) > QUERY_MAX_CHARS:
            raise BadFilter(f"Search words may be at most {QUERY_MAX_CHARS} characters long.")
        basis = raw.get("basis", "").strip()
        if basis and not _BASIS.fullmatch(basis):
            raise BadFilter("A legal basis code is letters, digits and dashes, e.g. IN-ITA-69A.")
        window = check_window(raw, now=now or timezone.now())
        limit = NOTICES_PAGE
        if params.get("limit"):
            limit = _id_param(str(params.get("limit")), "limit") or 0
            if not 1 <= limit <= NOTICES_MAX_PAGE:
                raise BadFilter(f"limit must be a whole number from 1 to {NOTICES_MAX_PAGE}.")
        return cls(
            country=country,
            authority=authority,
            q=q,
            basis=basis,
            date_from=window.first_day,
            date_to=window.last_day,
            period=window.period.label if window.period else "",
            received_from=window.start,
            received_before=window.end,
            max_id=_id_param(raw.get("max_id", ""), "max_id"),
            limit=limit,
            raw={k: v for k, v in raw.items() if k != "max_id"},
        )

    def apply(self, demands: QuerySet[Demand], now: datetime) -> QuerySet[Demand]:
        if self.country:
            demands = demands.filter(country=self.country)
        if self.authority is not None:
            demands = demands.filter(authority_id=self.authority)
        if self.basis:
            demands = demands.filter(legal_basis_code__iexact=self.basis)
        if self.received_from is not None:
            demands = demands.filter(received_at__gte=self.received_from)
        if self.received_before is not None:
            demands = demands.filter(received_at__lt=self.received_before)
        if self.q:
            # The basis text of an unpublished confidential order is not searchable:
            # a hit would tell what it says.
            demands = demands.filter(
                Q(authority__name__icontains=self.q)
                | Q(legal_basis_code__icontains=self.q)
                | (details_published_q(now) & Q(legal_basis__icontains=self.q))
            )
        return demands

    def query_string(self, **changes: object) -> str:
        """The filters as a query string (``?…`` or ""), with ``changes`` (None drops a key)."""
        params: dict[str, str] = dict(self.raw)
        if self.limit != NOTICES_PAGE:
            params["limit"] = str(self.limit)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return "?" + urlencode(params) if params else ""

    @property
    def any(self) -> bool:
        return bool(self.raw)


def _country(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if len(value) != 2:
        raise BadFilter("country is a two-letter ISO 3166-1 code, e.g. IN.")
    try:
        return normalise_country(value)
    except InvalidInput:
        raise BadFilter(f"{value.upper()!r} is not a country code (e.g. IN, US, DE).") from None


def _id_param(value: str, name: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    number = _demand_id(value)
    if number is None:
        raise BadFilter(f"{name} must be a positive whole number.")
    return number


@dataclass(frozen=True)
class NoticeRow:
    demand: Demand
    country: str
    kind: str
    action: str
    counts: dict[str, int]

    @property
    def lines(self) -> int:
        return sum(self.counts.values())

    @property
    def count_rows(self) -> list[tuple[str, str, int]]:
        """(outcome, label, n) for the outcomes that occurred."""
        return [(k, label, self.counts[k]) for k, label in OUTCOME_LABELS if self.counts.get(k)]


@dataclass(frozen=True)
class NoticesPage:
    rows: list[NoticeRow]
    next_max_id: int | None  # the cursor of the next (older) page, if there is one


def notices_page(filters: NoticeFilters, now: datetime) -> NoticesPage:
    """One page of public notices, newest first, in three queries whatever its size."""
    demands = filters.apply(public_demands(), now).select_related("authority")
    if filters.max_id is not None:
        demands = demands.filter(id__lt=filters.max_id)
    found = list(demands.order_by("-id")[: filters.limit + 1])
    more, found = len(found) > filters.limit, found[: filters.limit]
    counts = public_outcome_counts([d.id for d in found], now) if found else {}
    rows = [
        NoticeRow(
            demand=d,
            country=country_name(d.country),
            kind=public_kind(d),
            action=action_taken(counts[d.id]),
            counts=counts[d.id],
        )
        for d in found
    ]
    return NoticesPage(rows, found[-1].id if more else None)


def notice_authorities() -> list[Authority]:
    """Authorities with at least one public notice, by name (for the filter form)."""
    return list(
        Authority.objects.filter(id__in=public_demands().values("authority_id"))
        .only("id", "name", "country")
        .order_by("name", "id")[:1000]
    )
