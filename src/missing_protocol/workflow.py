"""One-event validation for services: may this event be saved, and what falls due next?

The episode's state is derived from the events (event sourcing): a service stores the events
it accepted and passes them back as `history`; nothing else is persisted. The verdict reuses
the reader (`read_objects`), the fold (`assemble`, which applies the lifecycle) and the rules
(`evaluate`), so it says exactly what `check` would say of the same log.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from missing_protocol import clock, profiles
from missing_protocol.check import evaluate, parse_as_of
from missing_protocol.episode import Assembly, Episode, assemble
from missing_protocol.formats.events import read_objects
from missing_protocol.lifecycle import INITIAL, LifecycleError, next_state
from missing_protocol.model import EVENT_TYPES, Event, EventError, Source
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
        }


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
    moment = parse_as_of(as_of)
    chosen = profiles.load(profile)
    known: list[Event] = []
    history_errors: list[EventError] = []
    count = 0
    for count, item in enumerate(read_objects(history, assume_tz), start=1):  # noqa: B007
        if isinstance(item, EventError):
            history_errors.append(item)
        else:
            known.append(item)
    before = assemble(known)
    history_errors.extend(before.errors)
    line = count + 1
    parsed = next(read_objects([proposed], assume_tz), None)
    if parsed is None:  # a blank JSON text: nothing to accept
        parsed = EventError(line, None, "expected a JSON object, got an empty text")
    # A rejected object still names its episode, so the service learns where it stands.
    episode_id = _episode_of(proposed if isinstance(parsed, EventError) else parsed, before)
    state_before = _state(before, episode_id)
    if isinstance(parsed, EventError):
        errors = [Problem(parsed.field, parsed.message)]
        after = before
    else:
        parsed = attrs.evolve(parsed, origin=Source(line=line, file=_PROPOSED))
        after = assemble([*known, parsed])
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
    )
