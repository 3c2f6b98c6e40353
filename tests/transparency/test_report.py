"""The public transparency report: every figure, for a scripted year of demands, on the page and in the downloads.

The world is made through the desk's real actions at past moments (two
countries, four authorities, two half-years): withholdings lifted by staff,
expired by their end time, lifted by a granted appeal and by the withdrawal
of the order; lines declined, left pending and not actionable; an import
still running and one discarded (neither is a demand we received).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from tidings.demo.legal import clock_at
from tidings.legal.actions import intake
from tidings.legal.actions.appeals import do_file_appeal, do_grant_appeal
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.dialogue import do_withdraw_demand
from tidings.legal.actions.intake import do_discard_import
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.models import Demand, DemandItem, Withholding
from tidings.transparency.periods import half_year
from tidings.transparency.stats import FIGURE_KEYS, FIGURES, build_report

#: When the report is read: after everything below happened.
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
MEITY = "Ministry of Electronics and Information Technology"
POLICE = "Delhi Police"
COURT = "Landgericht Berlin"
BFJ = "Bundesamt für Justiz"


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def item(demand: Demand, line: int) -> DemandItem:
    return DemandItem.objects.get(demand=demand, line_number=line)


def withholding_of(demand: Demand, line: int) -> Withholding:
    return Withholding.objects.get(demand_item=item(demand, line))


class Crash(Exception):
    """The process dying while it writes an import's second chunk."""


@pytest.fixture
def world(make_account, make_post, import_order, legal, legal_admin, monkeypatch):
    """Six demands received in 2025, and what happened to them until ``NOW``."""
    people = {h: make_account(h) for h in ("amar", "bela", "chand", "dev", "emil", "fara", "gita")}
    bela = people["bela"]
    with clock_at(at(2025, 1, 20)):
        post = make_post(bela, "Tractors on the highway #FarmersProtest")
    post_url = f"https://{settings.DOMAIN}/@bela/{post.id}"

    def receive(text: str, when: datetime, authority: str, country: str, **fields) -> Demand:
        with clock_at(when):
            return import_order(
                text,
                authority_name=authority,
                country=country,
                reference=f"{authority[:8]}/{when:%Y%m%d}",
                received_at=when,
                **fields,
            ).demand

    def decide(demand: Demand, lines, when: datetime, action: str, **options) -> None:
        with clock_at(when):
            ids = "all_matched" if lines == "all" else [item(demand, n).id for n in lines]
            do_decide_items(
                demand, ids, action=action, reason="reviewed", acting_user=legal, **options
            )

    # 2025-H1 ------------------------------------------------------------------
    d1_at = at(2025, 2, 1, 10)
    d1 = receive(f"@amar\n@bela\n{post_url}\n@ghost\n@amar\n@al-ice", d1_at, MEITY, "IN")
    decide(d1, [1, 3], d1_at + timedelta(hours=2), "withhold")
    decide(d1, [2], d1_at + timedelta(hours=2), "decline")
    with clock_at(d1_at + timedelta(days=3)):
        appeal = do_file_appeal(withholding_of(d1, 3), text="This is news.", acting_user=bela)
    with clock_at(d1_at + timedelta(days=4)):
        do_grant_appeal(appeal, reason="News reporting.", acting_user=legal)
    with clock_at(d1_at + timedelta(days=10)):
        do_lift_withholdings([withholding_of(d1, 1)], reason="restored by us", acting_user=legal)

    d2_at = at(2025, 3, 10)
    d2 = receive("@chand\n@dev", d2_at, POLICE, "IN", authority_kind="police")
    decided = d2_at + timedelta(hours=50)
    decide(d2, [1], decided, "withhold", until=decided + timedelta(days=3))

    d3_at = at(2025, 6, 30, 23)
    d3 = receive("@emil\n@fara", d3_at, COURT, "DE", authority_kind="court")
    decide(d3, "all", d3_at + timedelta(hours=30), "withhold")
    with clock_at(d3_at + timedelta(days=5)):
        do_withdraw_demand(d3, body="The court set its order aside.", acting_user=legal)

    # An import that never finished, and one that was given up: not demands received.
    monkeypatch.setattr(intake, "IMPORT_CHUNK_LINES", 1)
    write = intake._write_items
    calls: list[int] = []

    def write_then_crash(demand, lines):
        calls.append(demand.id)
        if calls.count(demand.id) == 2:
            raise Crash
        write(demand, lines)

    monkeypatch.setattr(intake, "_write_items", write_then_crash)
    for day in (5, 6):
        with pytest.raises(Crash):
            receive("@amar\n@bela\n@chand", at(2025, 4, day), MEITY, "IN")
    monkeypatch.setattr(intake, "_write_items", write)
    monkeypatch.setattr(intake, "IMPORT_CHUNK_LINES", 2000)
    unfinished = Demand.objects.filter(status="importing").order_by("received_at")
    assert unfinished.count() == 2
    with clock_at(at(2025, 4, 7)):
        do_discard_import(unfinished[1], reason="sent again", acting_user=legal_admin)

    # 2025-H2 ------------------------------------------------------------------
    d5_at = at(2025, 7, 1)
    d5 = receive("@emil\n@gita", d5_at, BFJ, "DE", authority_kind="regulator", kind="court_order")
    decide(d5, "all", d5_at + timedelta(hours=4), "decline")

    d6_at = at(2025, 9, 1, 12)
    d6 = receive("@amar", d6_at, MEITY, "IN")
    decide(d6, "all", d6_at + timedelta(hours=1), "withhold")

    assert [
        d1.items.filter(match_status=s).count() for s in ("unknown", "duplicate", "invalid")
    ] == [1, 1, 1]
    return {"d1": d1, "d2": d2, "d3": d3, "d5": d5, "d6": d6}


def figures(*values) -> dict[str, object]:
    return dict(zip(FIGURE_KEYS, values, strict=True))


#: (demands, court, other, accounts specified, posts specified, not actionable, accounts withheld,
#:  posts withheld, % with content withheld, declined, lifted by staff, expired, appeal granted,
#:  order withdrawn, median hours to first decision, deadlines due, deadlines met)
H1_OVERALL = figures(3, 1, 2, 6, 1, 3, 4, 1, 100.0, 1, 1, 1, 1, 2, 30.0, 3, 2)
H1_COUNTRIES = {
    "IN": figures(2, 0, 2, 4, 1, 3, 2, 1, 100.0, 1, 1, 1, 1, 0, 26.0, 2, 1),
    "DE": figures(1, 1, 0, 2, 0, 0, 2, 0, 100.0, 0, 0, 0, 0, 2, 30.0, 1, 1),
}
H1_AUTHORITIES = {
    COURT: figures(1, 1, 0, 2, 0, 0, 2, 0, 100.0, 0, 0, 0, 0, 2, 30.0, 1, 1),
    POLICE: figures(1, 0, 1, 2, 0, 0, 1, 0, 100.0, 0, 0, 1, 0, 0, 50.0, 1, 0),
    MEITY: figures(1, 0, 1, 2, 1, 3, 1, 1, 100.0, 1, 1, 0, 1, 0, 2.0, 1, 1),
}
H1_MONTHS = [
    (f"2025-{m:02d}", c, {(2, "IN"): 1, (3, "IN"): 1, (6, "DE"): 1}.get((m, c), 0))
    for m in range(1, 7)
    for c in ("DE", "IN")
]
#: (demand, withheld, declined, reinstated, pending), latest first.
H1_OUTCOMES = [("d3", 0, 0, 2, 0), ("d2", 0, 0, 1, 1), ("d1", 0, 1, 2, 0)]
H1_DECISION_TIMES = [
    ("under 6 hours", 1),
    ("6 to 24 hours", 0),
    ("24 to 36 hours", 1),
    ("36 to 72 hours", 1),
    ("3 to 7 days", 0),
    ("7 days or more", 0),
    ("not yet decided", 0),
]

H2_OVERALL = figures(2, 1, 1, 3, 0, 0, 1, 0, 50.0, 2, 0, 0, 0, 0, 2.5, 2, 2)
H2_COUNTRIES = {
    "DE": figures(1, 1, 0, 2, 0, 0, 0, 0, 0.0, 2, 0, 0, 0, 0, 4.0, 1, 1),
    "IN": figures(1, 0, 1, 1, 0, 0, 1, 0, 100.0, 0, 0, 0, 0, 0, 1.0, 1, 1),
}
H2_AUTHORITIES = {
    BFJ: figures(1, 1, 0, 2, 0, 0, 0, 0, 0.0, 2, 0, 0, 0, 0, 4.0, 1, 1),
    MEITY: figures(1, 0, 1, 1, 0, 0, 1, 0, 100.0, 0, 0, 0, 0, 0, 1.0, 1, 1),
}
H2_OUTCOMES = [("d6", 1, 0, 0, 0), ("d5", 0, 2, 0, 0)]


def get(client: Client, url: str, **extra):
    with clock_at(NOW):
        return client.get(url, **extra)


class Tables(HTMLParser):
    """The text of every cell of every ``<table id=…>`` of a page, row by row."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.tables[self._table][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def page_text(value: object) -> str:
    return "–" if value is None else str(value)


def csv_rows(client: Client, table: str, query: str) -> list[dict[str, str]]:
    response = get(client, f"/transparency/report.csv?table={table}&{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def as_csv(values: dict[str, object]) -> dict[str, str]:
    return {k: "" if v is None else str(v) for k, v in values.items()}


def check_everything(client, world, query, label, overall, countries, authorities, outcomes):
    """Every figure of the page, the JSON and the CSV is the expected one."""
    labels = [label_ for _, label_, _ in FIGURES]
    tables = Tables(get(client, f"/transparency?{query}").content.decode()).tables
    assert tables["overall"][1:] == [[name, page_text(overall[key])] for (key, name, _) in FIGURES]
    assert tables["countries"][0] == ["Country", *labels]
    assert {row[0]: row[1:] for row in tables["countries"][1:]} == {
        f"{ {'IN': 'India', 'DE': 'Germany'}[code] } ({code})": [page_text(v) for v in f.values()]
        for code, f in countries.items()
    }
    assert {row[0]: row[1:] for row in tables["authorities"][1:]} == {
        f"{name} ({ {COURT: 'DE', BFJ: 'DE'}.get(name, 'IN') })": [page_text(v) for v in f.values()]
        for name, f in authorities.items()
    }
    assert [row[1:] for row in tables["outcomes"][1:]] == [
        [str(n) for n in row[1:]] for row in outcomes
    ]

    response = get(client, f"/transparency/report.json?{query}")
    assert response["Content-Disposition"] == (
        f'attachment; filename="tidings-transparency-{label}.json"'
    )
    data = json.loads(response.content)
    assert data["overall"] == overall
    assert {r["country"]: {k: r[k] for k in FIGURE_KEYS} for r in data["countries"]} == countries
    assert {r["authority"]: {k: r[k] for k in FIGURE_KEYS} for r in data["authorities"]} == (
        authorities
    )
    assert [
        (r["demand_id"], r["withheld"], r["declined"], r["reinstated"], r["pending"])
        for r in data["outcomes"]
    ] == [(world[key].id, *counts) for key, *counts in outcomes]

    (row,) = csv_rows(client, "overall", query)
    assert row == {"period": label, **as_csv(overall)}
    assert {
        r["country"]: {k: r[k] for k in FIGURE_KEYS} for r in csv_rows(client, "countries", query)
    } == {code: as_csv(f) for code, f in countries.items()}
    assert {
        r["authority"]: {k: r[k] for k in FIGURE_KEYS}
        for r in csv_rows(client, "authorities", query)
    } == {name: as_csv(f) for name, f in authorities.items()}
    return tables, data


def test_every_figure_of_the_first_half_year_on_the_page_and_in_the_downloads(client, world):
    tables, data = check_everything(
        client,
        world,
        "period=2025-H1",
        "2025-H1",
        H1_OVERALL,
        H1_COUNTRIES,
        H1_AUTHORITIES,
        H1_OUTCOMES,
    )
    assert tables["months"][0] == ["Month", "DE", "IN"]
    assert tables["months"][1:] == [
        ["2025-01", "0", "0"],
        ["2025-02", "0", "1"],
        ["2025-03", "0", "1"],
        ["2025-04", "0", "0"],
        ["2025-05", "0", "0"],
        ["2025-06", "1", "0"],
    ]
    assert [(r["month"], r["country"], r["demands_received"]) for r in data["months"]] == H1_MONTHS
    assert [tuple(row) for row in tables["decision-times"][1:]] == [
        (label, str(n)) for label, n in H1_DECISION_TIMES
    ]
    assert [(r["time_to_first_decision"], r["demands"]) for r in data["decision_times"]] == (
        H1_DECISION_TIMES
    )
    assert [
        (r["month"], r["country"], r["demands_received"])
        for r in csv_rows(client, "months", "period=2025-H1")
    ] == [(m, c, str(n)) for m, c, n in H1_MONTHS]


def test_every_figure_of_the_second_half_year_on_the_page_and_in_the_downloads(client, world):
    check_everything(
        client,
        world,
        "period=2025-H2",
        "2025-H2",
        H2_OVERALL,
        H2_COUNTRIES,
        H2_AUTHORITIES,
        H2_OUTCOMES,
    )


def test_a_range_of_dates_includes_the_whole_last_day_and_nothing_after(client, world):
    def demands(query: str) -> list[int]:
        data = json.loads(get(client, f"/transparency/report.json?{query}").content)
        return [row["demand_id"] for row in data["outcomes"]]

    d3, d5 = world["d3"].id, world["d5"].id
    assert demands("from=2025-06-30&to=2025-06-30") == [d3]  # received 23:00 that day
    assert demands("from=2025-07-01&to=2025-07-01") == [d5]  # received at midnight
    assert demands("from=2025-01-01&to=2025-12-31") == [
        world[k].id for k in ("d6", "d5", "d3", "d2", "d1")
    ]
    response = get(client, "/transparency/report.csv?table=overall&from=2025-06-30&to=2025-07-01")
    assert response["Content-Disposition"] == (
        'attachment; filename="tidings-transparency-2025-06-30_2025-07-01-overall.csv"'
    )
    (row,) = csv.DictReader(io.StringIO(response.content.decode()))
    assert (row["period"], row["demands_received"], row["court_orders"]) == (
        "2025-06-30 to 2025-07-01",
        "2",
        "2",
    )


def test_the_report_links_each_country_and_authority_to_its_notices(client, world):
    html = get(client, "/transparency?period=2025-H1").content.decode()
    court = Demand.objects.get(id=world["d3"].id).authority_id
    assert 'href="/transparency/notices?country=IN"' in html
    assert 'href="/transparency/notices?country=DE"' in html
    assert f'href="/transparency/notices?authority={court}"' in html
    assert f'href="/transparency/notices/{world["d1"].id}"' in html
    assert 'href="/transparency/report.json?period=2025-H1"' in html
    assert 'href="/transparency/report.csv?table=countries&amp;period=2025-H1"' in html


def test_small_counts_are_shown_as_less_than_n_on_the_page_and_in_the_downloads(
    client, world, settings
):
    settings.TIDINGS_TRANSPARENCY_SMALL_COUNT = 3
    query = "period=2025-H1"
    tables = Tables(get(client, f"/transparency?{query}").content.decode()).tables
    overall = dict(tables["overall"][1:])
    assert overall["Demands received"] == "3"
    assert overall["Court orders"] == "< 3"
    assert overall["Other legal demands"] == "< 3"
    assert overall["Reinstated: order withdrawn"] == "< 3"
    assert overall["Accounts withheld"] == "4"
    assert overall["Demands with content withheld (%)"] == "100.0"
    assert (
        "Counts from 1 to 2 are shown as “&lt; 3”"
        in get(client, f"/transparency?{query}").content.decode()
    )

    data = json.loads(get(client, f"/transparency/report.json?{query}").content)
    assert data["small_count_threshold"] == 3
    assert data["overall"]["court_orders"] == "< 3"
    assert data["overall"]["demands_received"] == 3
    assert data["overall"]["posts_specified"] == "< 3"
    germany = next(r for r in data["countries"] if r["country"] == "DE")
    assert germany["items_declined"] == 0  # zero stays zero
    assert germany["accounts_withheld"] == "< 3"
    (row,) = csv_rows(client, "overall", query)
    assert (row["court_orders"], row["accounts_specified"], row["items_declined"]) == (
        "< 3",
        "6",
        "< 3",
    )
    months = csv_rows(client, "months", query)
    assert {r["demands_received"] for r in months} == {"0", "< 3"}
    # Hidden counts are not drawn either: no month had three demands, so no bar stands.
    chart = get(client, f"/transparency/charts/demands-by-month.svg?{query}")
    assert chart.status_code == 200
    assert '<desc class="value">0</desc>' in chart.content.decode()
    assert '<desc class="value">1</desc>' not in chart.content.decode()
    for name in ("outcomes", "decision-times"):
        assert get(client, f"/transparency/charts/{name}.svg?{query}").status_code == 200


def test_the_report_costs_the_same_few_queries_however_many_demands(
    world, django_assert_num_queries
):
    with clock_at(NOW), django_assert_num_queries(3):
        report = build_report(half_year(2025, 1), now=NOW)
    assert report.overall["demands_received"] == 3


def test_without_a_period_the_report_shows_the_current_half_year(client, world):
    with clock_at(at(2025, 8, 15)):
        html = client.get("/transparency").content.decode()
    assert "Transparency report: 2025-H2" in html
    assert '<option value="2025-H2" selected>' in html
    tables = Tables(html).tables
    overall = dict(tables["overall"][1:])
    assert overall["Demands received"] == str(H2_OVERALL["demands_received"])
    assert overall["Items declined"] == str(H2_OVERALL["items_declined"])


def test_a_blank_period_is_no_period_and_the_report_shows_the_current_half_year(client, world):
    with clock_at(at(2025, 8, 15)):
        html = client.get("/transparency?period=&from=&to=").content.decode()
    assert "Transparency report: 2025-H2" in html


@pytest.mark.parametrize(
    ("asked", "label", "before", "after", "months", "demands"),
    [
        ("2025", "2025", "2024", "2026", range(1, 13), ("d6", "d5", "d3", "d2", "d1")),
        ("2025-q3", "2025-Q3", "2025-Q2", "2025-Q4", range(7, 10), ("d6", "d5")),
    ],
)
def test_a_year_or_a_quarter_reports_its_months_and_steps_to_the_next_of_its_kind(
    client, world, asked, label, before, after, months, demands
):
    html = get(client, f"/transparency?period={asked}").content.decode()
    kind = "year" if label == "2025" else "quarter"
    assert f"Transparency report: {label}</h1>" in html
    assert f'<option value="{label}" selected>' in html
    assert f'href="?period={before}" rel="prev">Previous {kind}</a>' in html
    assert f'href="?period={after}" rel="next">Next {kind}</a>' in html
    data = json.loads(get(client, f"/transparency/report.json?period={asked}").content)
    assert data["period"]["label"] == label
    assert [row["demand_id"] for row in data["outcomes"]] == [world[k].id for k in demands]
    assert {row["month"] for row in data["months"]} == {f"2025-{m:02d}" for m in months}
    response = get(client, f"/transparency/report.csv?table=overall&period={asked}")
    assert f"tidings-transparency-{label}-overall.csv" in response["Content-Disposition"]


def test_a_half_year_and_dates_together_report_the_days_they_share(client, world):
    data = json.loads(
        get(
            client, "/transparency/report.json?period=2025-H1&from=2025-06-30&to=2025-12-31"
        ).content
    )
    assert data["period"]["label"] == "2025-06-30 to 2025-06-30"
    assert [row["demand_id"] for row in data["outcomes"]] == [world["d3"].id]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=2025-H3", "must be a year, a half-year or a quarter"),
        ("period=2025h1", "must be a year, a half-year or a quarter"),
        ("period=2025-Q5", "must be a year, a half-year or a quarter"),
        ("period=1999-H2", "year of 'period' must be between 2000 and 2027"),
        ("period=99999-H1", "must be a year, a half-year or a quarter"),
        ("period=2028", "year of 'period' must be between 2000 and 2027"),
        ("from=2025-07-01", "needs both"),
        ("to=2025-07-01", "needs both"),
        ("from=2025-07-02&to=2025-07-01", "'from' (2025-07-02) is after 'to' (2025-07-01)"),
        ("from=2025-02-30&to=2025-03-01", "'from' is not a date of the calendar"),
        ("from=2025-7-1&to=2025-07-31", "YYYY-MM-DD"),
        ("from=0001-01-01&to=2025-07-31", "year of 'from' must be between"),
        ("from=2025-01-01&to=9999-12-31", "year of 'to' must be between"),
        ("period=2025-H2&from=2025-01-01&to=2025-02-01", "have no day in common"),
        ("period=" + "9" * 100_000, "must be a year, a half-year or a quarter"),
        ("from=2025-01-01&to=" + "2" * 100_000, "YYYY-MM-DD"),
    ],
)
def test_a_bad_period_is_a_400_with_a_clear_message(client, db, query, message):
    with clock_at(NOW):
        page = client.get(f"/transparency?{query}")
        data = client.get(f"/transparency/report.json?{query}")
        table = client.get(f"/transparency/report.csv?table=overall&{query}")
        chart = client.get(f"/transparency/charts/outcomes.svg?{query}")
    for response in (page, data, table, chart):
        assert response.status_code == 400
    assert message in unescape(page.content.decode())
    assert message in json.loads(data.content)["error"]
    assert message in unescape(table.content.decode())
    assert message in unescape(chart.content.decode())


@pytest.mark.parametrize(
    "url",
    [
        "/transparency?period=2025-H1%00",
        "/transparency?from=2025-01-01%00&to=2025-02-01",
        "/transparency/report.csv?table=overall%00",
        "/transparency/charts/outcomes.svg?period=%002025-H1",
        "/transparency/report.json?period=2025-H1&x=%00",
    ],
)
def test_nul_bytes_in_the_query_are_a_400(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_huge_query_string_is_a_400_not_a_500(client, db):
    many = "&".join(f"k{i}=v" for i in range(5000))
    assert client.get(f"/transparency?{many}").status_code == 400
    assert client.get("/transparency?period=" + "x" * 1_000_000).status_code == 400


def test_an_unknown_table_or_chart_is_refused(client, db):
    response = get(client, "/transparency/report.csv?table=everything&period=2025-H1")
    assert response.status_code == 400
    assert "overall, countries, authorities, months" in response.content.decode()
    assert get(client, "/transparency/charts/pie.svg?period=2025-H1").status_code == 404
    assert client.post("/transparency").status_code in (403, 405)


def test_each_chart_is_an_svg_image_with_its_own_strict_policy_and_no_script(client, world):
    for name in ("demands-by-month", "outcomes", "decision-times"):
        response = get(client, f"/transparency/charts/{name}.svg?period=2025-H1")
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        assert response["X-Content-Type-Options"] == "nosniff"
        policy = response["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
        assert "script" not in policy
        svg = response.content.decode()
        assert "<svg" in svg and "<style" in svg
        assert "<script" not in svg and "pygal.js" not in svg
        assert '<desc class="value">1</desc>' in svg
    outcomes = get(client, "/transparency/charts/outcomes.svg?period=2025-H1").content.decode()
    assert f"{COURT} (DE), 30 Jun 2025" in outcomes


def test_the_page_keeps_the_site_policy_and_shows_each_chart_with_a_text_alternative(client, world):
    response = get(client, "/transparency?period=2025-H1")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    html = response.content.decode()
    for name in ("demands-by-month", "outcomes", "decision-times"):
        assert f'src="/transparency/charts/{name}.svg?period=2025-H1"' in html
    assert 'alt="Bar chart of demands received per month' in html
    assert "<script>" not in html and "style=" not in html


def test_a_period_without_demands_shows_zeros_and_empty_charts(client, db):
    tables = Tables(get(client, "/transparency?period=2024-H2").content.decode()).tables
    overall = dict(tables["overall"][1:])
    assert overall["Demands received"] == "0"
    assert overall["Demands with content withheld (%)"] == "–"
    assert overall["Median hours to first decision"] == "–"
    assert tables["outcomes"][1:] == [["No demands in this period."]]
    for name in ("demands-by-month", "outcomes", "decision-times"):
        response = get(client, f"/transparency/charts/{name}.svg?period=2024-H2")
        assert response.status_code == 200
        assert "<svg" in response.content.decode()
    (row,) = csv_rows(client, "overall", "period=2024-H2")
    assert row["demands_received"] == "0"
    assert row["percent_demands_with_content_withheld"] == ""
    assert csv_rows(client, "authorities", "period=2024-H2") == []
