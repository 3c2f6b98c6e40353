"""The Mastodon-compatible client API and its OAuth 2 server."""
