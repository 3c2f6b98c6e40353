"""Order intake: bytes or pasted text → one item per line → accounts and posts here."""

from tidings.legal.intake.errors import UnreadableOrder
from tidings.legal.intake.parser import ParsedLine, ParsedOrder, parse_order
from tidings.legal.intake.resolve import ResolvedLine, resolve_targets

__all__ = [
    "ParsedLine",
    "ParsedOrder",
    "ResolvedLine",
    "UnreadableOrder",
    "parse_order",
    "resolve_targets",
]
