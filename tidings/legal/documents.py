"""Letters the desk sends an authority, rendered from one ``Letter`` as HTML and as PDF.

The HTML (a Django template) is the copy kept in the thread; the PDF carries
the same content (platform, date, authority, reference, paragraphs and the
per-item outcome table) and is attached to the message and the e-mail.

PDF text is drawn with a Unicode TrueType font (``TIDINGS_PDF_FONT``, DejaVu
Sans by default, as Debian installs it). A character that font has no glyph
for (Devanagari, for one) is drawn as ``?``: the PDF never fails on text, and
the HTML copy keeps every character. Without the font file the PDF falls back
to a core font and latin-1 (a letter outside it loses its accent, anything else
becomes ``?``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from fpdf import FPDF

from tidings.legal.clocks import demand_pack
from tidings.legal.models import (
    Demand,
    DemandItem,
    MatchStatus,
    ReviewState,
    Withholding,
)
from tidings.lib.countries import EVERYWHERE, country_name

DEFAULT_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DEFAULT_BOLD_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#: Items listed in a letter's table; a longer order's letter says how many more there are.
TABLE_MAX_ROWS = 1000
OUTCOME_HEADINGS = ("Line", "Item", "Outcome")


def platform_name() -> str:
    return getattr(settings, "TIDINGS_PLATFORM_NAME", "Tidings")


@dataclass(frozen=True)
class Letter:
    """What a generated document says; both renderings are made from it alone."""

    title: str
    date: str
    authority: str
    reference: str
    received: str
    paragraphs: tuple[str, ...]
    rows: tuple[tuple[str, str, str], ...] = ()
    more_rows: int = 0
    platform: str = field(default_factory=platform_name)
    sender: str = field(default_factory=lambda: settings.DEFAULT_FROM_EMAIL)

    @property
    def filename(self) -> str:
        safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in self.reference)
        slug = "-".join(filter(None, safe.split("-")))[:60] or "demand"
        kind = "-".join(self.title.lower().split())[:40]
        return f"{kind}-{slug}.pdf"


def zone_of(demand: Demand) -> ZoneInfo:
    return ZoneInfo(demand_pack(demand).timezone)


def local(moment: datetime, zone: ZoneInfo) -> str:
    """``4 December 2026, 10:00 IST``: a moment in the demand's zone."""
    shown = timezone.localtime(moment, zone)
    return f"{shown.day} {shown:%B %Y, %H:%M} {shown.tzname()}"


def _places(countries: Sequence[str]) -> str:
    if EVERYWHERE in countries:
        return "every country"
    return " and ".join(country_name(c) for c in countries)


def _withholding_outcome(withholding: Withholding | None, now: datetime, zone: ZoneInfo) -> str:
    if withholding is None:
        return "Withheld"
    places = _places(withholding.countries)
    if withholding.lifted_at is not None:
        return (
            f"Withheld in {places}; lifted on {local(withholding.lifted_at, zone)} "
            f"({withholding.lift_reason})"
        )
    if withholding.ends_at is not None and withholding.ends_at <= now:
        return f"Withheld in {places}; expired on {local(withholding.ends_at, zone)}"
    until = f"until {local(withholding.ends_at, zone)}" if withholding.ends_at else "with no end"
    return f"Withheld in {places} {until}"


def item_outcome(
    item: DemandItem, withholding: Withholding | None, now: datetime, zone: ZoneInfo
) -> str:
    """What became of one line of an order, in words the authority reads.

    The same public words as the portal (``portal_queries.OUTCOME_TEXTS``): a
    reviewer's reasons and the matcher's notes are internal and never in a letter.
    """
    from tidings.legal.portal_queries import OUTCOME_TEXTS, Outcome

    if item.match_status == MatchStatus.DUPLICATE:
        return OUTCOME_TEXTS[Outcome.DUPLICATE]
    if item.match_status != MatchStatus.MATCHED:
        return OUTCOME_TEXTS[Outcome.NOT_ACTIONABLE]
    state = item.review_state
    if state in (ReviewState.WITHHELD, ReviewState.LIFTED):
        return _withholding_outcome(withholding, now, zone)
    if state == ReviewState.DECLINED:
        return OUTCOME_TEXTS[Outcome.DECLINED]
    return "Pending review"


def outcome_rows(demand: Demand, now: datetime) -> tuple[list[tuple[str, str, str]], int]:
    """(line, item, outcome) for the first ``TABLE_MAX_ROWS`` lines, and how many more there are."""
    zone = zone_of(demand)
    items = list(
        DemandItem.objects.filter(demand=demand).order_by("line_number")[: TABLE_MAX_ROWS + 1]
    )
    more = 0
    if len(items) > TABLE_MAX_ROWS:
        items = items[:TABLE_MAX_ROWS]
        more = DemandItem.objects.filter(demand=demand).count() - TABLE_MAX_ROWS
    latest: dict[int, Withholding] = {}
    for withholding in Withholding.objects.filter(demand_item__in=[i.id for i in items]).order_by(
        "id"
    ):
        latest[withholding.demand_item_id] = withholding
    rows = [
        (
            str(item.line_number),
            (item.target or item.raw)[:300],
            item_outcome(item, latest.get(item.id), now, zone),
        )
        for item in items
    ]
    return rows, more


def letter_for(
    demand: Demand,
    title: str,
    paragraphs: Sequence[str],
    *,
    with_table: bool,
    now: datetime | None = None,
) -> Letter:
    now = now or timezone.now()
    zone = zone_of(demand)
    rows, more = outcome_rows(demand, now) if with_table else ([], 0)
    shown = timezone.localtime(now, zone)
    return Letter(
        title=title,
        date=f"{shown.day} {shown:%B %Y}",
        authority=f"{demand.authority.name} ({country_name(demand.country)})",
        reference=demand.reference,
        received=local(demand.received_at, zone),
        paragraphs=tuple(p for p in paragraphs if p),
        rows=tuple(rows),
        more_rows=more,
    )


def render_html(letter: Letter) -> str:
    return render_to_string("legal/documents/letter.html", {"letter": letter})


# -- PDF ------------------------------------------------------------------------------------------


def _font_files() -> tuple[str, str] | None:
    regular = getattr(settings, "TIDINGS_PDF_FONT", DEFAULT_FONT)
    bold = getattr(settings, "TIDINGS_PDF_BOLD_FONT", DEFAULT_BOLD_FONT)
    if Path(regular).is_file() and Path(bold).is_file():
        return regular, bold
    return None


def _latin1(char: str) -> str:
    """A character outside latin-1 as its base letter (``ő`` → ``o``), or ``?``."""
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base and all(ord(c) < 256 for c in base) else "?"


class _Pdf(FPDF):
    def __init__(self, letter: Letter) -> None:
        super().__init__(format="A4")
        self.letter = letter
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(f"{letter.title}: {letter.reference}"[:200])
        self.set_creator(letter.platform)
        files = _font_files()
        if files is not None:
            self.add_font("Body", "", files[0])
            self.add_font("Body", "B", files[1])
            self.family = "Body"
            self.glyphs = frozenset(self.fonts["body"].cmap)
        else:
            self.family = "Helvetica"
            self.glyphs = None

    def safe(self, text: str) -> str:
        """``text`` with every character the font cannot draw replaced (see module doc)."""
        text = text.replace("\x00", "")
        if self.glyphs is not None:
            return "".join(c if ord(c) in self.glyphs or c in "\n\t" else "?" for c in text)
        return "".join(c if ord(c) < 256 else _latin1(c) for c in text)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(self.family, size=8)
        self.cell(
            0,
            6,
            self.safe(f"{self.letter.platform} · {self.letter.reference} · page {self.page_no()}"),
            align="C",
        )


#: Widths (mm) of the outcome table's columns, and its line height.
_COLUMNS = (14, 66, 90)
_LINE = 4.6


def _wrap(pdf: _Pdf, text: str, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (words, or characters when one is too long).

    Drawn with ``cell``: fpdf2's own tables and ``multi_cell`` take seconds on a long order.
    """
    room = width - 2 * pdf.c_margin
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split(" "):
            candidate = f"{current} {word}" if current else word
            if pdf.get_string_width(candidate) <= room:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for char in word:
                if pdf.get_string_width(current + char) > room and current:
                    lines.append(current)
                    current = ""
                current += char
        lines.append(current)
    return lines


def _draw_row(pdf: _Pdf, cells: Sequence[str], *, bold: bool = False) -> None:
    pdf.set_font(pdf.family, "B" if bold else "", 9)
    wrapped = [
        _wrap(pdf, pdf.safe(value), width) for value, width in zip(cells, _COLUMNS, strict=True)
    ]
    height = max(len(lines) for lines in wrapped) * _LINE + 1.5
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.get_y()
    x = pdf.l_margin
    for lines, width in zip(wrapped, _COLUMNS, strict=True):
        for number, text in enumerate(lines):
            pdf.set_xy(x, top + 0.75 + number * _LINE)
            pdf.cell(width, _LINE, text)
        x += width
    pdf.line(pdf.l_margin, top + height, pdf.l_margin + sum(_COLUMNS), top + height)
    pdf.set_xy(pdf.l_margin, top + height)


def _draw_table(pdf: _Pdf, rows: Sequence[tuple[str, str, str]]) -> None:
    pdf.set_draw_color(170, 170, 170)
    pdf.set_line_width(0.2)
    _draw_row(pdf, OUTCOME_HEADINGS, bold=True)
    for row in rows:
        _draw_row(pdf, row)


def render_pdf(letter: Letter) -> bytes:
    """The letter as a PDF document (bytes starting ``%PDF-``)."""
    pdf = _Pdf(letter)
    pdf.add_page()
    line = pdf.safe
    width = pdf.epw

    def text(content: str, *, size: float = 10.5, bold: bool = False, gap: float = 2) -> None:
        pdf.set_font(pdf.family, "B" if bold else "", size)
        pdf.multi_cell(width, size * 0.5, line(content), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    text(letter.platform, size=16, bold=True, gap=0)
    text(letter.sender, size=9, gap=6)
    text(letter.date, gap=4)
    text(f"To: {letter.authority}", gap=1)
    text(f"Your reference: {letter.reference}", bold=True, gap=1)
    text(f"Received: {letter.received}", gap=6)
    text(letter.title, size=13, bold=True, gap=4)
    for paragraph in letter.paragraphs:
        text(paragraph, gap=3)
    if letter.rows:
        _draw_table(pdf, letter.rows)
        pdf.ln(3)
        if letter.more_rows:
            text(f"{letter.more_rows} further items are listed in the portal.", size=9)
    pdf.ln(4)
    text(f"The legal team, {letter.platform}", gap=0)
    return bytes(pdf.output())
