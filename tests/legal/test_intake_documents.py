"""Orders sent as Excel workbooks and PDF letters: every row or every link is an item, with its place."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter

from tests.legal.order_documents import corrupt_xlsx, pdf_letter, xlsx_order, zip_bomb_xlsx
from tidings.legal.intake import UnreadableOrder, parse_order
from tidings.legal.models import DemandItem

OWN = "tidings.example"


def parse(data: bytes, **options):
    return parse_order(data, own_domain=OWN, **options)


def test_a_workbook_reads_the_url_column_below_its_header_with_each_rows_place() -> None:
    data = xlsx_order(
        {
            "Orders": [
                ("Sl. No.", "URL", "Remarks"),
                (1, "https://tidings.example/@alice", "misinformation"),
                (2, "@bob", None),
                (None, None, None),
                (3, "https://example.social/@carol", "hate"),
            ]
        }
    )
    order = parse(data)
    assert [(line.place, line.target, line.kind) for line in order.lines] == [
        ("sheet Orders, row 2", "https://tidings.example/@alice", "account"),
        ("sheet Orders, row 3", "@bob", "account"),
        ("sheet Orders, row 5", "https://example.social/@carol", "account"),
    ]
    assert (order.column_name, order.header_line_number, order.encoding) == ("URL", 1, "xlsx")
    assert order.lines[0].raw == "1\thttps://tidings.example/@alice\tmisinformation"


def test_every_sheet_of_a_workbook_is_read_and_numbered_in_order() -> None:
    data = xlsx_order({"Accounts": [("Handle",), ("@alice",)], "Posts": [("Link",), ("@bob",)]})
    order = parse(data)
    assert [(line.line_number, line.place, line.handle) for line in order.lines] == [
        (2, "sheet Accounts, row 2", "alice"),
        (4, "sheet Posts, row 2", "bob"),
    ]


def test_a_pdf_letter_yields_every_link_and_handle_with_its_page_and_line() -> None:
    data = pdf_letter(
        "Government of India, Ministry of Electronics and IT.\n"
        "Write to officer@meity.gov.in. Block (@alice) and the posts below.",
        [
            ("No.", "URL", "Remarks"),
            ("1", "https://tidings.example/@bob/123", "hate"),
            ("2", "https://t.co/AbC123", "rumour"),
        ],
        "Also @dave@example.social.",
    )
    order = parse(data)
    found = [(line.place, line.target, line.kind) for line in order.lines]
    assert found == [
        ("page 1, line 2", "@alice", "account"),
        ("page 1, line 4", "https://tidings.example/@bob/123", "post"),
        ("page 1, line 5", "https://t.co/AbC123", "short_link"),
        ("page 2, line 1", "@dave@example.social", "account"),
    ]
    assert order.encoding == "pdf"
    assert "officer" not in {line.handle for line in order.lines}


def test_a_workbook_is_recognised_by_content_not_by_name(import_order, make_account) -> None:
    make_account("alice")
    data = xlsx_order({"Sheet1": [("URL",), ("https://localhost:8000/@alice",)]})
    result = import_order(data, filename="order.csv", content_type="text/csv")
    (item,) = DemandItem.objects.filter(demand=result.demand)
    assert (item.match_status, item.place) == ("matched", "sheet Sheet1, row 2")
    assert bytes(result.demand.original_bytes) == data


def test_a_pdf_order_keeps_its_bytes_and_places(import_order, make_account) -> None:
    make_account("alice")
    data = pdf_letter("Block these.", [("No.", "URL", ""), ("1", "localhost:8000/@alice", "")])
    result = import_order(data, filename="letter.bin")
    (item,) = DemandItem.objects.filter(demand=result.demand)
    assert (item.match_status, item.place) == ("matched", "page 1, line 3")
    assert bytes(result.demand.original_bytes) == data


def _encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_letter("@alice", [("a", "b", "c")]))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _textless_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_encrypted_pdf, "The PDF is encrypted (password-protected); send an unprotected copy."),
        (lambda: pdf_letter("Hello", [("a", "b", "c")])[:400], "The PDF could not be read"),
        (_textless_pdf, "The PDF has no text to read (is it a scanned image?)"),
        (lambda: pdf_letter("No targets here.", [("No.", "Name", "")]), "names no link"),
        (zip_bomb_xlsx, "unpacks to far more than it holds (a zip bomb?)"),
        (corrupt_xlsx, "The workbook could not be read"),
        (lambda: xlsx_order({"Orders": [("URL",)]}), "no target rows"),
        (lambda: xlsx_order({"Empty": []}), "no filled cells"),
    ],
)
def test_a_hostile_or_broken_document_gets_one_clear_error(make, message: str) -> None:
    with pytest.raises(UnreadableOrder) as error:
        parse(make())
    assert message in error.value.message


def test_a_workbook_over_the_row_limit_is_refused() -> None:
    data = xlsx_order({"Orders": [("URL",)] + [(f"@user{n}",) for n in range(30)]})
    with pytest.raises(UnreadableOrder, match="more than 20 rows"):
        parse(data, max_lines=20)


def test_a_workbook_over_the_text_limit_is_refused() -> None:
    data = xlsx_order({"Orders": [("URL",)] + [("@" + "a" * 900,) for _ in range(30)]})
    with pytest.raises(UnreadableOrder, match="characters of text"):
        parse(data, max_bytes=len(data) + 10_000)
