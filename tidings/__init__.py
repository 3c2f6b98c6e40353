"""Tidings: a microblogging server with a legal demands desk."""

__version__ = "0.1.0"
