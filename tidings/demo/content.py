"""Post text for the demo square: templates by topic and by kind of author.

Links only ever point at the reserved ``example.org`` domain.
"""

from __future__ import annotations

import random

from tidings.demo.names import CONSTITUENCIES, PARTIES, PLACES
from tidings.social.models import AccountKind

#: topic -> (weight, hashtags drawn from, templates)
TOPICS: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "protest": (
        0.38,
        ("#FarmersProtest", "#FarmLaws", "#StandWithFarmers", "#KisanEkta"),
        (
            "Day {day} at the {place} border: tents, langar and tractors as far as you can see.",
            "Farmers' unions say the next round of talks is on {weekday}. Nobody expects much.",
            "Langar at {place} served {n} people today. Volunteers say they will stay all winter.",
            "Why are farmers asking for repeal and not amendment? A thread on the three laws.",
            "The minimum support price is the heart of it. Write it into law and half the anger goes.",
            "Internet cut again near {place}. Families can't reach the people at the sit-in.",
            "Tractor rally planned from {place}; police have put up barricades on the highway.",
            "Met a {age}-year-old farmer at {place} who has been here since the first week.",
            "Talks round {round} ended without a deal. Unions to meet again on {weekday}.",
            "Peaceful, disciplined, and not going anywhere. Respect to everyone at {place}.",
            "Whatever you think of the laws, a democracy listens to the people it governs.",
            "Farm unions reject the offer to put the laws on hold for eighteen months.",
        ),
    ),
    "budget": (
        0.12,
        ("#Budget2021", "#Economy"),
        (
            "Fiscal deficit at {pct}% of GDP. Bold, or reckless? #Budget2021 explained in 5 charts.",
            "Agriculture cess on fuel: who pays it, and where does it go?",
            "Health spending up on paper; most of it is vaccines and water supply.",
            "Salaried middle class gets nothing in this budget. Again.",
            "Infrastructure push is real: {n} crore for roads in the {place} corridor.",
            "Disinvestment targets look ambitious for a year like this one.",
        ),
    ),
    "cricket": (
        0.12,
        ("#Cricket", "#INDvENG", "#TestCricket"),
        (
            "What a spell! {n} wickets before lunch and the crowd is on its feet.",
            "Spinning track, five-day Test over in two? Curators, please.",
            "That cover drive should be framed and hung in a museum.",
            "Debutant scores a fifty. This team's bench strength is absurd.",
            "Rain delay at {place}. Chai and commentary it is.",
            "Who opens in the next Test? Vote below.",
        ),
    ),
    "weather": (
        0.08,
        ("#Monsoon", "#Weather", "#DelhiFog"),
        (
            "Dense fog again this morning; visibility near zero on the {place} highway.",
            "Early #Monsoon outlook says normal rains. Farmers will plan the kharif crop on it.",
            "Cold wave warning for the plains for the next {n} days. Blankets are being collected for the sit-in.",
            "Unseasonal rain flattened wheat fields near {place}.",
        ),
    ),
    "daily": (
        0.22,
        ("#ChaiTime", "#WFH", "#Sunday", "#Bollywood"),
        (
            "Nothing beats ginger chai on a foggy morning.",
            "Day {n} of working from home: my cat now attends all the meetings.",
            "Finally watched that new film everyone was talking about. Overrated, fight me.",
            "Anyone know a good mechanic near {place}? The scooter gave up again.",
            "Mother's rajma recipe, no substitutions, no arguments.",
            "Power cut for three hours. Read an actual paper book. Would recommend.",
            "Sunday plan: sleep, parathas, sleep.",
            "The neighbourhood wedding band has been practising since six.",
        ),
    ),
    "vaccine": (
        0.08,
        ("#Vaccine", "#LargestVaccineDrive"),
        (
            "Health workers at the {place} district hospital got their second dose today.",
            "Vaccination centres will open for people over sixty next month, officials say.",
            "{n} lakh doses administered so far. Pace needs to pick up.",
        ),
    ),
}

REPLIES = (
    "Exactly this.",
    "Do you have a source for that?",
    "Stay safe out there.",
    "This deserves far more attention.",
    "Not sure I agree, but thanks for reporting it.",
    "Sharing with my family back home.",
    "Well said.",
    "The numbers don't add up.",
    "Thank you for the thread, very clear.",
    "Was there yesterday, can confirm.",
    "Any update on the talks?",
    "Ha! Same here.",
    "We need more reporting like this from the ground.",
)

KIND_INTROS: dict[str, tuple[str, ...]] = {
    AccountKind.NEWS: ("BREAKING:", "Update:", "Live:", "Explained:", "Ground report:"),
    AccountKind.JOURNALIST: ("On the ground:", "Reporting from {place}:", "Notebook:"),
    AccountKind.POLITICIAN: ("In Parliament today:", "My statement:", "To the people of {seat}:"),
    AccountKind.UNION: ("Union statement:", "Call to all members:", "Press note:"),
    AccountKind.ACTIVIST: ("Solidarity:", "Read this:", ""),
}

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def pick_topic(rng: random.Random, kind: str) -> str:
    """A topic, weighted by what accounts of this kind talk about."""
    names = list(TOPICS)
    weights = [TOPICS[n][0] for n in names]
    if kind in (AccountKind.UNION, AccountKind.ACTIVIST):
        weights[names.index("protest")] *= 4
    elif kind == AccountKind.CELEBRITY:
        weights[names.index("daily")] *= 2
        weights[names.index("cricket")] *= 2
    elif kind == AccountKind.POLITICIAN:
        weights[names.index("budget")] *= 3
    return rng.choices(names, weights=weights)[0]


def fill(rng: random.Random, template: str, *, day: int) -> str:
    return template.format(
        day=day,
        place=rng.choice(PLACES),
        weekday=rng.choice(WEEKDAYS),
        n=rng.randint(2, 900),
        age=rng.randint(55, 88),
        round=rng.randint(6, 11),
        pct=round(rng.uniform(5.5, 9.8), 1),
        seat=rng.choice(CONSTITUENCIES),
        party=rng.choice(PARTIES),
    )


def original_text(
    rng: random.Random, kind: str, *, day: int, mention: str | None = None
) -> tuple[str, str]:
    """(topic, text) of an original post; public hashtags appear in about half of topical posts."""
    topic = pick_topic(rng, kind)
    _, tags, templates = TOPICS[topic]
    text = fill(rng, rng.choice(templates), day=day)
    intro = rng.choice(KIND_INTROS.get(kind, ("",)))
    if intro and rng.random() < 0.5:
        text = f"{fill(rng, intro, day=day)} {text}"
    if "#" not in text and rng.random() < (0.75 if topic == "protest" else 0.5):
        count = 1 if rng.random() < 0.7 else 2
        text += " " + " ".join(rng.sample(tags, min(count, len(tags))))
    if mention:
        text += f" cc @{mention}"
    return topic, text


def reply_text(rng: random.Random, parent_handle: str) -> str:
    return f"@{parent_handle} {rng.choice(REPLIES)}"


def link_text(rng: random.Random, *, day: int) -> str:
    slug = rng.choice(
        ("farm-talks-round-9", "msp-explained", "budget-2021-in-charts", "sit-in-day")
    )
    return (
        f"Read the full report: https://example.org/reports/{slug}-{day} "
        f"{rng.choice(('#FarmersProtest', '#Budget2021', '#FarmLaws'))}"
    )
