"""CONTRACT §2 (episode lifecycle), driven through the real `missing-protocol check` script."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from contract_cli import (
    Event,
    assert_counts_balance,
    cancelled,
    check,
    check_events,
    child,
    completed,
    declined,
    finding,
    found,
    notified,
    offered,
    plan,
    reported,
    run,
    statuses,
    strategy,
    write_jsonl,
)

# The episode at each state of the lifecycle: the events that bring it there.
STATES: dict[str, list[Event]] = {
    "reported": [reported("E1")],
    "found": [reported("E1"), found("E1")],
    "interview_offered": [reported("E1"), found("E1"), offered("E1")],
    "interview_declined": [reported("E1"), found("E1"), offered("E1"), declined("E1")],
    "interview_completed": [reported("E1"), found("E1"), offered("E1"), completed("E1")],
    "plan_made": [reported("E1"), found("E1"), offered("E1"), completed("E1"), plan("E1")],
    "report_cancelled": [reported("E1"), cancelled("E1")],
}


def test_full_lifecycle_is_accepted(tmp_path: Path) -> None:
    """CONTRACT §2: reported → found → interview_offered → interview_completed → plan_made,
    and → interview_declined → plan_made."""
    events = [
        *STATES["plan_made"],
        reported("E2", "2026-04-01T10:00:00Z"),
        found("E2", "2026-04-01T12:00:00Z"),
        offered("E2", "2026-04-01T13:00:00Z"),
        declined("E2", "2026-04-01T14:00:00Z"),
        plan("E2", "2026-04-02T14:00:00Z"),
    ]
    code, result = check_events(tmp_path, events)
    assert result["errors"] == []
    assert code == 0


@pytest.mark.parametrize("state", list(STATES))
def test_notified_and_strategy_discussion_in_any_state(tmp_path: Path, state: str) -> None:
    """CONTRACT §2: `notified` and `strategy_discussion` are accepted in any state of a known
    episode (final ones included) and do not move the lifecycle."""
    events = [
        *STATES[state],
        notified("E1", "2026-03-10T10:00:00Z", "parent"),
        strategy("C1", "2026-03-10T11:00:00Z", episode_id="E1"),
    ]
    _, bare = check_events(tmp_path, STATES[state])
    _, result = check([write_jsonl(tmp_path / "with.jsonl", events)])
    assert result["errors"] == []
    assert result["counts"]["accepted"] == len(events)

    # The lifecycle did not move: every rule's status is the same as without them, except
    # the strategy duties the discussion serves (STRAT-LONG on the still-open episode).
    def lifecycle_view(result: dict[str, Any]) -> dict[str, str]:
        return {k: v for k, v in statuses(result, "E1").items() if not k.startswith("STRAT-")}

    assert lifecycle_view(result) == lifecycle_view(bare)


def test_state_unchanged_after_notified(tmp_path: Path) -> None:
    """CONTRACT §2: after a `notified`, the lifecycle goes on from where it was."""
    events = [
        reported("E1"),
        notified("E1", "2026-03-02T10:30:00Z", "parent"),
        found("E1"),
        notified("E1", "2026-03-02T20:30:00Z", "police"),
        offered("E1"),
        strategy("C1", "2026-03-03T09:30:00Z"),
        completed("E1"),
    ]
    _, result = check_events(tmp_path, events)
    assert result["errors"] == []


def test_strategy_discussion_needs_only_a_known_child(tmp_path: Path) -> None:
    """CONTRACT §2: a `strategy_discussion` needs only a known child (no episode)."""
    _, result = check_events(tmp_path, [child("C7"), strategy("C7")])
    assert result["errors"] == []
    assert result["counts"]["accepted"] == 2


def test_strategy_discussion_for_an_unknown_child_is_rejected(tmp_path: Path) -> None:
    """CONTRACT §1/§2 (docs/contract.md): a discussion for a child never seen is rejected."""
    code, result = check_events(tmp_path, [reported("E1"), strategy("C404")])
    assert code == 1
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(2, "child_id")]


def test_report_cancelled_from_reported(tmp_path: Path) -> None:
    """CONTRACT §2: `report_cancelled` from `reported` (not in fact missing): no interview due."""
    code, result = check_events(tmp_path, STATES["report_cancelled"])
    assert result["errors"] == []
    assert finding(result, "RHI-72H", "E1")["status"] == "not_required"
    assert finding(result, "RHI-OFFER", "E1")["status"] == "not_required"
    assert code == 0


@pytest.mark.parametrize("state", [s for s in STATES if s != "reported"])
def test_report_cancelled_only_from_reported(tmp_path: Path, state: str) -> None:
    """CONTRACT §2: `report_cancelled` only from `reported`; anywhere else it is rejected."""
    events = [*STATES[state], cancelled("E1", "2026-03-10T10:00:00Z")]
    code, result = check_events(tmp_path, events)
    assert code == 1
    assert_counts_balance(result)
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(len(events), "type")]


def test_same_at_events_applied_in_lifecycle_order(tmp_path: Path) -> None:
    """CONTRACT §2 (docs/contract.md 'Same moment'): events of one episode with the same `at`
    are applied in lifecycle order, whatever the order of lines."""
    at = "2026-03-02T10:00:00Z"
    events = [
        plan("E1", at),
        notified("E1", at, "parent"),
        completed("E1", at),
        offered("E1", at),
        found("E1", at),
        reported("E1", at),
    ]
    code, result = check_events(tmp_path, events)
    assert result["errors"] == []
    assert finding(result, "RHI-72H", "E1")["status"] == "met"
    assert finding(result, "PLAN-AFTER-RHI", "E1")["status"] == "met"
    assert code == 0


def test_same_at_found_and_cancelled_does_not_depend_on_line_order(tmp_path: Path) -> None:
    """CONTRACT §1: ties at one moment never make the result depend on file or line order."""
    at = "2026-03-02T20:00:00Z"
    head = reported("E1")
    one = write_jsonl(tmp_path / "one.jsonl", [head, found("E1", at), cancelled("E1", at)])
    two = write_jsonl(tmp_path / "two.jsonl", [head, cancelled("E1", at), found("E1", at)])
    _, a = check([one])
    _, b = check([two])
    assert a["findings"] == b["findings"]
    assert a["counts"] == b["counts"] == {**a["counts"], "rejected": 1}
    assert [(e["field"], e["message"]) for e in a["errors"]] == [
        (e["field"], e["message"]) for e in b["errors"]
    ]


def test_second_episode_does_not_erase_earlier_duties(tmp_path: Path) -> None:
    """CONTRACT §2: a new `reported` for the same child while an earlier episode awaits its
    interview does not erase the earlier episode's duties."""
    events = [
        reported("E1", "2026-03-02T10:00:00Z"),
        found("E1", "2026-03-02T20:00:00Z"),
        reported("E2", "2026-03-03T10:00:00Z"),
        found("E2", "2026-03-03T20:00:00Z"),
        offered("E2", "2026-03-04T09:00:00Z"),
        completed("E2", "2026-03-04T10:00:00Z"),
    ]
    code, result = check_events(tmp_path, events)
    assert result["errors"] == []
    assert result["counts"]["episodes"] == 2
    assert finding(result, "RHI-72H", "E1")["status"] == "overdue"
    assert finding(result, "RHI-OFFER", "E1")["status"] == "overdue"
    assert finding(result, "RHI-72H", "E2")["status"] == "met"
    assert code == 1


def test_overlapping_second_episode_and_its_events_are_rejected(tmp_path: Path) -> None:
    """CONTRACT §1 / PROTOCOL 'Repeat and overlapping episodes': the second episode's report
    (while the first is open) is rejected; the first episode is judged as if it were absent."""
    events = [
        reported("E1", "2026-03-02T10:00:00Z"),
        reported("E2", "2026-03-03T10:00:00Z"),
        found("E1", "2026-03-04T10:00:00Z"),
    ]
    code, result = check_events(tmp_path, events)
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["episodes"] == 1
    assert [e["line"] for e in result["errors"]] == [2]
    assert not [f for f in result["findings"] if f["episode_id"] == "E2"]


def test_report_at_the_moment_of_return_is_a_new_episode(tmp_path: Path) -> None:
    """CONTRACT §2: once the first episode is found, the child's next report starts a new
    episode (docs/contract.md: ending at the very moment of the next report is no overlap)."""
    events = [
        reported("E1", "2026-03-02T10:00:00Z"),
        found("E1", "2026-03-02T20:00:00Z"),
        reported("E2", "2026-03-02T20:00:00Z"),
    ]
    _, result = check_events(tmp_path, events)
    assert result["errors"] == []
    assert result["counts"]["episodes"] == 2


LIFECYCLE_TYPES = [
    "reported",
    "found",
    "report_cancelled",
    "interview_offered",
    "interview_declined",
    "interview_completed",
    "plan_made",
]


def _event_of(etype: str, episode: str, child_id: str, at: str) -> Event:
    if etype == "reported":
        return reported(episode, at, child_id=child_id)
    if etype == "interview_declined":
        return declined(episode, at)
    if etype == "plan_made":
        return plan(episode, at)
    return {"type": etype, "episode_id": episode, "at": at}


def test_accepted_transitions_are_the_diagram(tmp_path: Path) -> None:
    """CONTRACT §2/§4: the state machine is the single definition: an event is accepted in a
    state exactly when `missing-protocol diagram` draws that transition."""
    proc = run("diagram", "--format", "mermaid")
    assert proc.returncode == 0
    edges = set()
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 5 and parts[1] == "-->" and parts[3] == ":":
            edges.add((parts[0], parts[4]))
    assert ("reported", "found") in edges
    log: list[Event] = []
    probes: dict[int, tuple[str, str]] = {}
    for state, path in STATES.items():
        for etype in LIFECYCLE_TYPES:
            episode, kid = f"E-{state}-{etype}", f"C-{state}-{etype}"
            for event in path:
                log.append(
                    {
                        **event,
                        "episode_id": episode,
                        **({"child_id": kid} if "child_id" in event else {}),
                    }
                )
            log.append(_event_of(etype, episode, kid, "2026-03-20T10:00:00Z"))
            probes[len(log)] = (state, etype)
    _, result = check([write_jsonl(tmp_path / "all.jsonl", log)])
    rejected = {e["line"] for e in result["errors"]}
    assert rejected <= set(probes)
    for number, (state, etype) in probes.items():
        assert (number not in rejected) == ((state, etype) in edges), (state, etype)
