"""``tidings demo`` leaves the 1,178-line order half reviewed, as the real desk would."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tidings.audit.models import AuditEvent
from tidings.demo.logins import INDIA_VIEWER
from tidings.demo.steps import DEMO_STEPS, DemoContext, run_demo_steps, step_done
from tidings.legal.clock_queries import due_clocks
from tidings.legal.clocks import ClockKey, ClockState, clock_for, demand_clocks
from tidings.legal.models import (
    Appeal,
    AppealStatus,
    Correspondence,
    CorrespondenceKind,
    Demand,
    DemandItem,
    Direction,
    MatchStatus,
    Withholding,
)
from tidings.social.models import Account, Role

SMALL = ("--accounts", "40", "--posts", "400", "--no-migrate")
IN = {"HTTP_X_TEST_COUNTRY": "IN"}
GB = {"HTTP_X_TEST_COUNTRY": "GB"}
PROTECTED = ("news", "journalist", "politician")


@pytest.fixture(autouse=True)
def _country_header(settings):
    settings.TIDINGS_COUNTRY_HEADER = "X-Test-Country"
    settings.TIDINGS_GEOIP = False


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", *SMALL, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> Demand:
    """The demo, seeded; returns the order under review."""
    run_demo()
    return Demand.objects.get(kind="order")


def live_withholdings(demand: Demand):
    return Withholding.objects.filter(demand_item__demand=demand, lifted_at__isnull=True)


def test_ordinary_accounts_and_a_few_posts_are_withheld_in_india_only(demo):
    live = live_withholdings(demo)
    accounts = live.filter(account__isnull=False)
    posts = live.filter(post__isnull=False)
    ordinary = DemandItem.objects.filter(
        demand=demo, match_status=MatchStatus.MATCHED, post__isnull=True
    ).exclude(account__kind__in=PROTECTED)
    assert accounts.count() >= ordinary.count() // 2
    assert 1 <= posts.count() <= 10
    assert {tuple(w.countries) for w in live} == {("IN",)}
    assert not accounts.filter(account__kind__in=PROTECTED).exists()


def test_news_journalists_and_politicians_are_all_declined_with_a_reason(demo):
    protected = DemandItem.objects.filter(demand=demo, account__kind__in=PROTECTED)
    assert set(protected.values_list("account__kind", flat=True)) == set(PROTECTED)
    assert set(protected.values_list("review_state", flat=True)) == {"declined"}
    for reason in protected.values_list("decision_reason", flat=True):
        assert "freedom of expression" in reason


def test_some_items_are_still_pending_with_the_action_clock_hours_from_its_deadline(demo):
    assert DemandItem.objects.filter(
        demand=demo, match_status=MatchStatus.MATCHED, review_state="pending"
    ).exists()
    now = timezone.now()
    action = clock_for(demand_clocks(demo), ClockKey.ACTION)
    assert action.state(now) == ClockState.DUE
    assert timedelta(hours=1) < demo.due_at - now < timedelta(hours=12)
    assert action.text(now).startswith("due in")
    listed = [d for d in due_clocks(now) if d.demand == demo and d.clock.key == ClockKey.ACTION]
    assert listed and listed[0].state == ClockState.DUE


def test_the_thread_holds_our_acknowledgement_and_the_ministrys_non_compliance_notice(demo):
    thread = Correspondence.objects.filter(demand=demo).order_by("id")
    kinds = [(m.direction, m.kind) for m in thread]
    assert kinds == [
        (Direction.OUTBOUND, CorrespondenceKind.ACKNOWLEDGEMENT),
        (Direction.INBOUND, CorrespondenceKind.NONCOMPLIANCE_NOTICE),
    ]
    notice = thread.last()
    assert "Section 69A" in notice.body
    assert demo.received_at < notice.received_at < timezone.now()
    assert demo.status == "noncompliance_notice"
    now = timezone.now()
    clocks = demand_clocks(demo)
    assert clock_for(clocks, ClockKey.ACKNOWLEDGE).state(now) == ClockState.MET
    assert clock_for(clocks, ClockKey.NONCOMPLIANCE).state(now) == ClockState.DUE


def test_the_ministrys_officer_sent_the_notice_through_the_portal(demo):
    event = AuditEvent.objects.get(action="legal.noncompliance.receive")
    officer = Account.objects.get(id=event.actor_id)
    assert officer.role == Role.AUTHORITY


def test_the_owner_of_a_withheld_account_has_an_appeal_waiting(demo):
    appeal = Appeal.objects.select_related("withholding").get()
    assert appeal.status == AppealStatus.FILED and appeal.decided_at is None
    assert appeal.appellant_id == appeal.withholding.account_id
    assert appeal.withholding.lifted_at is None
    assert appeal.withholding.demand_item.demand == demo
    assert demo.received_at < appeal.filed_at < timezone.now()


def test_a_withheld_profile_is_451_in_india_and_200_elsewhere(demo, client):
    handle = live_withholdings(demo).filter(account__isnull=False).first().account.username
    in_india = Client().get(f"/@{handle}", **IN)
    assert in_india.status_code == 451
    assert 'rel="blocked-by"' in in_india["Link"]
    assert "withheld in India" in in_india.content.decode()
    assert Client().get(f"/@{handle}", **GB).status_code == 200
    assert Client().get(f"/@{handle}").status_code == 200
    client.force_login(Account.objects.get(username=INDIA_VIEWER))
    assert client.get(f"/@{handle}").status_code == 451


def test_a_withheld_post_is_451_in_india_and_shown_with_its_banner_elsewhere(demo):
    post = live_withholdings(demo).filter(post__isnull=False).first().post
    path = f"/@{post.author.username}/{post.id}"
    assert Client().get(path, **IN).status_code == 451
    elsewhere = Client().get(path, **GB)
    assert elsewhere.status_code == 200
    assert "Withheld in India" in elsewhere.content.decode()


def test_the_demo_names_the_login_that_sees_the_site_from_india(db):
    out = run_demo()
    assert f"Signed in as @{INDIA_VIEWER} (profile country IN)" in out
    assert Account.objects.get(username=INDIA_VIEWER).country == "IN"


def legal_counts() -> dict[str, object]:
    return {
        "withholdings": Withholding.objects.count(),
        "states": sorted(DemandItem.objects.values_list("id", "review_state")),
        "thread": Correspondence.objects.count(),
        "appeals": Appeal.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_running_the_demo_again_decides_nothing_more(demo):
    before = legal_counts()
    assert "already seeded" in run_demo()
    assert legal_counts() == before


def seed_an_older_demo(now) -> None:
    """A demo seeded at ``now`` by the steps that existed before the review step."""
    older = [step for step in DEMO_STEPS if step.name != "legal_review"]
    run_demo_steps(DemoContext(accounts=40, posts=400, now=now), older)
    assert step_done("legal_february") and not step_done("legal_review")


def test_an_older_demo_gets_the_review_when_the_demo_runs_again(db):
    seed_an_older_demo(timezone.now() - timedelta(days=3))
    out = run_demo()
    assert "Seeding legal review" in out and "public square" not in out.split("Seeded")[1]
    demo = Demand.objects.get(kind="order")
    assert live_withholdings(demo).filter(account__isnull=False).exists()
    assert Appeal.objects.get().status == AppealStatus.FILED
    assert Correspondence.objects.filter(
        demand=demo, kind=CorrespondenceKind.NONCOMPLIANCE_NOTICE
    ).exists()
    # Three days on, its clock has run out: the review is dated from its receipt, not from now.
    appeal = Appeal.objects.get()
    assert demo.received_at < appeal.filed_at < demo.received_at + timedelta(hours=30)
    assert clock_for(demand_clocks(demo), ClockKey.ACTION).state(timezone.now()) == (
        ClockState.OVERDUE
    )
    assert "already seeded" in run_demo()


def test_an_order_received_less_than_30_hours_before_has_its_review_replayed_before_now(db):
    seed_an_older_demo(timezone.now())
    demo = Demand.objects.get(kind="order")
    step_now = demo.received_at + timedelta(hours=20)
    ran = run_demo_steps(DemoContext(accounts=40, posts=400, now=step_now))
    assert ran == ["legal_review"]
    moments = [m.sent_at or m.received_at for m in Correspondence.objects.filter(demand=demo)]
    moments.append(Appeal.objects.get().filed_at)
    assert all(demo.received_at < moment < step_now for moment in moments)


def test_the_order_under_review_is_published_naming_the_outlets_kept_up_and_counting_people(
    demo, client: Client
):
    demo.refresh_from_db()
    assert demo.confidential and demo.published_at is not None
    emergency = Demand.objects.get(kind="emergency_order")
    assert emergency.published_at is None  # the other order keeps its details back
    text = client.get(f"/transparency/notices/{demo.id}").content.decode()
    assert demo.reference in text
    declined_outlet = (
        DemandItem.objects.filter(demand=demo, review_state="declined", account__kind="news")
        .select_related("account")
        .first()
    )
    assert f'data-handle="{declined_outlet.account.username}"' in text
    withheld_person = (
        DemandItem.objects.filter(demand=demo, review_state="withheld", account__kind="person")
        .select_related("account")
        .first()
    )
    assert f"@{withheld_person.account.username}<" not in text
    assert 'data-scope="account" data-outcome="withheld"' in text
    assert (
        emergency.reference
        not in client.get(f"/transparency/notices/{emergency.id}").content.decode()
    )
