"""The command-line door takes workbooks and PDF letters, and speaks of sizes in bytes."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from tests.legal.order_documents import pdf_letter, xlsx_order
from tidings.legal.models import Demand, DemandItem
from tidings.management.commands import demands

ORDER_FIELDS = ("--authority", "MeitY", "--country", "IN", "--reference", "R-1")


def test_cli_imports_a_workbook(tmp_path, make_account, legal_admin, capsys):
    make_account("kisanvoice")
    order = tmp_path / "order.xlsx"
    order.write_bytes(xlsx_order({"Orders": [("S.No", "URL"), (1, "@kisanvoice"), (2, "@x")]}))
    call_command("demands", "import", str(order), *ORDER_FIELDS)
    out = capsys.readouterr().out
    assert "2 items — 1 matched, 1 unknown." in out
    assert f"Original file kept: {order.stat().st_size:,} bytes" in out
    assert list(DemandItem.objects.order_by("line_number").values_list("place", flat=True)) == [
        "sheet Orders, row 2",
        "sheet Orders, row 3",
    ]


def test_cli_imports_a_pdf_letter_from_standard_input(make_account, legal_admin, monkeypatch):
    import io
    import sys

    make_account("kisanvoice")
    data = pdf_letter("Block these.", [("No.", "URL", ""), ("1", "@kisanvoice", "")])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    call_command("demands", "import", "-", *ORDER_FIELDS)
    assert bytes(Demand.objects.get().original_bytes) == data
    assert DemandItem.objects.get().place == "page 1, line 3"


def test_cli_reports_the_size_of_a_file_in_bytes_not_characters(
    tmp_path, legal_admin, capsys, monkeypatch
):
    order = tmp_path / "order.txt"
    order.write_text("@\u0905\u0932\u093f\u0938\n@kisan\n", encoding="utf-8")  # 3 bytes a letter
    call_command("demands", "import", str(order), *ORDER_FIELDS)
    size = order.stat().st_size
    assert size > len(order.read_text(encoding="utf-8"))
    assert f"Original file kept: {size:,} bytes" in capsys.readouterr().out


def test_cli_refuses_a_file_over_the_limit_naming_its_true_size(tmp_path, legal_admin, monkeypatch):
    monkeypatch.setattr(demands, "MAX_FILE_BYTES", 1024)
    order = tmp_path / "order.txt"
    order.write_bytes(b"@kisan\n" * 1000)  # 7,000 bytes
    with pytest.raises(CommandError, match=r"The file is 6\.8 KB; the limit is 1 KB\."):
        call_command("demands", "import", str(order), *ORDER_FIELDS)
    assert not Demand.objects.exists()
