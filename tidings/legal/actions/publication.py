"""Publishing a confidential order's details on its public notice before its delay runs out."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from tidings.audit.chain import EventSpec, record_events
from tidings.legal.models import Demand
from tidings.legal.roles import check_desk_admin
from tidings.legal.withheld import bump_version
from tidings.lib.errors import InvalidInput
from tidings.lib.locks import lock_legal_state
from tidings.social.models import Account


def publish_refusal(demand: Demand) -> str | None:
    """Why ``demand``'s details cannot be published (None: it is confidential and unpublished)."""
    if not demand.confidential:
        return "This order is not confidential; its notice is already public."
    if demand.published_at is not None:
        return "The details of this order were already published."
    return None


@transaction.atomic
def do_publish_demand(demand: Demand, *, acting_user: Account) -> Demand:
    """A legal admin publishes a confidential order's reference, legal basis and named targets.

    Until then (or until ``TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS`` after receipt) its
    public notice says only who asked, where, when and what was done, in counts.
    Publishing is final: what the public has read cannot be taken back. The banners and
    451 pages of its withholdings show the full legal basis from the next request on.
    """
    check_desk_admin(acting_user, "publish a confidential order")
    # Lock order (tidings/lib/locks.py): the legal state, the demand's row, the audit chain head.
    lock_legal_state()
    locked = Demand.objects.select_for_update().get(id=demand.id)
    refusal = publish_refusal(locked)
    if refusal is not None:
        raise InvalidInput(refusal)
    locked.published_at, locked.published_by = timezone.now(), acting_user
    locked.save(update_fields=["published_at", "published_by"])
    bump_version()  # every process reloads the withheld index, which carries published_at
    record_events([EventSpec("legal.publish", acting_user.id, "demand", str(locked.id), {})])
    demand.published_at, demand.published_by = locked.published_at, acting_user
    return locked
