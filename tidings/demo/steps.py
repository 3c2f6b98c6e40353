"""The demo, as an ordered list of seeding steps; each runs once, ever.

A step runs in one transaction and ends with one ``demo.seed`` audit event whose
subject is the step's name; that event is also how a later run knows the step is
done. New scenarios (the legal desk's, say) are appended to :data:`DEMO_STEPS`
and run on an already seeded database without touching what is there.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from tidings.audit.chain import record_event
from tidings.audit.models import AuditEvent
from tidings.demo.dataset import Dataset
from tidings.demo.legal import seed_february_scenario
from tidings.demo.legal_review import seed_review_decisions
from tidings.demo.logins import create_demo_logins, demo_logins
from tidings.demo.square import build_public_square
from tidings.demo.writer import write_dataset
from tidings.social.models import Account, Role

SEED = 2021


@dataclass
class DemoContext:
    """What every step gets: sizes, a seeded random source, the clock, a way to report."""

    accounts: int = 300
    posts: int = 10_000
    seed: int = SEED
    now: datetime = field(default_factory=timezone.now)
    progress: bool = False
    say: Callable[[str], None] = lambda message: None

    def rng(self, step: str) -> random.Random:
        """A random source of its own per step, so adding a step never changes another."""
        return random.Random(f"{self.seed}:{step}")


@dataclass(frozen=True)
class DemoStep:
    name: str
    run: Callable[[DemoContext], dict[str, Any]]


def seed_public_square(context: DemoContext) -> dict[str, Any]:
    """Demo logins (audited one by one), then the square inserted in bulk."""
    logins = create_demo_logins()
    taken = set(Account.objects.annotate(h=Lower("username")).values_list("h", flat=True))
    data = Dataset()
    landmarks = build_public_square(
        context.rng("public_square"),
        data,
        accounts=context.accounts,
        posts=context.posts,
        now=context.now,
        logins=logins,
        taken=taken,
    )
    summary = write_dataset(data, progress=context.progress)
    return summary.as_dict() | {
        "logins": sorted(a.username for a in logins.values()),
        "landmarks": {name: post.id for name, post in landmarks.items()},
    }


DEMO_STEPS: list[DemoStep] = [
    DemoStep("public_square", seed_public_square),
    DemoStep("legal_february", seed_february_scenario),
    DemoStep("legal_review", seed_review_decisions),
]


def _step_events(name: str):
    return AuditEvent.objects.filter(action="demo.seed", subject_type="demo", subject_id=name)


def step_done(name: str) -> bool:
    return _step_events(name).exists()


def step_summary(name: str) -> dict[str, Any] | None:
    """What a finished step recorded (row counts, landmark post ids), for the steps after it."""
    event = _step_events(name).first()
    return event.data if event is not None else None


def run_demo_steps(context: DemoContext, steps: list[DemoStep] | None = None) -> list[str]:
    """Run the steps not yet done, in order; returns the names of those that ran."""
    ran: list[str] = []
    for step in DEMO_STEPS if steps is None else steps:
        if step_done(step.name):
            continue
        context.say(f"Seeding {step.name.replace('_', ' ')}…")
        with transaction.atomic():
            summary = step.run(context)
            admin = demo_logins().get(Role.ADMIN)
            record_event(
                "demo.seed",
                actor_id=admin.id if admin else None,
                subject_type="demo",
                subject_id=step.name,
                data={"seed": context.seed} | summary,
            )
        ran.append(step.name)
    return ran
