"""``tidings audit verify [--checkpoints FILE] [--no-key]`` and ``tidings audit checkpoint``.

``verify`` walks every stream of the chain (exit 1 naming the first bad event) and, given a
checkpoint file, proves the log extends every checkpoint in it. ``checkpoint``
signs the current head and appends it to the checkpoint file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tidings.audit.checkpoints import (
    CheckpointRefused,
    check_checkpoints,
    checkpoint_file,
    write_checkpoint,
)
from tidings.audit.keys import load_audit_key
from tidings.audit.verify import WITHOUT_KEY_WARNING, walk_chain


class Command(BaseCommand):
    help = (
        "Audit log tools. 'verify' checks every stream of the hash chain end to end (and, with "
        "--checkpoints FILE, that the log extends every checkpoint in FILE); "
        "'checkpoint' signs the current heads and appends it to the checkpoint file."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("subcommand", choices=["verify", "checkpoint"])
        parser.add_argument(
            "--checkpoints",
            metavar="FILE",
            help="a checkpoint file (JSON lines, as written or served) the log must extend",
        )
        parser.add_argument(
            "--no-key",
            action="store_true",
            help="verify without the audit key (links only), as anyone without it would",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "checkpoint":
            self._checkpoint()
        else:
            self._verify(options["checkpoints"], without_key=options["no_key"])

    def _checkpoint(self) -> None:
        try:
            checkpoint = write_checkpoint()
        except CheckpointRefused as refusal:
            raise CommandError(f"No checkpoint written: {refusal}.") from None
        if checkpoint is None:
            self.stdout.write("Nothing new since the last checkpoint.")
        else:
            self.stdout.write(
                f"Checkpoint of event #{checkpoint.seq} written to {checkpoint_file()}."
            )

    def _verify(self, checkpoints: str | None, *, without_key: bool) -> None:
        key = None if without_key else load_audit_key()
        walk = walk_chain(key)
        if walk.problems:
            problem = walk.problems[0]
            raise CommandError(f"Audit chain broken at event #{problem.seq}: {problem.reason}.")
        checked = 0
        if checkpoints:
            path = Path(checkpoints)
            if not path.is_file():
                raise CommandError(f"No checkpoint file at {path}.")
            lines = path.read_text().splitlines()
            problems = list(check_checkpoints(lines, key))
            if problems:
                raise CommandError(
                    "The log does not extend the checkpoints: "
                    + "; ".join(p.reason for p in problems)
                    + "."
                )
            checked = sum(1 for line in lines if line.strip())
        streams = f" (in {walk.streams} streams)" if walk.streams > 1 else ""
        if key is not None:
            self.stdout.write(f"Audit chain intact: {walk.events} events verified{streams}.")
        else:
            self.stdout.write(
                f"Audit chain links intact: {walk.events} events in order{streams}. "
                f"{WITHOUT_KEY_WARNING}"
            )
        if walk.legacy_events:
            self.stdout.write(
                f"{walk.legacy_events} events predate the audit key and are chained with "
                "plain SHA-256: only checkpoints protect them against a rewrite."
            )
        if checkpoints:
            self.stdout.write(f"The log extends all {checked} checkpoints in {checkpoints}.")
