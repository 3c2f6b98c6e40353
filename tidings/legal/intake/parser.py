"""``parse_order``: the one parser behind every door of order intake (web, admin API, CLI).

Invariant: every physical line of the text is accounted for exactly once, as the
header, as a blank line (listed in ``blank_lines``, never an item), or inside one
``ParsedLine`` (a quoted CSV cell may span several lines: ``line_count`` says how
many). Bad lines are items of kind ``invalid`` with a reason; nothing is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from tidings.legal.intake.decode import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_LINES,
    check_size,
    check_text,
    decode_order,
    split_lines,
)
from tidings.legal.intake.documents import PdfText, Sheet, document_kind, read_pdf, read_xlsx
from tidings.legal.intake.errors import UnreadableOrder
from tidings.legal.intake.table import Shape, detect_shape, split_row, target_strength
from tidings.legal.intake.targets import (
    Kind,
    OwnHosts,
    Target,
    clean_cell,
    normalise_host,
    parse_target,
)

_BLANK = " \t\v\f\u00a0\u200b\u200c\u200d\u2060\ufeff"
_MAX_CELL_LINES = 20  # a quoted cell may run over this many lines at most
#: An item keeps at most this many characters of its line (the original file is kept whole).
LINE_MAX_CHARS = 2_000
#: Appended to the kept part of a longer line.
TRUNCATED_MARKER = " [truncated]"
#: What counts as a target in a letter's prose: a link, or an @handle not inside an
#: e-mail address or a link (``@handle@host`` included).
_PDF_TARGET = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\u201c\u201d]+"
    r"|(?<![\w@/.])@\w+(?:@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)?"
    r"|(?<![\w@/.:-])(?:(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}|localhost)(?::[0-9]{1,5})?"
    r"/[^\s<>\"'\u201c\u201d]*"
)


@dataclass(frozen=True, slots=True)
class ParsedLine:
    """One item of an order. ``raw`` is the text as decoded, without its final terminator.

    ``line_number`` is 1-based and physical; ``target`` is the cell read, unstripped.
    """

    line_number: int
    raw: str
    target: str
    kind: Kind
    reason: str
    handle: str | None = None
    post_id: int | None = None
    foreign_post_id: int | None = None
    host: str | None = None
    line_count: int = 1
    #: An account on another server (see ``Target.foreign``).
    foreign: bool = False
    #: Where it was found when not a plain line number: "row 7", "page 2, line 14".
    place: str = ""


@dataclass(frozen=True, slots=True)
class ParsedOrder:
    """A whole order. ``column_used`` is 1-based; ``encoding`` is "text" for pasted text."""

    lines: list[ParsedLine]
    header: str | None
    header_line_number: int | None
    column_used: int
    column_name: str | None
    delimiter: str | None
    encoding: str
    blank_lines: tuple[int, ...]
    line_total: int


def parse_order(
    data: bytes | str,
    *,
    own_domain: str,
    aliases: Sequence[str] = (),
    column: str | int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_lines: int = DEFAULT_MAX_LINES,
) -> ParsedOrder:
    """Parse an uploaded file (bytes) or pasted text (str); raises only ``UnreadableOrder``.

    ``own_domain`` is this server's domain (``settings.DOMAIN``) and ``aliases`` its
    other or former domains: their links name our accounts and posts. ``column`` is a
    header name (any case) or a 1-based index; None detects it. Bytes that are an
    Excel workbook or a PDF (by content, see ``documents``) are read as such. An
    order with no target line (a header only) is refused.
    """
    own_host = frozenset(normalise_host(domain) for domain in (own_domain, *aliases) if domain)
    if isinstance(data, str):
        check_size(len(data.encode("utf-8", "surrogatepass")), max_bytes)
        text, encoding = data.removeprefix("\ufeff"), "text"
        check_text(text)
    else:
        check_size(len(data), max_bytes)
        kind = document_kind(data)
        if kind == "xlsx":
            sheets = read_xlsx(data, max_rows=max_lines, max_chars=max_bytes)
            return _parse_workbook(sheets, own_host, column)
        if kind == "pdf":
            return _parse_pdf(read_pdf(data, max_chars=max_bytes), own_host)
        text, encoding = decode_order(data, max_bytes=max_bytes)
    lines = split_lines(text, max_lines=max_lines)
    content = [(i, line) for i, line in enumerate(lines) if line.strip(_BLANK)]
    if not content:
        raise UnreadableOrder("The file has only blank lines; there is nothing to read.")
    shape = detect_shape(content, column, own_host)
    items, blanks = _items(lines, shape, own_host, explicit_column=column is not None)
    header = None if shape.header_index is None else lines[shape.header_index]
    if not items:
        raise UnreadableOrder(
            f"The order has only a header line ({header!r}) and no target below it."
        )
    return ParsedOrder(
        lines=items,
        header=header,
        header_line_number=None if shape.header_index is None else shape.header_index + 1,
        column_used=shape.column + 1,
        column_name=shape.column_name,
        delimiter=shape.delimiter,
        encoding=encoding,
        blank_lines=tuple(blanks),
        line_total=len(lines),
    )


def _parse_workbook(
    sheets: Sequence[Sheet], own_host: OwnHosts, column: str | int | None
) -> ParsedOrder:
    """Each worksheet read like a tab-separated file; items are numbered across sheets.

    ``line_number`` counts rows of all sheets in order (so it is unique in the order);
    ``place`` says "sheet Orders, row 7".
    """
    items: list[ParsedLine] = []
    blanks: list[int] = []
    first: tuple[Shape, list[str]] | None = None
    offset = 0
    for sheet in sheets:
        lines = ["\t".join(row) for row in sheet.rows]
        content = [(i, line) for i, line in enumerate(lines) if line.strip(_BLANK + "\t")]
        if content:
            shape = detect_shape(content, column, own_host, delimiter="\t")
            first = first or (shape, lines)
            found, blank = _items(
                lines, shape, own_host, explicit_column=column is not None, rows=sheet.rows
            )
            items += [
                replace(
                    item,
                    line_number=item.line_number + offset,
                    place=f"sheet {sheet.name}, row {item.line_number}",
                )
                for item in found
            ]
            blanks += [number + offset for number in blank]
        offset += len(lines)
    if first is None or not items:
        raise UnreadableOrder("The workbook has no target rows (only a header, or nothing).")
    shape, lines = first
    return ParsedOrder(
        lines=items,
        header=None if shape.header_index is None else lines[shape.header_index],
        header_line_number=None if shape.header_index is None else shape.header_index + 1,
        column_used=shape.column + 1,
        column_name=shape.column_name,
        delimiter=None,
        encoding="xlsx",
        blank_lines=tuple(blanks),
        line_total=offset,
    )


def _parse_pdf(pdf: PdfText, own_host: OwnHosts) -> ParsedOrder:
    """One item per link or @handle found in the letter's text, wherever it stands."""
    items: list[ParsedLine] = []
    total = 0
    for page_number, lines in enumerate(pdf.pages, start=1):
        for line_number, line in enumerate(lines, start=1):
            total += 1
            for found in _PDF_TARGET.finditer(line):
                cell = found[0]
                target = parse_target(cell, own_host=own_host)
                raw = line.strip()
                if len(raw) > LINE_MAX_CHARS:
                    raw = raw[:LINE_MAX_CHARS] + TRUNCATED_MARKER
                items.append(
                    ParsedLine(
                        line_number=len(items) + 1,
                        raw=raw,
                        target=cell,
                        kind=target.kind,
                        reason=target.reason,
                        handle=target.handle,
                        post_id=target.post_id,
                        foreign_post_id=target.foreign_post_id,
                        host=target.host,
                        foreign=target.foreign,
                        place=f"page {page_number}, line {line_number}",
                    )
                )
    if not items:
        raise UnreadableOrder(
            "The PDF names no link or @handle; send the list of targets as CSV or text."
        )
    return ParsedOrder(
        lines=items,
        header=None,
        header_line_number=None,
        column_used=1,
        column_name=None,
        delimiter=None,
        encoding="pdf",
        blank_lines=(),
        line_total=total,
    )


def _items(
    lines: list[str],
    shape: Shape,
    own_host: OwnHosts,
    *,
    explicit_column: bool,
    rows: Sequence[list[str]] | None = None,
) -> tuple[list[ParsedLine], list[int]]:
    """Items and blank line numbers; ``rows`` are the cells when already split (a workbook)."""
    delimiter, column = shape.delimiter, shape.column
    blank_chars = _BLANK + (f'{delimiter}"' if delimiter else "")
    items: list[ParsedLine] = []
    blanks: list[int] = []
    i = 0
    while i < len(lines):
        line, span = lines[i], 1
        if i == shape.header_index:
            i += 1
            continue
        if not line.strip(blank_chars):
            blanks.append(i + 1)
            i += 1
            continue
        if len(line.strip(blank_chars)) > LINE_MAX_CHARS:
            items.append(_overlong(i + 1, line))
            i += 1
            continue
        row: list[str] | None = list(rows[i]) if rows is not None else None
        if row is None and delimiter and line.count('"') % 2:
            row, span = _quoted_record(lines, i, shape)
        raw = "\n".join(lines[i : i + span]) if span > 1 else line
        if row is None:
            row = split_row(line, delimiter)
        item = _item(i + 1, raw, row, span, column, shape, own_host, explicit_column)
        if len(raw) > LINE_MAX_CHARS:  # a short target padded with blanks: keep it, not the padding
            item = replace(item, raw=raw[:LINE_MAX_CHARS] + TRUNCATED_MARKER)
        items.append(item)
        i += span
    return items, blanks


def _overlong(number: int, line: str) -> ParsedLine:
    """An invalid item for a line too long to be one target; its first characters are kept."""
    return ParsedLine(
        line_number=number,
        raw=line[:LINE_MAX_CHARS] + TRUNCATED_MARKER,
        target="",
        kind="invalid",
        reason=(f"line is {len(line):,} characters; only the first {LINE_MAX_CHARS:,} are kept"),
    )


def _quoted_record(lines: list[str], start: int, shape: Shape) -> tuple[list[str] | None, int]:
    """A record whose quoted cell runs over later lines, if it closes into a full row."""
    quotes = lines[start].count('"')
    for end in range(start + 1, min(start + _MAX_CELL_LINES, len(lines))):
        quotes += lines[end].count('"')
        if quotes % 2 == 0:
            row = split_row("\n".join(lines[start : end + 1]), shape.delimiter)
            if len(row) == shape.width and shape.width > 1:
                return row, end - start + 1
            break
    return None, 1


def _item(
    number: int,
    raw: str,
    row: list[str],
    span: int,
    column: int,
    shape: Shape,
    own_host: OwnHosts,
    explicit_column: bool,
) -> ParsedLine:
    used = column
    if column >= len(row):  # a short line: read its only filled cell, if it has one
        filled = [j for j, cell in enumerate(row) if clean_cell(cell)]
        used = filled[0] if len(filled) == 1 else -1
    cell = row[used] if used >= 0 else ""
    target = parse_target(cell, own_host=own_host)
    if not explicit_column and len(row) > 1:
        target = _check_other_columns(target, row, used, shape, own_host)
    return ParsedLine(
        line_number=number,
        raw=raw,
        target=cell,
        kind=target.kind,
        reason=target.reason,
        handle=target.handle,
        post_id=target.post_id,
        foreign_post_id=target.foreign_post_id,
        host=target.host,
        line_count=span,
        foreign=target.foreign,
    )


def _check_other_columns(
    target: Target, row: list[str], used: int, shape: Shape, own_host: OwnHosts
) -> Target:
    """Invalid when another cell also names a target: a line is one item, never two."""
    others = []
    for j, other in enumerate(row):
        if j == used or not (shape.list_of_targets or "@" in other or "/" in other):
            continue  # only links and @handles can be strong targets
        if not clean_cell(other):
            continue
        strength = target_strength(parse_target(other, own_host=own_host))
        if strength == 3 or (strength and shape.list_of_targets):
            others.append(j + 1)
    if not others:
        return target
    where = ", ".join(str(j) for j in others)
    return Target(
        "invalid",
        f"more than one target on the line (also column {where}); put one per line",
    )
