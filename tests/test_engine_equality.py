"""Issue 10 (engine): the fast path gives the reference path's answer, finding for finding.

The reference reads each line with the standard json module and the cattrs converter alone,
assembles the whole log at once and judges it; the engine parses with orjson and the fast field
path, routes lines by child into partitions (in memory or spilled to files, in worker processes)
and merges them back. On generated logs with every event type, clock changes, bank holidays,
overlaps, shuffled lines and rejected events, the two JSON answers (CONTRACT §3) are equal.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import event_logs, found, reported
from intelligence_log import self_report
from missing_protocol import engine, profiles
from missing_protocol.check import CheckResult, judge, parse_as_of
from missing_protocol.cli._json import write_check_json
from missing_protocol.formats.fields import reference_object
from missing_protocol.model import EventError
from missing_protocol.rules import Status

PROBLEMS = frozenset(s for s in Status if s.is_problem)


def _reference(lines: list[str], as_of: str, profile: str, only_problems: bool) -> dict[str, Any]:
    parsed: list[Any] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as problem:
            parsed.append(EventError(number, None, f"invalid JSON: {problem}", "log.jsonl"))
            continue
        parsed.append(reference_object(obj, number, "log.jsonl"))
    moment = parse_as_of(as_of)
    chosen = profiles.load(profile)
    judged = judge(parsed, moment, chosen, include_intelligence=True)
    result = CheckResult(
        moment,
        chosen.name,
        judged.counts,
        tuple(f for _, f in judged.findings),
        judged.errors,
        judged.assembly,
        judged.warnings,
    )
    return result.to_dict(only_problems=only_problems)


def _engine(
    path: Path, as_of: str, profile: str, only_problems: bool, **run: Any
) -> tuple[str, int]:
    options = engine.Options(
        parse_as_of(as_of),
        profiles.load(profile),
        include_intelligence=True,
        keep=PROBLEMS if only_problems else None,
    )
    outcome = engine.run([str(path)], options, **run)
    out = io.StringIO()
    write_check_json(out, outcome, options.as_of, options.profile.name)
    return out.getvalue(), outcome.partitions


def _without_messages_of_invalid_json(answer: dict[str, Any]) -> dict[str, Any]:
    # The two JSON parsers word a syntax error differently; line and field must still agree.
    for error in answer["errors"]:
        if error["message"].startswith("invalid JSON"):
            error["message"] = "invalid JSON"
    return answer


JUNK = [
    "{not json",
    '{"type": "teleported", "episode_id": "E1"}',
    '{"type": "found", "at": "2026-03-21T10:00:00Z"}',
    '{"type": "found", "episode_id": "NOPE", "at": "2026-03-21T10:00:00Z"}',
    '{"type": "reported", "episode_id": 7, "child_id": 3, "at": "2026-03-22T09:00:00+00:00",'
    ' "missing_from": "home", "responsible_authority": " 309 "}',
    '{"type": "interview_completed", "episode_id": "E1", "at": "2026-03-25T10:00:00Z",'
    ' "indepedent": false}',
    '{"type": "strategy_discussion", "child_id": "C9", "at": "2026-03-23T10:00:00Z"}',
    '{"type": "disruption", "person_id": "P1", "at": "2026-03-24T10:00:00Z",'
    ' "kind": "arrest", "partner": "police"}',
    '{"type": "person_linked", "episode_id": "E2", "person_id": "P1",'
    ' "at": "2026-03-24T11:00:00Z", "role": "associate"}',
    '{"type": "reported", "episode_id": "E1", "child_id": "C1", "at": "1850-01-01T00:00:00Z",'
    ' "missing_from": "home", "responsible_authority": "309"}',
    "[1, 2]",
]


@st.composite
def messy_logs(draw: st.DrawFn) -> list[str]:
    """A valid log made messy: junk lines, an episode reported for two children, a report that
    overlaps an open episode, self-reports (one id used twice), all in shuffled order."""
    events = draw(event_logs(max_children=4, max_episodes=4))
    lines = [json.dumps(e) for e in events]
    lines += draw(st.lists(st.sampled_from(JUNK), max_size=5))
    if draw(st.booleans()):
        lines.append(json.dumps(reported("E1", "2026-03-21T08:00:00Z", child_id="C3")))
        lines.append(json.dumps(found("E1", "2026-03-21T09:00:00Z")))
    if draw(st.booleans()):
        lines.append(json.dumps(reported("EX", "2026-04-02T08:00:00+01:00", child_id="C0")))
    for i in range(draw(st.integers(0, 3))):
        child = draw(st.sampled_from(["C0", "C1", "C2", "C7"]))
        rid = draw(st.sampled_from([f"R{i}", "R-SHARED"]))
        lines.append(
            json.dumps(self_report(rid, child, "2026-04-20T10:00:00Z", "2026-04-01", "2026-04-03"))
        )
    random.Random(draw(st.integers(0, 2**16))).shuffle(lines)
    return lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=messy_logs(),
    as_of=st.sampled_from(["2026-03-29T01:30:00Z", "2026-04-10", "2026-07-01T12:00:00+01:00"]),
    profile=st.sampled_from(["statutory", "london"]),
    only_problems=st.booleans(),
    partitions=st.sampled_from([1, 2, 5]),
)
def test_the_engine_gives_the_reference_answer(
    tmp_path_factory: Any,
    lines: list[str],
    as_of: str,
    profile: str,
    only_problems: bool,
    partitions: int,
) -> None:
    """Issue 10 point 5: fast path JSON == reference path JSON, finding for finding, whether the
    log is judged whole, in partitions in memory, or spilled to partition files."""
    path = tmp_path_factory.mktemp("log") / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    reference = _reference(lines, as_of, profile, only_problems)
    for error in reference["errors"]:
        error["file"] = str(path)
    for warning in reference.get("warnings", []):
        warning["file"] = str(path)
    size = path.stat().st_size
    spill = {"spill_bytes": 0, "partition_bytes": max(1, size // partitions)}
    for run in ({}, {"spill_bytes": 0, "partition_bytes": size + 1}, spill):
        text, _ = _engine(path, as_of, profile, only_problems, **run)
        fast = json.loads(text)
        assert text == json.dumps(fast, indent=2, ensure_ascii=False) + "\n"  # json's layout
        assert _without_messages_of_invalid_json(fast) == _without_messages_of_invalid_json(
            reference
        )
        counts = fast["counts"]
        assert counts["events"] == counts["accepted"] + counts["rejected"]


def test_jobs_give_byte_identical_output(tmp_path: Path) -> None:
    """Issue 10 point 3: `--jobs 2` writes the same bytes as `--jobs 1` (in memory and spilled)."""
    from missing_protocol import synth

    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(60, 240), path)
    one, parts = _engine(path, "2026-05-31", "statutory", False)
    assert parts == 1
    two, parts = _engine(path, "2026-05-31", "statutory", False, jobs=2)
    assert parts == 2 and two == one
    size = path.stat().st_size
    spilled, parts = _engine(
        path, "2026-05-31", "statutory", False, jobs=2, spill_bytes=0, partition_bytes=size // 4
    )
    assert parts >= 4 and spilled == one


def test_report_and_due_jobs_give_the_same_output(tmp_path: Path) -> None:
    """Issue 10 point 3: `report --jobs 2` and `due --jobs 2` print what `--jobs 1` prints."""
    import subprocess
    import sys

    from missing_protocol import synth

    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(40, 160), path)
    script = str(Path(sys.executable).parent / "missing-protocol")
    commands = [
        ["report", str(path), "--from", "2025-04-01", "--to", "2026-04-01", "--format", "json"],
        ["due", str(path), "--within", "P30D", "--format", "json"],
    ]
    for command in commands:
        outputs = [
            subprocess.run(
                [script, *command, "--as-of", "2025-10-01", "--jobs", jobs],
                capture_output=True,
                check=False,
            ).stdout
            for jobs in ("1", "2")
        ]
        assert outputs[0] and outputs[0] == outputs[1]


def test_pseudonymised_partitions_give_the_pseudonymised_whole_answer(tmp_path: Path) -> None:
    """Issue 10 point 2 with issue 15's pseudonyms: the engine replaces ids in each partition's
    events, and its answer (spilled, two jobs) is the in-memory answer of the pseudonymised log."""
    from missing_protocol import synth
    from missing_protocol.check import check_parsed
    from missing_protocol.formats.events import read_file
    from missing_protocol.privacy import Pseudonymiser

    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(60, 240), path)
    key = Pseudonymiser(b"k" * 32)
    moment = parse_as_of("2026-05-31")
    whole = check_parsed(key.parsed(read_file(str(path))), as_of=moment, include_intelligence=True)
    expected = json.dumps(whole.to_dict(), indent=2)
    options = engine.Options(
        moment, profiles.load("statutory"), include_intelligence=True, pseudonymiser=key
    )
    for run in ({}, {"jobs": 2, "spill_bytes": 0, "partition_bytes": path.stat().st_size // 4}):
        outcome = engine.run([str(path)], options, **run)
        out = io.StringIO()
        write_check_json(out, outcome, moment, "statutory")
        assert json.loads(out.getvalue()) == json.loads(expected)
        text = out.getvalue()
        assert "px-" in text and '"C0' not in text and '"E0' not in text


def test_text_from_partitions_is_the_text_of_the_whole_check(tmp_path: Path) -> None:
    """Issue 10 point 2 for `check`'s text output: each episode's heading is said in its partition
    and every finding is counted by status there, so the spilled text (two jobs, problems kept)
    is the text the whole check in memory gives."""
    from missing_protocol import synth
    from missing_protocol.check import check_parsed
    from missing_protocol.cli.check import episode_heading, render_text, text_lines
    from missing_protocol.formats.events import read_file

    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(60, 240), path)
    moment = parse_as_of("2026-05-31")
    whole = check_parsed(read_file(str(path)), as_of=moment, include_intelligence=True)
    for show_all in (False, True):
        options = engine.Options(
            moment,
            profiles.load("statutory"),
            include_intelligence=True,
            keep=None if show_all else PROBLEMS,
            describe=episode_heading,
            tally=True,
        )
        size = path.stat().st_size
        outcome = engine.run([str(path)], options, jobs=2, spill_bytes=0, partition_bytes=size // 4)
        assert outcome.partitions >= 4
        common = (outcome.errors, outcome.counts, moment, "statutory")
        lines = text_lines(outcome.described, *common, show_all=show_all, statuses=outcome.statuses)
        assert "\n".join(lines) == render_text(whole, show_all=show_all)
        assert outcome.statuses == {k: v for k, v in whole.by_status().items() if v}
