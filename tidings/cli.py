"""The ``tidings`` console script.

``tidings <command>`` runs a Tidings or Django management command with the
Tidings settings: ``serve``, ``demo``, ``createuser``, ``audit verify``,
``bench seed``, ``migrate``… ``tidings manage <command>`` is the same thing,
spelled the way Django users expect.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
    if args[:1] == ["manage"]:
        args = args[1:]
    if not args:
        args = ["help", "--commands"]
        print("Usage: tidings <command> [options]   (tidings help <command> for details)\n")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tidings", *args])


if __name__ == "__main__":
    main()
