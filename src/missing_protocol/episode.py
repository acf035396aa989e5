"""Episodes assembled from events: each episode's events folded through the lifecycle in time order.

`assemble` is pure: typed events in, episodes + rejected-event errors out. Nothing is dropped:
every event given is either accepted into an episode (or child record) or becomes an EventError.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import TypeVar

import attrs

from missing_protocol import clock
from missing_protocol.assembly import Assembly, Episode, Intelligence
from missing_protocol.lifecycle import INITIAL, LIFECYCLE_ORDER, LifecycleError, next_state
from missing_protocol.model import (
    EVENT_TYPES,
    ActionCompleted,
    Child,
    Disruption,
    EpisodeEvent,
    Event,
    EventError,
    IntelligenceEvent,
    Notified,
    PersonLinked,
    PlanMade,
    Prosecution,
    Reported,
    SelfReport,
    StrategyDiscussion,
    error_order,
)

E = TypeVar("E", bound=Event)

__all__ = ["Assembly", "Episode", "Intelligence", "assemble", "error_for"]


def error_for(event: Event, field: str | None, message: str) -> EventError:
    origin = event.origin
    return EventError(origin.line, field, message, origin.file, place=origin.place)


def _instant_rank(event: Event) -> tuple[float, int]:
    # Timestamps, not aware datetimes: under PEP 495 a time inside a fold never compares == to
    # the same instant in another zone, which would skip the tie-breakers.
    at: dt.datetime | None = getattr(event, "at", None)
    return (at.timestamp() if at else float("-inf"), LIFECYCLE_ORDER.get(event.type, 0))


def _tie_order(event: Event) -> tuple[str, str, str, int]:
    # Content first, then the line: only exact duplicates fall back to where they were read.
    return event.type, repr(event), event.origin.file or "", event.origin.line


def order_key(event: Event) -> tuple[tuple[float, int], tuple[str, str, str, int]]:
    """An event's place in `_ordered`'s order, the same in any subset of the events."""
    return _instant_rank(event), _tie_order(event)


def _ordered(events: Iterable[E]) -> list[E]:
    """Time order, lifecycle order at one instant, then content: never the order of the input."""
    items = list(events)
    if len(items) < 2:
        return items
    keys = [_instant_rank(e) for e in items]
    # Sorting positions by a list's own lookup keeps the key work to one pass per event.
    order = sorted(range(len(items)), key=keys.__getitem__)
    ordered = [items[i] for i in order]
    if len(set(keys)) == len(keys):
        return ordered  # the common case: no two events share an instant and a rank
    instants = [keys[i] for i in order]
    i = 0
    while i < len(ordered):
        j = i + 1
        while j < len(ordered) and instants[j] == instants[i]:
            j += 1
        if j - i > 1:
            # Rare same-instant, same-rank ties (found and cancelled at once, duplicates).
            ordered[i:j] = sorted(ordered[i:j], key=_tie_order)
        i = j
    return ordered


_SLOT = {
    "found": "found",
    "report_cancelled": "cancelled",
    "interview_offered": "offered",
    "interview_declined": "declined",
    "interview_completed": "completed",
    "plan_made": "plan",
}


def _fold(
    episode_id: str, events: list[Event], errors: list[EventError], children: dict[str, Child]
) -> Episode | None:
    """Apply one episode's events in time order; the episode holds every event it took."""
    if not any(e.type == "reported" for e in events):
        for event in events:
            errors.append(error_for(event, "episode_id", f"unknown episode {episode_id!r}"))
        return None
    state = INITIAL
    slots: dict[str, object] = {}
    notifications: list[Notified] = []
    done: list[ActionCompleted] = []
    report: Event | None = None
    early: list[tuple[ActionCompleted, str]] = []
    for event in _ordered(events):
        try:
            state = next_state(episode_id, state, event.type)
        except LifecycleError as problem:
            if state == INITIAL:
                when = clock.iso(getattr(event, "at", None))
                message = f"{event.type} at {when} is before episode {episode_id} was reported"
                errors.append(error_for(event, "at", message))
            elif isinstance(event, ActionCompleted):
                # Its time is at fault only if the episode takes a plan later: known at the end.
                early.append((event, str(problem)))
            else:
                errors.append(error_for(event, "type", str(problem)))
            continue
        kind = event.type  # one string per class: cheaper than a chain of isinstance checks
        if kind == "reported":
            report = event  # only a report leaves the initial state, and only once
        elif kind == "notified":
            notifications.append(event)  # type: ignore[arg-type]
        elif kind == "action_completed":
            done.append(event)  # type: ignore[arg-type]
        elif kind in _SLOT:
            slots[_SLOT[kind]] = event
    assert isinstance(report, Reported)  # there is one, so the fold took it first
    plan = slots.get("plan")
    for action, refused in early:
        if isinstance(plan, PlanMade) and plan.at.timestamp() > action.at.timestamp():
            message = (
                f"action_completed at {clock.iso(action.at)} is before episode "
                f"{episode_id}'s plan was made"
            )
            errors.append(error_for(action, "at", message))
        else:
            errors.append(error_for(action, "type", refused))
    episode = Episode(
        reported=report,
        state=state,
        notifications=tuple(notifications),
        actions_completed=tuple(done),
        child=children.get(report.child_id),
        **slots,  # type: ignore[arg-type]
    )
    return episode


def _lifecycle_events(episode: Episode) -> list[Event]:
    """The episode's events in `_SLOT` (each can be taken only once)."""
    held = (getattr(episode, slot) for slot in _SLOT.values())
    return [e for e in held if e is not None]


def _taken(episode: Episode) -> list[Event]:
    """The events an episode took besides its report (notifications and completed actions are
    all kept), in the order the fold took them: the episode holds them, no list is kept."""
    events = [*_lifecycle_events(episode), *episode.notifications, *episode.actions_completed]
    return _ordered(events)


def _merge_child(known: Child, extra: Child) -> Child | str:
    """Combine two records of one child; a conflicting value is named instead."""
    merged = {}
    for field in ("born", "sex", "ethnicity", "looked_after_by", "placed_in"):
        a, b = getattr(known, field), getattr(extra, field)
        if a is not None and b is not None and a != b:
            return field
        merged[field] = a if a is not None else b
    return attrs.evolve(known, **merged)


# The event types folded into an episode (model.EpisodeEvent); the others are kept beside.
_FOLDED_TYPES = frozenset(
    name for name, kind in EVENT_TYPES.items() if issubclass(kind, EpisodeEvent)
)


def assemble(events: Iterable[Event]) -> Assembly:
    """Fold typed events into episodes. Rejections are returned, never raised."""
    errors: list[EventError] = []
    by_episode: dict[str, list[Event]] = defaultdict(list)
    children: dict[str, Child] = {}
    discussions: list[StrategyDiscussion] = []
    intelligence: list[IntelligenceEvent] = []
    accepted = 0
    records: list[Child] = []
    # One pass over the log, holding no copy of it: only what each kind of event needs.
    for event in events:
        kind = event.type  # one string per class: cheaper than a chain of isinstance checks
        if kind in _FOLDED_TYPES:
            by_episode[event.episode_id].append(event)  # type: ignore[union-attr,index]
        elif kind == "child":
            records.append(event)  # type: ignore[arg-type]
        elif kind == "strategy_discussion":
            discussions.append(event)  # type: ignore[arg-type]
        else:
            intelligence.append(event)  # type: ignore[arg-type]
    # Child records merge in content order, so a conflict rejects the same record whatever the
    # input order (episodes read them only once all are merged, below).
    for record in sorted(records, key=repr):
        if record.child_id not in children:
            children[record.child_id] = record
            accepted += 1
            continue
        merged = _merge_child(children[record.child_id], record)
        if isinstance(merged, str):
            message = f"child {record.child_id!r} is already recorded with another {merged}"
            errors.append(error_for(record, merged, message))
        else:
            children[record.child_id] = merged
            accepted += 1

    folded: list[Episode] = []
    for episode_id in list(by_episode):
        # Taken out as folded: an episode's events are then held once, by the episode.
        episode = _fold(episode_id, by_episode.pop(episode_id), errors, children)
        if episode is not None:
            folded.append(episode)

    final_order = _without_overlaps(folded, errors)
    del folded
    accepted += sum(_taken_count(ep) for ep in final_order)
    # Every child record is merged before any episode is folded, so each episode has its child.
    # Report order, then id: two stable sorts, so that no key tuple is built per episode.
    final_order.sort(key=_episode_id)
    final_order.sort(key=_report_time)
    final = tuple(final_order)
    del final_order

    kept = _intelligence(intelligence, {ep.episode_id for ep in final}, errors)
    accepted += len(kept.person_links) + len(kept.disruptions)
    accepted += len(kept.prosecutions) + len(kept.self_reports)
    # A child known only from a self-report is known: following it up is a strategy discussion.
    known_children = (
        {ep.child_id for ep in final} | set(children) | {r.child_id for r in kept.self_reports}
    )
    by_child: dict[str, list[StrategyDiscussion]] = defaultdict(list)
    for talk in discussions:
        if talk.child_id in known_children:
            by_child[talk.child_id].append(talk)
            accepted += 1
        else:
            errors.append(error_for(talk, "child_id", f"unknown child {talk.child_id!r}"))
    strategy = {c: tuple(_ordered(t)) for c, t in by_child.items()}
    errors.sort(key=error_order)
    return Assembly(final, children, strategy, tuple(errors), accepted, kept)


_NO_INTELLIGENCE = Intelligence()


def _taken_count(episode: Episode) -> int:
    lifecycle = len(_lifecycle_events(episode))
    return 1 + lifecycle + len(episode.notifications) + len(episode.actions_completed)


def _episode_id(episode: Episode) -> str:
    return episode.episode_id


def _report_time(episode: Episode) -> float:
    return episode.reported_at.timestamp()


def _intelligence(
    events: list[IntelligenceEvent], episode_ids: set[str], errors: list[EventError]
) -> Intelligence:
    """Keep intelligence events that stand on their own; reject the rest with a reason.

    A link needs an accepted episode. Disruptions and prosecutions need only a person. A
    self-report needs no known child: a young person unknown to services is its whole point.
    """
    if not events:
        return _NO_INTELLIGENCE  # most histories a service validates hold none
    links: list[PersonLinked] = []
    disruptions: list[Disruption] = []
    prosecutions: list[Prosecution] = []
    reports: dict[str, SelfReport] = {}
    for event in _ordered(events):
        if isinstance(event, PersonLinked):
            if event.episode_id in episode_ids:
                links.append(event)
            else:
                why = f"unknown episode {event.episode_id!r}"
                errors.append(error_for(event, "episode_id", why))
        elif isinstance(event, Disruption):
            disruptions.append(event)
        elif isinstance(event, Prosecution):
            prosecutions.append(event)
        elif event.away_end <= event.away_start:
            errors.append(error_for(event, "away_to", "away_to is not after away_from"))
        elif event.report_id in reports:
            why = f"self-report {event.report_id!r} is already recorded"
            errors.append(error_for(event, "report_id", why))
        else:
            reports[event.report_id] = event
    return Intelligence(
        tuple(links), tuple(disruptions), tuple(prosecutions), tuple(reports.values())
    )


def _without_overlaps(folded: list[Episode], errors: list[EventError]) -> list[Episode]:
    """PROTOCOL: a child's second report before the first episode ends is rejected."""
    by_child: dict[str, list[Episode]] = defaultdict(list)
    for folded_episode in folded:
        by_child[folded_episode.child_id].append(folded_episode)
    kept: list[Episode] = []
    for episodes in by_child.values():
        # At one report time, an episode that ended at that very moment first: it does not
        # overlap the next, whatever the ids (docs/contract.md, overlapping episodes).
        episodes.sort(
            key=lambda e: (e.reported_at.timestamp(), e.ended_at != e.reported_at, e.episode_id)
        )
        latest: Episode | None = None
        for episode in episodes:
            end = latest.ended_at if latest else None
            if latest is not None and (end is None or end > episode.reported_at):
                until = f"it ended {clock.iso(end)}" if end else "still open"
                message = (
                    f"child {episode.child_id!r} is still missing in episode "
                    f"{latest.episode_id!r} ({until}): a new report cannot start before it ends"
                )
                errors.append(error_for(episode.reported, "at", message))
                for other in _taken(episode):
                    why = f"episode {episode.episode_id!r} was rejected (its report overlaps)"
                    errors.append(error_for(other, "episode_id", why))
                continue
            kept.append(episode)
            latest = episode
    return kept
