"""The shape of an order: its delimiter, header row and target column.

Everything here is decided from a sample of the first non-blank lines, so the cost
does not grow with the file. Quirks: a tab wins over a comma when both are common;
a first line is a header when a cell is a known column name (``Handle``, ``URL``,
``Tweet link``…) or, in a file with several columns, when it names no target while
the lines below it do.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from tidings.legal.intake.errors import UnreadableOrder
from tidings.legal.intake.targets import (
    BARE_HANDLE,
    OwnHosts,
    Target,
    clean_cell,
    parse_target,
)

SAMPLE_LINES = 200
DELIMITERS = ("\t", ",", ";", "|")

_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Column names that say "this column holds the targets".
TARGET_HEADERS = frozenset(
    {
        "account",
        "accounthandle",
        "accountlink",
        "accountname",
        "accounts",
        "accounturl",
        "handle",
        "handles",
        "link",
        "links",
        "post",
        "postlink",
        "posts",
        "posturl",
        "profile",
        "profilelink",
        "profileurl",
        "screenname",
        "status",
        "statuslink",
        "statusurl",
        "target",
        "targets",
        "tweet",
        "tweetlink",
        "tweets",
        "tweeturl",
        "twitter",
        "twitteraccount",
        "twitterhandle",
        "twitterhandles",
        "twitterid",
        "twitterurl",
        "url",
        "urls",
        "user",
        "username",
        "usernames",
        "users",
    }
)
# Other column names an order's table commonly has.
OTHER_HEADERS = frozenset(
    {
        "category",
        "comment",
        "comments",
        "content",
        "country",
        "date",
        "description",
        "id",
        "name",
        "names",
        "no",
        "note",
        "notes",
        "number",
        "reason",
        "reasons",
        "remarks",
        "serial",
        "serialno",
        "slno",
        "sno",
        "srno",
        "type",
    }
)


@dataclass(frozen=True, slots=True)
class Shape:
    """Where the targets are. ``column`` is 0-based; ``header_index`` indexes the lines."""

    delimiter: str | None
    column: int
    column_name: str | None
    header_index: int | None
    width: int  # the most common number of cells on a line
    list_of_targets: bool  # no header, and every filled cell of every column names a target


def header_word(cell: str) -> str:
    return _NOT_WORD.sub("", clean_cell(cell).lower())


def detect_delimiter(sample: Sequence[str]) -> str | None:
    """The delimiter found on at least half of the sample's lines, or None (one column)."""
    best, best_share = None, 0.5
    for delimiter in DELIMITERS:
        share = sum(delimiter in line for line in sample) / len(sample)
        if share >= best_share and (best is None or share > best_share):
            best, best_share = delimiter, share
    return best


def split_row(line: str, delimiter: str | None) -> list[str]:
    """Cells of one line; quoted cells may hold the delimiter and doubled quotes."""
    if delimiter is None:
        return [line]
    if '"' not in line:
        return line.split(delimiter)
    try:
        return next(csv.reader([line], delimiter=delimiter, skipinitialspace=True), [""])
    except csv.Error:  # e.g. a field over the csv size limit: fall back to a plain split
        return line.split(delimiter)


def target_strength(target: Target) -> int:
    """How strongly a cell suggests a target column: links and @handles beat bare words."""
    if target.kind == "invalid":
        return 0
    if target.reason == BARE_HANDLE:
        return 0 if target.handle and target.handle.isdigit() else 1
    return 3


def _column_from_argument(column: str | int, first: list[str], width: int) -> tuple[int, bool]:
    """(0-based column, whether the first row is the header) for a ``--column`` value."""
    if isinstance(column, str):
        wanted = clean_cell(column).lower()
        names = [clean_cell(cell).lower() for cell in first]
        if wanted in names:
            return names.index(wanted), True
        if not wanted.isdigit():
            listed = ", ".join(repr(clean_cell(cell)) for cell in first)
            raise UnreadableOrder(f"No column is named {column!r}; the first line has {listed}.")
        column = int(wanted)
    if column < 1:
        raise UnreadableOrder(f"Columns are numbered from 1; {column} names no column.")
    if column > width:
        raise UnreadableOrder(f"There is no column {column}; the widest line has {width}.")
    return column - 1, False


def detect_shape(
    content_lines: Sequence[tuple[int, str]],
    column: str | int | None,
    own_host: OwnHosts,
    *,
    delimiter: str | None = "detect",
) -> Shape:
    """The order's shape from its first non-blank ``(index, line)`` pairs.

    ``delimiter`` is detected unless given (a workbook's rows are tab-joined cells).
    """
    sample = [line for _, line in content_lines[:SAMPLE_LINES]]
    if delimiter == "detect":
        delimiter = detect_delimiter(sample)
    rows = [split_row(line, delimiter) for line in sample]
    width = max(len(row) for row in rows)
    first, rest = rows[0], rows[1:] or rows[:1]
    parsed_rest = [[parse_target(cell, own_host=own_host) for cell in row] for row in rest]
    scores = [0] * width
    for row in parsed_rest:
        for i, target in enumerate(row):
            scores[i] += target_strength(target)
    named = [i for i, cell in enumerate(first) if header_word(cell) in TARGET_HEADERS]
    forced_header = False
    if column is not None:
        chosen, forced_header = _column_from_argument(column, first, width)
    elif named:
        chosen = max(named, key=lambda i: (scores[i], -i))
    else:
        chosen = max(range(width), key=lambda i: (scores[i], -i))

    first_targets = [parse_target(cell, own_host=own_host) for cell in first]
    # A lone word is a header only if it names the target column: "id" may be a handle.
    known = TARGET_HEADERS | OTHER_HEADERS if width > 1 else TARGET_HEADERS
    is_header = forced_header or any(
        header_word(cell) in known and target_strength(t) < 3
        for cell, t in zip(first, first_targets, strict=True)
    )
    if not is_header and width > 1 and len(rows) > 1:
        strong_below = sum(
            len(row) > chosen and target_strength(row[chosen]) == 3 for row in parsed_rest
        )
        is_header = strong_below * 2 >= len(parsed_rest) and all(
            target_strength(t) < 3 for t in first_targets
        )
    body = parsed_rest if is_header or len(rows) == 1 else [first_targets, *parsed_rest]
    list_of_targets = (
        width > 1
        and column is None
        and not is_header
        and all(t.kind != "invalid" or t.reason == "empty cell" for row in body for t in row)
    )
    return Shape(
        delimiter=delimiter,
        column=chosen,
        column_name=clean_cell(first[chosen]) if is_header and chosen < len(first) else None,
        header_index=content_lines[0][0] if is_header else None,
        width=Counter(len(row) for row in rows).most_common(1)[0][0],
        list_of_targets=list_of_targets,
    )
