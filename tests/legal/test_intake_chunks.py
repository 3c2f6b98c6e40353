"""Large orders are written in chunks; an interrupted import is visibly incomplete and resumable."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from tidings.audit.chain import verify_chain
from tidings.audit.models import AuditEvent
from tidings.legal.actions import intake
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_discard_import, do_resume_import
from tidings.legal.models import Demand, DemandItem
from tidings.lib.errors import InvalidInput

ORDER = "\n".join(
    ["@kisanvoice", "@ghost_one", "not a target!!", "@kisanvoice"]
    + [f"@missing_{n}" for n in range(6)]
)


class Crash(Exception):
    """The process dying in the middle of an import."""


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(intake, "IMPORT_CHUNK_LINES", 3)


@pytest.fixture
def crash_on_third_chunk(monkeypatch, small_chunks):
    """Every import dies as it writes its third chunk; call the fixture to stop the crashes."""
    write, chunks = intake._write_items, Counter()

    def write_then_crash(demand, lines):
        chunks[demand.id] += 1
        if chunks[demand.id] == 3:
            raise Crash
        write(demand, lines)

    monkeypatch.setattr(intake, "_write_items", write_then_crash)
    return lambda: monkeypatch.setattr(intake, "_write_items", write)


def actions_of(demand: Demand) -> list[str]:
    return list(
        AuditEvent.objects.filter(subject_type="demand", subject_id=str(demand.id))
        .order_by("seq")
        .values_list("action", flat=True)
    )


def lines_of(demand: Demand) -> list[tuple[int, str, str]]:
    return list(
        DemandItem.objects.filter(demand=demand)
        .order_by("line_number")
        .values_list("line_number", "raw", "match_status")
    )


def test_a_large_order_is_received_only_when_its_last_chunk_commits(
    small_chunks, import_order, make_account
):
    make_account("kisanvoice")
    result = import_order(ORDER)
    demand = Demand.objects.get(id=result.demand.id)
    assert demand.status == "received"
    assert actions_of(demand) == ["legal.import.start"] + ["legal.import.items"] * 4 + [
        "legal.import"
    ]
    assert [raw for _, raw, _ in lines_of(demand)] == ORDER.split("\n")
    assert result.counts == {"matched": 1, "unknown": 7, "invalid": 1, "duplicate": 1}
    assert list(verify_chain()) == []


def test_an_order_that_fits_one_chunk_is_one_transaction_with_one_event(import_order):
    demand = import_order("@ghost\n@other").demand
    assert Demand.objects.get(id=demand.id).status == "received"
    assert actions_of(demand) == ["legal.import"]


def test_an_interrupted_import_stays_visibly_importing_and_cannot_be_decided(
    crash_on_third_chunk, import_order, make_account, legal_admin
):
    make_account("kisanvoice")
    with pytest.raises(Crash):
        import_order(ORDER)
    demand = Demand.objects.get()
    assert demand.status == "importing"
    assert demand.get_status_display() == "Importing"
    assert [n for n, _, _ in lines_of(demand)] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(InvalidInput, match="still being imported"):
        do_decide_items(
            demand, "all_matched", action="withhold", reason="x", acting_user=legal_admin
        )


def test_resuming_writes_each_missing_line_once_and_finishes_the_import(
    crash_on_third_chunk, import_order, make_account, legal_admin
):
    make_account("kisanvoice")
    with pytest.raises(Crash):
        import_order(ORDER)
    crash_on_third_chunk()  # the process is back
    demand = Demand.objects.get()
    result = do_resume_import(demand, acting_user=legal_admin)
    assert Demand.objects.get(id=demand.id).status == "received"
    assert [(n, raw) for n, raw, _ in lines_of(demand)] == list(
        enumerate(ORDER.split("\n"), start=1)
    )
    assert result.counts == {"matched": 1, "unknown": 7, "invalid": 1, "duplicate": 1}
    assert actions_of(demand)[-1] == "legal.import"
    do_decide_items(demand, "all_matched", action="decline", reason="x", acting_user=legal_admin)
    with pytest.raises(InvalidInput, match="not importing"):
        do_resume_import(demand, acting_user=legal_admin)
    assert list(verify_chain()) == []


def test_a_discarded_import_keeps_its_rows_and_cannot_be_decided_or_resumed(
    crash_on_third_chunk, import_order, legal_admin
):
    with pytest.raises(Crash):
        import_order(ORDER)
    demand = Demand.objects.get()
    with pytest.raises(InvalidInput, match="reason"):
        do_discard_import(demand, reason=" ", acting_user=legal_admin)
    do_discard_import(demand, reason="the ministry sent a corrected list", acting_user=legal_admin)
    assert Demand.objects.get(id=demand.id).status == "discarded"
    assert DemandItem.objects.filter(demand=demand).count() == 6
    assert actions_of(demand)[-1] == "legal.import.discard"
    with pytest.raises(InvalidInput, match="discarded"):
        do_decide_items(demand, [1], action="decline", reason="x", acting_user=legal_admin)
    with pytest.raises(InvalidInput, match="not importing"):
        do_resume_import(demand, acting_user=legal_admin)


def test_the_cli_resumes_and_discards_interrupted_imports(
    crash_on_third_chunk, import_order, legal_admin, capsys
):
    for reference in ("R-1", "R-2"):
        with pytest.raises(Crash):
            import_order(ORDER, reference=reference)
    first, second = Demand.objects.order_by("id")
    crash_on_third_chunk()
    call_command("demands", "resume", str(first.id))
    assert "10 items" in capsys.readouterr().out
    call_command("demands", "discard", str(second.id), "--reason", "duplicate order")
    assert "discarded" in capsys.readouterr().out
    assert Demand.objects.get(id=second.id).status == "discarded"
    with pytest.raises(CommandError, match="not importing"):
        call_command("demands", "resume", str(second.id))
    with pytest.raises(CommandError, match="There is no demand"):
        call_command("demands", "resume", "12345")


def test_the_desk_shows_an_interrupted_import_as_importing(
    crash_on_third_chunk, import_order, legal, client
):
    with pytest.raises(Crash):
        import_order(ORDER)
    demand = Demand.objects.get()
    client.force_login(legal)
    for page in ("/desk/demands", f"/desk/demands/{demand.id}"):
        response = client.get(page)
        assert response.status_code == 200
        assert "Importing" in response.content.decode()
