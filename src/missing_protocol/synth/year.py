"""The example year: children, their episodes and the partnership intelligence, in time order."""

from __future__ import annotations

import datetime as dt
import random

from missing_protocol.lifecycle import LIFECYCLE_ORDER
from missing_protocol.model import (
    Event,
)
from missing_protocol.synth.borough import EXAMPLE_CHILDREN, EXAMPLE_EPISODES, EXAMPLE_SEED, PERIOD
from missing_protocol.synth.episodes import (
    History,
    make_episode,
    plan_children,
    repeat_strategy,
    timeline,
)
from missing_protocol.synth.intelligence import intelligence_events
from missing_protocol.synth.interviews import enrich


def generate(
    children: int = EXAMPLE_CHILDREN,
    episodes: int = EXAMPLE_EPISODES,
    seed: int = EXAMPLE_SEED,
) -> list[Event]:
    """A year of events: `children` children with `episodes` counted episodes for HRY."""
    if children < 1 or episodes < children:
        raise ValueError("need at least one child and at least one episode per child")
    if episodes > children * 200:
        raise ValueError("at most 200 episodes per child fit in a year")
    rng = random.Random(seed)
    plans = plan_children(rng, children, episodes)
    specs = sorted(
        (spec for plan in plans for spec in timeline(rng, plan)),
        key=lambda s: (s.start, s.plan.child.child_id),
    )
    events: list[Event] = [plan.child for plan in sorted(plans, key=lambda p: p.child.child_id)]
    episode_events: list[Event] = []
    history: dict[str, History] = {}
    for number, spec in enumerate(specs, start=1):
        made = make_episode(rng, spec, f"E{number:06d}")
        made += repeat_strategy(
            rng, spec, made, history.setdefault(spec.plan.child.child_id, History())
        )
        episode_events.extend(made)
    episode_events.extend(
        intelligence_events(random.Random(f"{seed}:intelligence"), episode_events)
    )
    # Reasons, risks and plans' actions (issue 14): their own generator, no time or count moves.
    episode_events = enrich(random.Random(f"{seed}:interviews"), episode_events)
    episode_events.sort(key=_order)
    return events + episode_events


def _order(event: Event) -> tuple[dt.datetime, int, str]:
    at: dt.datetime = getattr(event, "at", PERIOD.start_at)
    return (at, LIFECYCLE_ORDER.get(event.type, 0), getattr(event, "episode_id", "") or "")
