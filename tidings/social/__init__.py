"""Accounts, posts, follows, favourites, reposts, hashtags, notifications, timelines, search."""
