"""Orders sent as documents: Excel workbooks (.xlsx) and PDF letters, read by content.

A file is a workbook when it is a ZIP archive holding ``xl/`` parts, and a PDF when
it starts with ``%PDF-``; the file name is never consulted. Hostile or broken files
(encrypted, damaged, zip bombs, more rows or pages than intake takes) raise one
``UnreadableOrder`` with a plain reason, before anything is created.

- A workbook yields, per worksheet, its rows as lists of cell texts; the parser then
  picks the target column and header row as it does for CSV.
- A PDF yields its text lines, page by page; the parser takes every link and
  @handle found in them.
"""

from __future__ import annotations

import io
import logging
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from tidings.legal.intake.errors import UnreadableOrder

XLSX_SIGNATURE = b"PK\x03\x04"
PDF_SIGNATURE = b"%PDF-"
#: A workbook may unpack to at most this many bytes, and no part may grow more than
#: ``MAX_ZIP_RATIO`` times (real sheets compress ~10x; a zip bomb ~1000x).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_ZIP_ENTRIES = 10_000
#: Columns read per row (an order has a few; a sheet may claim 16,384).
MAX_COLUMNS = 64
MAX_PDF_PAGES = 2_000
_CELL_BREAKS = str.maketrans({"\t": " ", "\r": " ", "\n": " ", "\x00": " "})


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet: ``rows[i]`` is row ``i + 1`` as cell texts (tabs and breaks made spaces)."""

    name: str
    rows: list[list[str]]


@dataclass(frozen=True, slots=True)
class PdfText:
    """A PDF's text: ``pages[i]`` is the list of lines of page ``i + 1``."""

    pages: list[list[str]]


def document_kind(data: bytes) -> str | None:
    """ "xlsx", "pdf", or None for anything else (read as text, or refused as binary there)."""
    if data.startswith(PDF_SIGNATURE):
        return "pdf"
    if data.startswith(XLSX_SIGNATURE):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            raise UnreadableOrder(
                "The file is a ZIP archive (an Excel .xlsx file is one) but it is damaged or "
                "incomplete; save it again, or export the list as CSV, and upload that."
            ) from None
        if any(name.startswith("xl/") for name in names):
            return "xlsx"
    return None


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb before any part of it is unpacked."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            raise UnreadableOrder(f"The workbook has {len(entries):,} parts; it is not an order.")
        total = 0
        for entry in entries:
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if total > MAX_UNZIPPED_BYTES or (
                entry.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO
            ):
                raise UnreadableOrder(
                    "The workbook unpacks to far more than it holds (a zip bomb?); "
                    "export the list as CSV and upload that."
                )
            if entry.flag_bits & 0x1:
                raise UnreadableOrder(
                    "The workbook is encrypted; save an unprotected copy and upload that."
                )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value).translate(_CELL_BREAKS)


def read_xlsx(data: bytes, *, max_rows: int, max_chars: int) -> list[Sheet]:
    """Every worksheet's rows, as text; at most ``max_rows`` rows and ``max_chars`` characters."""
    _check_zip(data)
    import openpyxl  # imported here: only workbook orders pay for it

    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=True, keep_links=False
        )
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        logging.getLogger(__name__).info("unreadable workbook: %r", error)
        raise UnreadableOrder(
            "The workbook could not be read (it is damaged, or not an Excel .xlsx file); "
            "save it again, or export the list as CSV, and upload that."
        ) from None
    sheets: list[Sheet] = []
    rows_read = chars = 0
    try:
        for worksheet in workbook.worksheets:
            rows: list[list[str]] = []
            for values in worksheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True):
                rows_read += 1
                if rows_read > max_rows:
                    raise UnreadableOrder(
                        f"The workbook has more than {max_rows:,} rows; the limit is {max_rows:,}."
                    )
                row = [_cell_text(value) for value in values]
                while row and not row[-1].strip():
                    row.pop()
                chars += sum(len(cell) + 1 for cell in row)
                if chars > max_chars:
                    raise UnreadableOrder(
                        f"The workbook holds more than {max_chars:,} characters of text; "
                        "split the order."
                    )
                rows.append(row)
            while rows and not rows[-1]:
                rows.pop()
            sheets.append(Sheet(worksheet.title, rows))
    except UnreadableOrder:
        raise
    except Exception as error:
        logging.getLogger(__name__).info("unreadable workbook rows: %r", error)
        raise UnreadableOrder(
            "The workbook could not be read to the end (it is damaged); save it again, "
            "or export the list as CSV, and upload that."
        ) from None
    finally:
        workbook.close()
    if not any(sheet.rows for sheet in sheets):
        raise UnreadableOrder("The workbook has no filled cells; there is nothing to read.")
    return sheets


def read_pdf(data: bytes, *, max_chars: int) -> PdfText:
    """The text lines of every page; encrypted, damaged or text-less PDFs are refused."""
    import pypdf  # imported here: only PDF orders pay for it

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every oddity
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UnreadableOrder(
                "The PDF is encrypted (password-protected); send an unprotected copy."
            )
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise UnreadableOrder(f"The PDF has {count:,} pages; the limit is {MAX_PDF_PAGES:,}.")
        pages: list[list[str]] = []
        chars = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            chars += len(text)
            if chars > max_chars:
                raise UnreadableOrder(
                    f"The PDF holds more than {max_chars:,} characters of text; split the order."
                )
            pages.append(text.replace("\x00", " ").splitlines())
    except UnreadableOrder:
        raise
    except Exception as error:  # pypdf raises many kinds for a broken file
        logging.getLogger(__name__).info("unreadable PDF: %r", error)
        raise UnreadableOrder(
            "The PDF could not be read (it is damaged or incomplete); send it again, "
            "or export the list as CSV."
        ) from None
    if not any(line.strip() for page in pages for line in page):
        raise UnreadableOrder(
            "The PDF has no text to read (is it a scanned image?); send a PDF with text, "
            "or the list as CSV."
        )
    return PdfText(pages)
