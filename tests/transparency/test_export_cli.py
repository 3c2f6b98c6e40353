"""``tidings transparency export``: Lumen to a file or standard output, DSA batches to a directory
or as JSON lines; bad arguments are a clear error; and the per-notice Lumen download."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from tests.transparency.exports_world import decide, interrupted_import, order
from tidings.legal.models import Demand

__all__ = ["interrupted_import"]  # a fixture


def export(*options: str) -> None:
    call_command("transparency", "export", *options)


@pytest.fixture
def withheld_in_europe(legal, make_account):
    """Three accounts withheld in India and the Netherlands."""
    make_account("dailynews", display_name="The Daily News", kind="news")
    for handle in ("priya", "kisan"):
        make_account(handle)
    demand = order(legal, "@dailynews\n@priya\n@kisan")
    decide(demand, ["@dailynews", "@priya", "@kisan"], "withhold", legal, countries=["IN", "NL"])
    return demand


def test_lumen_goes_to_a_file_as_one_json_list(tmp_path, withheld_in_europe, capsys):
    path = tmp_path / "lumen.json"
    export("--format", "lumen", "--output", str(path))
    notices = json.loads(path.read_text())
    assert [n["notice"]["type"] for n in notices] == ["GovernmentRequest"]
    assert notices[0]["notice"]["action_taken"] == "Yes"
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"Lumen: 1 notice written to {path}." in captured.err


def test_lumen_goes_to_standard_output_by_default(withheld_in_europe, capsys):
    export("--format", "lumen")
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["notice"]["jurisdiction_list"] == ["IN"]
    assert "Lumen: 1 notice written to standard output." in captured.err


def test_dsa_batches_are_numbered_files_in_a_directory(tmp_path, withheld_in_europe, capsys):
    directory = tmp_path / "dsa"
    export("--format", "dsa", "--output", str(directory))
    assert sorted(p.name for p in directory.iterdir()) == ["dsa-0001.json"]
    batch = json.loads((directory / "dsa-0001.json").read_text())
    assert [s["territorial_scope"] for s in batch["statements"]] == [["NL"]] * 3
    assert "DSA: 3 statements in 1 batch, written to" in capsys.readouterr().err


def test_dsa_refuses_a_directory_that_already_holds_batches(tmp_path, withheld_in_europe):
    directory = tmp_path / "dsa"
    export("--format", "dsa", "--output", str(directory))
    with pytest.raises(CommandError, match="already holds DSA batches"):
        export("--format", "dsa", "--output", str(directory))


def test_dsa_goes_to_standard_output_as_one_batch_per_line(withheld_in_europe, capsys):
    export("--format", "dsa")
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 1
    assert len(json.loads(lines[0])["statements"]) == 3
    assert "one batch per line" in captured.err
    assert "priya" not in captured.out


def test_the_window_limits_what_is_exported(withheld_in_europe, capsys):
    export("--format", "lumen", "--from", "2000-01-01", "--to", "2000-12-31")
    assert json.loads(capsys.readouterr().out) == []
    export("--format", "dsa", "--from", "2000-01-01", "--to", "2000-12-31")
    captured = capsys.readouterr()
    assert captured.out == "" and "DSA: 0 statements in 0 batches" in captured.err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--format", "csv"), "invalid choice: 'csv'"),
        (
            ("--format", "lumen", "--from", "01/02/2021"),
            "'--from' must be a date written YYYY-MM-DD",
        ),
        (("--format", "dsa", "--to", "2021-02-30"), "'--to' is not a date of the calendar"),
        (("--format", "dsa", "--from", "yesterday"), "'--from' must be a date"),
        (("--format", "dsa", "--from", "1999-12-31"), "year of '--from' must be between 2000 and"),
        (
            ("--format", "lumen", "--from", "2021-03-01", "--to", "2021-02-01"),
            r"'--from' \(2021-03-01\) is after '--to' \(2021-02-01\)",
        ),
    ],
)
def test_bad_arguments_are_a_clear_error(db, options, message):
    with pytest.raises(CommandError, match=message):
        export(*options)


def test_an_output_that_cannot_be_written_is_a_clear_error(tmp_path, withheld_in_europe):
    with pytest.raises(CommandError, match="is a directory"):
        export("--format", "lumen", "--output", str(tmp_path))
    with pytest.raises(CommandError, match="There is no directory"):
        export("--format", "lumen", "--output", str(tmp_path / "nowhere" / "lumen.json"))
    a_file = tmp_path / "a-file"
    a_file.write_text("")
    with pytest.raises(CommandError, match="is a file"):
        export("--format", "dsa", "--output", str(a_file))


def test_the_console_script_exits_non_zero_on_a_bad_format(db, capsys):
    from tidings.cli import main

    with pytest.raises(SystemExit) as exit:
        main(["transparency", "export", "--format", "xml"])
    assert exit.value.code != 0
    assert "invalid choice: 'xml'" in capsys.readouterr().err


# -- the download ----------------------------------------------------------------------------


def test_a_notice_downloads_as_a_lumen_json_attachment(client, withheld_in_europe):
    demand = withheld_in_europe
    response = client.get(f"/transparency/notices/{demand.id}/lumen.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="lumen-notice-{demand.id}.json"'
    )
    notice = json.loads(response.content)["notice"]
    assert notice["title"].startswith("Government request from Ministry")
    urls = [u["url"] for w in notice["works_attributes"] for u in w["infringing_urls_attributes"]]
    assert urls == ["http://localhost:8000/@dailynews"]


@pytest.mark.parametrize(
    "junk",
    ["0", "-1", "abc", "1e5", "９", "99999999999999999999999", "9223372036854775808", "%20", "1.0"],
)
def test_junk_ids_are_not_found(client, db, junk):
    response = client.get(f"/transparency/notices/{junk}/lumen.json")
    assert response.status_code == 404


def test_a_nul_byte_in_the_id_is_a_bad_request(client, db):
    assert client.get("/transparency/notices/%00/lumen.json").status_code == 400


def test_an_unknown_or_importing_demand_is_not_found(client, legal, interrupted_import):
    importing = interrupted_import(legal, "@a\n@b\n@c", reference="HALF/1")
    assert client.get(f"/transparency/notices/{importing.id}/lumen.json").status_code == 404
    missing = max(Demand.objects.values_list("id", flat=True)) + 1
    assert client.get(f"/transparency/notices/{missing}/lumen.json").status_code == 404


def test_the_download_answers_get_only(client, withheld_in_europe):
    response = client.post(f"/transparency/notices/{withheld_in_europe.id}/lumen.json")
    assert response.status_code == 405
