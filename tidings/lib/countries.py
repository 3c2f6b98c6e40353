"""ISO 3166-1 alpha-2 country codes and their English names (for prose such as "withheld in India")."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pycountry

from tidings.lib.errors import InvalidInput

EVERYWHERE = "XX"


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Code → common English name (``common_name`` where the ISO name is formal)."""
    return {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}


def normalise_country(code: str, *, allow_everywhere: bool = False) -> str:
    """Upper-cased code, or "" for none; raises ``InvalidInput`` for an unknown code."""
    code = (code or "").strip().upper()
    if not code:
        return ""
    if code == EVERYWHERE and allow_everywhere:
        return code
    if code not in country_names():
        raise InvalidInput(f"{code!r} is not an ISO 3166-1 country code (e.g. IN, US, DE).")
    return code


def country_name(code: str) -> str:
    if code.upper() == EVERYWHERE:
        return "every country"
    return country_names().get(code.upper(), code.upper())


def country_choices() -> list[tuple[str, str]]:
    return sorted(country_names().items(), key=lambda item: item[1])


def withheld_where(codes: Iterable[str]) -> str:
    """ "everywhere" when ``XX`` is among ``codes``, else "in India and Pakistan" (never a viewer's
    own country for a withholding that is everywhere)."""
    codes = {c.upper() for c in codes}
    if EVERYWHERE in codes:
        return "everywhere"
    return "in " + (" and ".join(sorted(country_name(c) for c in codes)) or "your country")
