"""Taking an order in: the one action behind the web upload, the admin API and the CLI."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.deadlines import due_at
from tidings.legal.intake import ParsedOrder, parse_order, resolve_targets
from tidings.legal.models import Authority, AuthorityKind, Demand, DemandItem, DemandKind
from tidings.legal.roles import check_desk_access
from tidings.lib.countries import normalise_country
from tidings.lib.errors import InvalidInput
from tidings.social.models import Account


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


@transaction.atomic
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
    confidential: bool = False,
    filename: str = "",
    content_type: str = "",
    column: str | int | None = None,
    acting_user: Account,
) -> ImportResult:
    """A new demand with one item per line of ``data``, kept verbatim; nothing is created if unreadable."""
    check_desk_access(acting_user)
    code = check_demand_fields(
        authority_name=authority_name, country=country, reference=reference, kind=kind
    )
    if authority_kind not in AuthorityKind.values:
        raise InvalidInput(f"Unknown authority kind {authority_kind!r}.")
    order = parse_order(data, own_domain=settings.DOMAIN, column=column)
    resolved = resolve_targets(order.lines)
    original = data.encode("utf-8") if isinstance(data, str) else data
    received_at = received_at or timezone.now()
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at, UTC)
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
        due_at=due_at(code, received_at),
        confidential=confidential,
        original_filename=filename[:255],
        original_content_type=content_type[:100],
        original_bytes=original,
        created_by=acting_user,
    )
    demand.save(force_insert=True)
    DemandItem.objects.bulk_create(
        [
            DemandItem(
                demand=demand,
                line_number=r.line.line_number,
                raw=r.line.raw,
                target=r.line.target,
                account_id=r.account_id,
                post_id=r.post_id,
                match_status=r.status,
                match_reason=r.reason[:300],
            )
            for r in resolved
        ],
        batch_size=1000,
    )
    counts: dict[str, int] = {}
    for r in resolved:
        counts[r.status] = counts.get(r.status, 0) + 1
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
    events.append(
        EventSpec(
            "legal.import",
            acting_user.id,
            "demand",
            str(demand.id),
            {
                "authority": authority.name,
                "reference": demand.reference,
                "country": code,
                "kind": kind,
                "file_sha256": hashlib.sha256(original).hexdigest(),
                "items": len(resolved),
                "blank_lines": len(order.blank_lines),
                "counts": counts,
            },
        )
    )
    record_events(events)
    return ImportResult(demand, order, counts)
