"""Order files as ministries send them, built in the test: Excel workbooks and PDF letters."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import openpyxl
from fpdf import FPDF


def xlsx_order(sheets: dict[str, Sequence[Sequence[object]]]) -> bytes:
    """A workbook with one worksheet per entry, rows as given (None is an empty cell)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_letter(intro: str, table: Sequence[Sequence[str]], *more_pages: str) -> bytes:
    """A letter: a paragraph, a table (first row its header), then pages of plain text."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, intro)
    pdf.ln(4)
    with pdf.table(col_widths=(15, 120, 55)) as grid:
        for cells in table:
            row = grid.row()
            for cell in cells:
                row.cell(cell)
    for text in more_pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def zip_bomb_xlsx() -> bytes:
    """A ZIP with an ``xl/`` part that unpacks from a few hundred KB to 300 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                part.write(chunk)
    return buffer.getvalue()


def corrupt_xlsx() -> bytes:
    """A ZIP that looks like a workbook (``xl/`` parts) whose XML is garbage."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "not xml at all <<<")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    return buffer.getvalue()
