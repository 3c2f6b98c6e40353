"""The desk's reads: clocks, counts, filters, evidence in a bounded number of queries, durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from tidings.legal import queries
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.withholding import do_lift_withholdings
from tidings.legal.durations import parse_until
from tidings.legal.models import DemandItem, Withholding
from tidings.legal.queries import ItemFilters
from tidings.lib.errors import InvalidInput, NotFound, NotPermitted

NOW = datetime(2021, 2, 1, 12, 0, tzinfo=UTC)


# -- clocks ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "text"),
    [
        (NOW + timedelta(hours=5, minutes=20), "due in 5 h"),
        (NOW + timedelta(minutes=40), "due in 40 min"),
        (NOW + timedelta(hours=50), "due in 2 d 2 h"),
        (NOW + timedelta(days=3), "due in 3 d"),
        (NOW - timedelta(hours=2, minutes=1), "overdue by 2 h"),
        (NOW - timedelta(minutes=3), "overdue by 3 min"),
        (None, ""),
    ],
)
def test_deadline_clock_says_due_in_or_overdue_by(due, text):
    assert queries.deadline_clock(due, NOW) == text


def test_an_unconfirmed_emergency_order_has_a_lapse_clock(import_order, make_account):
    make_account("kisanvoice")
    received = timezone.now() - timedelta(hours=10)
    demand = import_order("@kisanvoice", kind="emergency_order", received_at=received).demand
    deadline = queries.demand_deadline(demand, timezone.now())
    assert deadline.lapse_at == received + timedelta(hours=48)
    assert deadline.lapse_text == "lapses in 37 h"
    assert deadline.text == "due in 25 h"
    assert deadline.open and not deadline.overdue


def test_an_ordinary_order_has_no_lapse(import_order, make_account):
    make_account("kisanvoice")
    demand = import_order("@kisanvoice").demand
    assert queries.demand_deadline(demand, timezone.now()).lapse_at is None


# -- access -------------------------------------------------------------------------------


def test_access_demand_is_for_desk_staff_only(import_order, make_account, legal):
    make_account("kisanvoice")
    demand = import_order("@kisanvoice").demand
    assert queries.access_demand(demand.id, acting_user=legal) == demand
    with pytest.raises(NotPermitted):
        queries.access_demand(demand.id, acting_user=make_account("m", role="moderator"))
    with pytest.raises(NotFound):
        queries.access_demand(demand.id + 1, acting_user=legal)
    with pytest.raises(NotFound):
        queries.access_demand("junk", acting_user=legal)


# -- counts ---------------------------------------------------------------------------------


@pytest.fixture
def small_order(import_order, make_account, make_post):
    farmer = make_account("kisanvoice", kind="activist")
    reporter = make_account("reporter_r", kind="journalist")
    make_post(farmer, "March #FarmersProtest")
    post = make_post(reporter, "Live #FarmersProtest #Delhi")
    text = "\n".join(
        [
            "@kisanvoice",
            f"https://localhost:8000/@reporter_r/{post.id}",
            "@nobody_here",
            "@KisanVoice",
            "!!!",
            "",
            "@reporter_r",
        ]
    )
    return import_order(text).demand


def test_counts_by_match_status_and_review_state(small_order, legal):
    item = DemandItem.objects.get(demand=small_order, line_number=1)
    do_decide_items(small_order, [item.id], action="decline", reason="activism", acting_user=legal)
    counts = queries.demand_counts(small_order)
    assert dict(counts.match) == {"matched": 3, "unknown": 1, "duplicate": 1, "invalid": 1}
    assert dict(counts.review) == {"declined": 1, "pending": 2}
    assert counts.total == 6
    assert counts.pending == 2


def test_import_summary_counts_blank_lines_from_the_import_record(small_order):
    assert str(queries.import_summary(small_order)) == (
        "6 lines: 3 matched, 1 unknown, 1 invalid, 1 duplicate; 1 blank line skipped"
    )


def test_import_summary_of_a_one_line_order_says_one_line(import_order, make_account):
    make_account("kisanvoice")
    demand = import_order("@kisanvoice").demand
    assert str(queries.import_summary(demand)) == (
        "1 line: 1 matched, 0 unknown, 0 invalid, 0 duplicate; 0 blank lines skipped"
    )


def test_list_demands_pages_newest_received_first_without_offset(import_order, make_account, legal):
    make_account("kisanvoice")
    now = timezone.now()
    for n in range(5):
        import_order("@kisanvoice", reference=f"R{n}", received_at=now - timedelta(hours=n))
    first = queries.list_demands(acting_user=legal, limit=2)
    second = queries.list_demands(acting_user=legal, after=first.next_cursor, limit=2)
    third = queries.list_demands(acting_user=legal, after=second.next_cursor, limit=2)
    assert [r.demand.reference for r in first.rows + second.rows + third.rows] == [
        "R0",
        "R1",
        "R2",
        "R3",
        "R4",
    ]
    assert third.next_cursor is None
    with pytest.raises(InvalidInput):
        queries.list_demands(acting_user=legal, after="1.x")


def test_list_demands_orders_same_moment_demands_by_id(import_order, make_account, legal):
    make_account("kisanvoice")
    moment = timezone.now()
    made = [
        import_order("@kisanvoice", reference=f"S{n}", received_at=moment).demand for n in range(3)
    ]
    first = queries.list_demands(acting_user=legal, limit=2)
    rest = queries.list_demands(acting_user=legal, after=first.next_cursor, limit=2)
    shown = [r.demand.id for r in first.rows + rest.rows]
    assert shown == sorted((d.id for d in made), reverse=True)


# -- filters ---------------------------------------------------------------------------------


def lines(demand, **params) -> list[int]:
    page = queries.demand_items(demand, ItemFilters.from_params(params))
    return [row.item.line_number for row in page.rows]


def test_filters_by_match_status_review_state_and_account_kind(small_order, legal):
    assert lines(small_order) == [1, 2, 3, 4, 5, 7]
    assert lines(small_order, match="duplicate") == [4]
    assert lines(small_order, kind="journalist") == [2, 7]
    item = DemandItem.objects.get(demand=small_order, line_number=7)
    do_decide_items(small_order, [item.id], action="escalate", reason="press", acting_user=legal)
    assert lines(small_order, review="escalated") == [7]
    assert lines(small_order, review="pending", match="matched") == [1, 2]


def test_unknown_filter_values_mean_no_filter(small_order):
    assert lines(small_order, match="bogus", kind="robot", sort="random", page="x") == [
        1,
        2,
        3,
        4,
        5,
        7,
    ]


def test_search_matches_the_handle_or_the_raw_line(small_order):
    assert lines(small_order, q="@REPORTER") == [2, 7]
    assert lines(small_order, q="!!!") == [5]


def test_sort_by_account_age_shows_newest_accounts_first(small_order):
    from tidings.social.models import Account

    Account.objects.filter(username="kisanvoice").update(
        created_at=timezone.now() - timedelta(days=900)
    )
    assert lines(small_order, sort="age")[:4] == [2, 7, 1, 4]


def test_items_are_paged_by_a_hundred(import_order, make_account):
    make_account("kisanvoice")
    text = "\n".join(f"@nobody{n}" for n in range(230))
    demand = import_order(text).demand
    page = queries.demand_items(demand, ItemFilters.from_params({"page": "3"}))
    assert (page.page, page.pages, page.total) == (3, 3, 230)
    assert [r.item.line_number for r in page.rows] == list(range(201, 231))
    beyond = queries.demand_items(demand, ItemFilters.from_params({"page": "9"}))
    assert beyond.page == 3


# -- evidence ---------------------------------------------------------------------------------


def test_evidence_shows_the_last_three_posts_and_hashtag_use(small_order, make_post):
    from tidings.social.models import Account

    farmer = Account.objects.get(username="kisanvoice")
    for n in range(3):
        make_post(farmer, f"Update {n} #FarmersProtest")
    page = queries.demand_items(small_order, ItemFilters())
    rows = {row.item.line_number: row for row in page.rows}
    assert [p.text for p in rows[1].recent_posts] == [
        "Update 2 #FarmersProtest",
        "Update 1 #FarmersProtest",
        "Update 0 #FarmersProtest",
    ]
    assert rows[1].tag_uses == 4
    assert rows[2].recent_posts == []  # a post item shows the post itself
    assert rows[2].tag_uses == 1
    assert [t.name for t in page.hashtags][:1] == ["farmersprotest"]
    assert "delhi" in [t.name for t in page.hashtags]


def test_hashtag_use_counts_only_the_last_30_days(small_order):
    from tidings.social.models import PostHashtag

    PostHashtag.objects.filter(author__username="kisanvoice").update(
        created_at=timezone.now() - timedelta(days=31)
    )
    page = queries.demand_items(small_order, ItemFilters())
    assert {r.item.line_number: r.tag_uses for r in page.rows}[1] == 0


@pytest.fixture
def big_order(import_order, make_account, make_post):
    """300 lines naming 290 accounts (each with posts and hashtags) and 10 posts."""
    accounts = [
        make_account(f"acct{n}", kind="news" if n % 7 == 0 else "person") for n in range(290)
    ]
    posts = []
    for n, account in enumerate(accounts):
        for k in range(2 if n % 3 else 4):
            posts.append(make_post(account, f"post {k} of {n} #FarmersProtest #Tag{n % 5}"))
    lines = [f"@acct{n}" for n in range(290)]
    lines += [f"https://localhost:8000/@acct{n}/{posts[n].id}" for n in range(10)]
    return import_order("\n".join(lines)).demand


def test_a_300_item_demand_page_costs_a_bounded_number_of_queries(
    big_order, django_assert_max_num_queries
):
    for params in ({}, {"sort": "followers"}, {"kind": "news"}, {"page": "3", "q": "acct"}):
        with django_assert_max_num_queries(7):  # one of them for the named posts' images
            page = queries.demand_items(big_order, ItemFilters.from_params(params))
            for row in page.rows:
                item = row.item
                _ = (
                    item.account and item.account.username,
                    item.post and item.post.author.username,
                )
                _ = [p.text for p in row.recent_posts]
                _ = item.reviewer
    assert page.total == 300


def test_the_demand_web_page_of_300_items_costs_a_bounded_number_of_queries(
    big_order, legal, client, django_assert_max_num_queries
):
    do_decide_items(big_order, "all_matched", action="withhold", reason="x", acting_user=legal)
    client.force_login(legal)
    with django_assert_max_num_queries(22):
        response = client.get(f"/desk/demands/{big_order.id}")
    assert response.status_code == 200
    assert len(response.context["items"].rows) == 100


# -- withholdings ---------------------------------------------------------------------------------


def test_withholdings_are_listed_with_their_state(small_order, legal):
    do_decide_items(small_order, "all_matched", action="withhold", reason="x", acting_user=legal)
    first, second, third = Withholding.objects.order_by("demand_item__line_number")
    do_lift_withholdings([first], reason="order withdrawn", acting_user=legal)
    Withholding.objects.filter(id=second.id).update(ends_at=timezone.now() - timedelta(minutes=1))
    page = queries.demand_withholdings(small_order)
    assert [r.state for r in page.rows] == ["lifted", "expired", "active"]
    assert (page.total, page.active) == (3, 1)


def test_access_demand_withholdings_takes_only_this_demands(small_order, import_order, legal):
    other = import_order("@kisanvoice", reference="OTHER").demand
    do_decide_items(other, "all_matched", action="withhold", reason="x", acting_user=legal)
    foreign = Withholding.objects.get()
    with pytest.raises(InvalidInput, match="not one of this demand"):
        queries.access_demand_withholdings(small_order, [foreign.id])
    with pytest.raises(InvalidInput, match="No withholding of this demand is in force"):
        queries.access_demand_withholdings(small_order, "all_active")
    with pytest.raises(InvalidInput, match="Select at least one"):
        queries.access_demand_withholdings(small_order, [])


# -- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("6 hours", timedelta(hours=6)),
        ("6h", timedelta(hours=6)),
        ("2 days", timedelta(days=2)),
        ("90 minutes", timedelta(minutes=90)),
        ("90 min", timedelta(minutes=90)),
        ("1 week", timedelta(weeks=1)),
        ("1.5 hours", timedelta(minutes=90)),
        ("for 3 Hours", timedelta(hours=3)),
    ],
)
def test_parse_until_reads_durations_from_now(text, after):
    assert parse_until(text, NOW) == NOW + after


def test_parse_until_reads_a_moment_in_utc():
    assert parse_until("2021-02-10 18:00", NOW) == datetime(2021, 2, 10, 18, 0, tzinfo=UTC)
    assert parse_until("2021-02-10T18:00", NOW) == datetime(2021, 2, 10, 18, 0, tzinfo=UTC)
    assert parse_until("2021-02-10T18:00+05:30", NOW) == datetime(2021, 2, 10, 12, 30, tzinfo=UTC)


def test_parse_until_is_none_for_blank_text():
    assert parse_until("  ", NOW) is None
    assert parse_until(None, NOW) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soonish", "Cannot read 'soonish' as an end"),
        ("6 fortnights", "'fortnights' is not a unit of time"),
        ("0 hours", "longer than zero"),
        ("2020-01-01 10:00", "is in the past"),
        ("99999 weeks", "more than ten years"),
    ],
)
def test_parse_until_refuses_junk_with_a_clear_message(text, message):
    with pytest.raises(InvalidInput, match=message):
        parse_until(text, NOW)
