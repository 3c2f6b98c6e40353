"""The authority portal's writes: binding an account to its authority, and orders it submits.

An ``authority`` account speaks for exactly one Authority (``AuthorityMember``)
and holds no other permission. What it submits is taken in by the same intake
machinery as the desk's, with the authority and country fixed to its own, so a
member can never file an order in another authority's name or country.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.actions.correspondence import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_MAX,
    MB,
    NewAttachment,
    do_record_correspondence,
)
from tidings.legal.actions.intake import ImportResult, import_demand_unchecked
from tidings.legal.models import (
    Authority,
    AuthorityKind,
    AuthorityMember,
    Channel,
    Correspondence,
    CorrespondenceKind,
    Demand,
    DemandKind,
    Direction,
)
from tidings.legal.roles import authority_of, check_desk_admin
from tidings.lib.countries import normalise_country
from tidings.lib.errors import InvalidInput, NotFound, NotPermitted
from tidings.social.models import Account, Role
from tidings.social.roles import Permission, check_permission

#: Roles an account may have before it becomes an authority's member: never a staff role,
#: so a legal admin cannot turn a colleague (or an admin) into an outsider by mistake.
MEMBER_FROM_ROLES = frozenset({Role.USER, Role.AUTHORITY})


def check_authority_fields(name: str, country: str, kind: str) -> tuple[str, str]:
    """(name, ISO code) of an authority to find or create, or ``InvalidInput``."""
    name = (name or "").replace("\x00", "").strip()
    if not name:
        raise InvalidInput("Name the authority.")
    if len(name) > 200:
        raise InvalidInput("An authority's name is at most 200 characters.")
    code = normalise_country(country)
    if not code:
        raise InvalidInput("Give the authority's country (an ISO code such as IN).")
    if kind not in AuthorityKind.values:
        raise InvalidInput(
            f"Unknown authority kind {kind!r}; choose one of {', '.join(AuthorityKind.values)}."
        )
    return name, code


@transaction.atomic
def do_find_or_create_authority(
    name: str, *, country: str, kind: str = AuthorityKind.OTHER, acting_user: Account | None
) -> tuple[Authority, bool]:
    """The authority named ``name`` in ``country``, created (and audited) if new.

    Legal admins only; ``acting_user=None`` is the server itself (command line).
    """
    if acting_user is not None:
        check_desk_admin(acting_user, "register an authority")
    name, code = check_authority_fields(name, country, kind)
    authority, created = Authority.objects.get_or_create(
        name=name, country=code, defaults={"kind": kind}
    )
    if created:
        record_events(
            [
                EventSpec(
                    "legal.authority.create",
                    acting_user.id if acting_user else None,
                    "authority",
                    str(authority.id),
                    {"name": authority.name, "country": code},
                )
            ]
        )
    return authority, created


@transaction.atomic
def do_add_authority_member(
    account: Account, authority: Authority, *, acting_user: Account | None
) -> AuthorityMember:
    """Make ``account`` speak for ``authority``: its role becomes ``authority`` and nothing else.

    Legal admins and admins only (``acting_user=None``: the command line). Only an
    ordinary account can become a member, and of one authority only; being made a
    member of the authority it already speaks for is refused as a no-op.
    """
    if acting_user is not None:
        check_desk_admin(acting_user, "add an authority's member")
        if acting_user.id == account.id:
            raise NotPermitted("You cannot make yourself an authority's member.")
    # Lock order (tidings/lib/locks.py): the account's row (step 3), the chain head last.
    account = Account.objects.select_for_update().get(id=account.id)
    if account.role not in MEMBER_FROM_ROLES:
        raise InvalidInput(
            f"@{account.username} has the role {account.get_role_display().lower()}; "
            "only an ordinary account can speak for an authority."
        )
    existing = AuthorityMember.objects.filter(account=account).select_related("authority").first()
    if existing is not None:
        if existing.authority_id == authority.id:
            raise InvalidInput(f"@{account.username} already speaks for {authority.name}.")
        raise InvalidInput(
            f"@{account.username} already speaks for {existing.authority}; "
            "an account speaks for one authority only."
        )
    old_role = account.role
    account.role = Role.AUTHORITY
    account.is_staff = account.is_superuser = False
    account.save(update_fields=["role", "is_staff", "is_superuser"])
    member = AuthorityMember.objects.create(account=account, authority=authority)
    record_events(
        [
            EventSpec(
                "legal.authority.member",
                acting_user.id if acting_user else None,
                "account",
                str(account.id),
                {
                    "authority": authority.id,
                    "authority_name": authority.name,
                    "country": authority.country,
                    "from_role": old_role,
                },
            )
        ]
    )
    return member


def check_portal_member(account: Account | None) -> Authority:
    """The Authority ``account`` speaks for; ``NotPermitted`` for anyone else."""
    check_permission(account, Permission.USE_AUTHORITY_PORTAL)
    authority = authority_of(account)
    if authority is None:
        raise NotPermitted("Your account is not bound to an authority yet; ask the platform.")
    return authority


def _text(value: str, limit: int, what: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if len(value) > limit:
        raise InvalidInput(f"The {what} is {len(value):,} characters; at most {limit:,}.")
    return value


@dataclass(frozen=True)
class SubmittedOrder:
    result: ImportResult
    message_id: int


#: Kinds of order an authority may submit itself (all of them: emergency orders included).
PORTAL_KINDS = tuple(DemandKind.values)


def do_submit_order(
    data: bytes | str,
    *,
    reference: str,
    legal_basis: str = "",
    legal_basis_code: str = "",
    kind: str = DemandKind.ORDER,
    confidential: bool | None = None,
    filename: str = "",
    content_type: str = "",
    column: str | int | None = None,
    acting_user: Account,
) -> SubmittedOrder:
    """An order from ``acting_user``'s own authority, in its country, received now.

    Taken in exactly as the desk takes orders in (every line kept; ``legal.import``
    with the member as actor), then recorded in the demand's thread as an inbound
    ``order`` through the ``portal``. Like the import it is written in chunks, so the
    thread's message is written once the order is in (an order is never lost for it).
    """
    authority = check_portal_member(acting_user)
    if kind not in PORTAL_KINDS:
        raise InvalidInput(f"Unknown kind {kind!r}; choose one of {', '.join(PORTAL_KINDS)}.")
    reference = _text(reference, 200, "reference")
    legal_basis = _text(legal_basis, 10_000, "legal basis")
    legal_basis_code = _text(legal_basis_code, 64, "legal basis code")
    result = import_demand_unchecked(
        data,
        authority_name=authority.name,
        country=authority.country,
        authority_kind=authority.kind,
        reference=reference,
        legal_basis=legal_basis,
        legal_basis_code=legal_basis_code,
        kind=kind,
        received_at=timezone.now(),
        confidential=confidential,
        filename=filename,
        content_type=content_type,
        column=column,
        acting_user=acting_user,
    )
    demand = result.demand
    lines = len(result.order.lines)
    message = do_record_correspondence(
        demand,
        direction=Direction.INBOUND,
        kind=CorrespondenceKind.ORDER,
        channel=Channel.PORTAL,
        subject=f"Order {demand.reference}"[:300],
        body=(
            f"{demand.get_kind_display()} {demand.reference} submitted through the portal"
            f"{' as ' + filename[:200] if filename else ''}: {lines} line{'s' if lines != 1 else ''}."
        ),
        received_at=demand.received_at,
        acting_user=acting_user,
    )
    return SubmittedOrder(result, message.id)


#: What an authority may tell us through the portal (our own kinds, such as an
#: acknowledgement or a status update, are the desk's to send).
PORTAL_MESSAGE_KINDS: tuple[str, ...] = (
    CorrespondenceKind.OTHER,
    CorrespondenceKind.CLARIFICATION_REQUEST,
    CorrespondenceKind.REPRESENTATION,
    CorrespondenceKind.HEARING_NOTICE,
    CorrespondenceKind.COMMITTEE_DECISION,
    CorrespondenceKind.NONCOMPLIANCE_NOTICE,
    CorrespondenceKind.WITHDRAWAL,
)


def do_send_portal_message(
    demand: Demand,
    *,
    kind: str = CorrespondenceKind.OTHER,
    subject: str = "",
    body: str = "",
    attachments: Sequence[NewAttachment] = (),
    hearing_at: datetime | None = None,
    acting_user: Account,
) -> Correspondence:
    """A member's message on its own demand: inbound, through the portal, received now.

    The demand must be one of its authority's (else ``NotFound``, as for a demand
    that does not exist). A plain message is recorded with ``legal.correspondence``;
    the messages that change the demand are carried out by their own actions: a
    non-compliance notice (its clock starts), a withdrawal (the withholdings are
    lifted) and a hearing notice (``hearing_at`` required).
    """
    from tidings.legal.actions.dialogue import (
        do_receive_noncompliance_notice,
        do_record_hearing_notice,
        do_withdraw_demand,
    )

    authority = check_portal_member(acting_user)
    if demand.authority_id != authority.id:
        raise NotFound("There is no such demand.")
    if kind not in PORTAL_MESSAGE_KINDS:
        raise InvalidInput(
            f"Unknown kind {kind!r}; choose one of {', '.join(PORTAL_MESSAGE_KINDS)}."
        )
    text = "\n\n".join(part for part in ((subject or "").strip(), (body or "").strip()) if part)
    if kind == CorrespondenceKind.NONCOMPLIANCE_NOTICE:
        return do_receive_noncompliance_notice(
            demand, body=text, attachments=attachments, acting_user=acting_user
        )
    if kind == CorrespondenceKind.WITHDRAWAL:
        return do_withdraw_demand(
            demand, body=text, attachments=attachments, acting_user=acting_user
        )
    if kind == CorrespondenceKind.HEARING_NOTICE:
        if hearing_at is None:
            raise InvalidInput("Give the date and time of the hearing.")
        return do_record_hearing_notice(
            demand,
            hearing_at=hearing_at,
            body=text,
            attachments=attachments,
            acting_user=acting_user,
        )
    return do_record_correspondence(
        demand,
        direction=Direction.INBOUND,
        kind=kind,
        channel=Channel.PORTAL,
        subject=subject,
        body=body,
        attachments=attachments,
        acting_user=acting_user,
    )


def attachments_from_uploads(uploads: Sequence[Any]) -> list[NewAttachment]:
    """Uploaded files (``.name``, ``.size``, ``.read()``) as attachments; an oversized or
    surplus file is refused before it is read into memory."""
    if len(uploads) > ATTACHMENTS_MAX:
        raise InvalidInput(f"At most {ATTACHMENTS_MAX} attachments per message.")
    found = []
    for upload in uploads:
        name = (upload.name or "attachment")[:255]
        if (upload.size or 0) > ATTACHMENT_MAX_BYTES:
            raise InvalidInput(
                f"{name[:80]} is {upload.size / MB:.1f} MB; "
                f"attachments may be at most {ATTACHMENT_MAX_BYTES // MB} MB."
            )
        found.append(NewAttachment(name, upload.read()))
    return found
