"""Orders built through the desk's own actions, for the export tests."""

from __future__ import annotations

from collections import Counter

import pytest

from tidings.legal.actions import intake
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.models import Demand, DemandKind


class Crash(Exception):
    """The process dying in the middle of an import."""


def order(acting_user, text: str, **fields) -> Demand:
    """An order taken in at the desk (an open Indian ministry order unless told otherwise)."""
    fields.setdefault("authority_name", "Ministry of Electronics and Information Technology")
    fields.setdefault("country", "IN")
    fields.setdefault("reference", "MEITY/2021/1178")
    fields.setdefault("legal_basis", "Section 69A of the Information Technology Act, 2000")
    fields.setdefault("legal_basis_code", "IN-ITA-69A")
    fields.setdefault("confidential", False)
    return do_import_demand(text, acting_user=acting_user, **fields).demand


def court_order(acting_user, text: str, **fields) -> Demand:
    fields.setdefault("authority_name", "Landgericht Berlin")
    fields.setdefault("country", "DE")
    fields.setdefault("reference", "27 O 12/24")
    fields.setdefault("legal_basis", "Article 9 of Regulation (EU) 2022/2065")
    fields.setdefault("legal_basis_code", "EU-DSA-9")
    fields.setdefault("kind", DemandKind.COURT_ORDER)
    fields.setdefault("authority_kind", "court")
    return order(acting_user, text, **fields)


def item_ids(demand: Demand) -> dict[str, int]:
    """Matched lines of ``demand`` by their raw text."""
    return {i.raw: i.id for i in demand.items.filter(match_status="matched")}


def decide(demand: Demand, raws: list[str], action: str, acting_user, **options) -> None:
    ids = item_ids(demand)
    options.setdefault("reason", f"reviewer's private note on {action}")
    do_decide_items(
        demand, [ids[r] for r in raws], action=action, acting_user=acting_user, **options
    )


@pytest.fixture
def interrupted_import(monkeypatch):
    """Run an import that dies while writing its second chunk (the demand stays importing)."""

    def run(acting_user, text: str, **fields) -> Demand:
        monkeypatch.setattr(intake, "IMPORT_CHUNK_LINES", 1)
        write, chunks = intake._write_items, Counter()

        def write_then_crash(demand, lines):
            chunks[demand.id] += 1
            if chunks[demand.id] == 2:
                raise Crash
            write(demand, lines)

        monkeypatch.setattr(intake, "_write_items", write_then_crash)
        with pytest.raises(Crash):
            order(acting_user, text, **fields)
        monkeypatch.setattr(intake, "_write_items", write)
        return Demand.objects.get(reference=fields.get("reference", "MEITY/2021/1178"))

    return run
