"""``tidings`` from any directory: it finds its data or says which variable to set, and lists
its own commands before Django's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tidings
from tidings import cli

ROOT = Path(tidings.__file__).resolve().parent.parent


def run(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "TIDINGS_DATA_DIR"}
    environ["PYTHONPATH"] = str(ROOT)
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tidings.cli", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_from_a_strange_directory_it_uses_its_own_data_or_names_the_variable(tmp_path):
    done = run(tmp_path, "check")
    if (ROOT / "tidings-data").is_dir():  # an editable install with its data dir
        assert done.returncode == 0, done.stderr
        assert "no issues" in done.stdout
    else:
        assert done.returncode == 2
        assert "TIDINGS_DATA_DIR" in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []  # nothing was created here


def test_without_any_data_dir_it_says_which_variable_to_set_and_exits_2(tmp_path, monkeypatch):
    monkeypatch.delenv("TIDINGS_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "source_checkout", lambda: None)
    with pytest.raises(SystemExit) as stop:
        cli.main(["check"])
    assert stop.value.code == 2
    assert list(tmp_path.iterdir()) == []


def test_the_message_names_the_variable_and_the_way_to_start_anew(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("TIDINGS_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli, "source_checkout", lambda: None)
    with pytest.raises(SystemExit):
        cli.main(["migrate"])
    err = capsys.readouterr().err
    assert "export TIDINGS_DATA_DIR=/path/to/tidings-data" in err
    assert "TIDINGS_DATA_DIR=$PWD/tidings-data tidings migrate" in err


def test_the_data_dir_is_found_here_then_in_the_checkout_it_was_installed_from(tmp_path):
    checkout, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    checkout.mkdir()
    elsewhere.mkdir()
    assert cli.find_data_dir(elsewhere, checkout) is None
    assert cli.find_data_dir(checkout, checkout) == checkout / "tidings-data"  # a first run
    (checkout / "tidings-data").mkdir()
    assert cli.find_data_dir(elsewhere, checkout) == checkout / "tidings-data"
    (elsewhere / "tidings-data").mkdir()
    assert cli.find_data_dir(elsewhere, checkout) == elsewhere / "tidings-data"
    assert cli.find_data_dir(tmp_path, None) is None


def test_help_lists_every_tidings_command_with_one_line_before_djangos(tmp_path):
    ours = sorted(
        p.stem
        for p in (ROOT / "tidings" / "management" / "commands").glob("*.py")
        if p.stem not in {"__init__", "flush"}
    )
    assert sorted(set(cli.COMMANDS) - {"manage"}) == ours
    for args in (["--help"], []):
        done = run(tmp_path, *args)
        assert done.returncode == 0, done.stderr
        out = done.stdout
        django_part = out.index("Every Django management command")
        for name, line in cli.COMMANDS.items():
            assert f"  {name.ljust(12)}  {line}" in out[:django_part]
        assert "migrate" in out[django_part:] and "createsuperuser" in out[django_part:]
    assert list(tmp_path.iterdir()) == []
