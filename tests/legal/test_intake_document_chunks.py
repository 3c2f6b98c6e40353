"""A large workbook is written in chunks like a text order, and an interrupted one resumes."""

from __future__ import annotations

import pytest

from tests.legal.order_documents import xlsx_order
from tidings.legal.actions import intake
from tidings.legal.actions.intake import do_resume_import
from tidings.legal.models import Demand, DemandItem


class Crash(Exception):
    """The process dying in the middle of an import."""


def test_an_interrupted_workbook_import_resumes_with_the_same_items(
    import_order, legal, monkeypatch
):
    monkeypatch.setattr(intake, "IMPORT_CHUNK_LINES", 3)
    data = xlsx_order(
        {
            "Accounts": [("Handle", "Note")] + [(f"@a{n}", "x") for n in range(5)],
            "Posts": [("No.", "Link")] + [(n, f"@b{n}") for n in range(5)],
        }
    )
    write, calls = intake._write_items, []

    def crash_on_second(demand, lines):
        calls.append(1)
        if len(calls) == 2:
            raise Crash
        write(demand, lines)

    monkeypatch.setattr(intake, "_write_items", crash_on_second)
    with pytest.raises(Crash):
        import_order(data)
    monkeypatch.setattr(intake, "_write_items", write)
    demand = Demand.objects.get()
    assert demand.status == "importing"
    do_resume_import(demand, acting_user=legal)
    items = DemandItem.objects.filter(demand=demand).order_by("line_number")
    assert [(i.place, i.target) for i in items] == [
        *[(f"sheet Accounts, row {n + 2}", f"@a{n}") for n in range(5)],
        *[(f"sheet Posts, row {n + 2}", f"@b{n}") for n in range(5)],
    ]
    demand.refresh_from_db()
    assert demand.status == "received"
