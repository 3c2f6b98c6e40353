"""Where a machine keeps uploads and audit checkpoints: its data directory, or shared storage."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tidings

ROOT = Path(tidings.__file__).resolve().parent.parent
PRINT_PATHS = (
    "from django.conf import settings; "
    "print(settings.MEDIA_ROOT); print(settings.TIDINGS_AUDIT_CHECKPOINT_FILE)"
)


def paths_with(data_dir: Path, **env: str) -> list[str]:
    inherited = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TIDINGS_MEDIA_DIR", "TIDINGS_AUDIT_CHECKPOINT_FILE")
    }
    environ = {
        **inherited,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tidings.settings",
        "TIDINGS_DATA_DIR": str(data_dir),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + PRINT_PATHS],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_uploads_and_checkpoints_live_in_the_data_directory_by_default(tmp_path):
    media, checkpoints = paths_with(tmp_path)
    assert media == str(tmp_path.resolve() / "media")
    assert checkpoints == str(tmp_path.resolve() / "audit" / "checkpoints.jsonl")


def test_several_machines_can_point_uploads_and_checkpoints_at_shared_storage(tmp_path):
    shared = tmp_path / "nfs"
    media, checkpoints = paths_with(
        tmp_path / "machine-a",
        TIDINGS_MEDIA_DIR=str(shared / "media"),
        TIDINGS_AUDIT_CHECKPOINT_FILE=str(shared / "audit.jsonl"),
    )
    assert (media, checkpoints) == (str(shared / "media"), str(shared / "audit.jsonl"))


def test_an_empty_value_means_the_default_never_the_current_directory(tmp_path):
    media, checkpoints = paths_with(
        tmp_path, TIDINGS_MEDIA_DIR="", TIDINGS_AUDIT_CHECKPOINT_FILE=""
    )
    assert media == str(tmp_path.resolve() / "media")
    assert checkpoints == str(tmp_path.resolve() / "audit" / "checkpoints.jsonl")
