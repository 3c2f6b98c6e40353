"""Taking an order in: the one action behind the web upload, the admin API and the CLI.

An order is parsed and resolved before any transaction starts, then written in
chunks of ``IMPORT_CHUNK_LINES`` items, each chunk its own short transaction
with its own audit event, so other writers (posts, sign-ins) wait a chunk at
most, never the whole order (on SQLite there is one writer at a time). An order
that fits in one chunk is written in one transaction, as before.

A larger order is created with status ``importing`` and becomes ``received``
only when its last chunk has committed (``legal.import`` is then recorded).
If the process dies in between, the demand stays visibly ``importing`` with the
items written so far; ``do_resume_import`` writes the missing lines from the
original file (kept byte for byte) and finishes it, or ``do_discard_import``
marks it ``discarded``. Nothing is ever silently half-imported: an importing
or discarded demand cannot be decided.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.audit.models import AuditEvent
from tidings.legal.deadlines import due_at
from tidings.legal.intake import ParsedOrder, ResolvedLine, parse_order, resolve_targets
from tidings.legal.jurisdictions import confidential_by_default, pack_for
from tidings.legal.models import (
    Authority,
    AuthorityKind,
    Demand,
    DemandItem,
    DemandKind,
    DemandStatus,
    ReviewState,
)
from tidings.legal.roles import check_desk_access
from tidings.lib.countries import normalise_country
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account

#: Items written per transaction: large enough to keep intake fast, small enough that
#: another writer waits well under a second for the database (~0.1 s per chunk here).
IMPORT_CHUNK_LINES = 2000
#: SQLite only: the pause between chunks, so writers waiting for the one write lock (they
#: poll it every few tens of milliseconds) get it instead of the next chunk.
SQLITE_PAUSE_SECONDS = 0.04
#: How far ahead of the server's clock a "received at" may be (the desk's clock may run fast).
RECEIVED_AT_SKEW = timedelta(minutes=5)

_ITEM_FIELDS = (
    "demand",
    "line_number",
    "raw",
    "target",
    "account",
    "post",
    "match_status",
    "match_reason",
    "place",
    "suggested_account",
    "review_state",
    "decision_reason",
)


@dataclass(frozen=True)
class ImportResult:
    demand: Demand
    order: ParsedOrder
    counts: dict[str, int]


def check_demand_fields(*, authority_name: str, country: str, reference: str, kind: str) -> str:
    if not (authority_name or "").strip():
        raise InvalidInput("Name the authority that sent the order.")
    if not (reference or "").strip():
        raise InvalidInput("Give the authority's reference number for the order.")
    if kind not in DemandKind.values:
        raise InvalidInput(f"Unknown kind {kind!r}; choose one of {', '.join(DemandKind.values)}.")
    code = normalise_country(country)
    if not code:
        raise InvalidInput("Give the country of the order (an ISO code such as IN).")
    return code


def check_received_at(received_at: datetime | None) -> datetime:
    """When the order reached us (now if not given); a moment in the future is refused.

    A few minutes ahead are allowed for clock skew between the desk and the server.
    Naive times are taken as UTC.
    """
    now = timezone.now()
    if received_at is None:
        return now
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, UTC)
    if received_at > now + RECEIVED_AT_SKEW:
        raise InvalidInput(
            f"The order cannot have been received in the future ({received_at:%Y-%m-%d %H:%M} "
            f"UTC; it is now {now:%Y-%m-%d %H:%M} UTC). Check the date and time zone."
        )
    return received_at


def import_refusal(status: str | None) -> str | None:
    """Why nothing can be done on an order in ``status`` yet (None: its import is complete)."""
    if status == DemandStatus.IMPORTING:
        return (
            "This order is still being imported (or its import was interrupted); "
            "resume or discard the import first."
        )
    if status == DemandStatus.DISCARDED:
        return "The import of this order was discarded; import it again."
    return None


def check_imported(demand: Demand) -> None:
    """Refuse to act on an order whose import has not finished (or was discarded)."""
    status = Demand.objects.filter(id=demand.id).values_list("status", flat=True).first()
    refusal = import_refusal(status)
    if refusal is not None:
        raise InvalidInput(refusal)


def _write_items(demand: Demand, lines: Sequence[ResolvedLine]) -> None:
    """Insert items with one prepared statement (the ORM's per-object cost dominates otherwise).

    A line already written (two resumes at once) is left alone: (demand, line) is unique.
    """
    if not lines:
        return
    meta = DemandItem._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _ITEM_FIELDS)
    placeholders = ", ".join(["%s"] * len(_ITEM_FIELDS))
    pending = ReviewState.PENDING
    rows = [
        (
            demand.id,
            r.line.line_number,
            r.line.raw,
            r.line.target,
            r.account_id,
            r.post_id,
            r.status,
            r.reason[:300],
            (r.line.place or f"line {r.line.line_number}")[:64],
            r.suggested_account_id,
            pending,
            "",
        )
        for r in lines
    ]
    # Table and column names come from the model, never from input.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) ON CONFLICT DO NOTHING"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _chunk_event(demand: Demand, lines: Sequence[ResolvedLine], acting_user: Account) -> EventSpec:
    return EventSpec(
        "legal.import.items",
        acting_user.id,
        "demand",
        str(demand.id),
        {
            "first_line": lines[0].line.line_number,
            "last_line": lines[-1].line.line_number,
            "items": len(lines),
        },
    )


def _item_counts(demand: Demand) -> dict[str, int]:
    return dict(
        DemandItem.objects.filter(demand=demand)
        .values_list("match_status")
        .annotate(n=Count("id"))
        .order_by()
    )


def _import_event(
    demand: Demand, order: ParsedOrder, counts: dict[str, int], acting_user: Account
) -> EventSpec:
    return EventSpec(
        "legal.import",
        acting_user.id,
        "demand",
        str(demand.id),
        {
            "authority": demand.authority.name,
            "reference": demand.reference,
            "country": demand.country,
            "kind": demand.kind,
            "file_sha256": hashlib.sha256(bytes(demand.original_bytes)).hexdigest(),
            "items": sum(counts.values()),
            "blank_lines": len(order.blank_lines),
            "counts": counts,
        },
    )


def _write_chunks(
    demand: Demand, chunks: Sequence[Sequence[ResolvedLine]], acting_user: Account
) -> None:
    yield_lock = connection.vendor == "sqlite" and not connection.in_atomic_block
    for chunk in chunks:
        with transaction.atomic():
            _write_items(demand, chunk)
            record_events([_chunk_event(demand, chunk, acting_user)])
        if yield_lock:
            time.sleep(SQLITE_PAUSE_SECONDS)


@transaction.atomic
def _finish_import(demand: Demand, order: ParsedOrder, *, acting_user: Account) -> dict[str, int]:
    """The last step of a chunked import: every line is there, the demand becomes received."""
    counts = _item_counts(demand)
    if sum(counts.values()) != len(order.lines):
        raise InvalidInput(
            f"The order has {len(order.lines)} lines but {sum(counts.values())} items were "
            "written; resume the import."
        )
    finished = Demand.objects.filter(id=demand.id, status=DemandStatus.IMPORTING).update(
        status=DemandStatus.RECEIVED
    )
    if not finished:
        raise InvalidInput("This import was already finished or discarded.")
    demand.status = DemandStatus.RECEIVED
    record_events([_import_event(demand, order, counts, acting_user)])
    return counts


def _chunks(lines: Sequence[ResolvedLine]) -> list[Sequence[ResolvedLine]]:
    return [lines[i : i + IMPORT_CHUNK_LINES] for i in range(0, len(lines), IMPORT_CHUNK_LINES)]


def do_import_demand(
    data: bytes | str,
    *,
    authority_name: str,
    country: str,
    reference: str,
    legal_basis: str = "",
    legal_basis_code: str = "",
    kind: str = DemandKind.ORDER,
    authority_kind: str = AuthorityKind.MINISTRY,
    received_at: datetime | None = None,
    confidential: bool | None = None,
    filename: str = "",
    content_type: str = "",
    column: str | int | None = None,
    acting_user: Account,
) -> ImportResult:
    """A new demand with one item per line of ``data``, kept verbatim; nothing is created if unreadable.

    Up to ``IMPORT_CHUNK_LINES`` lines: one transaction. More: see the module
    docstring (status ``importing`` until the last chunk commits). ``confidential``
    None means the rule pack's default (India's orders are confidential, Rule 16).
    """
    check_desk_access(acting_user)
    return import_demand_unchecked(
        data,
        authority_name=authority_name,
        country=country,
        reference=reference,
        legal_basis=legal_basis,
        legal_basis_code=legal_basis_code,
        kind=kind,
        authority_kind=authority_kind,
        received_at=received_at,
        confidential=confidential,
        filename=filename,
        content_type=content_type,
        column=column,
        acting_user=acting_user,
    )


def import_demand_unchecked(
    data: bytes | str,
    *,
    authority_name: str,
    country: str,
    reference: str,
    legal_basis: str = "",
    legal_basis_code: str = "",
    kind: str = DemandKind.ORDER,
    authority_kind: str = AuthorityKind.MINISTRY,
    received_at: datetime | None = None,
    confidential: bool | None = None,
    filename: str = "",
    content_type: str = "",
    column: str | int | None = None,
    acting_user: Account,
) -> ImportResult:
    """``do_import_demand`` without its desk check: for actions that make their own
    (``portal.do_submit_order`` lets an authority's member submit its own orders)."""
    code = check_demand_fields(
        authority_name=authority_name, country=country, reference=reference, kind=kind
    )
    if authority_kind not in AuthorityKind.values:
        raise InvalidInput(f"Unknown authority kind {authority_kind!r}.")
    received_at = check_received_at(received_at)
    order = parse_order(
        data, own_domain=settings.DOMAIN, aliases=settings.TIDINGS_DOMAIN_ALIASES, column=column
    )
    resolved = resolve_targets(order.lines)
    original = data.encode("utf-8") if isinstance(data, str) else data
    pack = pack_for(code, legal_basis_code.strip())
    if confidential is None:
        confidential = confidential_by_default(pack)
    chunks = _chunks(resolved)
    in_one = len(chunks) <= 1
    with transaction.atomic():
        authority, authority_created = Authority.objects.get_or_create(
            name=authority_name.strip(), country=code, defaults={"kind": authority_kind}
        )
        demand = Demand(
            authority=authority,
            reference=reference.strip(),
            country=code,
            legal_basis=legal_basis.strip(),
            legal_basis_code=legal_basis_code.strip(),
            kind=kind,
            received_at=received_at,
            due_at=due_at(code, received_at, legal_basis_code.strip()),
            rule_pack=pack.code,
            confidential=confidential,
            status=DemandStatus.RECEIVED if in_one else DemandStatus.IMPORTING,
            original_filename=filename[:255],
            original_content_type=content_type[:100],
            original_bytes=original,
            created_by=acting_user,
        )
        demand.save(force_insert=True)
        events = []
        if authority_created:
            events.append(
                EventSpec(
                    "legal.authority.create",
                    acting_user.id,
                    "authority",
                    str(authority.id),
                    {"name": authority.name, "country": code},
                )
            )
        if in_one:
            _write_items(demand, resolved)
            counts = _item_counts(demand)
            events.append(_import_event(demand, order, counts, acting_user))
        else:
            events.append(
                EventSpec(
                    "legal.import.start",
                    acting_user.id,
                    "demand",
                    str(demand.id),
                    {
                        "file_sha256": hashlib.sha256(original).hexdigest(),
                        "lines": len(resolved),
                        # A document's sheets each find their own column: resume as asked.
                        "column": column
                        if order.encoding in ("xlsx", "pdf")
                        else order.column_used,
                        "pasted": isinstance(data, str),
                    },
                )
            )
        record_events(events)
    if not in_one:
        _write_chunks(demand, chunks, acting_user)
        counts = _finish_import(demand, order, acting_user=acting_user)
    return ImportResult(demand, order, counts)


def _started(demand: Demand) -> dict:
    event = (
        AuditEvent.objects.filter(
            action="legal.import.start", subject_type="demand", subject_id=str(demand.id)
        )
        .order_by("seq")
        .first()
    )
    if event is None:
        raise InvalidInput("This order was imported in one piece; there is nothing to resume.")
    return event.data


def check_importing(demand: Demand) -> Demand:
    demand = Demand.objects.select_related("authority").get(id=demand.id)
    if demand.status != DemandStatus.IMPORTING:
        raise InvalidInput(f"This order is {demand.get_status_display().lower()}, not importing.")
    return demand


def do_resume_import(demand: Demand, *, acting_user: Account) -> ImportResult:
    """Write the lines an interrupted import did not, from the original file, and finish it.

    Lines already written are left as they are; the rest are resolved now.
    """
    check_desk_access(acting_user)
    demand = check_importing(demand)
    started = _started(demand)
    original = bytes(demand.original_bytes)
    data: bytes | str = original.decode("utf-8") if started.get("pasted") else original
    order = parse_order(
        data,
        own_domain=settings.DOMAIN,
        aliases=settings.TIDINGS_DOMAIN_ALIASES,
        column=started.get("column"),
    )
    written = set(DemandItem.objects.filter(demand=demand).values_list("line_number", flat=True))
    missing = [line for line in order.lines if line.line_number not in written]
    _write_chunks(demand, _chunks(resolve_targets(missing)), acting_user)
    counts = _finish_import(demand, order, acting_user=acting_user)
    return ImportResult(demand, order, counts)


@transaction.atomic
def do_discard_import(demand: Demand, *, reason: str, acting_user: Account) -> Demand:
    """Give up an interrupted import: the demand is marked discarded; nothing is deleted."""
    check_desk_access(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("A reason is required to discard an import.")
    demand = check_importing(demand)
    Demand.objects.filter(id=demand.id).update(status=DemandStatus.DISCARDED)
    demand.status = DemandStatus.DISCARDED
    record_events(
        [
            EventSpec(
                "legal.import.discard",
                acting_user.id,
                "demand",
                str(demand.id),
                {
                    "reason": reason,
                    "items_written": DemandItem.objects.filter(demand=demand).count(),
                },
            )
        ]
    )
    return demand
