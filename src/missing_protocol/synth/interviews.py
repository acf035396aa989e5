"""What the example year's interviews learn and what the plans do (issue 14), added to the
generated episodes from a generator of its own, so every time, count and published figure of the
example stays as it was.

Reasons follow where the child went missing from (a placement or home); risks keep the
exploitation the episodes were drawn with (the persons of concern are linked to those
episodes) and add mental health, substance misuse and harm online where the reasons point to
them. Plans answer the risks: a mental-health referral for a mental-health risk, disruption of
the adults for exploitation, and family-network support growing through the year, the
council's stated aim. Each action gets its own due date and an id; most are recorded done in
time, some late, a few never (about 78%, 14% and 8%).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.model import (
    ActionCompleted,
    ActionKind,
    Event,
    InterviewCompleted,
    MissingFrom,
    PlanAction,
    PlanMade,
    Reported,
)

EXPLOITATION = frozenset({"cse", "cce", "county_lines"})
# Weighted reasons children give, by where they went missing from.
REASONS_CARE = (
    ("conflict in placement", 30),
    ("wanted to see family", 28),
    ("wanted to see friends", 22),
    ("relationship", 10),
    ("boredom", 10),
    ("substance use", 8),
    ("pressure from older peers", 8),
    ("unhappy about a placement move", 6),
)
REASONS_HOME = (
    ("conflict at home", 35),
    ("wanted to see friends", 25),
    ("relationship", 12),
    ("problems at school", 10),
    ("boredom", 10),
    ("substance use", 8),
    ("pressure from older peers", 6),
)
# Given once or twice in a year: the report pools them under disclosure control.
RARE_REASONS = (
    "went to a music festival",
    "followed an older sibling",
    "lost phone and could not get home",
    "met someone from an online game",
    "worried about a parent's health",
)
OWNERS = {
    ActionKind.MENTAL_HEALTH_REFERRAL: ("Harryford CAMHS",),
    ActionKind.FAMILY_NETWORK: ("Family Group Conference service", "Allocated social worker"),
    ActionKind.DISRUPTION: ("Harryford Exploitation Team",),
    # The Virtual School is for looked-after children; Education Welfare for children at home.
    ActionKind.EDUCATION: ("Education Welfare Service",),
    ActionKind.OTHER: ("Youth Offending Service", "Allocated social worker"),
}
YEAR_START = dt.date(2025, 4, 1)
# Nothing falls due after this day, so checking the example as of its end leaves none pending.
LAST_DUE = dt.date(2026, 5, 29)
AS_OF = dt.datetime(2026, 5, 31, 22, 59, tzinfo=dt.UTC)
DAY = 86400


def _reasons(rng: random.Random, in_care: bool) -> tuple[str, ...]:
    table = REASONS_CARE if in_care else REASONS_HOME
    names, weights = zip(*table, strict=True)
    said = set(rng.choices(names, weights=weights, k=rng.choice((1, 1, 2))))
    if rng.random() < 0.012:
        said.add(rng.choice(RARE_REASONS))
    return tuple(sorted(said))


def _risks(
    rng: random.Random, drawn: tuple[str, ...], reasons: tuple[str, ...], care: bool
) -> tuple[str, ...]:
    risks = {r for r in drawn if r in EXPLOITATION}
    if rng.random() < (0.3 if care else 0.2):
        risks.add("mental_health")
    if rng.random() < (0.6 if "substance use" in reasons else 0.06):
        risks.add("substance_misuse")
    if rng.random() < (0.35 if "cse" in risks else 0.06):
        risks.add("online_harm")
    return tuple(sorted(risks))


def _kinds(
    rng: random.Random, risks: tuple[str, ...], reasons: tuple[str, ...], when: dt.date
) -> list[ActionKind]:
    # The family-network share grows from about a quarter to over half across the year.
    through = min(max((when - YEAR_START).days / 365, 0.0), 1.0)
    chances = {
        ActionKind.MENTAL_HEALTH_REFERRAL: 0.85 if "mental_health" in risks else 0.05,
        ActionKind.DISRUPTION: 0.75 if EXPLOITATION & set(risks) else 0.02,
        ActionKind.FAMILY_NETWORK: 0.25 + 0.35 * through,
        ActionKind.EDUCATION: 0.85 if "problems at school" in reasons else 0.25,
    }
    kinds = [kind for kind, p in chances.items() if rng.random() < p]
    return sorted(kinds or [ActionKind.OTHER], key=list(ActionKind).index)


def _at(start: dt.datetime, seconds: float) -> dt.datetime:
    # Whole minutes on the real clock.
    return clock.utc_instant((start.timestamp() + seconds) // 60 * 60)


def _plan(
    rng: random.Random,
    plan: PlanMade,
    risks: tuple[str, ...],
    reasons: tuple[str, ...],
    care: bool,
) -> tuple[PlanMade, list[ActionCompleted]]:
    made = clock.london_date(plan.at)
    kinds = _kinds(rng, risks, reasons, made)
    actions, done = [], []
    for n, kind in enumerate(kinds, start=1):
        owner = rng.choice(OWNERS[kind])
        if kind is ActionKind.EDUCATION and care:
            owner = "Virtual School"
        day = min(made + dt.timedelta(days=rng.randint(10, 35)), LAST_DUE)
        due = pendulum.Date(day.year, day.month, day.day)
        actions.append(PlanAction(kind, owner, due, f"A{n}"))
        end = clock.localise(dt.datetime.combine(day, dt.time(17)), clock.LONDON)
        roll = rng.random()
        if roll < 0.78:
            span = max(end.timestamp() - plan.at.timestamp() - DAY, 3600)
            at = _at(plan.at, DAY + rng.uniform(0, span))
        elif roll < 0.92:
            at = _at(end, rng.uniform(1, 20) * DAY)
        else:
            continue  # never recorded done
        if at.timestamp() < AS_OF.timestamp():
            done.append(ActionCompleted(plan.episode_id, at, kind, f"A{n}"))
    return attrs.evolve(plan, actions=tuple(actions)), done


def enrich(rng: random.Random, events: Sequence[Event]) -> list[Event]:
    """The events with plausible reasons, risks and actions, and the actions' completions."""
    reports = {e.episode_id: e for e in events if isinstance(e, Reported)}
    interviews: dict[str, InterviewCompleted] = {}
    plans: dict[str, PlanMade] = {}
    for e in events:
        if isinstance(e, InterviewCompleted):
            interviews[e.episode_id] = e
        elif isinstance(e, PlanMade):
            plans[e.episode_id] = e
    changed: dict[int, Event] = {}
    added: list[Event] = []
    # Episode order, never the events' order: the same episodes always draw the same values.
    for episode_id in sorted(set(interviews) | set(plans)):
        care = reports[episode_id].missing_from is MissingFrom.CARE
        reasons: tuple[str, ...] = ()
        risks: tuple[str, ...] = ()
        interview = interviews.get(episode_id)
        if interview is not None:
            reasons = _reasons(rng, care)
            risks = _risks(rng, interview.risks, reasons, care)
            changed[id(interview)] = attrs.evolve(interview, reasons=reasons, risks=risks)
        plan = plans.get(episode_id)
        if plan is not None:
            new_plan, done = _plan(rng, plan, risks, reasons, care)
            changed[id(plan)] = new_plan
            added.extend(done)
    return [changed.get(id(e), e) for e in events] + added
