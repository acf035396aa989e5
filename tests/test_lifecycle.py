"""The episode lifecycle (CONTRACT §2): the python-statemachine class is the single definition.

A Hypothesis state machine drives several episodes with random event types and checks that the
real machine moves exactly as the derived table says, that refusals name the episode, its state
and the event, that a refusal never changes the state, and that the fast path agrees.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)
from statemachine.exceptions import TransitionNotAllowed

from missing_protocol.lifecycle import (
    EVENT_OF_TYPE,
    FINAL_STATES,
    INITIAL,
    LIFECYCLE_ORDER,
    LIFECYCLE_TYPES,
    RECORDED_IN,
    RECORDING_EVENTS,
    STATES,
    TRANSITIONS,
    EpisodeLifecycle,
    EpisodeMachine,
    LifecycleError,
    next_state,
)

ALL_EVENT_TYPES = tuple(sorted(set(LIFECYCLE_TYPES) | RECORDING_EVENTS | set(RECORDED_IN)))

# CONTRACT §2 written out by hand: the table derived from the machine must be exactly this.
CONTRACT_TRANSITIONS = {
    (INITIAL, "reported"): "reported",
    ("reported", "found"): "found",
    ("reported", "report_cancelled"): "report_cancelled",
    ("found", "interview_offered"): "interview_offered",
    ("interview_offered", "interview_declined"): "interview_declined",
    ("interview_offered", "interview_completed"): "interview_completed",
    ("interview_declined", "plan_made"): "plan_made",
    ("interview_completed", "plan_made"): "plan_made",
}


def expected_after(state: str, event_type: str) -> str | None:
    """The model: the state after `event_type`, or None when the lifecycle refuses it."""
    if event_type in RECORDING_EVENTS:
        return None if state == INITIAL else state
    if event_type == "action_completed":
        # CONTRACT §2: a plan's action is recorded done only once the plan exists.
        return state if state == "plan_made" else None
    return TRANSITIONS.get((state, event_type))


def fast_path(episode_id: str, state: str, event_type: str) -> str | tuple[str, str, str]:
    try:
        return next_state(episode_id, state, event_type)
    except LifecycleError as problem:
        return (problem.episode_id, problem.state, problem.event)


class LifecycleModel(RuleBasedStateMachine):
    """Several episodes, each a real EpisodeMachine plus a bare EpisodeLifecycle, vs the table."""

    episodes = Bundle("episodes")

    def __init__(self) -> None:
        super().__init__()
        self.machines: dict[str, EpisodeMachine] = {}
        self.bare: dict[str, EpisodeLifecycle] = {}
        self.model: dict[str, str] = {}

    @initialize(
        target=episodes,
        ids=st.lists(
            st.text(min_size=1, max_size=6).filter(str.strip), min_size=1, max_size=5, unique=True
        ),
    )
    def open_episodes(self, ids: list[str]) -> object:
        for episode_id in ids:
            self.machines[episode_id] = EpisodeMachine(episode_id)
            self.bare[episode_id] = EpisodeLifecycle()
            self.model[episode_id] = INITIAL
        return multiple(*ids)

    def _apply(self, episode_id: str, event_type: str) -> None:
        machine = self.machines[episode_id]
        before = machine.state
        assert before == self.model[episode_id]
        expected = expected_after(before, event_type)
        fast = fast_path(episode_id, before, event_type)
        try:
            after = machine.apply(event_type)
        except LifecycleError as problem:
            assert expected is None, f"{event_type} in {before} should move to {expected}"
            assert (problem.episode_id, problem.state, problem.event) == (
                episode_id,
                before,
                event_type,
            )
            message = str(problem)
            assert episode_id in message and event_type in message
            if before == INITIAL:
                assert "no report yet" in message
            else:
                assert before in message
            # A refusal never corrupts the machine: it stays exactly where it was.
            assert machine.state == before
            assert fast == (episode_id, before, event_type)
            return
        assert expected is not None, f"{event_type} in {before} should be refused"
        assert after == expected == machine.state
        assert fast == after
        self.model[episode_id] = after

    @rule(episode_id=episodes, event_type=st.sampled_from(ALL_EVENT_TYPES))
    def any_event(self, episode_id: str, event_type: str) -> None:
        self._apply(episode_id, event_type)
        self._drive_bare(episode_id, event_type)

    @precondition(lambda self: any(s not in FINAL_STATES for s in self.model.values()))
    @rule(data=st.data())
    def allowed_event(self, data: st.DataObject) -> None:
        """Biased towards legal moves, so deep states (plan_made, cancelled) are reached."""
        live = sorted(e for e, s in self.model.items() if s not in FINAL_STATES)
        episode_id = data.draw(st.sampled_from(live))
        state = self.model[episode_id]
        allowed = sorted(etype for (src, etype) in TRANSITIONS if src == state)
        event_type = data.draw(st.sampled_from(allowed))
        self._apply(episode_id, event_type)
        self._drive_bare(episode_id, event_type)

    def _drive_bare(self, episode_id: str, event_type: str) -> None:
        """The library's own python-statemachine class, sent the event directly."""
        if event_type in RECORDING_EVENTS or event_type in RECORDED_IN:
            return
        bare = self.bare[episode_id]
        before = str(bare.current_state_value)
        try:
            bare.send(EVENT_OF_TYPE[event_type])
        except TransitionNotAllowed:
            assert (before, event_type) not in TRANSITIONS
            assert str(bare.current_state_value) == before
        else:
            assert TRANSITIONS[(before, event_type)] == str(bare.current_state_value)

    @invariant()
    def states_agree(self) -> None:
        for episode_id, state in self.model.items():
            assert state in STATES
            assert self.machines[episode_id].state == state
            assert str(self.bare[episode_id].current_state_value) == state


TestLifecycleModel = LifecycleModel.TestCase
TestLifecycleModel.settings = settings(
    max_examples=150,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def test_transitions_are_exactly_the_contract() -> None:
    """CONTRACT §2: reported → found → interview_offered → declined | completed → plan_made,
    and report_cancelled from reported; the table derived from the machine has these and no more."""
    assert TRANSITIONS == CONTRACT_TRANSITIONS
    assert set(STATES) == {INITIAL, *(t for t in CONTRACT_TRANSITIONS.values())}
    assert {"plan_made", "report_cancelled"} == FINAL_STATES


@pytest.mark.parametrize(("source", "event_type"), sorted(CONTRACT_TRANSITIONS))
def test_every_contract_transition_moves_the_real_machine(source: str, event_type: str) -> None:
    """CONTRACT §2: each transition exists on the python-statemachine machine itself."""
    path = _path_to(source)
    machine = EpisodeMachine("E1")
    for step in path:
        machine.apply(step)
    assert machine.state == source
    assert machine.apply(event_type) == CONTRACT_TRANSITIONS[(source, event_type)]


def _path_to(target: str) -> list[str]:
    """Event types leading from the initial state to `target` (breadth-first over the table)."""
    paths: dict[str, list[str]] = {INITIAL: []}
    frontier = [INITIAL]
    while frontier:
        state = frontier.pop(0)
        for (src, etype), dst in CONTRACT_TRANSITIONS.items():
            if src == state and dst not in paths:
                paths[dst] = [*paths[state], etype]
                frontier.append(dst)
    return paths[target]


@pytest.mark.parametrize("state", [s for s in STATES if s != "reported"])
def test_report_cancelled_only_from_reported(state: str) -> None:
    """CONTRACT §2: `report_cancelled` is allowed from `reported` (not in fact missing) only."""
    machine = EpisodeMachine("E7")
    for step in _path_to(state):
        machine.apply(step)
    with pytest.raises(LifecycleError) as refused:
        machine.apply("report_cancelled")
    assert (refused.value.episode_id, refused.value.state) == ("E7", state)
    assert machine.state == state
    reported = EpisodeMachine("E8")
    reported.apply("reported")
    assert reported.apply("report_cancelled") == "report_cancelled"


@pytest.mark.parametrize("event_type", sorted(RECORDING_EVENTS))
@pytest.mark.parametrize("state", [s for s in STATES if s != INITIAL])
def test_recording_events_do_not_move_the_lifecycle(event_type: str, state: str) -> None:
    """CONTRACT §2: `notified` and `strategy_discussion` are accepted in any state of a known
    episode and leave the state unchanged."""
    machine = EpisodeMachine("E1")
    for step in _path_to(state):
        machine.apply(step)
    assert machine.apply(event_type) == state
    assert machine.state == state
    assert next_state("E1", state, event_type) == state


@pytest.mark.parametrize("event_type", sorted(RECORDING_EVENTS))
def test_recording_events_need_a_known_episode(event_type: str) -> None:
    """CONTRACT §1–2: before its report the episode is unknown, so a recording event is refused."""
    with pytest.raises(LifecycleError) as refused:
        EpisodeMachine("E3").apply(event_type)
    assert (refused.value.episode_id, refused.value.state, refused.value.event) == (
        "E3",
        INITIAL,
        event_type,
    )


def test_unknown_event_type_is_refused_not_crashed() -> None:
    """CONTRACT §2: anything that is not a lifecycle or recording event cannot move an episode."""
    machine = EpisodeMachine("E1")
    machine.apply("reported")
    with pytest.raises(LifecycleError):
        machine.apply("child")
    assert machine.state == "reported"


def test_same_time_order_follows_the_lifecycle() -> None:
    """CONTRACT §1–2: events with one `at` are applied in lifecycle order: reported before found
    before interview_offered before declined/completed before plan_made; recording events last."""
    order = LIFECYCLE_ORDER
    chain = ["reported", "found", "interview_offered", "interview_completed", "plan_made"]
    assert [order[e] for e in chain] == sorted(order[e] for e in chain)
    assert len({order[e] for e in chain}) == len(chain)
    assert order["reported"] < order["report_cancelled"]
    assert order["interview_declined"] == order["interview_completed"]
    assert order["interview_offered"] < order["interview_declined"] < order["plan_made"]
    recording = RECORDING_EVENTS | set(RECORDED_IN)
    assert all(order[r] > max(order[t] for t in LIFECYCLE_TYPES) for r in recording)
    assert set(order) == set(LIFECYCLE_TYPES) | recording


def test_same_time_events_in_any_order_apply_in_lifecycle_order() -> None:
    """CONTRACT §1: file order never matters; sorting by (at, LIFECYCLE_ORDER) gives a legal run."""
    shuffled = ["plan_made", "notified", "interview_completed", "found", "interview_offered"]
    machine = EpisodeMachine("E1")
    for etype in sorted(["reported", *shuffled], key=LIFECYCLE_ORDER.__getitem__):
        machine.apply(etype)
    assert machine.state == "plan_made"


def test_error_message_lists_the_allowed_next_events() -> None:
    """CONTRACT §1: a refused event carries a message a person can act on."""
    problem = LifecycleError("E1", "found", "plan_made")
    assert str(problem) == "episode E1 is found: plan_made is not allowed; allowed next: " + (
        "interview_offered"
    )
    assert "no further events" in str(LifecycleError("E1", "plan_made", "found"))


@pytest.mark.parametrize("state", [s for s in STATES if s != INITIAL])
def test_action_completed_is_accepted_only_once_the_plan_is_made(state: str) -> None:
    """CONTRACT §2: `action_completed` is accepted for an episode in state `plan_made`, where it
    does not move the lifecycle, and refused in every state before the plan exists."""
    machine = EpisodeMachine("E1")
    for step in _path_to(state):
        machine.apply(step)
    if state == "plan_made":
        assert machine.apply("action_completed") == "plan_made"
        assert next_state("E1", state, "action_completed") == "plan_made"
        return
    with pytest.raises(LifecycleError) as refused:
        machine.apply("action_completed")
    assert (refused.value.state, refused.value.event) == (state, "action_completed")
    assert "only once the episode is plan_made" in str(refused.value)
    assert machine.state == state
