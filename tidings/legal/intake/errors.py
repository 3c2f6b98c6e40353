"""The one error intake raises: the order as a whole cannot be read, so nothing is created."""

from __future__ import annotations

from tidings.lib.errors import InvalidInput


class UnreadableOrder(InvalidInput):
    """A whole file (or pasted text) that cannot become items; ``message`` says why in plain words.

    Raised before any line is parsed, so a caller that catches it has nothing to undo.
    """
