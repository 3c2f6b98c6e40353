"""The redaction policy: public figures named, private people counted, confidential orders
published after their delay or by a legal admin, never a reviewer's reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tidings.audit.models import AuditEvent
from tidings.legal.actions.decisions import do_decide_items
from tidings.legal.actions.intake import do_import_demand
from tidings.legal.actions.publication import do_publish_demand
from tidings.lib.errors import InvalidInput, NotPermitted
from tidings.transparency.redaction import (
    action_taken,
    details_published,
    public_legal_basis,
    public_reference,
    public_targets,
)


@pytest.fixture
def legal(make_account):
    return make_account("lex", role="legal")


@pytest.fixture
def lead(make_account):
    return make_account("lead", role="legal_admin")


def _order(legal, text: str, *, confidential: bool):
    return do_import_demand(
        text,
        authority_name="Ministry of Electronics and Information Technology",
        country="IN",
        reference="MEITY/2021/1178",
        legal_basis="Section 69A of the Information Technology Act, 2000",
        legal_basis_code="IN-ITA-69A",
        confidential=confidential,
        acting_user=legal,
    ).demand


def test_public_figures_are_named_and_private_people_only_counted(legal, make_account, make_post):
    make_account("dailynews", display_name="The Daily News", kind="news")
    make_account("mpsingh", display_name="R. Singh MP", kind="politician")
    make_account("priya", display_name="Priya, a farmer")
    reporter = make_account("reporter", kind="journalist")
    story = make_post(reporter, "From the border")
    demand = _order(
        legal,
        f"@dailynews\n@mpsingh\n@priya\nhttp://localhost:8000/@reporter/{story.id}\n@ghost\n@priya",
        confidential=False,
    )
    items = {i.raw: i.id for i in demand.items.filter(match_status="matched")}
    do_decide_items(
        demand, [items["@priya"]], action="withhold", reason="private note", acting_user=legal
    )
    do_decide_items(
        demand, [items["@dailynews"]], action="decline", reason="news", acting_user=legal
    )

    targets = public_targets(demand, timezone.now())

    named = {(t.handle, t.scope, t.outcome) for t in targets.named}
    assert named == {
        ("dailynews", "account", "declined"),
        ("mpsingh", "account", "pending"),
        ("reporter", "status", "pending"),
    }
    assert not any(t.handle == "priya" for t in targets.named)
    assert targets.counted == {("account", "withheld"): 1}
    assert (targets.not_actionable, targets.duplicate) == (1, 1)
    story_target = next(t for t in targets.named if t.scope == "status")
    assert story_target.url.endswith(f"/@reporter/{story.id}")
    assert "private note" not in repr(targets)


def test_a_verified_person_is_a_public_figure(legal, make_account):
    make_account("celebrated", verified=True)
    demand = _order(legal, "@celebrated", confidential=False)
    assert [t.handle for t in public_targets(demand, timezone.now()).named] == ["celebrated"]


def test_a_confidential_order_keeps_its_details_until_its_delay_runs_out(
    legal, make_account, settings
):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    make_account("dailynews", kind="news")
    demand = _order(legal, "@dailynews", confidential=True)
    now = timezone.now()

    assert not details_published(demand, now)
    assert public_targets(demand, now) is None
    assert public_reference(demand, now) == ""
    assert public_legal_basis(demand, now) == "IN-ITA-69A"

    later = demand.received_at + timedelta(days=180)
    assert details_published(demand, later)
    assert public_reference(demand, later) == "MEITY/2021/1178"
    assert public_legal_basis(demand, later) == (
        "Section 69A of the Information Technology Act, 2000 (IN-ITA-69A)"
    )
    assert [t.handle for t in public_targets(demand, later).named] == ["dailynews"]


def test_never_means_only_a_legal_admin_publishes(legal, settings):
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = None
    demand = _order(legal, "@nobody", confidential=True)
    assert not details_published(demand, demand.received_at + timedelta(days=36_500))


def test_a_legal_admin_publishes_a_confidential_order_once_and_it_is_audited(legal, lead):
    demand = _order(legal, "@nobody", confidential=True)

    do_publish_demand(demand, acting_user=lead)

    demand.refresh_from_db()
    assert demand.published_by == lead
    assert details_published(demand, timezone.now())
    event = AuditEvent.objects.filter(action="legal.publish").get()
    assert (event.subject_id, event.actor_id) == (str(demand.id), lead.id)
    with pytest.raises(InvalidInput, match="already published"):
        do_publish_demand(demand, acting_user=lead)


def test_only_a_legal_admin_publishes(legal):
    demand = _order(legal, "@nobody", confidential=True)
    with pytest.raises(NotPermitted):
        do_publish_demand(demand, acting_user=legal)
    demand.refresh_from_db()
    assert demand.published_at is None


def test_an_open_order_has_nothing_to_publish(legal, lead):
    demand = _order(legal, "@nobody", confidential=False)
    with pytest.raises(InvalidInput, match="not confidential"):
        do_publish_demand(demand, acting_user=lead)


@pytest.mark.parametrize(
    ("outcomes", "taken"),
    [
        ({"withheld": 3}, "Yes"),
        ({"withheld": 1, "lifted": 1, "expired": 1, "not_actionable": 4}, "Yes"),
        ({"withheld": 1, "declined": 1}, "Partial"),
        ({"lifted": 1, "pending": 2}, "Partial"),
        ({"declined": 2}, "No"),
        ({"not_actionable": 2, "duplicate": 1}, "No"),
        ({"pending": 1, "declined": 1}, "Pending"),
    ],
)
def test_action_taken_reads_like_lumen(outcomes, taken):
    assert action_taken(outcomes) == taken


@pytest.mark.parametrize("days", [180, 0, None])
def test_the_query_form_of_published_details_agrees_with_the_rule(legal, lead, settings, days):
    from tidings.legal.models import Demand
    from tidings.transparency.redaction import details_published_q

    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = days
    now = timezone.now()
    open_order = _order(legal, "@a", confidential=False)
    fresh = _order(legal, "@b", confidential=True)
    old = _order(legal, "@c", confidential=True)
    Demand.objects.filter(id=old.id).update(received_at=now - timedelta(days=181))
    published = _order(legal, "@d", confidential=True)
    do_publish_demand(published, acting_user=lead)
    demands = Demand.objects.filter(id__in=[open_order.id, fresh.id, old.id, published.id])
    by_rule = {d.id for d in demands if details_published(d, now)}
    assert set(demands.filter(details_published_q(now)).values_list("id", flat=True)) == by_rule
    assert open_order.id in by_rule and published.id in by_rule


def test_details_are_public_from_receipt_delay_or_early_publication(legal, lead, settings):
    from tidings.transparency.redaction import details_public_at

    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = 180
    open_order = _order(legal, "@a", confidential=False)
    assert details_public_at(open_order) == open_order.received_at
    secret = _order(legal, "@b", confidential=True)
    assert details_public_at(secret) == secret.received_at + timedelta(days=180)
    do_publish_demand(secret, acting_user=lead)
    assert details_public_at(secret) == secret.published_at
    settings.TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = None
    assert details_public_at(_order(legal, "@c", confidential=True)) is None


def test_public_outcome_counts_tell_an_expired_withholding_from_a_live_one(legal, make_account):
    from tidings.legal.models import Withholding
    from tidings.transparency.redaction import public_outcome_counts

    make_account("one")
    make_account("two")
    demand = _order(legal, "@one\n@two\n@ghost", confidential=False)
    do_decide_items(
        demand,
        "all_matched",
        action="withhold",
        reason="r",
        until=timezone.now() + timedelta(hours=1),
        acting_user=legal,
    )
    first = Withholding.objects.filter(demand_item__demand=demand).order_by("id").first()
    Withholding.objects.filter(id=first.id).update(ends_at=timezone.now() - timedelta(minutes=1))
    counts = public_outcome_counts([demand.id], timezone.now())[demand.id]
    assert (counts["withheld"], counts["expired"], counts["not_actionable"]) == (1, 1, 1)
