"""Bytes of an uploaded order → text and its physical lines, or one ``UnreadableOrder``.

Accepted: UTF-8 (with or without a BOM) and UTF-16 (with a BOM, or without one when
the NUL pattern makes the byte order obvious); UTF-32 with a BOM. Anything else is
refused rather than guessed, since a wrong guess would change the text of a legal
document. Lines end at CRLF, LF or CR; a final terminator does not open a new line.
"""

from __future__ import annotations

import codecs
import re

from tidings.legal.intake.errors import UnreadableOrder

MB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MB
DEFAULT_MAX_LINES = 1_000_000

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Formats people upload by mistake instead of exporting text: named, so the error can say so.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx or Word .docx file is one)"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Office document (.xls or .doc), or a password-protected Office file",
    ),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# C0 controls other than tab, LF, VT, FF, CR; a text file has almost none.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"
_BINARY_CONTROL_SHARE = 0.10


def size_text(n: int) -> str:
    """ "52.4 MB", "50 MB", "1.2 KB", "900 bytes" (binary multiples, as file managers show)."""
    if n < 1024:
        return f"{n} bytes"
    value, unit = (n / MB, "MB") if n >= MB else (n / 1024, "KB")
    return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"


def check_size(size: int, max_bytes: int) -> None:
    """Refuse an order over ``max_bytes``."""
    if size > max_bytes:
        raise UnreadableOrder(
            f"The file is {size_text(size)}; the limit is {size_text(max_bytes)}."
        )


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit almost only on one side of each byte pair."""
    if len(data) % 2:
        return None
    even_nuls = data[0::2].count(0)
    odd_nuls = data[1::2].count(0)
    pairs = len(data) // 2
    if odd_nuls >= pairs * 0.3 and even_nuls <= odd_nuls * 0.05:
        return "utf-16-le"
    if even_nuls >= pairs * 0.3 and odd_nuls <= even_nuls * 0.05:
        return "utf-16-be"
    return None


def decode_order(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """The text (without any BOM) and the encoding it was read as; raises ``UnreadableOrder``."""
    check_size(len(data), max_bytes)
    if not data:
        raise UnreadableOrder("The file is empty.")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise UnreadableOrder(
                f"The file looks binary (not text): it is {what}. "
                "Export the list as CSV or plain text and upload that."
            )
    bom, encoding = next(
        ((bom, name) for bom, name in _BOMS if data.startswith(bom)),
        (b"", _utf16_without_bom(data) or "utf-8"),
    )
    payload = data[len(bom) :]
    if encoding == "utf-8" and b"\x00" in payload:
        raise UnreadableOrder("The file looks binary (not text): it contains NUL bytes.")
    try:
        text = payload.decode(encoding)
    except UnicodeDecodeError as error:
        controls = len(payload) - len(payload.translate(None, delete=_CONTROL_BYTES))
        if controls > len(payload) * _BINARY_CONTROL_SHARE:
            raise UnreadableOrder("The file looks binary (not text).") from None
        raise UnreadableOrder(
            f"The file is not valid UTF-8 or UTF-16 text (byte {error.start + 1} cannot be "
            "read as " + ("UTF-8" if encoding == "utf-8" else encoding.upper()) + "). "
            "Save it as UTF-8 text and upload it again."
        ) from None
    check_text(text)
    return text, encoding


def check_text(text: str) -> None:
    """Refuse text that is empty, blank, or mostly control characters (a binary file)."""
    if not text:
        raise UnreadableOrder("The file is empty.")
    if "\x00" in text:
        raise UnreadableOrder("The file looks binary (not text): it contains NUL characters.")
    if len(_CONTROL.findall(text)) > len(text) * _BINARY_CONTROL_SHARE:
        raise UnreadableOrder("The file looks binary (not text): it is full of control characters.")
    if not text.strip():
        raise UnreadableOrder("The file has only blank lines; there is nothing to read.")


def split_lines(text: str, *, max_lines: int = DEFAULT_MAX_LINES) -> list[str]:
    """Physical lines without their terminators; refuses more than ``max_lines`` lines."""
    count = text.count("\n") + text.count("\r") - text.count("\r\n")
    count += not text.endswith(("\n", "\r"))
    if count > max_lines:
        raise UnreadableOrder(f"The file has {count:,} lines; the limit is {max_lines:,}.")
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines
