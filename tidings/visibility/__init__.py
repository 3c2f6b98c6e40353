"""The only place that decides who may see what.

Every read path asks here: ``can_view_post`` / ``can_view_account`` for one
object (``access_*`` helpers raise on refusal) and ``visible_posts`` /
``visible_accounts`` / ``visible_notifications`` to filter a queryset. The two forms are
built from the same named rules in ``policy.py``.
"""

from tidings.visibility.policy import (
    Listing,
    access_account,
    access_post,
    can_view_account,
    can_view_post,
    filter_visible_posts,
    visible_accounts,
    visible_hashtag_links,
    visible_notifications,
    visible_posts,
    withheld_account_for,
    withheld_extension,
    withheld_post_for,
)
from tidings.visibility.viewer import Viewer, anonymous_viewer, viewer_for_account

__all__ = [
    "Listing",
    "Viewer",
    "access_account",
    "access_post",
    "anonymous_viewer",
    "can_view_account",
    "can_view_post",
    "filter_visible_posts",
    "viewer_for_account",
    "visible_accounts",
    "visible_hashtag_links",
    "visible_notifications",
    "visible_posts",
    "withheld_account_for",
    "withheld_extension",
    "withheld_post_for",
]
