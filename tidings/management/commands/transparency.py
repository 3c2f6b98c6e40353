"""``tidings transparency export --format lumen|dsa [--output PATH] [--from DAY] [--to DAY]``.

Lumen: one JSON document, a list of notices (one per demand received in the
window), to PATH or standard output. DSA: statements of reasons for the
withholdings applied in the window that reach the EU/EEA, in batches of at most
100 as the Transparency Database's bulk endpoint takes them, written as
``dsa-0001.json``… in the directory PATH, or one batch per line (JSON lines) to
standard output. Every statement is validated before anything is written. A
summary goes to standard error.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tidings.lib.errors import TidingsError
from tidings.transparency.exports.dsa import batches, check_statements, dsa_statements
from tidings.transparency.exports.lumen import lumen_notices
from tidings.transparency.exports.selection import (
    check_date_window,
    check_export_date,
    exported_demands,
    exported_withholdings,
)

DSA_FILE = "dsa-{:04d}.json"


def _dumps(value: Any, *, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def _write_atomically(path: Path, text: str) -> None:
    """``text`` at ``path``, never half written (a temporary file renamed into place)."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Public transparency data. 'export' writes Lumen notices or EU DSA statements of reasons."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        export = sub.add_parser(
            "export",
            help="Export demands to Lumen or withholdings to the DSA Transparency Database.",
        )
        export.add_argument(
            "--format",
            required=True,
            choices=["lumen", "dsa"],
            help="lumen: one JSON list of notices; dsa: batches of statements of reasons.",
        )
        export.add_argument(
            "--output",
            default=None,
            help="lumen: a file; dsa: a directory for dsa-0001.json… (default: standard output).",
        )
        export.add_argument(
            "--from", dest="start", default=None, help="First day (UTC), YYYY-MM-DD."
        )
        export.add_argument("--to", dest="end", default=None, help="Last day (UTC), YYYY-MM-DD.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = check_export_date(options["start"], "--from")
            end = check_export_date(options["end"], "--to")
            check_date_window(start, end)
            if options["format"] == "lumen":
                self._lumen(start, end, options["output"])
            else:
                self._dsa(start, end, options["output"])
        except TidingsError as error:
            raise CommandError(error.message) from None
        except OSError as error:
            raise CommandError(
                f"Cannot write {error.filename or options['output']}: {error.strerror}."
            ) from None

    def _lumen(self, start: Any, end: Any, output: str | None) -> None:
        notices = lumen_notices(exported_demands(start, end), timezone.now())
        text = _dumps(notices, indent=2) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            where = "standard output"
        else:
            path = Path(output)
            if path.is_dir():
                raise CommandError(f"{path} is a directory; name the file to write the notices to.")
            if not path.parent.is_dir():
                raise CommandError(f"There is no directory {path.parent} to write {path.name} in.")
            _write_atomically(path, text)
            where = str(path)
        noun = "notice" if len(notices) == 1 else "notices"
        self.stderr.write(f"Lumen: {len(notices)} {noun} written to {where}.")

    def _dsa(self, start: Any, end: Any, output: str | None) -> None:
        statements = dsa_statements(exported_withholdings(start, end), timezone.now())
        check_statements(statements)
        groups = list(batches(statements))
        noun = "statement" if len(statements) == 1 else "statements"
        summary = f"DSA: {len(statements)} {noun} in {len(groups)} batch" + (
            "" if len(groups) == 1 else "es"
        )
        if output is None:
            for group in groups:
                self.stdout.write(_dumps(group))
            self.stderr.write(f"{summary}, written to standard output (one batch per line).")
            return
        directory = Path(output)
        if directory.exists() and not directory.is_dir():
            raise CommandError(f"{directory} is a file; name a directory for the DSA batches.")
        if directory.is_dir() and any(directory.glob("dsa-*.json")):
            raise CommandError(
                f"{directory} already holds DSA batches (dsa-*.json); "
                "choose an empty directory so that no old batch is mixed with new ones."
            )
        directory.mkdir(parents=True, exist_ok=True)
        for number, group in enumerate(groups, start=1):
            _write_atomically(directory / DSA_FILE.format(number), _dumps(group, indent=2) + "\n")
        self.stderr.write(f"{summary}, written to {directory}.")
