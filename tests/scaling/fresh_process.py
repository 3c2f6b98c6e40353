"""Settings as a freshly started process reads them from its environment (nothing connects)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import tidings

ROOT = Path(tidings.__file__).resolve().parent.parent


def printed_by_fresh_process(
    code: str, data_dir: Path, env: dict[str, str], *, unset: Iterable[str] = ()
) -> list[str]:
    """The lines ``code`` prints after ``django.setup()`` in a new process with this test's
    environment less ``unset``, the data directory ``data_dir``, and ``env`` on top."""
    inherited = {k: v for k, v in os.environ.items() if k not in set(unset)}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env={
            **inherited,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "tidings.settings",
            "TIDINGS_DATA_DIR": str(data_dir),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()
