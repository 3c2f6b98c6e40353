"""When a demand is due: its rule pack's action clock applied to its receipt time.

Every pack has an action rule (India's is the law, 36 hours; elsewhere our own
service level), so every demand has a clock. See ``legal.jurisdictions``.
"""

from __future__ import annotations

from datetime import datetime

from tidings.legal.jurisdictions import DEFAULT, pack_for


def due_at(country: str, received_at: datetime, basis_code: str = "") -> datetime:
    pack = pack_for(country, basis_code)
    rule = pack.action or DEFAULT.action
    assert rule is not None and rule.within is not None
    return received_at + rule.within
