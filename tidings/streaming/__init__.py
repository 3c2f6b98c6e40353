"""Live timelines: Mastodon's streaming API, served by its own ASGI process (``server.py``).

Actions publish *what happened* (:mod:`tidings.streaming.events`) through Redis
pub/sub when ``TIDINGS_REDIS_URL`` is set, else through the ``StreamEvent``
table; the streaming process decides per connection, through
``tidings.visibility.streams``, which event each viewer receives.
"""
