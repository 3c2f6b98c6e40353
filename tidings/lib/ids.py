"""Database ids taken from the outside world (URL parts, form fields, JSON)."""

from __future__ import annotations

#: Ids are signed 64-bit on both databases.
MAX_ID = 2**63


def row_id(value: object) -> int | None:
    """``value`` as a database id (1 to 2**63 - 1), or None for anything that cannot be one."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < MAX_ID else None
