"""Reads for appeals: whose content a withholding hides, which rules apply, what the owner is told.

An appeal is judged under the rule pack of the withholding's demand (or, for a
withholding made without a demand, of the country it applies in): that pack
gives the window to file, the clocks to acknowledge and decide, and the routes
beyond us (India's Grievance Appellate Committee, the EU's out-of-court bodies
and courts). Owners reach only their own withholdings (``access_own_*`` answer
``NotFound`` for anyone else's, so the refusal says nothing about them); desk
staff reach every appeal (``access_appeal``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from tidings.legal.clocks import Clock, ClockState, appeal_clocks, demand_pack
from tidings.legal.jurisdictions import DEFAULT, ExternalRoute, RulePack, pack_for
from tidings.legal.models import Appeal, AppealStatus, LegalNotice, NoticeKind, Withholding
from tidings.legal.roles import check_desk_access
from tidings.lib.countries import EVERYWHERE
from tidings.lib.errors import NotFound
from tidings.lib.ids import row_id
from tidings.social.models import Account

OPEN_STATUSES = (AppealStatus.FILED, AppealStatus.ACKNOWLEDGED)
QUEUE_PAGE_SIZE = 100


def owner_id(withholding: Withholding) -> int:
    """The account whose content ``withholding`` hides: the account, or the post's author."""
    if withholding.account_id:
        return withholding.account_id
    return withholding.post.author_id


def appeal_pack(withholding: Withholding) -> RulePack:
    """The pack of the withholding's demand; else of its one country; else ``DEFAULT``."""
    item = withholding.demand_item
    if item is not None:
        return demand_pack(item.demand)
    countries = [c for c in withholding.countries if c != EVERYWHERE]
    return pack_for(countries[0]) if len(countries) == 1 else DEFAULT


def is_live(withholding: Withholding, now: datetime) -> bool:
    """In force now: not lifted, not ended."""
    return withholding.lifted_at is None and (
        withholding.ends_at is None or withholding.ends_at > now
    )


def notice_moment(withholding: Withholding) -> datetime:
    """When the owner was told of the withholding (the first notice), or when it began."""
    moments = (
        LegalNotice.objects.filter(withholding=withholding, kind=NoticeKind.WITHHELD)
        .exclude(notified_at=None)
        .order_by("notified_at")
        .values_list("notified_at", flat=True)[:1]
    )
    return next(iter(moments), None) or withholding.starts_at


def window_closes_at(withholding: Withholding, pack: RulePack) -> datetime | None:
    """The end of the window for an appeal once the withholding is over (None: no limit)."""
    window = pack.appeal_window
    if window is None or window.within is None:
        return None
    return notice_moment(withholding) + window.within


def appeal_form_url(withholding: Withholding) -> str:
    """The absolute address of the form to appeal ``withholding`` (for notices and e-mail)."""
    path = reverse("web:appeal_new")
    return f"https://{settings.DOMAIN}{path}?withholding={withholding.id}"


def _days(delta: timedelta) -> str:
    days = delta.days
    return f"{days} day{'s' if days != 1 else ''}"


def _span(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hours" if hours < 48 else _days(delta)


def route_sentence(route: ExternalRoute) -> str:
    """E.g. "You may appeal to the Grievance Appellate Committee within 30 days of this
    decision: https://gac.gov.in/ (IT … Rules 2021, Rule 3A)."."""
    within = f" within {_days(route.within)} of this decision" if route.within else ""
    url = f": {route.url}" if route.url else ""
    source = route.source.split(":")[0]
    name = route.name
    if name.split(" ", 1)[0].lower() not in ("a", "an", "the"):
        name = f"the {name}"
    return f"You may appeal to {name}{within}{url} ({source})."


def routes_text(pack: RulePack) -> str:
    """Every route beyond us in ``pack``, one sentence each; "" when it names none."""
    return " ".join(route_sentence(r) for r in pack.external_routes)


def clock_promises(pack: RulePack) -> str:
    """What we promise about an appeal's clocks, e.g. "acknowledged within 24 hours and decided
    within 15 days (IT … Rules 2021, Rule 3(2))"."""
    parts = []
    for verb, rule in (("acknowledged", pack.appeal_acknowledge), ("decided", pack.appeal_decide)):
        if rule is not None and rule.within is not None:
            parts.append(f"{verb} within {_span(rule.within)}")
    if not parts:
        return ""
    rule = pack.appeal_decide or pack.appeal_acknowledge
    source = rule.source.split(":")[0] if rule is not None else ""
    return f"{' and '.join(parts)} ({source})"


def subject_text(withholding: Withholding) -> str:
    """ "your account @handle" or "your post of 11 February 2021 (id 123)"."""
    if withholding.account_id:
        return f"your account @{withholding.account.username}"
    return f"your post of {withholding.post.created_at:%d %B %Y} (id {withholding.post_id})"


# -- what the owner may appeal -----------------------------------------------------


def _withholdings() -> QuerySet[Withholding]:
    return Withholding.objects.select_related(
        "account", "post__author", "demand_item__demand__authority"
    )


def owned_withholdings(account: Account) -> QuerySet[Withholding]:
    """Every withholding of ``account`` or of a post it wrote, newest first."""
    return (
        _withholdings()
        .filter(Q(account_id=account.id) | Q(post__author_id=account.id))
        .order_by("-id")
    )


def appealable_withholdings(
    account: Account, *, post_id: int | None = None, now: datetime | None = None
) -> list[Withholding]:
    """The owner's withholdings an appeal may be filed on now (of ``post_id`` and its author's
    account, when given), newest first."""
    now = now or timezone.now()
    rows = owned_withholdings(account)
    if post_id is not None:
        rows = rows.filter(Q(post_id=post_id) | Q(account_id=account.id))
    found = []
    for withholding in rows[:200]:
        if is_live(withholding, now):
            found.append(withholding)
            continue
        closes = window_closes_at(withholding, appeal_pack(withholding))
        if closes is None or now <= closes:
            found.append(withholding)
    return found


def access_own_withholding(withholding_id: object, *, account: Account) -> Withholding:
    """The withholding if ``account`` owns its subject; ``NotFound`` for any other, or none."""
    number = row_id(withholding_id)
    withholding = _withholdings().filter(id=number).first() if number else None
    if withholding is None:
        raise NotFound("There is no such withholding of your content.")
    if owner_id(withholding) != account.id:
        raise NotFound("There is no such withholding of your content.")
    return withholding


def _appeals() -> QuerySet[Appeal]:
    return Appeal.objects.select_related(
        "appellant",
        "decided_by",
        "withholding__account",
        "withholding__post__author",
        "withholding__demand_item__demand__authority",
    )


def own_appeals(account: Account) -> list[Appeal]:
    """The appeals ``account`` filed, newest first."""
    return list(_appeals().filter(appellant_id=account.id).order_by("-filed_at", "-id")[:200])


def access_appeal(appeal_id: object, *, acting_user: Account | None) -> Appeal:
    """The appeal, for desk staff; ``NotPermitted`` for anyone else, ``NotFound`` if none."""
    check_desk_access(acting_user)
    number = row_id(appeal_id)
    appeal = _appeals().filter(id=number).first() if number else None
    if appeal is None:
        raise NotFound("There is no such appeal.")
    return appeal


# -- the queue -------------------------------------------------------------------------


@dataclass(frozen=True)
class AppealRow:
    appeal: Appeal
    pack: RulePack
    clocks: list[Clock]
    now: datetime

    @property
    def overdue(self) -> bool:
        return any(c.state(self.now) == ClockState.OVERDUE for c in self.clocks)

    @property
    def clock_views(self) -> list[dict[str, object]]:
        """Each clock as a template shows it: label, text, state, due moment, law or policy."""
        return [
            {
                "key": str(c.key),
                "label": c.label,
                "text": c.text(self.now),
                "state": str(c.state(self.now)),
                "overdue": c.state(self.now) == ClockState.OVERDUE,
                "due": c.local_text(c.due_at),
                "law": c.law,
                "source": c.rule.source,
            }
            for c in self.clocks
        ]


def appeal_row(appeal: Appeal, now: datetime | None = None) -> AppealRow:
    pack = appeal_pack(appeal.withholding)
    return AppealRow(appeal, pack, appeal_clocks(appeal, pack), now or timezone.now())


def appeal_queue(
    *, acting_user: Account | None, open_only: bool = True, now: datetime | None = None
) -> list[AppealRow]:
    """Appeals for desk staff, oldest filed first (open ones only, unless asked), with clocks."""
    check_desk_access(acting_user)
    rows = _appeals().order_by("filed_at", "id")
    if open_only:
        rows = rows.filter(status__in=OPEN_STATUSES)
    now = now or timezone.now()
    return [appeal_row(a, now) for a in rows[:QUEUE_PAGE_SIZE]]
