"""Authorities, their demands, each line of a demand, and the withholdings decided on them.

Legal actions never delete: a withholding hides its subject in some countries
until it is lifted or its ``ends_at`` passes; both stay on record. Legal
records are never deleted either: every foreign key from a legal record is
``PROTECT`` (an account or post a record points at cannot be deleted; a post
its author deletes becomes a tombstone instead), and a withholding keeps a
snapshot of its subject as it was when decided (handle, post id, URL, text hash).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from tidings.lib.snowflake import new_snowflake


class AuthorityKind(models.TextChoices):
    MINISTRY = "ministry", "Ministry"
    COURT = "court", "Court"
    POLICE = "police", "Police"
    REGULATOR = "regulator", "Regulator"
    OTHER = "other", "Other"


class Authority(models.Model):
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    kind = models.CharField(
        max_length=16, choices=AuthorityKind.choices, default=AuthorityKind.OTHER
    )
    contact = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "country"], name="authority_name_country")
        ]
        verbose_name_plural = "authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class DemandKind(models.TextChoices):
    ORDER = "order", "Order"
    EMERGENCY_ORDER = "emergency_order", "Emergency order"
    COURT_ORDER = "court_order", "Court order"


class DemandStatus(models.TextChoices):
    #: A large order is written in chunks; until the last one commits it is visibly incomplete.
    IMPORTING = "importing", "Importing"
    #: An import that never finished and that staff chose not to resume (its rows are kept).
    DISCARDED = "discarded", "Import discarded"
    RECEIVED = "received", "Received"
    IN_REVIEW = "in_review", "In review"
    ACTIONED = "actioned", "Actioned"
    CLOSED = "closed", "Closed"
    #: The authority says we have not complied; stays until we answer it (``noncompliance_answered_at``).
    NONCOMPLIANCE_NOTICE = "noncompliance_notice", "Non-compliance notice"
    #: The authority withdrew the order; its withholdings were lifted ("order withdrawn"). Final.
    WITHDRAWN = "withdrawn", "Withdrawn"


class Demand(models.Model):
    """One order from an authority, with the original file kept byte for byte."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="demands")
    reference = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    legal_basis = models.TextField(blank=True)
    legal_basis_code = models.CharField(max_length=64, blank=True)
    kind = models.CharField(max_length=20, choices=DemandKind.choices, default=DemandKind.ORDER)
    received_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    confidential = models.BooleanField(default=False)
    status = models.CharField(
        max_length=24, choices=DemandStatus.choices, default=DemandStatus.RECEIVED
    )
    #: ``jurisdictions.RulePack.code`` chosen at intake from country and legal basis.
    rule_pack = models.CharField(max_length=32, blank=True)
    #: Clocks' "met at" moments (see ``legal.clocks``).
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    #: When no matched item was left pending or escalated (first time).
    actioned_at = models.DateTimeField(null=True, blank=True)
    #: When a status update telling the authority the effect given was sent.
    authority_informed_at = models.DateTimeField(null=True, blank=True)
    noncompliance_received_at = models.DateTimeField(null=True, blank=True)
    noncompliance_answered_at = models.DateTimeField(null=True, blank=True)
    #: A hearing the authority has called (Blocking Rules 2009, Rule 8), if any.
    hearing_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    original_filename = models.CharField(max_length=255, blank=True)
    original_content_type = models.CharField(max_length=100, blank=True)
    original_bytes = models.BinaryField(blank=True, default=b"")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notices_released_at = models.DateTimeField(null=True, blank=True)
    #: When a legal admin published a confidential order's details before its publication
    #: delay ran out (``do_publish_demand``); see ``transparency.redaction``.
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "due_at"], name="demand_status_due"),
            models.Index(fields=["received_at"], name="demand_received"),
        ]

    def __str__(self) -> str:
        return f"{self.authority.name} {self.reference}"


class MatchStatus(models.TextChoices):
    MATCHED = "matched", "Matched"
    UNKNOWN = "unknown", "Unknown"
    INVALID = "invalid", "Invalid"
    DUPLICATE = "duplicate", "Duplicate"


class ReviewState(models.TextChoices):
    PENDING = "pending", "Pending"
    WITHHELD = "withheld", "Withheld"
    DECLINED = "declined", "Declined"
    ESCALATED = "escalated", "Escalated"
    LIFTED = "lifted", "Lifted"


#: The only moves an item's review state may make (see ``states.move_items``).
REVIEW_TRANSITIONS: dict[str, frozenset[str]] = {
    ReviewState.PENDING: frozenset(
        {ReviewState.WITHHELD, ReviewState.DECLINED, ReviewState.ESCALATED}
    ),
    ReviewState.ESCALATED: frozenset({ReviewState.WITHHELD, ReviewState.DECLINED}),
    ReviewState.WITHHELD: frozenset({ReviewState.LIFTED}),
    ReviewState.DECLINED: frozenset(),
    ReviewState.LIFTED: frozenset({ReviewState.WITHHELD}),
}


class DemandItem(models.Model):
    """One line of a demand: the raw text exactly as received and what it resolved to."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="items")
    line_number = models.PositiveIntegerField()
    raw = models.TextField()
    target = models.TextField(blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        "social.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    match_status = models.CharField(max_length=16, choices=MatchStatus.choices)
    match_reason = models.CharField(max_length=300, blank=True)
    #: Where in the original file the line was found: "line 12", "row 7", "page 2, line 14".
    place = models.CharField(max_length=64, blank=True)
    #: A local account offered to the reviewer for an unknown line (e.g. the namesake of a
    #: handle on another server); it becomes ``account`` only when a reviewer accepts it.
    suggested_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    decision_reason = models.TextField(blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["demand", "line_number"], name="demanditem_line")
        ]
        indexes = [
            models.Index(fields=["demand", "match_status", "review_state"], name="demanditem_state")
        ]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.raw[:60]}"


class WithholdingQuerySet(models.QuerySet["Withholding"]):
    def active_at(self, moment) -> WithholdingQuerySet:
        """In force at ``moment``: started, not lifted, and not yet ended (the clock is the filter)."""
        return self.filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=moment),
            starts_at__lte=moment,
            lifted_at__isnull=True,
        )


class Withholding(models.Model):
    """A subject (account or post) hidden in ``countries`` (``XX`` = everywhere) for a time."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey(
        "social.Post", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    snapshot = models.JSONField(
        default=dict,
        blank=True,
        help_text="The subject when decided: handle, post id, URL, SHA-256 of the text.",
    )
    countries = models.JSONField(help_text="ISO 3166-1 alpha-2 codes; XX means everywhere.")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    requested_ends_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The end the reviewer chose; differs from ends_at while an emergency order is unconfirmed.",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lift_reason = models.TextField(blank=True)
    end_announced_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When open streams were told the withholding ended by the clock (set once).",
    )
    demand_item = models.ForeignKey(
        DemandItem, null=True, blank=True, on_delete=models.PROTECT, related_name="withholdings"
    )
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = WithholdingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False, post__isnull=True)
                | Q(account__isnull=True, post__isnull=False),
                name="withholding_one_subject",
            )
        ]
        indexes = [
            models.Index(fields=["lifted_at", "ends_at"], name="withholding_active"),
            models.Index(
                fields=["ends_at"],
                name="withholding_end_unannounced",
                condition=Q(
                    end_announced_at__isnull=True, lifted_at__isnull=True, ends_at__isnull=False
                ),
            ),
        ]

    def __str__(self) -> str:
        subject = f"account {self.account_id}" if self.account_id else f"post {self.post_id}"
        return f"{subject} in {','.join(self.countries)}"

    @property
    def scope(self) -> str:
        return "account" if self.account_id else "status"


class WithheldSubject(models.Model):
    """One row per (withholding, country): the index that list queries probe per row.

    Derived from ``Withholding`` and kept by the same actions; it lets a list
    exclude withheld content with an indexed ``NOT EXISTS`` instead of a long
    ``NOT IN`` when many subjects are withheld.
    """

    withholding = models.ForeignKey(Withholding, on_delete=models.PROTECT, related_name="+")
    country = models.CharField(max_length=2)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    post = models.ForeignKey("social.Post", null=True, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True)
    lifted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["account", "country"], name="withheldsubject_account"),
            models.Index(fields=["post", "country"], name="withheldsubject_post"),
        ]


class LegalStateVersion(models.Model):
    """A single row whose value changes (at random) with every change to withholdings."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)


class NoticeKind(models.TextChoices):
    WITHHELD = "withheld", "Withheld"
    REINSTATED = "reinstated", "Reinstated"
    #: About an appeal: its receipt, acknowledgement and decision.
    APPEAL = "appeal", "Appeal"


class LegalNotice(models.Model):
    """What we tell the owner of withheld content; held back while its demand is confidential."""

    withholding = models.ForeignKey(Withholding, on_delete=models.PROTECT, related_name="notices")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legal_notices"
    )
    kind = models.CharField(max_length=16, choices=NoticeKind.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    #: When the in-app notification was created, and when the e-mail went out
    #: (each at most once); ``sent_at`` once both are done.
    notified_at = models.DateTimeField(null=True, blank=True)
    #: Set by the worker sending the e-mail (a lease), so no other sends it meanwhile.
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at"], name="legalnotice_pending")]

    def __str__(self) -> str:
        return f"{self.kind} notice to {self.recipient_id}"


class LegalHold(models.Model):
    """Content its author deleted while it was the subject of a demand, preserved by law.

    The post stays a tombstone with its text until ``ends_at``; only legal
    staff can read it. Purging (``do_purge_ended_holds``) blanks the text and
    keeps the tombstone, its SHA-256 and this record.
    """

    post = models.ForeignKey("social.Post", on_delete=models.PROTECT, related_name="+")
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="holds")
    country = models.CharField(max_length=2)
    source = models.CharField(max_length=200, help_text="The rule that requires preservation.")
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "demand"], name="legalhold_post_demand")
        ]
        indexes = [models.Index(fields=["purged_at", "ends_at"], name="legalhold_due")]

    def __str__(self) -> str:
        return f"hold on post {self.post_id} until {self.ends_at:%Y-%m-%d}"


class Direction(models.TextChoices):
    INBOUND = "inbound", "From the authority"
    OUTBOUND = "outbound", "To the authority"


class CorrespondenceKind(models.TextChoices):
    ORDER = "order", "Order"
    ACKNOWLEDGEMENT = "acknowledgement", "Acknowledgement of receipt"
    CLARIFICATION_REQUEST = "clarification_request", "Request for clarification"
    REPRESENTATION = "representation", "Representation / objection"
    HEARING_NOTICE = "hearing_notice", "Hearing notice"
    COMMITTEE_DECISION = "committee_decision", "Committee decision"
    NONCOMPLIANCE_NOTICE = "noncompliance_notice", "Non-compliance notice"
    NONCOMPLIANCE_RESPONSE = "noncompliance_response", "Response to a non-compliance notice"
    STATUS_UPDATE = "status_update", "Status update"
    WITHDRAWAL = "withdrawal", "Withdrawal"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "E-mail"
    LETTER = "letter", "Letter"
    HAND_DELIVERY = "hand_delivery", "Hand delivery"


class Correspondence(models.Model):
    """One message in a demand's thread with its authority, inbound or outbound.

    Never edited or deleted. ``document_html`` is a generated document
    (acknowledgement, status update, response) as sent; its PDF is an attachment.
    """

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="correspondence")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    kind = models.CharField(max_length=24, choices=CorrespondenceKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    document_html = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["demand", "created_at"], name="correspondence_thread")]

    def __str__(self) -> str:
        return f"{self.direction} {self.kind} on demand {self.demand_id}"


class Attachment(models.Model):
    """A file of a message, stored verbatim with its SHA-256."""

    correspondence = models.ForeignKey(
        Correspondence, on_delete=models.PROTECT, related_name="attachments"
    )
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.filename


class AuthorityMember(models.Model):
    """Binds an account with role ``authority`` to the one Authority it speaks for."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="authority_membership"
    )
    authority = models.ForeignKey(Authority, on_delete=models.PROTECT, related_name="members")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.account_id} for {self.authority_id}"


class AppealStatus(models.TextChoices):
    FILED = "filed", "Filed"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    GRANTED = "granted", "Granted"
    REJECTED = "rejected", "Rejected"


class Appeal(models.Model):
    """An affected user contests a withholding; granted lifts it ("appeal granted")."""

    withholding = models.ForeignKey(Withholding, on_delete=models.PROTECT, related_name="appeals")
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="legal_appeals"
    )
    text = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=16, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    filed_at = models.DateTimeField(default=timezone.now)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "filed_at"], name="appeal_queue")]

    def __str__(self) -> str:
        return f"appeal {self.id} on withholding {self.withholding_id}"


class ClockReminder(models.Model):
    """A reminder sent for one clock of one demand or appeal, so none is sent twice."""

    #: "demand:<id>" or "appeal:<id>".
    subject = models.CharField(max_length=40)
    clock = models.CharField(max_length=32)
    kind = models.CharField(max_length=16, help_text="'soon' or 'overdue'")
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "clock", "kind", "due_at"], name="clockreminder_once"
            )
        ]
