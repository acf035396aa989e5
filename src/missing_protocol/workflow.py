"""One-event validation for services: may this event be saved, and what falls due next?

The episode's state is derived from the events (event sourcing): a service stores the events
it accepted and passes them back as `history`; nothing else is persisted. The verdict reuses
the reader (`read_objects`), the fold (`assemble`, which applies the lifecycle) and the rules
(`evaluate`), so it says exactly what `check` would say of the same log.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from missing_protocol import clock, profiles
from missing_protocol.assembly import report_order
from missing_protocol.check import evaluate, many_events, parse_as_of, paused_gc, warnings_of
from missing_protocol.episode import Assembly, Episode, assemble
from missing_protocol.formats.events import read_objects
from missing_protocol.lifecycle import INITIAL, LifecycleError, next_state
from missing_protocol.model import (
    EVENT_CLASSES,
    EVENT_TYPES,
    EpisodeEvent,
    Event,
    EventError,
    Found,
    ReportCancelled,
    Reported,
    Source,
)
from missing_protocol.profiles import Profile
from missing_protocol.rules import REGISTRY, Finding

# Every event type is tried against the lifecycle's own `next_state`, so what it allows is
# listed and nothing is kept here by hand.
_CANDIDATES = tuple(sorted(EVENT_TYPES))
_RULE_ORDER = {rule_id: index for index, rule_id in enumerate(REGISTRY)}
# The proposed event's origin: its errors are told from the history's by this, whatever lines
# typed history events carry from their files.
_PROPOSED = "<proposed>"


@attrs.frozen
class Problem:
    """Why the proposed event is rejected: the field and the message `check` would give."""

    field: str | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "message": self.message}


@attrs.frozen
class Verdict:
    """The answer for one proposed event (its JSON form is `to_dict`, docs/embedding.md)."""

    accepted: bool
    errors: tuple[Problem, ...]
    episode_id: str | None
    state_before: str
    state_after: str | None
    allowed_next: tuple[str, ...]
    duties: tuple[Finding, ...]
    as_of: dt.datetime
    profile: str
    # Items of the history that were themselves rejected (a history should hold none).
    history_errors: tuple[EventError, ...] = ()
    # What `check` would warn about the proposed event (CONTRACT §3 `warnings`): an unknown
    # field, a plan action due before its plan; a warning never changes the verdict.
    warnings: tuple[Problem, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "errors": [e.to_dict() for e in self.errors],
            "state_before": self.state_before,
            "state_after": self.state_after,
            "allowed_next": list(self.allowed_next),
            "duties": [f.to_dict() for f in self.duties],
            "episode_id": self.episode_id,
            "as_of": clock.iso(self.as_of),
            "profile": self.profile,
            "history_errors": [
                {"line": e.line, "field": e.field, "message": e.message}
                for e in self.history_errors
            ],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@functools.cache  # a handful of states; the answer derives from `next_state` alone
def allowed_next(state: str) -> tuple[str, ...]:
    """The event types the lifecycle accepts for an episode in `state`, sorted by name."""
    allowed = []
    for event_type in _CANDIDATES:
        try:
            next_state("", state, event_type)
        except LifecycleError:
            continue
        allowed.append(event_type)
    return tuple(allowed)


def _episode_of(item: Event | Mapping[str, Any] | Any, assembly: Assembly) -> str | None:
    """The episode a proposed event is about: its own, else the child's latest one."""
    read = getattr(item, "get", None) if isinstance(item, Mapping) else None
    episode_id = read("episode_id") if read else getattr(item, "episode_id", None)
    if isinstance(episode_id, str) and episode_id:
        return episode_id
    child_id = read("child_id") if read else getattr(item, "child_id", None)
    if isinstance(child_id, str):
        episodes = assembly.episodes_of(child_id)
        if episodes:
            return episodes[-1].episode_id
    return None


def _episode(assembly: Assembly, episode_id: str | None) -> Episode | None:
    for episode in assembly.episodes:
        if episode.episode_id == episode_id:
            return episode
    return None


def _state(assembly: Assembly, episode_id: str | None) -> str:
    episode = _episode(assembly, episode_id)
    return episode.state if episode is not None else INITIAL


def _duties(
    assembly: Assembly, episode_id: str | None, as_of: dt.datetime, profile: Profile
) -> tuple[Finding, ...]:
    """The episode's findings as `check` gives them, soonest due first (undated ones last)."""
    episode = _episode(assembly, episode_id)
    if episode is None:
        return ()
    return tuple(
        sorted(
            evaluate(assembly, as_of, profile, episodes=[episode]),
            key=lambda f: (
                f.due is None,
                f.due.timestamp() if f.due else 0.0,
                _RULE_ORDER.get(f.rule, len(_RULE_ORDER)),
            ),
        )
    )


def _displaced(before: Assembly, after: Assembly) -> list[Problem]:
    """History events that the proposed one would push out (e.g. a second `found` dated earlier)."""
    already = {(e.file, e.line) for e in before.errors}
    return [
        Problem(e.field, f"it would reject history item {e.line}, already accepted: {e.message}")
        for e in after.errors
        if e.file != _PROPOSED and (e.file, e.line) not in already
    ]


def assembly_after(before: Assembly, known: Sequence[Event], event: Event) -> Assembly | None:
    """`assemble([*known, event])` from `before` (= `assemble(known)`), folding one episode again.

    Only for a clean history (no rejected events) and an episode's event; None otherwise, or
    when the event would push out an accepted one: the caller then folds the whole log.
    `assemble` itself folds the episode, beside the report and end of the child's episodes just
    before and after it (all the overlap rule reads), so the lifecycle stays one code.
    """
    if before.errors or not isinstance(event, EpisodeEvent):
        return None
    episode_id = event.episode_id
    own = [e for e in known if isinstance(e, EpisodeEvent) and e.episode_id == episode_id]
    if own and isinstance(event, Reported):
        return None  # a second report of one episode: rare, left to the whole fold
    current = _episode(before, episode_id)
    # Only a report or an end moves what the overlap rule reads (an unknown episode's end is
    # rejected by its fold alone).
    start = current.reported if current else event
    near: list[Event] = []
    if isinstance(event, Reported | Found | ReportCancelled) and isinstance(start, Reported):
        near = _neighbours(before.episodes_of(start.child_id), start)
    part = assemble([*before.children.values(), *near, *own, event])
    if any(e.file != _PROPOSED for e in part.errors):
        return None  # history items pushed out: their full list comes from the whole fold
    if part.errors:  # the event is rejected, the rest of the log unchanged
        return attrs.evolve(before, errors=part.errors)
    folded = _episode(part, episode_id)
    assert folded is not None  # accepted without error, so its episode was taken
    episodes = sorted(
        (*(ep for ep in before.episodes if ep.episode_id != episode_id), folded),
        key=report_order,
    )
    return attrs.evolve(before, episodes=tuple(episodes), accepted=before.accepted + 1)


def _neighbours(episodes: Sequence[Episode], report: Reported) -> list[Event]:
    """The report and end of the episodes just before and after `report`'s, in report order.

    In a clean history each episode ended before the next was reported, so whether `report`'s
    episode overlaps, or makes the next one overlap, rests on these two alone.
    """
    others = [ep for ep in episodes if ep.episode_id != report.episode_id]
    index = bisect.bisect_left(
        [report_order(ep) for ep in others], (report.at.timestamp(), report.episode_id)
    )
    return [
        moment
        for ep in others[max(index - 1, 0) : index + 1]
        for moment in (ep.reported, ep.found, ep.cancelled)
        if moment is not None
    ]


def validate(
    history: Iterable[Any],
    proposed: Any,
    *,
    profile: str | os.PathLike[str] | Profile = "statutory",
    as_of: str | dt.datetime | None = None,
    assume_tz: str | None = None,
) -> Verdict:
    """May `proposed` join `history` (the events already accepted for one child or episode)?

    `history` and `proposed` are JSON objects (dicts) or typed events, as `check` takes them.
    Returns the verdict: accepted or the errors, the episode's state before and after, the
    event types allowed next, and the episode's duties as of `as_of` (default now), soonest
    due first. Pure: nothing is stored, the state comes from the events.
    """
    moment = _as_of_text(as_of) if isinstance(as_of, str) else parse_as_of(as_of)
    chosen = profiles.load(profile)
    clock.check_zone(assume_tz)
    with paused_gc():
        known, history_errors, count = _read_history(history, assume_tz)
        return _verdict(known, history_errors, count, proposed, moment, chosen, assume_tz)


@functools.lru_cache(maxsize=64)  # a text names a fixed moment; a service asks of a few days
def _as_of_text(text: str) -> dt.datetime:
    return parse_as_of(text)


def _read_history(
    history: Iterable[Any], assume_tz: str | None
) -> tuple[list[Event], list[EventError], int]:
    """The history's typed events, its items the reader rejected, and how many items it read."""
    items = list(many_events(history, "history"))
    if all(type(item) in EVENT_CLASSES for item in items):  # kept parsed: nothing to read
        return items, [], len(items)
    known: list[Event] = []
    rejected: list[EventError] = []
    count = 0
    for count, item in enumerate(read_objects(items, assume_tz), start=1):  # noqa: B007
        if isinstance(item, EventError):
            rejected.append(item)
        else:
            known.append(item)
    return known, rejected, count


def _verdict(
    known: list[Event],
    history_errors: list[EventError],
    count: int,
    proposed: Any,
    moment: dt.datetime,
    chosen: Profile,
    assume_tz: str | None,
) -> Verdict:
    before = assemble(known)
    history_errors.extend(before.errors)
    line = count + 1
    parsed = next(read_objects([proposed], assume_tz), None)
    if parsed is None:  # a blank JSON text: nothing to accept
        parsed = EventError(line, None, "expected a JSON object, got an empty text")
    # A rejected object still names its episode, so the service learns where it stands.
    episode_id = _episode_of(proposed if isinstance(parsed, EventError) else parsed, before)
    state_before = _state(before, episode_id)
    warned: list[Problem] = []
    if isinstance(parsed, EventError):
        errors = [Problem(parsed.field, parsed.message)]
        after = before
    else:
        warned = [Problem(w.field, w.message) for w in warnings_of([parsed])]
        parsed = attrs.evolve(parsed, origin=Source(line=line, file=_PROPOSED))
        after = assembly_after(before, known, parsed) or assemble([*known, parsed])
        errors = [Problem(e.field, e.message) for e in after.errors if e.file == _PROPOSED]
        errors += _displaced(before, after)
    accepted = not errors
    judged = after if accepted else before
    state_after = _state(after, episode_id) if accepted else None
    return Verdict(
        accepted=accepted,
        errors=tuple(errors),
        episode_id=episode_id,
        state_before=state_before,
        state_after=state_after,
        allowed_next=allowed_next(state_after if state_after is not None else state_before),
        duties=_duties(judged, episode_id, moment, chosen),
        as_of=moment,
        profile=chosen.name,
        history_errors=tuple(history_errors),
        warnings=tuple(warned),
    )
