"""`validate` folds only the proposed event's episode again (issue 11: well under a millisecond).

The fast path (`assembly_after`) must give exactly the assembly that folding the whole log gives,
and so exactly the verdict of the plain computation (the whole log folded before and after), for
any history: clean or not, one child or several, the event accepted, rejected or pushing one out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from unittest import mock

import attrs
import hypothesis
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import event_logs, found, later, offered, reported
from missing_protocol import validate, workflow
from missing_protocol.episode import assemble
from missing_protocol.formats.events import read_objects
from missing_protocol.lifecycle import LIFECYCLE_ORDER
from missing_protocol.model import Event, EventError, Source

AS_OF = "2027-06-01"
T0 = "2026-03-02T20:00:00+00:00"


def _service_order(event: dict[str, Any]) -> tuple[float, int]:
    at = event.get("at")
    stamp = dt.datetime.fromisoformat(at).timestamp() if at else float("-inf")
    return stamp, LIFECYCLE_ORDER.get(event["type"], 0)


@st.composite
def proposals(draw: st.DrawFn) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A history (a valid log's first events, perhaps one dropped) and an event to propose:
    the log's next one, or any of its events moved in time or given another episode."""
    events = sorted(draw(event_logs(max_children=2, max_episodes=3)), key=_service_order)
    cut = draw(st.integers(0, len(events) - 1))
    history, rest = events[:cut], events[cut:]
    if history and draw(st.integers(0, 3)) == 0:  # a dropped item may leave an orphan behind
        del history[draw(st.integers(0, len(history) - 1))]
    proposed = dict(draw(st.sampled_from(rest if draw(st.booleans()) else events)))
    if "at" in proposed and draw(st.booleans()):  # earlier or later: may overlap or push out
        proposed["at"] = later(proposed["at"], hours=draw(st.integers(-24 * 40, 24 * 40)))
    if "episode_id" in proposed and draw(st.integers(0, 3)) == 0:
        proposed["episode_id"] = draw(st.sampled_from(("E1", "E2", "E4", "E99")))
    return history, proposed


def _typed(objects: list[dict[str, Any]]) -> list[Event]:
    return [e for e in read_objects(objects) if not isinstance(e, EventError)]


@settings(max_examples=300, deadline=None)
@given(proposals())
def test_the_one_episode_fold_is_the_whole_fold(case: tuple[list[Any], dict[str, Any]]) -> None:
    """Episodes, child records, discussions, intelligence, errors and counts all equal."""
    history, proposed = case
    known = _typed(history)
    [event] = _typed([proposed]) or [None]
    if event is None:
        return
    event = attrs.evolve(event, origin=Source(line=len(known) + 1, file="<proposed>"))
    fast = workflow.assembly_after(assemble(known), known, event)
    # Shown by --hypothesis-show-statistics: every path is exercised.
    hypothesis.event(
        "whole fold" if fast is None else f"fast, {event.type}, {len(fast.errors)} errors"
    )
    if fast is not None:
        whole = assemble([*known, event])
        assert fast == whole
        assert [(e.file, e.line) for e in fast.errors] == [(e.file, e.line) for e in whole.errors]


@settings(max_examples=300, deadline=None)
@given(proposals(), st.booleans())
def test_the_verdict_is_the_plain_computations(
    case: tuple[list[Any], dict[str, Any]], typed: bool
) -> None:
    """The same verdict as the whole log folded before and after (the fast path switched off)."""
    history, proposed = case
    given_history: list[Any] = _typed(history) if typed else history
    verdict = validate(given_history, proposed, as_of=AS_OF)
    with mock.patch.object(workflow, "assembly_after", return_value=None):
        plain = validate(given_history, proposed, as_of=AS_OF)
    assert verdict == plain
    assert verdict.to_dict() == plain.to_dict()


def test_a_clean_history_takes_the_fast_path() -> None:
    # What a service sends: a new report after found episodes, or the next step of an episode.
    history = [reported("E1", T0), found("E1", later(T0, hours=3))]
    known = _typed(history)
    before = assemble(known)
    for proposed in (reported("E2", later(T0, days=2)), offered("E1", later(T0, hours=9))):
        [event] = _typed([proposed])
        assert workflow.assembly_after(before, known, event) == assemble([*known, event])
        assert workflow.assembly_after(before, known, event) is not None


def test_a_report_between_two_episodes_pushes_out_the_later_one() -> None:
    # PROTOCOL decisions: no report before the child's episode ends; the new episode is open,
    # so the later episode's report now overlaps it and the whole fold says so.
    history = [
        reported("E1", T0),
        found("E1", later(T0, hours=3)),
        reported("E2", later(T0, days=5)),
    ]
    known = _typed(history)
    [event] = _typed([reported("E3", later(T0, days=2))])
    assert workflow.assembly_after(assemble(known), known, event) is None
    verdict = validate(history, reported("E3", later(T0, days=2)), as_of=AS_OF)
    assert not verdict.accepted
    assert any("history item 3" in p.message for p in verdict.errors)
