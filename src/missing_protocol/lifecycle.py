"""The episode lifecycle (CONTRACT §2): one python-statemachine class, the single definition.

`TRANSITIONS` (state, event) -> state is derived from the machine's own declaration and serves
as the fast path when folding thousands of episodes; the diagram is drawn from it too.
"""

from __future__ import annotations

import attrs
from statemachine import State, StateMachine

# Events that record a duty done without moving the lifecycle (accepted in any state).
RECORDING_EVENTS = frozenset({"notified", "strategy_discussion"})
# Events that record a duty done without moving the lifecycle, accepted only in these states:
# a plan's action is done once the plan exists (CONTRACT §2).
RECORDED_IN: dict[str, frozenset[str]] = {"action_completed": frozenset({"plan_made"})}


class EpisodeLifecycle(StateMachine):
    """reported -> found -> interview_offered -> declined | completed -> plan_made."""

    start = State(initial=True)
    reported = State()
    found = State()
    interview_offered = State()
    interview_declined = State()
    interview_completed = State()
    plan_made = State(final=True)
    report_cancelled = State(final=True)

    # Each event is named as the event type of CONTRACT §1 that causes it.
    report = start.to(reported)
    find = reported.to(found)
    cancel_report = reported.to(report_cancelled)
    offer_interview = found.to(interview_offered)
    decline_interview = interview_offered.to(interview_declined)
    complete_interview = interview_offered.to(interview_completed)
    make_plan = interview_declined.to(plan_made) | interview_completed.to(plan_made)


# The event type in the log -> the machine's event name.
EVENT_OF_TYPE: dict[str, str] = {
    "reported": "report",
    "found": "find",
    "report_cancelled": "cancel_report",
    "interview_offered": "offer_interview",
    "interview_declined": "decline_interview",
    "interview_completed": "complete_interview",
    "plan_made": "make_plan",
}
TYPE_OF_EVENT = {v: k for k, v in EVENT_OF_TYPE.items()}

INITIAL = "start"


def _derive_transitions() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for state in EpisodeLifecycle.states:
        for transition in state.transitions:
            for event in transition.events:
                table[(state.id, TYPE_OF_EVENT[str(event)])] = transition.target.id
    return table


TRANSITIONS: dict[tuple[str, str], str] = _derive_transitions()
STATES: tuple[str, ...] = tuple(s.id for s in EpisodeLifecycle.states)
FINAL_STATES = frozenset(s.id for s in EpisodeLifecycle.states if s.final)
LIFECYCLE_TYPES: tuple[str, ...] = tuple(EVENT_OF_TYPE)


def _rank() -> dict[str, int]:
    # Breadth-first depth from the initial state: events with one `at` apply in this order.
    depth = {INITIAL: 0}
    frontier = [INITIAL]
    while frontier:
        nxt = []
        for state in frontier:
            for (src, _event), dst in TRANSITIONS.items():
                if src == state and dst not in depth:
                    depth[dst] = depth[state] + 1
                    nxt.append(dst)
        frontier = nxt
    order = {etype: depth[TRANSITIONS_BY_TYPE_SOURCE[etype]] for etype in EVENT_OF_TYPE}
    for etype in (*RECORDING_EVENTS, *RECORDED_IN):
        order[etype] = max(depth.values()) + 1
    return order


TRANSITIONS_BY_TYPE_SOURCE: dict[str, str] = {etype: src for (src, etype) in TRANSITIONS}
LIFECYCLE_ORDER: dict[str, int] = _rank()


@attrs.frozen
class LifecycleError(Exception):
    """An event that the lifecycle does not allow in the episode's current state."""

    episode_id: str
    state: str
    event: str

    def __str__(self) -> str:
        if self.state == INITIAL:
            return f"episode {self.episode_id} has no report yet: {self.event} cannot come first"
        if self.event in RECORDED_IN:
            states = " or ".join(sorted(RECORDED_IN[self.event]))
            return (
                f"episode {self.episode_id} is {self.state}: {self.event} is accepted only "
                f"once the episode is {states}"
            )
        allowed = sorted(etype for (src, etype) in TRANSITIONS if src == self.state)
        hint = f"; allowed next: {', '.join(allowed)}" if allowed else " (no further events)"
        return f"episode {self.episode_id} is {self.state}: {self.event} is not allowed{hint}"


def next_state(episode_id: str, state: str, event_type: str) -> str:
    """Fast path: the state after `event_type`, or LifecycleError. Same table as the machine."""
    if event_type in RECORDING_EVENTS:
        if state == INITIAL:
            raise LifecycleError(episode_id, state, event_type)
        return state
    if event_type in RECORDED_IN:
        if state not in RECORDED_IN[event_type]:
            raise LifecycleError(episode_id, state, event_type)
        return state
    try:
        return TRANSITIONS[(state, event_type)]
    except KeyError:
        raise LifecycleError(episode_id, state, event_type) from None


class EpisodeMachine:
    """The python-statemachine instance for one episode, with domain errors."""

    def __init__(self, episode_id: str) -> None:
        self.episode_id = episode_id
        self._machine = EpisodeLifecycle()

    @property
    def state(self) -> str:
        # `current_state_value` (the state's id here) works on python-statemachine 2 and 3;
        # `current_state` is deprecated in 3 and may be a set of states there.
        return str(self._machine.current_state_value)

    def apply(self, event_type: str) -> str:
        if event_type in RECORDING_EVENTS or event_type in RECORDED_IN:
            return next_state(self.episode_id, self.state, event_type)
        event = EVENT_OF_TYPE.get(event_type)
        if event is None or (self.state, event_type) not in TRANSITIONS:
            raise LifecycleError(self.episode_id, self.state, event_type)
        self._machine.send(event)
        return self.state
