"""Which countries a request is seen from: resolved once per request, most restrictive wins.

Signals, all of which count (a viewer is in every country any signal names):
the header named by ``TIDINGS_COUNTRY_HEADER`` (set by a trusted proxy or
CDN), GeoIP of the client address (a database shipped inside the
``geoip2fast`` package; ``X-Forwarded-For`` is honoured only when the direct
peer is one of ``TIDINGS_TRUSTED_PROXIES``), and the signed-in account's
self-declared country (added in ``viewer.viewer_for_account``).
"""

from __future__ import annotations

import ipaddress
import threading
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from tidings.lib.countries import country_names

_geoip_lock = threading.Lock()
_geoip: Any = None


@lru_cache(maxsize=1)
def _trusted_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(
        ipaddress.ip_network(cidr.strip(), strict=False)
        for cidr in settings.TIDINGS_TRUSTED_PROXIES
        if cidr.strip()
    )


def _is_trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _trusted_networks())


def client_address(request: HttpRequest) -> str:
    """The client's address: the peer, or the nearest untrusted hop of X-Forwarded-For behind trusted proxies."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _is_trusted(remote):
        return remote
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop):
            return hop
    return hops[0] if hops else remote


def _geoip_reader() -> Any:
    global _geoip
    if _geoip is None:
        with _geoip_lock:
            if _geoip is None:
                from geoip2fast import GeoIP2Fast

                _geoip = GeoIP2Fast(verbose=False)
    return _geoip


def geoip_country(address: str) -> str:
    """ISO code for ``address``, or "" for private, loopback, unknown or malformed addresses."""
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return ""
    try:
        code = _geoip_reader().lookup(address).country_code
    except Exception:  # noqa: BLE001 - a lookup failure must never fail the request
        return ""
    return code if code in country_names() else ""


def header_countries(request: HttpRequest) -> set[str]:
    header = settings.TIDINGS_COUNTRY_HEADER
    if not header:
        return set()
    value = request.headers.get(header, "")
    codes = {c.strip().upper() for c in value.split(",")}
    return {c for c in codes if c in country_names()}


def request_countries(request: HttpRequest) -> frozenset[str]:
    """Every country the request's signals name (the account's own country is added by the viewer)."""
    countries = header_countries(request)
    if settings.TIDINGS_GEOIP:
        code = geoip_country(client_address(request))
        if code:
            countries.add(code)
    return frozenset(countries)
