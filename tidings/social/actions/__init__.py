"""Every change of social state: one ``do_*`` function each, atomic and audited."""

from tidings.social.actions.accounts import (
    do_create_account,
    do_set_role,
    do_suspend_account,
    do_unsuspend_account,
    do_update_profile,
)
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
from tidings.social.actions.media import (
    do_describe_media,
    do_post_with_images,
    do_purge_unattached_media,
    do_upload_media,
)
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
    "do_describe_media",
    "do_post_with_images",
    "do_purge_unattached_media",
    "do_upload_media",
    "do_delete_post",
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
