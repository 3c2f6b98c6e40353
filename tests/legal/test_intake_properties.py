"""Whatever arrives, intake either refuses the whole order or accounts for every line."""

from __future__ import annotations

import codecs
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tidings.legal.intake import ParsedOrder, UnreadableOrder, parse_order

OWN = "tidings.example"
_BREAK = re.compile(r"\r\n|\r|\n")

fragments = st.sampled_from(
    [
        "@alice",
        "Bob_9",
        "https://x.com/carol/status/12?s=20",
        "https://tidings.example/@dave/42",
        "https://tidings.example/tags/x",
        "twitter.com/eve/",
        "handle",
        "Name",
        "a" * 31,
        '"',
        "'",
        ",",
        "\t",
        ";",
        "|",
        " ",
        "\n",
        "\r\n",
        "\r",
        "\ufeff",
        "\u00e9",
        "\u2028",
        "#tag",
        "@",
        "",
    ]
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])


def physical_lines(text: str) -> list[str]:
    lines = _BREAK.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def decoded(data: bytes, order: ParsedOrder) -> str:
    if order.encoding == "text":
        raise AssertionError("bytes in, so an encoding out")
    return data.decode(order.encoding).removeprefix("\ufeff")


def assert_every_line_accounted_for(text: str, order: ParsedOrder) -> None:
    lines = physical_lines(text)
    assert order.line_total == len(lines)
    covered: list[int] = list(order.blank_lines)
    if order.header_line_number is not None:
        covered.append(order.header_line_number)
        assert order.header == lines[order.header_line_number - 1]
    for item in order.lines:
        span = range(item.line_number, item.line_number + item.line_count)
        covered.extend(span)
        assert item.raw == "\n".join(lines[n - 1] for n in span)
        assert item.reason
    assert sorted(covered) == list(range(1, len(lines) + 1))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_are_refused_whole_or_read_line_by_line(data: bytes) -> None:
    try:
        order = parse_order(data, own_domain=OWN)
    except UnreadableOrder as error:
        assert error.message
        return
    assert_every_line_accounted_for(decoded(data, order), order)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(fragments, max_size=60), encodings)
def test_any_order_shaped_text_in_any_encoding_is_read_line_by_line(
    parts: list[str], encoding: str
) -> None:
    data = "".join(parts).encode(encoding)
    try:
        order = parse_order(data, own_domain=OWN)
    except UnreadableOrder as error:
        assert error.message
        return
    assert_every_line_accounted_for(decoded(data, order), order)


@settings(max_examples=300, deadline=None)
@given(st.lists(fragments, max_size=60), st.sampled_from([None, 1, 2, "handle", "Name"]))
def test_pasted_text_with_any_column_choice_is_refused_whole_or_read(
    parts: list[str], column: str | int | None
) -> None:
    text = "".join(parts)
    try:
        order = parse_order(text, own_domain=OWN, column=column)
    except UnreadableOrder as error:
        assert error.message
        return
    assert_every_line_accounted_for(text.removeprefix(codecs.BOM_UTF8.decode()), order)
