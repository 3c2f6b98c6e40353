"""Where a machine keeps uploads and audit checkpoints: its data directory, or shared storage."""

from __future__ import annotations

from pathlib import Path

from tests.scaling.fresh_process import printed_by_fresh_process

PRINT_PATHS = (
    "from django.conf import settings; "
    "print(settings.MEDIA_ROOT); print(settings.TIDINGS_AUDIT_CHECKPOINT_FILE)"
)


def paths_with(data_dir: Path, **env: str) -> list[str]:
    return printed_by_fresh_process(
        PRINT_PATHS, data_dir, env, unset=["TIDINGS_MEDIA_DIR", "TIDINGS_AUDIT_CHECKPOINT_FILE"]
    )


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
