"""User reports and what moderators do about them: the report queue and the notices it sends.

A report names one account and, optionally, some of that account's posts.
Its status moves ``open → assigned → resolved | dismissed`` (and back to
``open`` when reopened); only the ``do_*`` actions of
``tidings.social.actions.moderation`` move it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from tidings.lib.snowflake import new_snowflake
from tidings.social.models import Account, Post

REPORT_COMMENT_MAX_LENGTH = 1000
#: Open (or assigned) reports one reporter may have about one account at a time.
OPEN_REPORTS_PER_TARGET = 3
#: Posts one report may name.
REPORT_MAX_POSTS = 20


class ReportCategory(models.TextChoices):
    SPAM = "spam", "Spam"
    LEGAL = "legal", "Illegal content"
    VIOLATION = "violation", "Breaks the rules"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    ASSIGNED = "assigned", "Assigned"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


#: Statuses in which a report still waits for a moderator.
PENDING_STATUSES = (ReportStatus.OPEN, ReportStatus.ASSIGNED)


class ModerationAction(models.TextChoices):
    NONE = "", "None"
    WARN = "warn", "Warning"
    LIMIT = "limit", "Limited"
    SUSPEND = "suspend", "Suspension"
    DELETE_POST = "delete_post", "Post deleted"


class Report(models.Model):
    """One user's report about an account (and some of its posts)."""

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    reporter = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="reports_against")
    posts = models.ManyToManyField(Post, blank=True, related_name="+")
    category = models.CharField(
        max_length=16, choices=ReportCategory.choices, default=ReportCategory.OTHER
    )
    comment = models.TextField(max_length=REPORT_COMMENT_MAX_LENGTH, blank=True)
    forward = models.BooleanField(default=False)
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    assignee = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action_taken = models.CharField(
        max_length=16, choices=ModerationAction.choices, blank=True, default=""
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: The draft demand the legal desk made of this report (a ``legal.Demand`` id).
    demand_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-id"], name="report_status_id"),
            models.Index(fields=["reporter", "target", "status"], name="report_reporter_target"),
        ]

    def __str__(self) -> str:
        return f"Report {self.id} about @{self.target_id}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES


class ModerationNotice(models.Model):
    """What a moderator did, told to the account it was done to (in-app and by e-mail).

    Delivered by a queued task enqueued in the acting transaction; each step is
    recorded (``notified_at``, ``emailed_at``) so a retry delivers nothing twice.
    """

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    recipient = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    action = models.CharField(max_length=16, choices=ModerationAction.choices)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    #: The post a ``delete_post`` notice is about (its tombstone stays, so this survives).
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    #: Set when an appeal against this action was approved: it no longer counts against the account.
    overturned_at = models.DateTimeField(null=True, blank=True)

    @property
    def reference(self) -> str:
        return f"M-{self.id}"


#: Appeal text, like the legal desk's.
APPEAL_TEXT_MAX_LENGTH = 2000
#: A moderator's reason for deciding an appeal.
APPEAL_REASON_MAX_LENGTH = 2000


class ModerationAppealStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ModerationAppeal(models.Model):
    """The account a moderation action was done to contests it: once per action (notice).

    Its status moves ``pending → approved | rejected`` once, only through the
    ``do_*`` actions of ``tidings.social.actions.moderation_appeals``. Decided by
    moderators, never by the legal desk (legal appeals are ``legal.Appeal``).
    The decision's delivery to the appellant is recorded (``notified_at``,
    ``emailed_at``) so a retried task delivers nothing twice.
    """

    id = models.BigIntegerField(primary_key=True, default=new_snowflake, editable=False)
    notice = models.OneToOneField(ModerationNotice, on_delete=models.PROTECT, related_name="appeal")
    appellant = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=APPEAL_TEXT_MAX_LENGTH)
    status = models.CharField(
        max_length=16,
        choices=ModerationAppealStatus.choices,
        default=ModerationAppealStatus.PENDING,
    )
    filed_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    #: What approving could not undo, told to the appellant (a removed post's erased text).
    reversal_note = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "filed_at"], name="modappeal_queue")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status=ModerationAppealStatus.PENDING, decided_at__isnull=True)
                    | (
                        ~models.Q(status=ModerationAppealStatus.PENDING)
                        & models.Q(decided_at__isnull=False)
                    )
                ),
                name="modappeal_decided_when_not_pending",
            )
        ]

    def __str__(self) -> str:
        return f"appeal {self.reference} of {self.notice.reference}"

    @property
    def reference(self) -> str:
        return f"MA-{self.id}"

    @property
    def is_pending(self) -> bool:
        return self.status == ModerationAppealStatus.PENDING
