"""Whole orders: encodings, line endings, tables, headers, blank lines and unreadable files."""

from __future__ import annotations

import codecs

import pytest

from tidings.legal.intake import ParsedOrder, UnreadableOrder, parse_order

OWN = "tidings.example"


def parse(data: bytes | str, **options: object) -> ParsedOrder:
    return parse_order(data, own_domain=OWN, **options)  # type: ignore[arg-type]


def handles(order: ParsedOrder) -> list[str | None]:
    return [line.handle for line in order.lines]


def test_plain_text_gives_one_item_per_line_numbered_from_one() -> None:
    order = parse(b"@alice\nbob\nhttps://x.com/carol\n")
    assert handles(order) == ["alice", "bob", "carol"]
    assert [line.line_number for line in order.lines] == [1, 2, 3]
    assert (order.delimiter, order.column_used, order.header, order.encoding) == (
        None,
        1,
        None,
        "utf-8",
    )


def test_crlf_line_ends_are_not_part_of_the_raw_text() -> None:
    order = parse(b"@alice\r\n@bob\r\n")
    assert [line.raw for line in order.lines] == ["@alice", "@bob"]
    assert order.line_total == 2


def test_old_mac_cr_line_ends_split_lines_too() -> None:
    assert handles(parse(b"@alice\r@bob")) == ["alice", "bob"]


def test_utf8_bom_is_removed_from_the_first_line() -> None:
    order = parse(codecs.BOM_UTF8 + b"@alice\n@bob\n")
    assert order.lines[0].raw == "@alice"
    assert handles(order) == ["alice", "bob"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_or_without_bom_is_read(codec: str) -> None:
    data = "Handle\r\n@alice\r\nhttps://twitter.com/bob\r\n".encode(codec)
    if codec != "utf-16":
        assert not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    order = parse(data)
    assert order.encoding.startswith("utf-16")
    assert order.header == "Handle"
    assert handles(order) == ["alice", "bob"]


def test_pasted_text_is_read_as_is() -> None:
    order = parse("\ufeff  @alice  \n\n'bob',\n")
    assert order.encoding == "text"
    assert handles(order) == ["alice", "bob"]
    assert order.lines[0].raw == "  @alice  "


def test_quotes_and_trailing_commas_are_stripped_from_the_target() -> None:
    order = parse(b'"@alice",\n"https://x.com/bob",\ncarol,\n')
    assert handles(order) == ["alice", "bob", "carol"]
    assert [line.raw for line in order.lines] == ['"@alice",', '"https://x.com/bob",', "carol,"]


def test_csv_with_header_and_several_columns_finds_the_target_column() -> None:
    data = (
        b"S.No,Name,Reason,Link\n"
        b"1,Ravi Kumar,misinformation,https://twitter.com/ravi\n"
        b'2,"Sita, S.",incitement,https://x.com/sita/status/42\n'
        b"3,Om,misinformation,@om\n"
    )
    order = parse(data)
    assert order.header == "S.No,Name,Reason,Link"
    assert order.header_line_number == 1
    assert (order.column_used, order.column_name, order.delimiter) == (4, "Link", ",")
    assert handles(order) == ["ravi", "sita", "om"]
    assert order.lines[1].kind == "foreign_post"
    assert order.lines[1].raw == '2,"Sita, S.",incitement,https://x.com/sita/status/42'


def test_target_column_without_a_known_name_is_detected_by_its_contents() -> None:
    data = b"Serial,Who,Why\n1,@ravi,spam\n2,https://x.com/sita,fake\n3,@om,spam\n"
    order = parse(data)
    assert (order.column_used, order.header) == (2, "Serial,Who,Why")
    assert handles(order) == ["ravi", "sita", "om"]


def test_named_column_is_matched_case_insensitively() -> None:
    data = b"account,backup account\nravi,@ravi_old\nsita,@sita_old\n"
    order = parse(data, column="BACKUP ACCOUNT")
    assert order.column_used == 2
    assert handles(order) == ["ravi_old", "sita_old"]


def test_column_given_as_a_one_based_index() -> None:
    data = b"ravi,@ravi_old\nsita,@sita_old\n"
    assert handles(parse(data, column="1")) == ["ravi", "sita"]
    assert handles(parse(data, column=2)) == ["ravi_old", "sita_old"]


@pytest.mark.parametrize(
    ("column", "message"),
    [
        ("nickname", "No column is named 'nickname'; the first line has 'account', 'reason'."),
        (0, "Columns are numbered from 1; 0 names no column."),
        (5, "There is no column 5; the widest line has 2."),
    ],
)
def test_a_column_that_does_not_exist_is_refused(column: str | int, message: str) -> None:
    with pytest.raises(UnreadableOrder) as error:
        parse(b"account,reason\n@ravi,spam\n", column=column)
    assert error.value.message == message


def test_tsv_is_read_by_its_tabs() -> None:
    order = parse(b"Name\tProfile URL\nRavi, K\thttps://twitter.com/ravi\nSita\t@sita\n")
    assert (order.delimiter, order.column_used, order.column_name) == ("\t", 2, "Profile URL")
    assert handles(order) == ["ravi", "sita"]


def test_semicolon_separated_file_is_read() -> None:
    assert handles(parse(b"handle;reason\n@ravi;spam\n@sita;spam\n")) == ["ravi", "sita"]


def test_a_quoted_cell_spanning_lines_is_one_item_covering_those_lines() -> None:
    data = b'handle,note\n@ravi,"first line\nsecond line"\n@sita,short\n'
    order = parse(data)
    assert handles(order) == ["ravi", "sita"]
    assert (order.lines[0].line_number, order.lines[0].line_count) == (2, 2)
    assert order.lines[0].raw == '@ravi,"first line\nsecond line"'
    assert order.lines[1].line_number == 4


def test_a_stray_quote_does_not_swallow_the_lines_after_it() -> None:
    order = parse(b'handle,note\n@ravi,"unclosed\n@sita,x\n@om,y\n')
    assert handles(order) == ["ravi", "sita", "om"]


def test_a_single_column_header_word_is_reported_not_an_item() -> None:
    order = parse(b"Twitter handles\n@ravi\n@sita\n")
    assert order.header == "Twitter handles"
    assert handles(order) == ["ravi", "sita"]


def test_a_first_line_that_is_a_target_is_never_taken_for_a_header() -> None:
    assert parse(b"@handle\n@ravi\n").header is None
    assert handles(parse(b"@handle\n@ravi\n")) == ["handle", "ravi"]


def test_blank_lines_are_reported_by_number_and_are_not_items() -> None:
    order = parse(b"\n@ravi\n   \n,,\n@sita\n\n")
    assert order.blank_lines == (1, 3, 6)
    assert [line.line_number for line in order.lines] == [2, 4, 5]
    assert order.lines[1].reason == "empty cell"


def test_a_table_row_whose_cells_are_all_empty_counts_as_blank() -> None:
    order = parse(b'handle,reason\n@ravi,spam\n,,\n"",""\n@sita,spam\n')
    assert order.blank_lines == (3, 4)


def test_a_line_that_names_two_targets_is_one_invalid_item() -> None:
    order = parse(b"@ravi\n@sita, @om\n@kay\n")
    assert [line.kind for line in order.lines] == ["account", "invalid", "account"]
    assert order.lines[1].reason == "2 targets on one line; put one per line"


def test_a_table_row_with_a_second_link_is_one_invalid_item() -> None:
    order = parse(b"@ravi,\n@sita,https://x.com/om\n@kay,\n")
    assert [line.kind for line in order.lines] == ["account", "invalid", "account"]
    assert order.lines[1].reason == (
        "more than one target on the line (also column 2); put one per line"
    )


def test_duplicates_are_kept_as_separate_items() -> None:
    order = parse(b"@ravi\n@Ravi\nhttps://x.com/ravi\n")
    assert handles(order) == ["ravi", "ravi", "ravi"]


def test_an_order_with_three_bad_lines_keeps_every_line() -> None:
    good = [f"@user{n}" for n in range(1, 1176)]
    bad = ["@@@", "https://tidings.example/tags/farmers", "a" * 40]
    order = parse("\n".join(good[:500] + bad + good[500:]) + "\n")
    assert len(order.lines) == 1178
    invalid = [line for line in order.lines if line.kind == "invalid"]
    assert [line.raw for line in invalid] == bad
    assert all(line.reason for line in invalid)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (codecs.BOM_UTF8, "The file is empty."),
        (b"\n \r\n\t\n", "The file has only blank lines; there is nothing to read."),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "The PDF could not be read (it is damaged or incomplete); send it again, "
            "or export the list as CSV.",
        ),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "The file is a ZIP archive (an Excel .xlsx file is one) but it is damaged or "
            "incomplete; save it again, or export the list as CSV, and upload that.",
        ),
        (
            b"@ravi\x00\x01\x02\x03\x00\xff",
            "The file looks binary (not text): it contains NUL bytes.",
        ),
        (
            b"@ravi\n\xe9t\xe9\n",
            "The file is not valid UTF-8 or UTF-16 text (byte 7 cannot be read as UTF-8). "
            "Save it as UTF-8 text and upload it again.",
        ),
        (
            b"\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f@a",
            "The file looks binary (not text): it is full of control characters.",
        ),
    ],
)
def test_an_unreadable_file_gets_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(UnreadableOrder) as error:
        parse(data)
    assert error.value.message == message


def test_a_file_over_the_size_limit_is_refused_before_it_is_read() -> None:
    data = b"@ravi\n" * (52 * 1024 * 1024 // 6 + 1)
    with pytest.raises(UnreadableOrder) as error:
        parse(data)
    assert error.value.message == "The file is 52.0 MB; the limit is 50 MB."


def test_pasted_text_over_the_size_limit_is_refused() -> None:
    with pytest.raises(UnreadableOrder) as error:
        parse("@ravi\n" * 200, max_bytes=1024)
    assert error.value.message == "The file is 1.2 KB; the limit is 1 KB."


def test_a_file_with_too_many_lines_is_refused() -> None:
    with pytest.raises(UnreadableOrder) as error:
        parse(b"@ravi\n" * 11, max_lines=10)
    assert error.value.message == "The file has 11 lines; the limit is 10."


def test_a_five_megabyte_line_is_one_invalid_item_keeping_only_its_first_characters() -> None:
    huge = "x" * 5_000_000
    order = parse(f"@alice\n{huge}\n@bob\n".encode(), max_bytes=50 * 1024 * 1024)
    assert handles(order) == ["alice", None, "bob"]
    long_line = order.lines[1]
    assert long_line.kind == "invalid"
    assert long_line.reason == "line is 5,000,000 characters; only the first 2,000 are kept"
    assert long_line.raw == "x" * 2_000 + " [truncated]"


def test_a_line_of_exactly_the_cap_is_read_as_usual() -> None:
    line = "@" + "a" * 1_999
    order = parse(line + "\n")
    assert order.lines[0].raw == line
    assert "only the first" not in order.lines[0].reason
