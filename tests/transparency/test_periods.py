"""Periods and days: the report, the notices and the export read the same input as the same days, and refuse it in the same words."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tidings.demo.legal import clock_at
from tidings.transparency.periods import adjacent, check_named_period, check_period, check_window
from tidings.transparency.queries import NoticeFilters

NOW = datetime(2026, 12, 6, 11, 0, tzinfo=UTC)


def day(year: int, month: int, number: int) -> datetime:
    return datetime(year, month, number, tzinfo=UTC)


@pytest.mark.parametrize(
    ("params", "start", "end"),
    [
        ({"period": "2026"}, day(2026, 1, 1), day(2027, 1, 1)),
        ({"period": "2026-H1"}, day(2026, 1, 1), day(2026, 7, 1)),
        ({"period": " 2026-h2 "}, day(2026, 7, 1), day(2027, 1, 1)),
        ({"period": "2026-Q3"}, day(2026, 7, 1), day(2026, 10, 1)),
        ({"period": "2026-Q4"}, day(2026, 10, 1), day(2027, 1, 1)),
        ({"from": "2026-02-01", "to": "2026-02-01"}, day(2026, 2, 1), day(2026, 2, 2)),
        (
            {"period": "", "from": "2026-02-01", "to": "2026-02-28"},
            day(2026, 2, 1),
            day(2026, 3, 1),
        ),
        (
            {"period": "2026-H2", "from": "2026-01-01", "to": "2026-08-31"},
            day(2026, 7, 1),
            day(2026, 9, 1),
        ),
        (
            {"period": "2026-Q1", "from": "2025-12-01", "to": "2026-12-31"},
            day(2026, 1, 1),
            day(2026, 4, 1),
        ),
    ],
)
def test_the_report_and_the_notices_cover_the_same_days_for_the_same_query(params, start, end):
    report = check_period(params, now=NOW)
    notices = NoticeFilters.from_params({k: v for k, v in params.items() if v}, now=NOW)
    assert (report.start, report.end) == (start, end)
    assert (notices.received_from, notices.received_before) == (start, end)


def test_a_named_period_cut_short_by_dates_is_reported_as_those_dates():
    assert check_period({"period": "2026-H2", "to": "2026-08-31"}, now=NOW).label == (
        "2026-07-01 to 2026-08-31"
    )
    assert check_period({"period": "2026-q1", "from": "2026-01-01"}, now=NOW).label == "2026-Q1"


def test_the_notices_take_an_open_range_of_days_but_the_report_needs_both_ends():
    window = check_window({"from": "2026-08-02"}, now=NOW)
    assert (window.start, window.end) == (day(2026, 8, 2), None)
    with pytest.raises(Exception, match="needs both 'from' and 'to'"):
        check_period({"from": "2026-08-02"}, now=NOW)


def test_periods_step_to_the_period_of_the_same_kind_before_and_after():
    def steps(label: str) -> tuple[str, str]:
        period = check_named_period(label, now=NOW)
        return adjacent(period, -1).label, adjacent(period, +1).label

    assert steps("2026") == ("2025", "2027")
    assert steps("2026-H1") == ("2025-H2", "2026-H2")
    assert steps("2026-Q1") == ("2025-Q4", "2026-Q2")
    assert steps("2026-Q4") == ("2026-Q3", "2027-Q1")
    assert adjacent(check_period({"from": "2026-01-01", "to": "2026-01-31"}, now=NOW), 1) is None


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026-3-1", "2026-03-31", "'from' must be a date written YYYY-MM-DD, e.g. 2026-07-01."),
        ("2026-02-30", "2026-03-31", "'from' is not a date of the calendar."),
        ("1999-12-31", "2026-03-31", "The year of 'from' must be between 2000 and 2027."),
        ("2026-01-01", "2028-01-01", "The year of 'to' must be between 2000 and 2027."),
        (
            "2026-03-02",
            "2026-03-01",
            "'from' (2026-03-02) is after 'to' (2026-03-01); nothing could match.",
        ),
    ],
)
def test_a_bad_day_is_refused_in_the_same_words_by_the_report_the_notices_and_the_export(
    client: Client, db, first, last, message
):
    with clock_at(NOW):
        for url in ("/transparency", "/transparency/notices", "/transparency/notices.atom"):
            response = client.get(url, {"from": first, "to": last})
            assert response.status_code == 400
            assert message in unescape(response.content.decode())
        with pytest.raises(CommandError) as raised:
            call_command(
                "transparency", "export", "--format", "lumen", "--from", first, "--to", last
            )
    assert str(raised.value) == message.replace("'from'", "'--from'").replace("'to'", "'--to'")


@pytest.mark.parametrize(
    ("period", "message"),
    [
        (
            "2026-H3",
            "'period' must be a year, a half-year or a quarter, written 2026, 2026-H2 or 2026-Q3.",
        ),
        (
            "26-Q1",
            "'period' must be a year, a half-year or a quarter, written 2026, 2026-H2 or 2026-Q3.",
        ),
        ("1999", "The year of 'period' must be between 2000 and 2027."),
        ("2028-Q1", "The year of 'period' must be between 2000 and 2027."),
    ],
)
def test_a_bad_period_is_refused_in_the_same_words_by_the_report_and_the_notices(
    client: Client, db, period, message
):
    with clock_at(NOW):
        for url in ("/transparency", "/transparency/report.json", "/transparency/notices"):
            response = client.get(url, {"period": period})
            assert response.status_code == 400
            assert message in unescape(response.content.decode())
