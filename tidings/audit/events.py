"""Every action name the audit log accepts.

``record_events`` refuses any other name, so a typo cannot slip a new, unchecked
kind of event into the record. A member compares equal to its string, so call
sites may pass either.
"""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    ACCOUNT_CREATE = "account.create"
    ACCOUNT_REGISTER = "account.register"
    ACCOUNT_CONFIRM_EMAIL = "account.confirm_email"
    ACCOUNT_APPROVE = "account.approve"
    ACCOUNT_UPDATE_PROFILE = "account.update_profile"
    ACCOUNT_SET_ROLE = "account.set_role"
    ACCOUNT_SUSPEND = "account.suspend"
    ACCOUNT_UNSUSPEND = "account.unsuspend"
    ACCOUNT_DELETE = "account.delete"
    ACCOUNT_FOLLOW = "account.follow"
    ACCOUNT_UNFOLLOW = "account.unfollow"
    ACCOUNT_FOLLOW_REQUEST = "account.follow_request"
    ACCOUNT_FOLLOW_REQUEST_AUTHORIZE = "account.follow_request.authorize"
    ACCOUNT_FOLLOW_REQUEST_REJECT = "account.follow_request.reject"
    ACCOUNT_FOLLOW_REQUEST_WITHDRAW = "account.follow_request.withdraw"
    ACCOUNT_BLOCK = "account.block"
    ACCOUNT_UNBLOCK = "account.unblock"
    ACCOUNT_MUTE = "account.mute"
    ACCOUNT_UNMUTE = "account.unmute"
    POST_CREATE = "post.create"
    POST_DELETE = "post.delete"
    POST_REPOST = "post.repost"
    POST_FAVOURITE = "post.favourite"
    POST_UNFAVOURITE = "post.unfavourite"
    POST_UPDATE = "post.update"
    POLL_CREATE = "poll.create"
    POLL_VOTE = "poll.vote"
    POLL_END = "poll.end"
    CONVERSATION_HIDE = "conversation.hide"
    CONVERSATION_READ = "conversation.read"
    POST_BOOKMARK = "post.bookmark"
    POST_UNBOOKMARK = "post.unbookmark"
    POST_PIN = "post.pin"
    POST_UNPIN = "post.unpin"
    LIST_CREATE = "list.create"
    LIST_UPDATE = "list.update"
    LIST_DELETE = "list.delete"
    LIST_ADD_ACCOUNTS = "list.add_accounts"
    LIST_REMOVE_ACCOUNTS = "list.remove_accounts"
    FILTER_CREATE = "filter.create"
    FILTER_UPDATE = "filter.update"
    FILTER_DELETE = "filter.delete"
    FILTER_KEYWORD_ADD = "filter.keyword.add"
    FILTER_KEYWORD_UPDATE = "filter.keyword.update"
    FILTER_KEYWORD_DELETE = "filter.keyword.delete"
    FILTER_STATUS_ADD = "filter.status.add"
    FILTER_STATUS_DELETE = "filter.status.delete"
    REPORT_FILE = "report.file"
    REPORT_ASSIGN = "report.assign"
    REPORT_UNASSIGN = "report.unassign"
    REPORT_RESOLVE = "report.resolve"
    REPORT_DISMISS = "report.dismiss"
    REPORT_REOPEN = "report.reopen"
    REPORT_TO_DEMAND = "report.to_demand"
    MODERATION_WARN = "moderation.warn"
    MODERATION_DELETE_POST = "moderation.delete_post"
    MODERATION_LIMIT = "moderation.limit"
    MODERATION_UNLIMIT = "moderation.unlimit"
    MODERATION_APPEAL_FILE = "moderation.appeal.file"
    MODERATION_APPEAL_APPROVE = "moderation.appeal.approve"
    MODERATION_APPEAL_REJECT = "moderation.appeal.reject"
    MEDIA_UPLOAD = "media.upload"
    MEDIA_DESCRIBE = "media.describe"
    MEDIA_PURGE = "media.purge"
    NOTIFICATIONS_READ = "notifications.read"
    NOTIFICATIONS_CLEAR = "notifications.clear"
    MARKERS_SAVE = "markers.save"
    OAUTH_APP_CREATE = "oauth.app.create"
    OAUTH_TOKEN_ISSUE = "oauth.token.issue"  # noqa: S105 (an event name)
    LEGAL_AUTHORITY_CREATE = "legal.authority.create"
    LEGAL_IMPORT = "legal.import"
    LEGAL_IMPORT_START = "legal.import.start"
    LEGAL_IMPORT_ITEMS = "legal.import.items"
    LEGAL_IMPORT_DISCARD = "legal.import.discard"
    LEGAL_DECIDE = "legal.decide"
    LEGAL_WITHHOLD = "legal.withhold"
    LEGAL_LIFT = "legal.lift"
    LEGAL_EXPIRE = "legal.expire"
    LEGAL_CONFIRM = "legal.confirm"
    LEGAL_RELEASE_NOTICES = "legal.release_notices"
    LEGAL_PUBLISH = "legal.publish"
    LEGAL_HOLD_PURGE = "legal.hold.purge"
    LEGAL_ACCEPT_SUGGESTION = "legal.item.accept_suggestion"
    LEGAL_CORRESPONDENCE = "legal.correspondence"
    LEGAL_ACKNOWLEDGE = "legal.acknowledge"
    LEGAL_STATUS_UPDATE = "legal.status_update"
    LEGAL_HEARING = "legal.hearing"
    LEGAL_NONCOMPLIANCE_RECEIVE = "legal.noncompliance.receive"
    LEGAL_NONCOMPLIANCE_RESPOND = "legal.noncompliance.respond"
    LEGAL_WITHDRAW = "legal.withdraw"
    LEGAL_AUTHORITY_MEMBER = "legal.authority.member"
    LEGAL_APPEAL_FILE = "legal.appeal.file"
    LEGAL_APPEAL_ACKNOWLEDGE = "legal.appeal.acknowledge"
    LEGAL_APPEAL_GRANT = "legal.appeal.grant"
    LEGAL_APPEAL_REJECT = "legal.appeal.reject"
    DEMO_SEED = "demo.seed"
    BENCH_SEED = "bench.seed"
    BENCH_BASELINE = "bench.baseline"

    @property
    def is_legal(self) -> bool:
        """An act of the legal desk: a checkpoint of the chain is published after it commits."""
        return self.value.startswith("legal.")


def check_action(action: str) -> AuditAction:
    """The declared action named ``action``; ValueError for any name not declared above."""
    try:
        return AuditAction(action)
    except ValueError:
        raise ValueError(
            f"{action!r} is not a declared audit action; add it to tidings/audit/events.py"
        ) from None
