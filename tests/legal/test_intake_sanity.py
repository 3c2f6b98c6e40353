"""Orders that cannot be right are refused before anything is created."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tidings.legal.durations import parse_until
from tidings.legal.intake import UnreadableOrder, parse_order
from tidings.legal.models import Demand
from tidings.lib.errors import InvalidInput

NOW = timezone.now()


@pytest.mark.parametrize("text", ["Handle\n", "S.No,URL,Remarks\r\n", "URL\n\n\n"])
def test_an_order_with_only_a_header_is_refused(text: str) -> None:
    with pytest.raises(UnreadableOrder, match="only a header line .* and no target below it"):
        parse_order(text, own_domain="tidings.example")


@pytest.mark.parametrize("text", ["", "\n\n", " \t \n"])
def test_a_blank_order_is_refused(text: str) -> None:
    with pytest.raises(UnreadableOrder):
        parse_order(text, own_domain="tidings.example")


def test_a_receipt_in_the_future_is_refused(import_order) -> None:
    with pytest.raises(InvalidInput, match="received in the future"):
        import_order("@alice", received_at=timezone.now() + timedelta(hours=1))
    assert not Demand.objects.exists()


def test_a_few_minutes_of_clock_skew_are_allowed(import_order) -> None:
    ahead = timezone.now() + timedelta(minutes=2)
    assert import_order("@alice", received_at=ahead).demand.received_at == ahead


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("PT6H", timedelta(hours=6)),
        ("pt6h", timedelta(hours=6)),
        ("P2D", timedelta(days=2)),
        ("P1W", timedelta(weeks=1)),
        ("P1DT12H", timedelta(hours=36)),
        ("PT90M", timedelta(minutes=90)),
        ("PT1H30M15S", timedelta(hours=1, minutes=30, seconds=15)),
        ("PT1.5H", timedelta(minutes=90)),
        ("PT0,5H", timedelta(minutes=30)),
    ],
)
def test_an_iso_8601_duration_counts_from_now(text: str, span: timedelta) -> None:
    assert parse_until(text, NOW) == NOW + span


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("P1Y", "years or months"),
        ("P2M", "years or months"),
        ("P", "as an ISO 8601 duration"),
        ("PT", "as an ISO 8601 duration"),
        ("P1DT", "as an ISO 8601 duration"),
        ("PT0H", "longer than zero"),
        ("P9999W", "more than ten years"),
        ("P" + "9" * 10_000 + "D", "as an ISO 8601 duration"),
        ("9999-12-31T23:59:59-23:59", "more than ten years"),
    ],
)
def test_a_bad_iso_8601_duration_says_why(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_until(text, NOW)
