"""Every form of the visibility rule gives the same answer, in random worlds (a Hypothesis state machine).

The machine builds a world step by step through the real actions: accounts
(some locked), follows, blocks, mutes, suspensions, public, unlisted,
followers-only and direct posts (to no one, one or two mentioned accounts), replies, mentions, reposts, favourites, deletions (some
leaving tombstones because a legal record points at them), withholdings of posts and accounts in
one country, in two, everywhere, for an hour or for good, lifted, and a clock
that moves on so that hour-long withholdings expire. At random points of the
story and at its end, for every viewer (anonymous and each account, each from
nowhere, from India and from the United States) it checks that:

- the queryset form and the loaded-page form list the same posts, in every
  kind of list, and the same notifications;
- the one-object form agrees with the lists (a direct list is exactly what can
  be fetched, less what a block either way hides), and a refusal is a 451
  exactly when the law is the reason, "everywhere" when it is everywhere;
- accounts: the queryset and the one-object form agree;
- a visible notification's actor and post are themselves visible;
- an author always sees their own posts (but for tombstones, which no one
  sees), and the addressee of a legal notice always sees it, in every country.

``make test`` runs a modest number of examples; CI runs many more
(``TIDINGS_PROPERTY_EXAMPLES``, see ``.ci/run``).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    precondition,
    rule,
    run_state_machine_as_test,
)

from tidings.legal.actions.withholding import do_lift_withholding, do_withhold
from tidings.legal.models import Withholding
from tidings.lib.countries import EVERYWHERE
from tidings.lib.errors import InvalidInput, NotFound, Withheld
from tidings.social.actions import (
    do_block,
    do_create_account,
    do_create_post,
    do_delete_post,
    do_favourite,
    do_follow,
    do_limit_account,
    do_mute,
    do_repost,
    do_suspend_account,
    do_unblock,
    do_unfollow,
    do_unlimit_account,
    do_unsuspend_account,
    do_update_profile,
)
from tidings.social.models import (
    Account,
    Block,
    Favourite,
    Follow,
    Mention,
    Mute,
    Notification,
    NotificationKind,
    Post,
)
from tidings.social.queries import POST_RELATED, Cursor
from tidings.social.queries import notifications as notifications_page
from tidings.tasks.worker import Worker
from tidings.visibility import (
    Listing,
    Viewer,
    access_account,
    access_post,
    anonymous_viewer,
    can_view_account,
    can_view_post,
    filter_visible_notifications,
    filter_visible_posts,
    viewer_for_account,
    visible_accounts,
    visible_notifications,
    visible_posts,
)

EXAMPLES = int(os.environ.get("TIDINGS_PROPERTY_EXAMPLES", "12"))
COUNTRIES = [(), ("IN",), ("US",)]
NOTIFICATION_RELATED = ("actor", *(f"post__{r}" for r in POST_RELATED), "post")
_serial = itertools.count(1)


@contextmanager
def effects() -> Iterator[None]:
    """Run what the actions inside cause: after-commit work, then the queued tasks
    (fan-out, legal notices), as a worker would."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
    Worker(worker_id="machine").run_until_idle()


pick = st.integers(min_value=0, max_value=63)  # an index into what exists (modulo its length)


class VisibilityWorld(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.staff = self._account(role="legal_admin")
        self.admin = self._account(role="admin")
        self.people: list[Account] = []
        self.posts: list[Post] = []
        self.withholdings: list[Withholding] = []
        self.clock = timedelta(0)
        self._checked: tuple = ()

    def teardown(self) -> None:
        try:
            self.every_form_agrees()
        finally:
            transaction.set_rollback(True)
            self._savepoint.__exit__(None, None, None)

    def _person(self, i: int) -> Account:
        return self.people[i % len(self.people)]

    def _post(self, i: int) -> Post:
        return self.posts[i % len(self.posts)]

    # -- building the world ------------------------------------------------------

    @initialize(
        countries=st.lists(st.sampled_from(["", "", "IN", "US"]), min_size=3, max_size=3),
        visibilities=st.lists(
            st.sampled_from(["public", "unlisted", "followers", "direct"]), min_size=3, max_size=3
        ),
    )
    def a_small_square(self, countries: list[str], visibilities: list[str]) -> None:
        """Three people who follow each other round, each with one post."""
        people = [self._account(country) for country in countries]
        with effects():
            for a, b in zip(people, people[1:] + people[:1], strict=True):
                do_follow(b, acting_user=a)
            for person, visibility in zip(people, visibilities, strict=True):
                self.posts.append(
                    do_create_post("hello", acting_user=person, visibility=visibility)
                )

    @precondition(lambda self: len(self.people) < 5)
    @rule(country=st.sampled_from(["", "", "IN", "US"]))
    def add_account(self, country: str) -> None:
        self._account(country)

    def _account(self, country: str = "", role: str = "user") -> Account:
        handle = f"p{next(_serial)}"
        account = do_create_account(
            handle,
            email=f"{handle}@example.com",
            password=None,
            acting_user=None,
            country=country,
            role=role,
            validate=False,
        )
        if role == "user":
            self.people.append(account)
        return account

    @rule(a=pick, b=pick, on=st.booleans())
    def follow(self, a: int, b: int, on: bool) -> None:
        follower, followee = self._person(a), self._person(b)
        if follower.id == followee.id:
            return
        try:
            with effects():
                (do_follow if on else do_unfollow)(followee, acting_user=follower)
        except InvalidInput:  # a block either way refuses the follow
            pass

    @rule(a=pick, b=pick, on=st.booleans())
    def block(self, a: int, b: int, on: bool) -> None:
        blocker, blocked = self._person(a), self._person(b)
        if blocker.id != blocked.id:
            (do_block if on else do_unblock)(blocked, acting_user=blocker)

    @rule(a=pick, b=pick)
    def mute(self, a: int, b: int) -> None:
        muter, muted = self._person(a), self._person(b)
        if muter.id != muted.id:
            do_mute(muted, acting_user=muter)

    @rule(
        author=pick,
        visibility=st.sampled_from(["public", "unlisted", "followers", "direct"]),
        mention=st.none() | pick,
        parent=st.none() | pick,
        second=st.none() | pick,
    )
    def post(
        self,
        author: int,
        visibility: str,
        mention: int | None,
        parent: int | None,
        second: int | None = None,
    ) -> None:
        text = f"post {next(_serial)}"
        for someone in (mention, second):
            if someone is not None:
                text += f" @{self._person(someone).username}"
        in_reply_to = self._post(parent) if parent is not None and self.posts else None
        with effects():
            self.posts.append(
                do_create_post(
                    text,
                    acting_user=self._person(author),
                    visibility=visibility,
                    in_reply_to=in_reply_to,
                )
            )

    @precondition(lambda self: self.posts)
    @rule(which=pick)
    def delete(self, which: int) -> None:
        """The author deletes a post: gone, or a tombstone when a legal record points at it."""
        post = self._post(which)
        with effects():
            do_delete_post(post, acting_user=post.author)
        live = Post.objects.filter(id__in=[p.id for p in self.posts], deleted_at__isnull=True)
        kept = set(live.values_list("id", flat=True))
        self.posts = [p for p in self.posts if p.id in kept]

    @rule(account=pick, locked=st.booleans())
    def lock(self, account: int, locked: bool) -> None:
        person = self._person(account)
        with effects():
            do_update_profile(person, acting_user=person, locked=locked)

    @precondition(lambda self: self.posts)
    @rule(account=pick, original=pick)
    def repost(self, account: int, original: int) -> None:
        try:
            with effects():
                self.posts.append(
                    do_repost(self._post(original), acting_user=self._person(account))
                )
        except InvalidInput:  # followers-only and direct posts cannot be reposted
            pass

    @precondition(lambda self: self.posts)
    @rule(account=pick, post=pick)
    def favourite(self, account: int, post: int) -> None:
        with effects():
            do_favourite(self._post(post), acting_user=self._person(account))

    @rule(account=pick, suspend=st.booleans())
    def suspension(self, account: int, suspend: bool) -> None:
        person = self._person(account)
        if suspend:
            do_suspend_account(person, reason="spam", acting_user=self.admin)
        else:
            do_unsuspend_account(person, reason="appeal", acting_user=self.admin)

    @rule(account=pick, limit=st.booleans())
    def limitation(self, account: int, limit: bool) -> None:
        person = self._person(account)
        if limit:
            do_limit_account(person, text="", acting_user=self.admin)
        else:
            do_unlimit_account(person, acting_user=self.admin)

    @precondition(lambda self: self.posts)
    @rule(
        of_account=st.booleans(),
        subject=pick,
        countries=st.sampled_from([["IN"], ["IN", "PK"], [EVERYWHERE], ["US"]]),
        for_an_hour=st.booleans(),
    )
    def withhold(self, of_account: bool, subject: int, countries: list[str], for_an_hour: bool):
        until = timezone.now() + timedelta(hours=1) if for_an_hour else None
        target = {"account": self._person(subject)} if of_account else {"post": self._post(subject)}
        with effects():
            self.withholdings.append(
                do_withhold(
                    **target,
                    countries=countries,
                    until=until,
                    reason="order",
                    acting_user=self.staff,
                )
            )

    @precondition(lambda self: self.withholdings)
    @rule(which=pick)
    def lift(self, which: int) -> None:
        withholding = self.withholdings.pop(which % len(self.withholdings))
        with effects():
            do_lift_withholding(withholding, reason="order withdrawn", acting_user=self.staff)

    @rule()
    def two_hours_pass(self) -> None:
        self.clock += timedelta(hours=2)

    # -- the checks ----------------------------------------------------------------

    def viewers(self):
        now = timezone.now() + self.clock
        accounts = Account.objects.filter(id__in=[p.id for p in self.people])
        for account in [None, *accounts]:
            for countries in COUNTRIES:
                if account is None:
                    who = anonymous_viewer(frozenset(countries))
                else:
                    who = viewer_for_account(account, frozenset(countries))
                who.__dict__["now"] = now  # the request's clock, moved on
                yield who

    @rule()
    def check_now(self) -> None:
        """Check at a random point of the story (a step like any other), if the world changed."""
        state = self._fingerprint()
        if state != self._checked:
            self.every_form_agrees()
            self._checked = state

    def _fingerprint(self) -> tuple:
        return (
            self.clock,
            *(
                model.objects.count()
                for model in (Post, Follow, Block, Mute, Favourite, Notification, Withholding)
            ),
            Post.objects.filter(deleted_at__isnull=False).count(),
            Withholding.objects.filter(lifted_at__isnull=False).count(),
            Account.objects.filter(suspended_at__isnull=False).count(),
            Account.objects.filter(locked=True).count(),
            Account.objects.count(),
        )

    def every_form_agrees(self) -> None:
        everything = list(Post.objects.select_related(*POST_RELATED).order_by("-id"))
        people = list(Account.objects.filter(id__in=[p.id for p in self.people]))
        for who in self.viewers():
            self._posts_agree(who, everything)
            self._accounts_agree(who, people)
            if who.account is not None:
                self._notifications_agree(who)
                self._owner_sees_their_own(who, everything)

    def _posts_agree(self, who: Viewer, everything: list[Post]) -> None:
        for listing in Listing:
            by_query = set(
                visible_posts(Post.objects.all(), who, listing).values_list("id", flat=True)
            )
            by_page = {p.id for p in filter_visible_posts(everything, who, listing)}
            assert by_query == by_page, (who, listing, by_query ^ by_page)
            if listing is Listing.DIRECT:
                direct = by_query
        fetchable = {p.id for p in everything if can_view_post(who, p)}
        blocked = who.blocked_ids
        unblocked = {
            p.id
            for p in everything
            if p.author_id not in blocked
            and (p.repost_of is None or p.repost_of.author_id not in blocked)
        }
        assert direct == fetchable & unblocked, (who, direct ^ (fetchable & unblocked))
        self._direct_only_to_participants(who, everything, fetchable)
        for post in everything:
            self._fetch_agrees(who, post, post.id in fetchable)

    def _direct_only_to_participants(
        self, who: Viewer, everything: list[Post], fetchable: set[int]
    ) -> None:
        """A direct post is seen by its author and the accounts it mentions, by no one else."""
        direct = [p for p in everything if p.visibility == "direct"]
        mentioned = set(
            Mention.objects.filter(
                post_id__in=[p.id for p in direct], account_id=who.account_id
            ).values_list("post_id", flat=True)
        )
        for post in direct:
            if post.id in fetchable:
                assert post.author_id == who.account_id or post.id in mentioned, (who, post)

    def _fetch_agrees(self, who: Viewer, post: Post, visible: bool) -> None:
        try:
            access_post(who, post.id)
        except Withheld as refusal:
            assert not visible
            withheld_everywhere = EVERYWHERE in refusal.countries
            assert refusal.countries == {EVERYWHERE} if withheld_everywhere else True
            assert refusal.countries <= who.countries | {EVERYWHERE}
            # Without the withholdings, the post would have been shown.
            clear = Viewer(account=who.account, countries=frozenset({"ZZ"}))
            clear.__dict__["withheld_ids"] = (frozenset(), frozenset())
            assert can_view_post(clear, post)
        except NotFound:
            assert not visible
        else:
            assert visible

    def _accounts_agree(self, who: Viewer, people: list[Account]) -> None:
        ids = [p.id for p in people]
        by_query = set(
            visible_accounts(Account.objects.filter(id__in=ids), who).values_list("id", flat=True)
        )
        one_by_one = {a.id for a in people if can_view_account(who, a)}
        assert by_query == one_by_one, (who, by_query ^ one_by_one)
        for account in people:
            try:
                access_account(who, account.id, by_id=True)
                fetched = True
            except (NotFound, Withheld):
                fetched = False
            assert fetched == (account.id in one_by_one)

    def _notifications_agree(self, who: Viewer) -> None:
        mine = Notification.objects.filter(recipient_id=who.account_id)
        by_query = set(visible_notifications(mine, who).values_list("id", flat=True))
        loaded = list(mine.select_related(*NOTIFICATION_RELATED))
        by_page = {n.id for n in filter_visible_notifications(loaded, who)}
        assert by_query == by_page, (who, by_query ^ by_page)
        listed = {n.id for n in notifications_page(who, Cursor(limit=40))}
        assert listed == by_query or len(by_query) > 40
        for n in loaded:
            if n.id not in by_query:
                continue
            assert n.actor_id == who.account_id or can_view_account(who, n.actor)
            assert n.post is None or can_view_post(who, n.post)

    def _owner_sees_their_own(self, who: Viewer, everything: list[Post]) -> None:
        me = who.account
        if me.suspended_at is not None:
            return
        legal = Notification.objects.filter(recipient=me, kind=NotificationKind.LEGAL)
        shown = visible_notifications(legal, who)
        assert shown.count() == legal.count(), "a legal notice was hidden from its addressee"
        for post in everything:
            if post.author_id == me.id and post.repost_of_id is None and post.deleted_at is None:
                assert can_view_post(who, post), "an author could not see their own post"


@pytest.mark.django_db
def test_every_form_of_the_visibility_rule_agrees_in_random_worlds() -> None:
    run_state_machine_as_test(
        VisibilityWorld,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
