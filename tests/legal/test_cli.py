"""The command-line door of order intake."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tidings.legal.models import Demand, DemandItem

ORDER_FIELDS = ("--authority", "MeitY", "--country", "IN", "--reference", "R-1")


def import_order_file(path: str, *options: str) -> None:
    """``tidings demands import PATH`` with the usual authority, country and reference."""
    call_command("demands", "import", path, *ORDER_FIELDS, *options)


def test_cli_imports_a_csv_order_with_a_header(tmp_path, make_account, legal_admin, capsys):
    make_account("kisanvoice")
    order = tmp_path / "order.csv"
    order.write_bytes(b"\xef\xbb\xbfS.No,URL\r\n1,https://twitter.com/KisanVoice\r\n2,@ghost\r\n")
    import_order_file(str(order), "--emergency")
    out = capsys.readouterr().out
    assert "2 items — 1 matched, 1 unknown." in out
    demand = Demand.objects.get()
    assert demand.kind == "emergency_order"
    assert bytes(demand.original_bytes) == order.read_bytes()
    assert list(DemandItem.objects.values_list("raw", flat=True).order_by("line_number")) == [
        "1,https://twitter.com/KisanVoice",
        "2,@ghost",
    ]


def test_cli_reports_an_unreadable_file_and_creates_nothing(tmp_path, legal_admin):
    order = tmp_path / "order.bin"
    order.write_bytes(bytes(range(256)) * 10)
    with pytest.raises(CommandError, match="binary"):
        import_order_file(str(order))
    assert not Demand.objects.exists()


def test_cli_refuses_an_importer_outside_the_legal_team(tmp_path, make_account):
    make_account("mod", role="moderator")
    order = tmp_path / "order.txt"
    order.write_text("@x\n")
    with pytest.raises(CommandError, match="not on the legal team"):
        import_order_file(str(order), "--as", "mod")


def test_cli_names_a_missing_file(legal_admin):
    with pytest.raises(CommandError, match="No such file"):
        import_order_file("/nonexistent/order.csv")


@pytest.mark.parametrize(("options", "confidential"), [((), True), (("--no-confidential",), False)])
def test_cli_leaves_confidentiality_to_the_pack_unless_told(
    tmp_path, legal_admin, options, confidential
):
    order = tmp_path / "order.txt"
    order.write_text("@ghost\n")
    import_order_file(str(order), *options)  # India: confidential by default
    assert Demand.objects.get().confidential is confidential
