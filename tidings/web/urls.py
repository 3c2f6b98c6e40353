"""URLs of the web UI; other packages reverse these names (``web:profile``, ``web:hashtag``…)."""

from __future__ import annotations

from django.urls import path

from tidings.web.views import (
    accounts,
    actions,
    appeals,
    desk,
    desk_appeals,
    desk_clocks,
    desk_dialogue,
    desk_media,
    desk_suggestions,
    inbox,
    media,
    pages,
    portal,
    post_media,
)

app_name = "web"

urlpatterns = [
    path("", pages.home, name="home"),
    path("public", pages.public, name="public"),
    path("tags/<str:name>", pages.hashtag, name="hashtag"),
    path("search", pages.search, name="search"),
    path("notifications", pages.notifications, name="notifications"),
    path("notifications/read", inbox.mark_notifications_read, name="mark_notifications_read"),
    path("follow_requests", inbox.follow_requests, name="follow_requests"),
    path(
        "follow_requests/@<str:handle>/authorize",
        inbox.authorize_follow_request,
        name="authorize_follow_request",
    ),
    path(
        "follow_requests/@<str:handle>/reject",
        inbox.reject_follow_request,
        name="reject_follow_request",
    ),
    path("signup", accounts.signup, name="signup"),
    path("login", accounts.login, name="login"),
    path("logout", accounts.logout, name="logout"),
    path("settings/profile", accounts.settings_profile, name="settings_profile"),
    path("compose", actions.compose, name="compose"),
    path("desk/demands", desk.demand_list, name="desk_demands"),
    path("desk/clocks", desk_clocks.clock_dashboard, name="desk_clocks"),
    path("desk/demands/new", desk.demand_new, name="desk_demand_new"),
    path("desk/demands/<int:demand_id>", desk.demand_detail, name="desk_demand"),
    path("desk/demands/<int:demand_id>/decide", desk.decide, name="desk_decide"),
    path("desk/demands/<int:demand_id>/lift", desk.lift, name="desk_lift"),
    path("desk/demands/<int:demand_id>/confirm", desk.confirm, name="desk_confirm"),
    path("desk/demands/<int:demand_id>/release", desk.release, name="desk_release"),
    path("desk/demands/<int:demand_id>/publish", desk.publish, name="desk_publish"),
    path("portal", portal.home, name="portal"),
    path("portal/orders/new", portal.order_new, name="portal_order_new"),
    path("portal/demands/<int:demand_id>", portal.demand_detail, name="portal_demand"),
    path("portal/demands/<int:demand_id>/messages", portal.post_message, name="portal_message"),
    path(
        "portal/demands/<int:demand_id>/attachments/<int:attachment_id>",
        portal.attachment,
        name="portal_attachment",
    ),
    path("appeals", appeals.appeal_list, name="appeals"),
    path("appeals/new", appeals.appeal_new, name="appeal_new"),
    path("desk/appeals", desk_appeals.appeal_queue_page, name="desk_appeals"),
    path("desk/appeals/<int:appeal_id>", desk_appeals.appeal_detail, name="desk_appeal"),
    path(
        "desk/appeals/<int:appeal_id>/acknowledge", desk_appeals.acknowledge, name="desk_appeal_ack"
    ),
    path("desk/appeals/<int:appeal_id>/grant", desk_appeals.grant, name="desk_appeal_grant"),
    path("desk/appeals/<int:appeal_id>/reject", desk_appeals.reject, name="desk_appeal_reject"),
    path(
        "desk/demands/<int:demand_id>/items/<int:item_id>/accept_suggestion",
        desk_suggestions.accept_suggestion,
        name="desk_accept_suggestion",
    ),
    path("posts/<int:post_id>/delete", actions.delete_post, name="delete_post"),
    path("posts/<int:post_id>/repost", actions.repost, name="repost"),
    path("posts/<int:post_id>/unrepost", actions.unrepost, name="unrepost"),
    path("posts/<int:post_id>/favourite", actions.favourite, name="favourite"),
    path("posts/<int:post_id>/unfavourite", actions.unfavourite, name="unfavourite"),
    path("@<str:handle>", pages.profile, name="profile"),
    path("@<str:handle>/followers", pages.followers, name="followers"),
    path("@<str:handle>/following", pages.following, name="following"),
    path("@<str:handle>/follow", actions.follow, name="follow"),
    path("@<str:handle>/unfollow", actions.unfollow, name="unfollow"),
    path("@<str:handle>/block", actions.block, name="block"),
    path("@<str:handle>/unblock", actions.unblock, name="unblock"),
    path("@<str:handle>/mute", actions.mute, name="mute"),
    path("@<str:handle>/unmute", actions.unmute, name="unmute"),
    path("@<str:handle>/<int:post_id>", pages.post_detail, name="post"),
    # Avatars go through the visibility check: never serve MEDIA_ROOT directly.
    path("avatars/<int:account_id>/<str:name>", media.avatar, name="avatar"),
    path("media/<int:media_id>/<str:name>", post_media.post_image, name="post_image"),
    path(
        "desk/demands/<int:demand_id>/items/<int:item_id>/images/<int:media_id>/<str:name>",
        desk_media.evidence_image,
        name="desk_evidence_image",
    ),
]
urlpatterns += desk_dialogue.urlpatterns  # a demand's thread with its authority
