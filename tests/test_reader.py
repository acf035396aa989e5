"""Reading the event log and assembling episodes (CONTRACT §1–2, PROTOCOL Definitions).

Every malformed input is one rejected event with its line and field; nothing stops the run and
nothing silently disappears: events = accepted + rejected.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missing_protocol import clock
from missing_protocol.episode import Assembly, Episode, assemble
from missing_protocol.formats.events import (
    Parsed,
    UnreadableFile,
    read_file,
    read_lines,
    read_objects,
)
from missing_protocol.model import (
    ETHNICITY_GROUPS,
    Child,
    EthnicGroup,
    Ethnicity,
    Event,
    EventError,
    Found,
    MissingFrom,
    Reported,
    Source,
)

REPORT: dict[str, Any] = {
    "type": "reported",
    "episode_id": "E1",
    "child_id": "C1",
    "at": "2026-03-02T10:00:00+00:00",
    "missing_from": "home",
    "responsible_authority": "309",
}
FOUND: dict[str, Any] = {"type": "found", "episode_id": "E1", "at": "2026-03-02T20:00:00Z"}


def j(obj: Any = None, /, **fields: Any) -> str:
    """One JSONL line: `obj` (default REPORT) updated with `fields`; a None value drops a key."""
    base = dict(REPORT if obj is None else obj)
    base.update(fields)
    return json.dumps({k: v for k, v in base.items() if v is not None})


def split(parsed: Iterable[Parsed]) -> tuple[list[Event], list[EventError]]:
    events: list[Event] = []
    errors: list[EventError] = []
    for item in parsed:
        if isinstance(item, EventError):
            errors.append(item)
        else:
            events.append(item)
    return events, errors


def run(parsed: Iterable[Parsed], total: int) -> tuple[Assembly, list[EventError]]:
    """Assemble parsed input; check CONTRACT §1's count: events = accepted + rejected."""
    events, reader_errors = split(parsed)
    assembly = assemble(events)
    rejected = reader_errors + list(assembly.errors)
    assert total == assembly.accepted + len(rejected)
    return assembly, rejected


# A valid report on line 1, a blank line 2 (ignored, still counted), the case on line 3.
READER_CASES = [
    pytest.param('{"type": "found", "episode_id": ', None, "invalid JSON", id="bad-json"),
    pytest.param(j({"type": "ran_away"}), "type", "unknown event type", id="unknown-type"),
    pytest.param(j({"episode_id": "E1"}), "type", "required", id="no-type"),
    pytest.param(j(episode_id="E2", missing_from=None), "missing_from", "required", id="missing"),
    pytest.param(j(episode_id="E2", child_id=None), "child_id", "required", id="missing-child"),
    pytest.param(j(FOUND, at=None), "at", "required", id="missing-at"),
    pytest.param(
        j(episode_id="E2", missing_from="school"), "missing_from", "not one of", id="enum"
    ),
    pytest.param(j(episode_id="E2", risk="extreme"), "risk", "not one of", id="enum-risk"),
    pytest.param(
        j({"type": "notified", "episode_id": "E1", "at": "2026-03-02T11:00:00Z", "party": "mp"}),
        "party",
        "not one of",
        id="enum-party",
    ),
    pytest.param(
        j({"type": "interview_declined", "episode_id": "E1", "at": "2026-03-03T10:00:00Z"}),
        "declined_by",
        "required",
        id="missing-declined-by",
    ),
    pytest.param(j(FOUND, at="2026-03-02T20:00:00"), "at", "no UTC offset", id="naive-time"),
    pytest.param(j(FOUND, at="2026-03-02"), "at", "date", id="date-not-time"),
    pytest.param(j(FOUND, at=1772445600), "at", "string", id="time-as-number"),
    pytest.param("[1, 2, 3]", None, "JSON object", id="non-object-list"),
    pytest.param('"reported"', None, "JSON object", id="non-object-string"),
    pytest.param(
        j(
            {"type": "interview_offered", "episode_id": "E1", "at": "2026-03-02T21:00:00Z"},
            independent="yes",
        ),
        "independent",
        "true or false",
        id="wrong-bool",
    ),
    pytest.param(
        j(
            {"type": "interview_completed", "episode_id": "E1", "at": "2026-03-02T21:00:00Z"},
            independent=1,
        ),
        "independent",
        "true or false",
        id="wrong-bool-int",
    ),
    pytest.param(
        j({"type": "child", "child_id": "C1", "ethnicity": "BLCK"}),
        "ethnicity",
        "ethnicity",
        id="bad-ethnicity",
    ),
    pytest.param(
        j({"type": "child", "child_id": "C1", "born": "2010-02-30"}), "born", "date", id="bad-born"
    ),
    pytest.param(
        j({"type": "child", "child_id": "C1", "sex": "M"}), "sex", "not one of", id="bad-sex"
    ),
    pytest.param(j(episode_id=""), "episode_id", "empty", id="empty-id"),
    pytest.param(j(episode_id=True), "episode_id", "string", id="bool-id"),
    pytest.param(
        j(
            {
                "type": "plan_made",
                "episode_id": "E1",
                "at": "2026-03-04T10:00:00Z",
                "actions": [
                    {"kind": "education", "owner": "309"},
                    {"kind": "prayer", "owner": "x"},
                ],
            }
        ),
        "actions[1].kind",
        "not one of",
        id="plan-action-kind",
    ),
    pytest.param(
        j(
            {
                "type": "plan_made",
                "episode_id": "E1",
                "at": "2026-03-04T10:00:00Z",
                "actions": [{"kind": "education"}],
            }
        ),
        "actions[0].owner",
        "required",
        id="plan-action-owner",
    ),
    pytest.param(
        j(episode_id="E2", location={"name": "Park", "lat": 91, "lon": 0}),
        "location",
        "lat",
        id="bad-location",
    ),
    pytest.param(
        j(
            {
                "type": "interview_completed",
                "episode_id": "E1",
                "at": "2026-03-02T21:00:00Z",
                "risks": "cse",
            }
        ),
        "risks",
        "list",
        id="risks-not-a-list",
    ),
]


@pytest.mark.parametrize(("bad", "field", "words"), READER_CASES)
def test_each_malformed_line_is_one_reader_error(bad: str, field: str | None, words: str) -> None:
    """CONTRACT §1: bad JSON, an unknown type, a missing field, a wrong value, a naive time or a
    non-object is one rejected event naming its line and field; the run goes on."""
    lines = [j(), "", bad, j(FOUND)]
    parsed = list(read_lines(lines))
    assert len(parsed) == 3  # the blank line is ignored
    _, reader_errors = split(parsed)
    assert len(reader_errors) == 1
    (error,) = reader_errors
    assert (error.line, error.field) == (3, field)
    assert words.lower() in error.message.lower()
    assembly, rejected = run(parsed, total=3)
    assert rejected == [error]
    assert [e.state for e in assembly.episodes] == ["found"]


ASSEMBLY_CASES = [
    pytest.param(j(FOUND, episode_id="E9"), "episode_id", "unknown episode", id="unknown-episode"),
    pytest.param(
        j(
            {
                "type": "plan_made",
                "episode_id": "E1",
                "at": "2026-03-03T10:00:00Z",
                "actions": [{"kind": "other", "owner": "309"}],
            }
        ),
        "type",
        "found: plan_made is not allowed",
        id="illegal-transition",
    ),
    pytest.param(
        j({"type": "report_cancelled", "episode_id": "E1", "at": "2026-03-03T10:00:00Z"}),
        "type",
        "not allowed",
        id="cancel-after-found",
    ),
    pytest.param(
        j(episode_id="E2", at="2026-03-02T15:00:00Z"),
        "at",
        "still missing in episode 'E1'",
        id="overlapping-report",
    ),
    pytest.param(
        j({"type": "interview_offered", "episode_id": "E1", "at": "2026-03-02T09:00:00Z"}),
        "at",
        "before episode E1 was reported",
        id="before-report",
    ),
    pytest.param(
        j(
            {
                "type": "notified",
                "episode_id": "E1",
                "at": "2026-03-01T09:00:00Z",
                "party": "police",
            }
        ),
        "at",
        "before episode E1 was reported",
        id="recording-before-report",
    ),
    pytest.param(j(), "type", "reported is not allowed", id="duplicate-report"),
    pytest.param(
        j({"type": "strategy_discussion", "child_id": "C9", "at": "2026-03-02T11:00:00Z"}),
        "child_id",
        "unknown child",
        id="strategy-unknown-child",
    ),
    pytest.param(
        j({"type": "child", "child_id": "C1", "sex": "male"}),
        "sex",
        "already recorded",
        id="conflicting-child-record",
    ),
]


@pytest.mark.parametrize(("bad", "field", "words"), ASSEMBLY_CASES)
def test_each_impossible_event_is_one_assembly_error(bad: str, field: str, words: str) -> None:
    """CONTRACT §1–2, PROTOCOL "Repeat and overlapping episodes": an event for an unknown
    episode, one the lifecycle does not allow, a child's second report before the first episode
    ends, or an event before its report is one rejected event with line and field."""
    child = j({"type": "child", "child_id": "C1", "sex": "female"})
    lines = [child, j(), j(FOUND), "", bad]
    parsed = list(read_lines(lines))
    _, reader_errors = split(parsed)
    assert reader_errors == []
    assembly, rejected = run(parsed, total=4)
    assert len(rejected) == 1
    (error,) = rejected
    assert (error.line, error.field) == (5, field)
    assert words in error.message
    assert [(e.episode_id, e.state) for e in assembly.episodes] == [("E1", "found")]


def test_overlapping_report_takes_its_episode_with_it() -> None:
    """PROTOCOL "Repeat and overlapping episodes": the second report is rejected, and so is
    every event of that episode, each with its own line; the first episode is untouched."""
    lines = [
        j(),
        j(episode_id="E2", at="2026-03-02T12:00:00Z"),
        j(FOUND),
        j(FOUND, episode_id="E2", at="2026-03-02T13:00:00Z"),
    ]
    assembly, rejected = run(read_lines(lines), total=4)
    assert [(e.line, e.field) for e in rejected] == [(2, "at"), (4, "episode_id")]
    assert [(e.episode_id, e.state) for e in assembly.episodes] == [("E1", "found")]


def test_a_report_after_the_first_is_found_keeps_both_episodes() -> None:
    """CONTRACT §2: a new `reported` for the same child while an earlier episode awaits its
    interview does not erase the earlier episode's duties (both episodes stand)."""
    lines = [j(), j(FOUND), j(episode_id="E2", at="2026-03-02T20:00:00Z")]
    assembly, rejected = run(read_lines(lines), total=3)
    assert rejected == []
    assert [(e.episode_id, e.state) for e in assembly.episodes] == [
        ("E1", "found"),
        ("E2", "reported"),
    ]


def test_same_time_events_apply_in_lifecycle_order() -> None:
    """CONTRACT §1–2: lines in any order; events with one `at` apply in lifecycle order."""
    at = "2026-03-02T10:00:00Z"
    lines = [
        j({"type": "notified", "episode_id": "E1", "at": at, "party": "police"}),
        j({"type": "interview_offered", "episode_id": "E1", "at": at}),
        j(FOUND, at=at),
        j(at=at),
    ]
    assembly, rejected = run(read_lines(lines), total=4)
    assert rejected == []
    (episode,) = assembly.episodes
    assert episode.state == "interview_offered"
    assert len(episode.notifications) == 1


def test_strategy_discussion_needs_only_a_known_child() -> None:
    """CONTRACT §2: a `strategy_discussion` is accepted for a known child (from a child record
    or a report), even naming no episode."""
    lines = [
        j({"type": "child", "child_id": "C2"}),
        j({"type": "strategy_discussion", "child_id": "C2", "at": "2026-03-02T11:00:00Z"}),
        j({"type": "strategy_discussion", "child_id": "C1", "at": "2026-03-02T11:00:00Z"}),
        j(),
    ]
    assembly, rejected = run(read_lines(lines), total=4)
    assert rejected == []
    assert set(assembly.strategy_discussions) == {"C1", "C2"}


# --- files -----------------------------------------------------------------------------------


def test_json_array_file_reports_the_line_each_object_starts_on(tmp_path: Path) -> None:
    """CONTRACT §1: a JSON array file (.json) is accepted; errors name the line on which the
    rejected object starts."""
    path = tmp_path / "log.json"
    path.write_text(
        "[\n"
        '  {"type": "reported", "episode_id": "E1", "child_id": "C1",\n'
        '   "at": "2026-03-02T10:00:00Z", "missing_from": "home",\n'
        '   "responsible_authority": "309"},\n'
        "\n"
        '  {"type": "found",\n'
        '   "episode_id": "E1",\n'
        '   "at": "later"},\n'
        '  {"type": "bogus"}, {"type": "found", "episode_id": "E1", "at": "2026-03-02T12:00:00Z"},\n'
        '  {"type": "found", "episode_id": "E5", "at": "2026-03-02T12:00:00Z"}\n'
        "]\n",
        encoding="utf-8",
    )
    parsed = list(read_file(path))
    assert len(parsed) == 5
    assembly, rejected = run(parsed, total=5)
    assert [(e.line, e.field, e.file) for e in rejected] == [
        (6, "at", str(path)),
        (9, "type", str(path)),
        (10, "episode_id", str(path)),
    ]
    assert [e.state for e in assembly.episodes] == ["found"]
    assert assembly.episodes[0].found is not None
    assert assembly.episodes[0].found.origin.line == 9


def test_an_array_file_is_told_by_its_first_character_however_far_on(tmp_path: Path) -> None:
    """CONTRACT §1 and docs/contract.md: a file whose first character after a BOM and white
    space is `[` is a JSON array file, even past a few kilobytes of white space (it was then
    read as JSON Lines: one rejected "event", an array); a JSON Lines name still reads lines."""
    event = '{"type": "reported", "episode_id": "E1", "child_id": "C1", "at": "2026-03-02T10:00:00Z", "missing_from": "home", "responsible_authority": "309"}'
    path = tmp_path / "log.json"
    path.write_bytes(b"\xef\xbb\xbf" + b" \n" * 5000 + f"[{event}]\n".encode())
    parsed = list(read_file(path))
    assert [p.__class__.__name__ for p in parsed] == ["Reported"]
    assert parsed[0].origin.line == 5001
    lines = tmp_path / "log.jsonl"
    lines.write_bytes(path.read_bytes())
    (rejected,) = read_file(lines)
    assert isinstance(rejected, EventError) and rejected.line == 5001


def test_broken_json_array_is_an_error_not_a_crash(tmp_path: Path) -> None:
    """CONTRACT §1: what can be read is kept; the broken rest is one error with its line."""
    path = tmp_path / "log.json"
    path.write_text('[\n  {"type": "child", "child_id": "C1"},\n  {"type": \n', encoding="utf-8")
    events, errors = split(read_file(path))
    assert len(events) == 1
    assert [(e.line, e.field) for e in errors] == [(3, None)]


def test_a_string_left_open_in_a_json_array_loses_only_its_line(tmp_path: Path) -> None:
    """CONTRACT §1 (nothing silently disappears): a string left open breaks its element only;
    JSON text holds no raw newline, so the objects on the lines after it are still read; one
    broken past every line end says that nothing after it could be read."""
    path = tmp_path / "log.json"
    path.write_text(
        '[\n{"type": "child", "child_id": "A"},\n{"type": "child", "child_id": "B},\n'
        '{"type": "child", "child_id": "C"},\n{"type": "child", "child_id": "D"}\n]\n',
        encoding="utf-8",
    )
    events, errors = split(read_file(path))
    assert [e.child_id for e in events] == ["A", "C", "D"]  # type: ignore[attr-defined]
    assert [(e.line, e.field) for e in errors] == [(3, None)]
    one_line = tmp_path / "one.json"
    one_line.write_text(
        '[{"type": "child", "child_id": "A"}, {"type": "child", "child_id": "B}, '
        '{"type": "child", "child_id": "C"}]',
        encoding="utf-8",
    )
    events, errors = split(read_file(one_line))
    assert len(events) == 1 and len(errors) == 1
    assert "nothing after it could be read" in errors[0].message


def test_json_array_separators_are_checked_as_json_is(tmp_path: Path) -> None:
    """CONTRACT §1: an empty element (two commas, a comma before `]`) is an error record; an
    object with no comma before it is rejected, as a JSON Lines line with two objects is."""
    path = tmp_path / "log.json"
    path.write_text(
        '[{"type": "child", "child_id": "A"},,\n{"type": "child", "child_id": "B"}\n'
        '{"type": "child", "child_id": "C"},\n]',
        encoding="utf-8",
    )
    events, errors = split(read_file(path))
    assert [e.child_id for e in events] == ["A", "B"]  # type: ignore[attr-defined]
    assert [(e.line, e.message) for e in errors] == [
        (1, "invalid JSON: a comma with no element before it"),
        (3, "invalid JSON: no comma before this element"),
        (4, "invalid JSON: a comma before ']'"),
    ]
    assert split(read_file(_written(tmp_path / "empty.json", "[ ]")))[1] == []


def test_errors_name_json_values_in_json_words() -> None:
    """CONTRACT §1 (clear errors naming line and field): a whole number past 64 bits (which a
    JSON Lines line reads as a float) is named so, and a line that is no object says what it is
    in JSON's words ("null", "an array"), not Python's."""
    lines = ['{"type": "child", "child_id": 123456789012345678901234567890}', "null", "[1]"]
    errors = [e for e in read_lines(lines) if isinstance(e, EventError)]
    assert [(e.line, e.field) for e in errors] == [(1, "child_id"), (2, None), (3, None)]
    assert errors[0].message == "a number outside 64 bits: give a long id as a string"
    assert errors[1].message == "expected a JSON object, got null"
    assert errors[2].message == "expected a JSON object, got an array"


def _written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_text_after_a_json_array_is_an_error(tmp_path: Path) -> None:
    """CONTRACT §1 (nothing silently disappears): an object after the closing `]` is not read
    as an event, so it is one error naming its line."""
    path = tmp_path / "log.json"
    path.write_text(
        '[{"type": "child", "child_id": "C1"}]\n\n{"type": "child", "child_id": "C2"}\n',
        encoding="utf-8",
    )
    events, errors = split(read_file(path))
    assert len(events) == 1
    assert [(e.line, e.field) for e in errors] == [(3, None)]
    assert "after the JSON array" in errors[0].message
    clean = tmp_path / "clean.json"
    clean.write_text('[{"type": "child", "child_id": "C1"}]\n\n', encoding="utf-8")
    assert split(read_file(clean))[1] == []


def test_jsonl_blank_lines_ignored_and_lines_counted(tmp_path: Path) -> None:
    """CONTRACT §1: JSONL, blank (and whitespace-only) lines ignored; line numbers stay those of
    the file, CRLF line ends and a UTF-8 byte-order mark are fine."""
    path = tmp_path / "log.jsonl"
    body = "\r\n".join([j(), "", "   ", "\t", j(FOUND, at="nope"), "", j(FOUND)]) + "\r\n\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    parsed = list(read_file(path))
    assert len(parsed) == 3
    assembly, rejected = run(parsed, total=3)
    assert [(e.line, e.field) for e in rejected] == [(5, "at")]
    assert assembly.episodes[0].found is not None
    assert assembly.episodes[0].found.origin.line == 7


def test_non_utf8_line_is_one_error_not_a_crash(tmp_path: Path) -> None:
    """CONTRACT §1: the log is UTF-8; a line that is not is one rejected line, the rest is read."""
    path = tmp_path / "log.jsonl"
    bad = j(FOUND, location="Cafe").encode("ascii").replace(b"Cafe", b"Caf\xe9")  # Latin-1 é
    path.write_bytes(j().encode() + b"\n" + bad + b"\n" + j(FOUND).encode() + b"\n")
    parsed = list(read_file(path))
    assembly, rejected = run(parsed, total=3)
    assert [(e.line, e.field) for e in rejected] == [(2, None)]
    assert "UTF-8" in rejected[0].message
    assert assembly.episodes[0].state == "found"


def test_unreadable_file_is_its_own_error(tmp_path: Path) -> None:
    """CONTRACT §3 exit code 2: a file that cannot be opened is not a rejected event."""
    with pytest.raises(UnreadableFile):
        read_file(tmp_path / "missing.jsonl")


@pytest.mark.parametrize(
    ("at", "offset"),
    [
        ("2026-03-29T01:30:00", None),  # spring gap: never shown on London clocks
        ("2026-10-25T01:30:00", None),  # autumn fold: shown twice
        ("2026-03-29T00:59:59", "+00:00"),
        ("2026-03-29T02:00:00", "+01:00"),
        ("2026-10-25T00:59:59", "+01:00"),
        ("2026-10-25T02:00:00", "+00:00"),
    ],
)
def test_assume_tz_rejects_gap_and_fold(tmp_path: Path, at: str, offset: str | None) -> None:
    """CONTRACT §1: with `--assume-tz Europe/London` a naive local time is London time, except
    one in a spring gap or an autumn fold: that is rejected, never guessed."""
    path = tmp_path / "log.jsonl"
    path.write_text(j(at="2026-03-01T10:00:00") + "\n" + j(FOUND, at=at) + "\n", encoding="utf-8")
    without = [p for p in read_file(path) if isinstance(p, EventError)]
    assert [(e.line, e.field) for e in without] == [(1, "at"), (2, "at")]
    parsed = list(read_file(path, assume_tz="Europe/London"))
    events, errors = split(parsed)
    assert isinstance(events[0], Reported)
    if offset is None:
        assert [(e.line, e.field) for e in errors] == [(2, "at")]
        assert "ambiguous" in errors[0].message or "does not exist" in errors[0].message
    else:
        assert errors == []
        assert isinstance(events[1], Found)
        assert clock.iso(events[1].at) == f"{at}{offset}"


# --- property: the count and order independence ------------------------------------------------

_TIMES = [f"2026-03-0{d}T{h:02d}:00:00Z" for d in (2, 3) for h in (9, 10, 12)]
_FIELDS: dict[str, dict[str, Any]] = {
    "reported": {"child_id": "C1", "missing_from": "care", "responsible_authority": "309"},
    "found": {},
    "report_cancelled": {},
    "interview_offered": {},
    "interview_declined": {"declined_by": "child"},
    "interview_completed": {},
    "plan_made": {"actions": [{"kind": "other", "owner": "309"}]},
    "notified": {"party": "iro"},
}

_objects = st.one_of(
    st.builds(
        lambda t, e, at, c, drop: {
            "type": t,
            "episode_id": e,
            "at": at,
            **_FIELDS[t],
            **({"child_id": c} if c else {}),
            **({"at": None} if drop else {}),
        },
        st.sampled_from(sorted(_FIELDS)),
        st.sampled_from(["E1", "E2", "E3"]),
        st.sampled_from(_TIMES),
        st.sampled_from([None, "C1", "C2"]),
        st.sampled_from([False] * 9 + [True]),
    ),
    st.builds(
        lambda c, at, e: (
            {"type": "strategy_discussion", "child_id": c, "at": at}
            | ({"episode_id": e} if e else {})
        ),
        st.sampled_from(["C1", "C2", "C3"]),
        st.sampled_from(_TIMES),
        st.sampled_from([None, "E1", "E2"]),
    ),
    st.builds(lambda c: {"type": "child", "child_id": c}, st.sampled_from(["C1", "C3"])),
    st.sampled_from([{"type": "bogus"}, [], "x", {"type": "found"}]),
)


@settings(max_examples=150, deadline=None)
@given(objects=st.lists(_objects, max_size=25), seed=st.randoms(use_true_random=False))
def test_every_event_is_accepted_or_rejected_and_order_does_not_matter(
    objects: list[Any], seed: random.Random
) -> None:
    """CONTRACT §1: every event is accepted or rejected (events = accepted + rejected), and the
    result does not depend on the order of the lines."""
    parsed = list(read_objects(objects))
    assert len(parsed) == len(objects)
    assembly, rejected = run(parsed, total=len(objects))
    assert len({(e.file, e.line) for e in rejected}) == len(rejected)  # one error per event
    shuffled = parsed[:]
    seed.shuffle(shuffled)
    again, rejected_again = run(shuffled, total=len(objects))
    assert again.episodes == assembly.episodes
    assert again.strategy_discussions == assembly.strategy_discussions
    assert sorted(e.line for e in rejected_again) == sorted(e.line for e in rejected)
    assert again.errors == assembly.errors


@pytest.mark.parametrize("reverse", [False, True])
def test_same_instant_in_the_autumn_fold_sorts_by_lifecycle(reverse: bool) -> None:
    """CONTRACT §1 (order never matters): a report given in London time inside the autumn fold
    and a `found` at the same instant in UTC apply report first, whichever comes first (an aware
    fold time never compares == across zones, so sorting must compare instants in UTC)."""
    instant = dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC)
    in_fold = pendulum.instance(instant).in_timezone("Europe/London")
    assert in_fold.fold == 1
    report = Reported("E1", "C1", in_fold, MissingFrom.HOME, "309", origin=Source(2))
    found = Found("E1", pendulum.instance(instant), origin=Source(1))
    events: list[Event] = [found, report]
    assembly, rejected = run(reversed(events) if reverse else events, total=2)
    assert rejected == []
    assert [e.state for e in assembly.episodes] == ["found"]


# --- Episode's plain questions and ethnicity -------------------------------------------------


def _episode(lines: Sequence[str]) -> Episode:
    assembly, rejected = run(read_lines(lines), total=len(lines))
    assert rejected == []
    (episode,) = assembly.episodes
    return episode


def test_episode_times_and_duration_across_the_autumn_change() -> None:
    """PROTOCOL Definitions (episode; elapsed time): reported_at, found_at, and the duration
    missing on the real clock, 6 hours over a night when the clocks go back."""
    episode = _episode(
        [
            j(at="2026-10-24T22:00:00+01:00"),
            j(FOUND, at="2026-10-25T03:00:00+00:00"),
        ]
    )
    assert clock.iso(episode.reported_at) == "2026-10-24T22:00:00+01:00"
    assert episode.found_at is not None
    assert clock.iso(episode.found_at) == "2026-10-25T03:00:00+00:00"
    assert episode.duration == dt.timedelta(hours=6)
    assert episode.ended_at == episode.found_at
    assert not episode.is_open and not episode.is_cancelled
    assert (episode.episode_id, episode.child_id) == ("E1", "C1")


def test_open_and_cancelled_episodes() -> None:
    """PROTOCOL Definitions: an episode runs from `reported` to `found` or `report_cancelled`;
    a cancelled report has no duration missing."""
    still = _episode([j()])
    assert still.is_open and still.found_at is None and still.duration is None
    cancelled = _episode(
        [
            j(),
            j({"type": "report_cancelled", "episode_id": "E1", "at": "2026-03-02T11:00:00Z"}),
        ]
    )
    assert cancelled.is_cancelled and not cancelled.is_open
    assert cancelled.duration is None
    assert cancelled.ended_at is not None
    assert cancelled.ended_at.isoformat() == "2026-03-02T11:00:00+00:00"


@pytest.mark.parametrize(
    ("missing_from", "host", "looked_after", "out_of_area", "host_is"),
    [
        ("home", None, False, False, "309"),
        ("home", "210", False, False, "210"),
        ("care", None, True, False, "309"),
        ("care", "309", True, False, "309"),
        ("care", "210", True, True, "210"),
    ],
)
def test_authorities_looked_after_and_out_of_area(
    missing_from: str, host: str | None, looked_after: bool, out_of_area: bool, host_is: str
) -> None:
    """PROTOCOL Definitions: looked after = missing from care; placed out of area = looked
    after and host ≠ responsible; the host authority defaults to the responsible authority."""
    episode = _episode([j(missing_from=missing_from, host_authority=host)])
    assert episode.responsible_authority == "309"
    assert episode.host_authority == host_is
    assert episode.is_looked_after is looked_after
    assert episode.is_placed_out_of_area is out_of_area


@pytest.mark.parametrize(
    ("born", "found", "age"),
    [
        (None, "2026-03-02T20:00:00Z", None),
        ("2008-03-02", "2026-03-02T20:00:00Z", 18),
        ("2008-03-03", "2026-03-02T20:00:00Z", 17),
        # 23:30 UTC on 24 October is 00:30 on the 25th in London: the birthday has come.
        ("2008-10-25", "2026-10-24T23:30:00Z", 18),
        ("2008-10-25", "2026-10-24T22:30:00Z", 17),
        ("2012-02-29", "2026-02-28T12:00:00Z", 13),
        ("2012-02-29", "2026-03-01T12:00:00Z", 14),
    ],
)
def test_age_at_return(born: str | None, found: str, age: int | None) -> None:
    """PROTOCOL Definitions (child: under 18 at the moment of return): whole years on the
    London date of return; unknown without a birth date (rules then treat the child as under 18)."""
    child = j({"type": "child", "child_id": "C1", "born": born})
    reported_at = dt.datetime.fromisoformat(found) - dt.timedelta(hours=5)
    episode = _episode([child, j(at=reported_at.isoformat()), j(FOUND, at=found)])
    assert episode.age_at_return() == age
    assert (episode.child is not None) and episode.child.child_id == "C1"


def test_age_while_still_missing_is_age_at_report() -> None:
    """PROTOCOL Definitions: before the return the age is taken at the report."""
    episode = _episode([j({"type": "child", "child_id": "C1", "born": "2008-03-03"}), j()])
    assert episode.age_at_return() == 17


def test_notified_at_is_the_first_notification_of_a_party() -> None:
    """PROTOCOL NOTIFY-*: done when the party is notified; the first notification counts."""
    note = {"type": "notified", "episode_id": "E1", "party": "iro"}
    episode = _episode(
        [
            j(),
            j(note, at="2026-03-03T09:00:00Z"),
            j(note, at="2026-03-02T12:00:00Z"),
        ]
    )
    first = episode.notified_at("iro")
    assert first is not None and first.isoformat() == "2026-03-02T12:00:00+00:00"
    assert episode.notified_at("police") is None


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("BCRB", EthnicGroup.BLACK),
        ("BAFR", EthnicGroup.BLACK),
        ("CHNE", EthnicGroup.OTHER),
        ("OOTH", EthnicGroup.OTHER),
        ("REFU", EthnicGroup.REFUSED_OR_NOT_OBTAINED),
        ("NOBT", EthnicGroup.REFUSED_OR_NOT_OBTAINED),
        ("WBRI", EthnicGroup.WHITE),
        ("WROM", EthnicGroup.WHITE),
        ("MWBC", EthnicGroup.MIXED),
        ("AIND", EthnicGroup.ASIAN),
    ],
)
def test_ethnicity_major_groups(code: str, group: EthnicGroup) -> None:
    """CONTRACT §1 (`ethnicity`: DfE code): each code belongs to its DfE major group; Chinese
    is counted under Other, refused and not obtained together."""
    assert Ethnicity(code).group is group
    (child,) = read_lines([j({"type": "child", "child_id": "C1", "ethnicity": code})])
    assert isinstance(child, Child) and child.ethnicity == Ethnicity(code)


def test_every_ethnicity_code_has_a_group() -> None:
    """CONTRACT §1: the DfE codes are four capital letters, each in exactly one major group, and
    every group is used."""
    assert all(len(c) == 4 and c.isalpha() and c.isupper() for c in ETHNICITY_GROUPS)
    assert set(ETHNICITY_GROUPS.values()) == set(EthnicGroup)
    with pytest.raises(ValueError, match="ethnicity"):
        Ethnicity("bcrb")


@pytest.mark.parametrize("shape", ["lines", "array"])
def test_unnumbered_reading_shares_one_origin_and_keeps_rejected_lines(
    tmp_path: Path, shape: str
) -> None:
    """CONTRACT §1 reading for figures (`numbered=False`): the same events, equal field for
    field, each with the one origin `Source(0, file)`; a rejected line still names its line."""
    objects: list[Any] = [
        {"type": "reported", "episode_id": "E1", "child_id": "C1", "at": "2026-03-01T10:00:00Z"}
        | {"missing_from": "home", "responsible_authority": "309", "surprise": 1},
        {"type": "found", "episode_id": "E1", "at": "not a time"},
        {"type": "found", "episode_id": "E1", "at": "2026-03-01T12:00:00+00:00"},
    ]
    path = tmp_path / ("log.jsonl" if shape == "lines" else "log.json")
    if shape == "lines":
        path.write_text("".join(json.dumps(o) + "\n" for o in objects), encoding="utf-8")
    else:
        # One object a line after the opening bracket: the bad one is on line 3.
        path.write_text("[\n" + ",\n".join(map(json.dumps, objects)) + "\n]\n", encoding="utf-8")
    numbered = list(read_file(path))
    shared = list(read_file(path, numbered=False))
    assert shared == numbered  # provenance is not part of an event's identity
    events = [e for e in shared if not isinstance(e, EventError)]
    assert [e.origin for e in events] == [Source(0, str(path))] * 2
    assert len({id(e.origin) for e in events}) == 1
    first = 1 if shape == "lines" else 2
    assert [(e.line, e.field) for e in shared if isinstance(e, EventError)] == [(first + 1, "at")]
    assert [e.origin.line for e in numbered if not isinstance(e, EventError)] == [first, first + 2]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_an_overlapping_episode_rejects_every_event_it_took_by_line(seed: int) -> None:
    """PROTOCOL overlap rule: a report while the child's earlier episode is open is rejected,
    and so is every event that episode took (lifecycle events, notifications, even identical
    ones, and completed actions), each naming its own line, whatever the order of the lines."""
    e2 = {"episode_id": "E2"}
    lines = [
        j(),  # E1, still open
        j(**e2, at="2026-03-03T10:00:00Z"),
        j(FOUND, **e2, at="2026-03-03T12:00:00Z"),
        j({"type": "notified", **e2, "at": "2026-03-03T11:00:00Z", "party": "police"}),
        j({"type": "notified", **e2, "at": "2026-03-03T11:00:00Z", "party": "police"}),
        j({"type": "interview_offered", **e2, "at": "2026-03-04T10:00:00Z"}),
        j({"type": "interview_completed", **e2, "at": "2026-03-04T12:00:00Z"}),
        j(
            {"type": "plan_made", **e2, "at": "2026-03-05T10:00:00Z"},
            actions=[{"kind": "other", "owner": "309"}],
        ),
        j({"type": "action_completed", **e2, "at": "2026-03-06T10:00:00Z", "kind": "other"}),
    ]
    numbered = list(enumerate(lines, start=1))
    random.Random(seed).shuffle(numbered)
    parsed = [next(read_lines([text], first_line=number)) for number, text in numbered]
    events, rejected = split(parsed)
    assert rejected == []
    assembly = assemble(events)
    assert [e.episode_id for e in assembly.episodes] == ["E1"]
    assert assembly.accepted == 1
    assert [(e.line, e.field) for e in assembly.errors] == [(2, "at")] + [
        (line, "episode_id") for line in range(3, 10)
    ]
    assert "still missing in episode 'E1'" in assembly.errors[0].message
    assert {e.message for e in assembly.errors[1:]} == {
        "episode 'E2' was rejected (its report overlaps)"
    }


def test_the_api_takes_a_list_of_log_files_as_the_cli_takes_several(tmp_path: Path) -> None:
    """CONTRACT §1 "several files may be given": `check([Path, Path])` reads each file as
    `check FILE FILE` does, an error naming its own file and line, not each path as an event."""
    from missing_protocol import check

    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    reported = {"type": "reported", "episode_id": "E1", "child_id": "C1", "missing_from": "home"}
    first.write_text(
        json.dumps(reported | {"at": "2026-03-02T20:00:00Z", "responsible_authority": "309"}) + "\n"
    )
    second.write_text(
        '{"type": "found", "episode_id": "E1", "at": "2026-03-03T08:00:00Z"}\n{"type": "x"}\n'
    )
    both = check([first, second], as_of="2026-03-31")
    whole = tmp_path / "whole.jsonl"
    whole.write_text(first.read_text() + second.read_text())
    assert both.findings == check(whole, as_of="2026-03-31").findings
    assert both.counts.events == 3 and both.counts.rejected == 1
    [error] = both.errors
    assert (error.file, error.line, error.field) == (str(second), 2, "type")
