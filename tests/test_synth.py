"""The example-year generator: deterministic, exact published shape at any seed, any size."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest

from missing_protocol import synth
from missing_protocol.episode import assemble
from missing_protocol.formats.events import read_lines
from missing_protocol.model import Event, EventError, Reported
from missing_protocol.report import period_report
from missing_protocol.report.figures import CohortCounts
from missing_protocol.synth import year as synth_year


def test_the_shipped_example_is_exactly_what_the_generator_makes() -> None:
    shipped = (resources.files("missing_protocol") / "data" / "example_year.jsonl").read_text(
        "utf-8"
    )
    made = "".join(synth.dumps(e) + "\n" for e in synth.generate())
    assert made == shipped, "regenerate: python -m missing_protocol.synth <path to example>"


def test_the_same_seed_gives_the_same_log_and_another_seed_another() -> None:
    first = [synth.dumps(e) for e in synth.generate(40, 170, seed=1)]
    assert first == [synth.dumps(e) for e in synth.generate(40, 170, seed=1)]
    assert first != [synth.dumps(e) for e in synth.generate(40, 170, seed=2)]


def test_intelligence_events_leave_every_episode_event_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # They come from their own seeded generator, after the episodes: the published figures
    # cannot move, and the rest of the log is the same line for line.
    intelligence = {"person_linked", "disruption", "prosecution", "self_report"}
    made = [synth.dumps(e) for e in synth.generate(40, 170, seed=1)]
    added = [line for line in made if json.loads(line)["type"] in intelligence]
    assert added
    monkeypatch.setattr(synth.year, "intelligence_events", lambda rng, events: [])
    bare = [synth.dumps(e) for e in synth.generate(40, 170, seed=1)]
    follow_ups = [line for line in made if line not in bare]
    assert {json.loads(line)["type"] for line in follow_ups} == intelligence | {
        "strategy_discussion"
    }
    assert [line for line in made if line in bare] == bare


def test_any_seed_reproduces_the_published_figures() -> None:
    events = synth.generate(seed=11)
    f = period_report(events, synth.PERIOD, synth.AUTHORITY)
    assert (f.episodes, f.children, f.rejected_events) == (806, 190, 0)
    assert f.cohorts == CohortCounts(82, 18, 90)


@pytest.mark.parametrize(("children", "episodes"), [(1, 1), (19, 80), (380, 1612)])
def test_the_size_scales_and_keeps_the_shape(children: int, episodes: int) -> None:
    events = synth.generate(children, episodes, seed=3)
    f = period_report(events, synth.PERIOD, synth.AUTHORITY)
    assert (f.episodes, f.children, f.rejected_events) == (episodes, children, 0)
    assert f.cohorts.total == children
    assert f.cohorts == CohortCounts(*synth.apportion(children, list(synth.COHORT_SHARES.values())))


def test_every_event_reads_back_legal_with_offsets_and_child_records() -> None:
    lines = [synth.dumps(e) for e in synth.generate(30, 120, seed=4)]
    parsed = list(read_lines(lines))
    assert [p for p in parsed if isinstance(p, EventError)] == []
    events: list[Event] = [p for p in parsed if not isinstance(p, EventError)]
    assembly = assemble(events)
    assert assembly.errors == ()
    assert assembly.accepted == len(lines)
    assert set(assembly.children) == {e.child_id for e in assembly.episodes}
    for line in lines:
        at = json.loads(line).get("at")
        assert at is None or re.search(r"[+-]\d\d:\d\d$", at), line
    kinds = {json.loads(line)["type"] for line in lines}
    assert {"notified", "strategy_discussion", "plan_made", "interview_declined"} <= kinds
    assert {"person_linked", "disruption", "prosecution", "self_report"} <= kinds
    reports = [e for e in events if isinstance(e, Reported)]
    assert {r.missing_from.value for r in reports} == {"care", "home"}


@pytest.mark.parametrize("seed", [11, 14])
def test_a_self_report_with_times_ends_after_it_starts_at_any_seed(seed: int) -> None:
    """Every generated log is accepted whole: a short episode's self-report given in times,
    each end an hour or two out, never ends before it starts (these seeds once crossed)."""
    events = synth.generate(300, 1300, seed=seed)
    assembly = assemble(events)
    assert assembly.errors == ()
    assert assembly.accepted == len(events)


@pytest.mark.parametrize(("children", "episodes"), [(0, 0), (10, 9), (1, 201)])
def test_impossible_sizes_are_refused(children: int, episodes: int) -> None:
    with pytest.raises(ValueError):
        synth.generate(children, episodes)


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [(190, [82, 18, 90], [82, 18, 90]), (10, [82, 18, 90], [4, 1, 5]), (1, [1, 1], [1, 0])],
)
def test_apportion_shares_out_exactly(total: int, weights: list[int], parts: list[int]) -> None:
    assert synth.apportion(total, weights) == parts
    assert sum(synth.apportion(total * 7 + 3, weights)) == total * 7 + 3


def test_the_command_line_writes_a_log(tmp_path: Path) -> None:
    out = tmp_path / "year.jsonl"
    synth.main([str(out), "--children", "5", "--episodes", "12", "--seed", "9"])
    assert len(out.read_text("utf-8").splitlines()) > 12


def test_reasons_risks_and_actions_change_only_their_own_fields(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 14: the interviews' reasons and risks and the plans' actions come from their own
    seeded generator, after everything else: every time and count stays, and the only new
    lines are the actions' completions."""
    made = [json.loads(synth.dumps(e)) for e in synth.generate(40, 170, seed=1)]
    monkeypatch.setattr(synth_year, "enrich", lambda rng, events: list(events))
    bare = [json.loads(synth.dumps(e)) for e in synth.generate(40, 170, seed=1)]
    content = {"reasons", "risks", "actions"}

    def skeleton(line: dict[str, object]) -> dict[str, object]:
        return {k: v for k, v in line.items() if k not in content}

    kept = [line for line in made if line["type"] != "action_completed"]
    assert [skeleton(x) for x in kept] == [skeleton(x) for x in bare]
    assert len(made) > len(kept)
    assert all(
        line["at"] > plan_at(made, line["episode_id"])
        for line in made
        if line["type"] == "action_completed"
    )


def plan_at(lines: list[dict[str, object]], episode_id: object) -> str:
    [plan] = [x for x in lines if x["type"] == "plan_made" and x["episode_id"] == episode_id]
    return str(plan["at"])
