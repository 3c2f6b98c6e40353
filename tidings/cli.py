"""The ``tidings`` console script.

``tidings <command>`` runs a Tidings or Django management command with the
Tidings settings: ``serve``, ``demo``, ``createuser``, ``audit verify``,
``bench seed``, ``migrate``… ``tidings manage <command>`` is the same thing,
spelled the way Django users expect.

Without ``TIDINGS_DATA_DIR`` it finds the data directory it was installed for
(``./tidings-data`` here, else the one in the source checkout it runs from) and
never starts an empty one elsewhere: it says which variable to set and exits 2.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

#: Tidings' own commands, one line each, as ``tidings --help`` lists them.
COMMANDS = {
    "serve": "apply pending migrations, then serve with gunicorn and one task worker",
    "worker": "run queued tasks (notices, e-mail, fan-out, periodic jobs) until stopped",
    "demo": "seed the demo public square (idempotent) and print the demo logins",
    "createuser": "create an account with a role",
    "audit": "verify the hash-chained audit log, or sign a checkpoint of its head",
    "backup": "write the whole database, one consistent snapshot, to a file",
    "restore": "load a backup into an empty, migrated database",
    "holds": "blank deleted content whose legal holds have all ended",
    "demands": "take a legal order in, resume or discard an interrupted import",
    "authority": "let an account speak for an authority in the portal",
    "transparency": "export notices to Lumen or EU DSA statements of reasons",
    "bench": "generate the benchmark dataset, sign in its viewers",
    "manage": "run any Django management command (migrate, shell, …)",
}
HELP_ARGS = ([], ["help"], ["--help"], ["-h"], ["help", "--commands"])
DATA_DIR_NAME = "tidings-data"


def source_checkout() -> Path | None:
    """The source checkout this package runs from (an editable install), if it is one."""
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    if pyproject.is_file() and 'name = "tidings"' in pyproject.read_text(errors="replace"):
        return root
    return None


def find_data_dir(cwd: Path, checkout: Path | None) -> Path | None:
    """Where the data lives when ``TIDINGS_DATA_DIR`` is unset: ``./tidings-data`` if it exists,
    else the checkout's (existing, or to be made when running in the checkout); None otherwise."""
    here = cwd / DATA_DIR_NAME
    if here.is_dir():
        return here
    if checkout is not None:
        installed = checkout / DATA_DIR_NAME
        if installed.is_dir() or cwd.resolve() == checkout.resolve():
            return installed
    return None


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = ["Usage: tidings <command> [options]   (tidings help <command> for details)", ""]
    lines.append("Tidings commands:")
    lines += [f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()]
    lines += ["", "Every Django management command works too (tidings <command>):"]
    return "\n".join(lines)


def _no_data_dir() -> str:
    return (
        "tidings: no data directory found: TIDINGS_DATA_DIR is not set and there is no "
        f"./{DATA_DIR_NAME} here.\n"
        "Set TIDINGS_DATA_DIR to the directory holding your Tidings data (its database, "
        "secret key and audit key), e.g.\n"
        f"  export TIDINGS_DATA_DIR=/path/to/{DATA_DIR_NAME}\n"
        f"or run tidings from the directory that contains {DATA_DIR_NAME}/. "
        f"To start a new one here: TIDINGS_DATA_DIR=$PWD/{DATA_DIR_NAME} tidings migrate"
    )


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tidings.settings")
    if args[:1] == ["manage"]:
        args = args[1:]
    asks_help = args in HELP_ARGS
    scratch = None
    if not os.environ.get("TIDINGS_DATA_DIR"):
        found = find_data_dir(Path.cwd(), source_checkout())
        if found is not None:
            os.environ["TIDINGS_DATA_DIR"] = str(found)
        elif asks_help:  # listing commands needs settings, not data: use a throwaway directory
            scratch = tempfile.TemporaryDirectory(prefix="tidings-help-")
            os.environ["TIDINGS_DATA_DIR"] = scratch.name
        else:
            print(_no_data_dir(), file=sys.stderr)
            raise SystemExit(2)
    if asks_help:
        print(usage())
        args = ["help", "--commands"]
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["tidings", *args])
    finally:
        if scratch is not None:
            scratch.cleanup()


if __name__ == "__main__":
    main()
