"""The only place that decides who may see what.

Every read path asks here: ``can_view_post`` / ``can_view_account`` for one
object (``access_*`` helpers raise on refusal), ``filter_visible_*`` for pages
loaded by id, and ``visible_posts`` / ``visible_accounts`` /
``visible_notifications`` to filter a queryset. ``policy.py`` states the rule
once as predicates (``post_allowed``, ``account_allowed``,
``notification_allowed``); the queryset forms are proven equal to them.
"""

from tidings.visibility.media import access_media, access_own_media, own_unattached_media
from tidings.visibility.policy import (
    Grants,
    Listing,
    access_account,
    access_account_to_undo,
    access_post,
    account_allowed,
    can_view_account,
    can_view_post,
    filter_visible_notifications,
    filter_visible_posts,
    notification_allowed,
    post_allowed,
    visible_accounts,
    visible_hashtag_links,
    visible_notifications,
    visible_posts,
    withheld_account_for,
    withheld_extension,
    withheld_notices,
    withheld_post_for,
)
from tidings.visibility.polls import access_poll
from tidings.visibility.viewer import Viewer, anonymous_viewer, viewer_for_account

__all__ = [
    "Grants",
    "Listing",
    "Viewer",
    "access_account",
    "access_account_to_undo",
    "access_media",
    "access_own_media",
    "own_unattached_media",
    "account_allowed",
    "access_poll",
    "access_post",
    "anonymous_viewer",
    "can_view_account",
    "can_view_post",
    "filter_visible_notifications",
    "filter_visible_posts",
    "notification_allowed",
    "post_allowed",
    "viewer_for_account",
    "visible_accounts",
    "visible_hashtag_links",
    "visible_notifications",
    "visible_posts",
    "withheld_account_for",
    "withheld_extension",
    "withheld_notices",
    "withheld_post_for",
]
