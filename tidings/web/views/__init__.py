"""Server-rendered pages: reading (``pages``), changing state (``actions``), accounts, errors."""
