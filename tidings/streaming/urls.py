"""Where the streaming API is served, as advertised in the instance document."""

from __future__ import annotations

from django.conf import settings


def _host() -> str:
    host, _, port = settings.DOMAIN.rpartition(":")
    return host if host and port.isdigit() else settings.DOMAIN


def streaming_base(*, websocket: bool = False) -> str:
    """The streaming server's base URL (``ws(s)://`` when ``websocket``), no trailing slash.

    ``TIDINGS_STREAMING_URL`` when an operator routes the streaming paths themselves,
    else this site's host on the port ``tidings serve`` runs the streaming server on.
    """
    configured = settings.TIDINGS_STREAMING_URL.rstrip("/")
    scheme = "https" if settings.TIDINGS_HTTPS else "http"
    if configured:
        base = configured
    elif settings.TIDINGS_STREAMING_PORT:
        base = f"{scheme}://{_host()}:{settings.TIDINGS_STREAMING_PORT}"
    else:
        base = f"{scheme}://{settings.DOMAIN}"
    if websocket:
        return base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return base.replace("wss://", "https://", 1).replace("ws://", "http://", 1)


def connect_sources() -> str:
    """The CSP ``connect-src`` the web pages need to reach the streaming server."""
    http, ws = streaming_base(), streaming_base(websocket=True)
    site = f"{'https' if settings.TIDINGS_HTTPS else 'http'}://{settings.DOMAIN}"
    return "'self'" if http == site else f"'self' {http} {ws}"


def allowed_origins() -> frozenset[str]:
    """Pages that may open a stream with the visitor's session cookie: this site's own."""
    scheme = "https" if settings.TIDINGS_HTTPS else "http"
    domains = [settings.DOMAIN, *settings.TIDINGS_DOMAIN_ALIASES]
    return frozenset(f"{s}://{d}" for d in domains for s in {scheme, "https"} if d)
