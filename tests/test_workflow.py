"""`validate`: one proposed event against the events already accepted (issue 11, CONTRACT §1-§3).

The verdict must say what `check` says of the same log: the same lifecycle errors (CONTRACT §2),
the same findings (CONTRACT §3), the state derived from the events alone.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings

from builders import (
    child,
    completed,
    declined,
    event_logs,
    found,
    later,
    notified,
    offered,
    plan,
    reported,
)
from missing_protocol import ProfileError, allowed_next, assemble, check, validate
from missing_protocol.cli import app
from missing_protocol.formats.events import read_objects
from missing_protocol.lifecycle import LIFECYCLE_ORDER, TRANSITIONS
from missing_protocol.model import EventError

T0 = "2026-03-02T20:00:00+00:00"
AS_OF = "2026-03-20"


def story() -> list[dict[str, Any]]:
    """An episode found and offered an interview: the service's stored history."""
    return [
        child("C1", born="2012-01-01"),
        reported("E1", T0),
        found("E1", later(T0, hours=12)),
        offered("E1", later(T0, hours=30)),
    ]


def test_an_allowed_step_moves_the_state_and_lists_what_may_follow() -> None:
    verdict = validate(story(), completed("E1", later(T0, hours=40)), as_of=AS_OF)
    assert verdict.accepted and verdict.errors == ()
    assert (verdict.state_before, verdict.state_after) == (
        "interview_offered",
        "interview_completed",
    )
    # CONTRACT §2: after an interview comes the plan; notified/strategy_discussion fit any state.
    assert verdict.allowed_next == ("notified", "plan_made", "strategy_discussion")
    assert verdict.episode_id == "E1"


def test_a_step_the_lifecycle_forbids_names_the_state_and_what_is_allowed() -> None:
    # CONTRACT §2: plan_made needs an interview declined or completed first.
    verdict = validate(story(), plan("E1", later(T0, hours=40)), as_of=AS_OF)
    assert not verdict.accepted
    assert verdict.state_after is None and verdict.state_before == "interview_offered"
    [problem] = verdict.errors
    assert problem.field == "type"
    assert "is interview_offered" in problem.message
    assert "allowed next: interview_completed, interview_declined" in problem.message
    assert verdict.allowed_next == allowed_next("interview_offered")


def test_the_errors_are_those_check_gives_for_the_same_log() -> None:
    bad = declined("E1", later(T0, hours=5))  # declined before any offer
    verdict = validate(story()[:2], bad, as_of=AS_OF)
    result = check([*story()[:2], bad], as_of=AS_OF)
    assert [(e.field, e.message) for e in result.errors] == [
        (p.field, p.message) for p in verdict.errors
    ]


def test_a_field_error_is_named_like_the_reader_names_it() -> None:
    # CONTRACT §1: `at` must carry an offset.
    verdict = validate(story(), {**found("E1", T0), "at": "2026-03-03T09:00:00"}, as_of=AS_OF)
    assert not verdict.accepted
    assert verdict.errors[0].field == "at"
    assert verdict.state_before == "interview_offered"  # known from the raw object's episode_id


def test_an_event_for_an_unknown_episode_is_rejected() -> None:
    verdict = validate(story(), found("E9", T0), as_of=AS_OF)
    assert not verdict.accepted
    assert (
        verdict.errors[0].field == "episode_id" and "unknown episode" in verdict.errors[0].message
    )
    assert (verdict.state_before, verdict.allowed_next) == ("start", ("reported",))


def test_a_new_report_while_the_child_is_still_missing_is_rejected() -> None:
    # PROTOCOL decisions: a second report before the first episode ends is rejected.
    verdict = validate(story()[:2], reported("E2", later(T0, hours=1)), as_of=AS_OF)
    assert not verdict.accepted and "still missing" in verdict.errors[0].message


def test_an_event_that_would_push_out_an_accepted_one_is_rejected() -> None:
    # Time order decides the fold: a `found` dated before the stored one would reject that one.
    verdict = validate(story(), found("E1", later(T0, hours=2)), as_of=AS_OF)
    assert not verdict.accepted
    assert any("history item 3" in p.message for p in verdict.errors)


def test_duties_are_the_findings_of_check_for_that_episode_soonest_first() -> None:
    events = [*story(), completed("E1", later(T0, hours=40))]
    verdict = validate(events[:-1], events[-1], as_of=AS_OF)
    expected = [f for f in check(events, as_of=AS_OF).findings if f.episode_id == "E1"]
    assert sorted(verdict.duties, key=repr) == sorted(expected, key=repr)
    dues = [f.due.timestamp() for f in verdict.duties if f.due is not None]
    assert dues == sorted(dues)
    undated = [f.due is None for f in verdict.duties]
    assert undated == sorted(undated)  # duties without a deadline come last


def test_a_rejected_event_leaves_the_duties_as_they_were() -> None:
    before = validate(story()[:-1], story()[-1], as_of=AS_OF)
    rejected = validate(story(), plan("E1", later(T0, hours=40)), as_of=AS_OF)
    assert rejected.duties == before.duties


def test_the_json_form_has_the_documented_keys() -> None:
    data = validate(story(), notified("E1", later(T0, hours=1), "police"), as_of=AS_OF).to_dict()
    assert list(data)[:6] == [
        "accepted",
        "errors",
        "state_before",
        "state_after",
        "allowed_next",
        "duties",
    ]
    assert data["state_before"] == data["state_after"] == "interview_offered"
    assert {"rule", "status", "due", "responsible"} <= set(data["duties"][0])


def test_the_verdict_is_frozen() -> None:
    verdict = validate(story(), found("E9", T0), as_of=AS_OF)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        verdict.accepted = True  # type: ignore[misc]


def test_rejected_history_items_are_reported_apart() -> None:
    history = [*story(), {"type": "found", "episode_id": "E1"}]  # no `at`
    verdict = validate(history, completed("E1", later(T0, hours=40)), as_of=AS_OF)
    assert verdict.accepted
    assert [(e.line, e.field) for e in verdict.history_errors] == [(5, "at")]


def test_an_unknown_profile_is_an_error() -> None:
    with pytest.raises(ProfileError):
        validate(story(), found("E9", T0), profile="nowhere", as_of=AS_OF)


def test_allowed_next_is_the_lifecycle_table() -> None:
    # CONTRACT §2: derived from the one machine, plus the recording events in a known episode.
    for state in {src for src, _ in TRANSITIONS} - {"start"}:
        moves = {etype for src, etype in TRANSITIONS if src == state}
        assert set(allowed_next(state)) == moves | {"notified", "strategy_discussion"}
    assert allowed_next("start") == ("reported",)


def _service_order(event: dict[str, Any]) -> tuple[float, int]:
    # The order a service receives events in: time, then lifecycle order at one instant.
    at = event.get("at")
    stamp = dt.datetime.fromisoformat(at).timestamp() if at else float("-inf")
    return stamp, LIFECYCLE_ORDER.get(event["type"], 0)


@settings(max_examples=25, deadline=None)
@given(event_logs(max_children=1, max_episodes=3))
def test_replaying_a_valid_log_one_event_at_a_time_accepts_every_event(
    log: list[dict[str, Any]],
) -> None:
    """Event sourcing: each event of a valid log, proposed after the ones before it, is accepted,
    and the state after it is the state `assemble` derives from the log so far."""
    events = sorted(log, key=_service_order)
    for i, event in enumerate(events):
        verdict = validate(events[:i], event, as_of="2027-06-01")
        assert verdict.accepted, verdict.errors
        typed = [e for e in read_objects(events[: i + 1]) if not isinstance(e, EventError)]
        states = {ep.episode_id: ep.state for ep in assemble(typed).episodes}
        assert verdict.state_after == states.get(verdict.episode_id or "", "start")
    last = events[-1]
    verdict = validate(events[:-1], last, as_of="2027-06-01")
    expected = [
        f
        for f in check(events, as_of="2027-06-01").findings
        if f.episode_id == verdict.episode_id and verdict.episode_id is not None
    ]
    assert sorted(verdict.duties, key=repr) == sorted(expected, key=repr)


def test_typed_events_serve_as_history_too() -> None:
    typed = [e for e in read_objects(story()) if not isinstance(e, EventError)]
    assert validate(typed, completed("E1", later(T0, hours=40)), as_of=AS_OF).accepted


# --- The verdict's schema and the `validate` command ---------------------------------------------


def test_the_verdict_json_follows_its_shipped_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    referencing = pytest.importorskip("referencing")
    from builders import shipped_schema
    from missing_protocol.lifecycle import STATES

    schema = shipped_schema("verdict.schema.json")
    result = shipped_schema("check-result.schema.json")
    registry = referencing.Registry().with_resource(
        result["$id"], referencing.Resource.from_contents(result)
    )
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    assert set(schema["$defs"]["state"]["enum"]) == set(STATES)
    for proposed in (
        completed("E1", later(T0, hours=40)),
        plan("E1", later(T0, hours=40)),
        {"type": "found"},
    ):
        validator.validate(validate(story(), proposed, as_of=AS_OF).to_dict())


def test_the_validate_command_exits_0_when_accepted_1_when_rejected_2_on_bad_input(
    tmp_path: Path,
) -> None:
    history = tmp_path / "history.jsonl"
    history.write_text("".join(json.dumps(e) + "\n" for e in story()))
    good, bad, broken = tmp_path / "good.json", tmp_path / "bad.json", tmp_path / "broken.json"
    good.write_text(json.dumps(completed("E1", later(T0, hours=40))))
    bad.write_text(json.dumps(plan("E1", later(T0, hours=40))))
    broken.write_text("{")
    runner = CliRunner()
    accepted = runner.invoke(
        app, ["validate", str(history), "--event", str(good), "--as-of", AS_OF, "--format", "json"]
    )
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.output)["state_after"] == "interview_completed"
    rejected = runner.invoke(app, ["validate", str(history), "--event", str(bad), "--as-of", AS_OF])
    assert rejected.exit_code == 1
    assert "rejected (episode is interview_offered)" in rejected.output
    assert runner.invoke(app, ["validate", str(history), "--event", str(broken)]).exit_code == 2


def test_the_verdict_warns_as_check_does_and_the_warning_never_changes_it() -> None:
    """CONTRACT §3 `warnings` (an unknown field looks like a producer's typo): validate warns
    about the proposed event as `check` warns about the same line; the verdict is unchanged."""
    history = [reported("E1", T0)]
    typo = {**found("E1", "2026-03-03T08:00:00Z"), "indepedent": True}
    verdict = validate(history, typo, as_of=AS_OF)
    clean = validate(history, found("E1", "2026-03-03T08:00:00Z"), as_of=AS_OF)
    assert verdict.accepted and verdict.state_after == clean.state_after == "found"
    assert [(w.field, w.message) for w in verdict.warnings] == [
        (w.field, w.message) for w in check([*history, typo], as_of=AS_OF).warnings
    ]
    assert verdict.to_dict()["warnings"] == [
        {"field": "indepedent", "message": "unknown field 'indepedent' for a found event: ignored"}
    ]
    assert clean.warnings == () and clean.to_dict()["warnings"] == []
