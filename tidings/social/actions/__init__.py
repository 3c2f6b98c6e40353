"""Every change of social state: one ``do_*`` function each, atomic and audited."""

from tidings.social.actions.account_deletion import do_delete_own_account
from tidings.social.actions.accounts import (
    do_create_account,
    do_set_role,
    do_suspend_account,
    do_unsuspend_account,
    do_update_profile,
)
from tidings.social.actions.direct import (  # noqa: F401  (direct messages and polls)
    POLL_DURATIONS,
    PollSpec,
    check_poll,
    check_poll_alone,
    do_create_post_with_poll,
    do_end_polls,
    do_hide_conversation,
    do_read_conversation,
    do_vote,
)
from tidings.social.actions.edits import do_edit_post
from tidings.social.actions.graph import (
    do_authorize_follow_request,
    do_block,
    do_follow,
    do_mute,
    do_reject_follow_request,
    do_unblock,
    do_unfollow,
    do_unmute,
)
from tidings.social.actions.lists import *  # noqa: F403 (bookmarks, lists, pins)
from tidings.social.actions.media import (
    do_describe_media,
    do_post_with_images,
    do_purge_unattached_media,
    do_upload_media,
)
from tidings.social.actions.moderation import *  # noqa: F403 (reports and moderators' decisions)
from tidings.social.actions.notification_groups import do_dismiss_notification_group
from tidings.social.actions.notifications import (
    do_clear_notifications,
    do_mark_notifications_read,
    do_save_markers,
)
from tidings.social.actions.posts import (
    do_create_post,
    do_delete_post,
    do_favourite,
    do_repost,
    do_unfavourite,
    do_unrepost,
)

__all__ = [
    "do_authorize_follow_request",
    "do_block",
    "do_clear_notifications",
    "do_create_account",
    "do_create_post",
    "do_delete_own_account",
    "do_describe_media",
    "do_post_with_images",
    "do_purge_unattached_media",
    "do_upload_media",
    "do_delete_post",
    "do_edit_post",
    "do_dismiss_notification_group",
    "do_favourite",
    "do_follow",
    "do_mark_notifications_read",
    "do_mute",
    "do_reject_follow_request",
    "do_repost",
    "do_save_markers",
    "do_set_role",
    "do_suspend_account",
    "do_unblock",
    "do_unfavourite",
    "do_unfollow",
    "do_unmute",
    "do_unrepost",
    "do_unsuspend_account",
    "do_update_profile",
]
