"""CONTRACT §1 (event log input), driven through the real `missing-protocol check` script."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from contract_cli import (
    Event,
    assert_counts_balance,
    cancelled,
    check,
    check_events,
    child,
    clean_home_episode,
    completed,
    declined,
    finding,
    found,
    notified,
    offered,
    plan,
    reported,
    strategy,
    write_jsonl,
)

# One event of every type with only its required fields (CONTRACT §1 table).
REQUIRED_ONLY: list[Event] = [
    child("C1"),
    reported("E1", "2026-03-02T10:00:00Z"),
    found("E1", "2026-03-02T20:00:00Z"),
    offered("E1", "2026-03-03T09:00:00Z"),
    completed("E1", "2026-03-04T10:00:00Z"),
    plan("E1", "2026-03-05T10:00:00Z"),
    notified("E1", "2026-03-02T11:00:00Z", "police"),
    strategy("C1", "2026-03-02T12:00:00Z"),
    reported("E2", "2026-04-02T10:00:00Z"),
    found("E2", "2026-04-02T20:00:00Z"),
    offered("E2", "2026-04-03T09:00:00Z"),
    declined("E2", "2026-04-03T10:00:00Z", "parent"),
    reported("E3", "2026-05-02T10:00:00Z"),
    cancelled("E3", "2026-05-02T11:00:00Z"),
]

# The same types with every optional field given (CONTRACT §1 table).
ALL_OPTIONAL: list[Event] = [
    child(
        "C1",
        born="2011-06-30",
        sex="female",
        ethnicity="BCRB",
        looked_after_by="309",
        placed_in="308",
    ),
    child("C2", born="2012-01-01", sex="male", ethnicity="WBRI", looked_after_by=None),
    child("C3", sex="other"),
    child("C4", sex="unknown"),
    reported(
        "E1",
        "2026-03-02T10:00:00+00:00",
        missing_from="care",
        host_authority="308",
        risk="high",
        location={"name": "Wood Green", "lat": 51.597, "lon": -0.109},
    ),
    found(
        "E1", "2026-03-02T20:00:00Z", location="Tottenham Hale station", found_in_authority="308"
    ),
    offered("E1", "2026-03-03T09:00:00Z", provider="Runaway Helpline", independent=True),
    completed(
        "E1",
        "2026-03-04T10:00:00Z",
        independent=True,
        reasons=["conflict at placement"],
        risks=["cse", "cce", "mental_health"],
    ),
    plan(
        "E1",
        "2026-03-05T10:00:00Z",
        actions=[
            {"kind": "mental_health_referral", "owner": "309"},
            {"kind": "family_network", "owner": "308"},
            {"kind": "disruption", "owner": "police"},
            {"kind": "education", "owner": "309"},
            {"kind": "other", "owner": "309"},
        ],
        due="2026-03-20T17:00:00Z",
    ),
    notified("E1", "2026-03-02T10:30:00Z", "host_authority"),
    notified("E1", "2026-03-02T10:40:00Z", "responsible_authority"),
    notified("E1", "2026-03-02T10:50:00Z", "iro"),
    notified("E1", "2026-03-02T11:00:00Z", "parent"),
    notified("E1", "2026-03-02T11:10:00Z", "police"),
    strategy("C1", "2026-03-02T12:00:00Z", episode_id="E1"),
    reported("E2", "2026-03-02T10:00:00+01:00", child_id="C2", risk="medium", location="Home"),
    found("E2", "2026-03-02T20:00:00Z"),
    offered("E2", "2026-03-03T09:00:00Z", independent=False),
    declined("E2", "2026-03-03T12:00:00Z", "child", reason="does not want to talk"),
    reported("E3", "2026-03-02T10:00:00Z", child_id="C3", risk="low"),
    cancelled("E3", "2026-03-02T11:00:00Z", reason="was at a friend's, not missing"),
    reported("E4", "2026-03-02T10:00:00Z", child_id="C4", risk="no_apparent_risk"),
]


def test_every_type_with_required_fields_only_is_accepted(tmp_path: Path) -> None:
    """CONTRACT §1: each `type` with only its required fields is an accepted event."""
    _, result = check_events(tmp_path, REQUIRED_ONLY)
    assert result["errors"] == []
    assert result["counts"]["events"] == len(REQUIRED_ONLY)
    assert result["counts"]["accepted"] == len(REQUIRED_ONLY)
    assert result["counts"]["episodes"] == 3
    assert result["counts"]["children"] == 1


def test_every_optional_field_is_accepted(tmp_path: Path) -> None:
    """CONTRACT §1: the optional fields of every type (and a location object) are accepted."""
    _, result = check_events(tmp_path, ALL_OPTIONAL)
    assert result["errors"] == []
    assert result["counts"]["accepted"] == len(ALL_OPTIONAL)
    assert result["counts"]["episodes"] == 4
    assert result["counts"]["children"] == 4


def test_host_authority_defaults_to_responsible(tmp_path: Path) -> None:
    """CONTRACT §1: `host_authority` defaults to `responsible_authority` (not placed out of area)."""
    _, result = check_events(tmp_path, [reported("E1", missing_from="care")])
    assert finding(result, "NOTIFY-HOST", "E1")["status"] == "not_required"


def test_child_record_may_come_anywhere(tmp_path: Path) -> None:
    """CONTRACT §1: a `child` record is optional and may come anywhere in the file."""
    episode = [reported("E1"), found("E1", "2026-03-02T20:00:00Z")]
    # 18 on the day of return: RHI duties are not required.
    record = child("C1", born="2008-03-02")
    _, before = check_events(tmp_path, [record, *episode])
    _, after = check_events(tmp_path, [*episode, record])
    assert before == after
    assert finding(after, "RHI-72H", "E1")["status"] == "not_required"


# --- malformed events: one rejected event each, with line and field -----------------------

GOOD_PREFIX: list[Event] = [reported("E1"), found("E1")]


def _drop(event: Event, field: str) -> Event:
    return {k: v for k, v in event.items() if k != field}


REQUIRED_FIELDS: list[tuple[Event, str]] = [
    (child("C9"), "child_id"),
    *[
        (reported("E9", child_id="C9"), f)
        for f in ("episode_id", "child_id", "at", "missing_from", "responsible_authority")
    ],
    (offered("E1"), "episode_id"),
    (offered("E1"), "at"),
    (declined("E1"), "declined_by"),
    (completed("E1"), "at"),
    (plan("E1"), "actions"),
    (cancelled("E1"), "at"),
    (strategy("C1"), "child_id"),
    (strategy("C1"), "at"),
    (notified("E1"), "party"),
    (notified("E1"), "episode_id"),
]


@pytest.mark.parametrize(
    ("event", "field"),
    REQUIRED_FIELDS,
    ids=[f"{e['type']}-{f}" for e, f in REQUIRED_FIELDS],
)
def test_missing_required_field_is_one_rejected_event(
    tmp_path: Path, event: Event, field: str
) -> None:
    """CONTRACT §1: a missing required field is a rejected event naming line and field."""
    _, result = check_events(tmp_path, [*GOOD_PREFIX, _drop(event, field)])
    assert_counts_balance(result)
    assert result["counts"]["rejected"] == 1
    error = result["errors"][0]
    assert error["line"] == 3
    assert error["field"] == field
    assert error["message"]


# A found episode E1 (lines 1-2), then one bad event on line 3.
WRONG_VALUES: list[tuple[str, Event, str]] = [
    (
        "unknown-type",
        {"type": "went_missing", "episode_id": "E1", "at": "2026-03-03T09:00:00Z"},
        "type",
    ),
    ("sex", child("C1", sex="boy"), "sex"),
    ("born-not-a-date", child("C1", born="last spring"), "born"),
    ("missing_from", reported("E9", child_id="C9", missing_from="school"), "missing_from"),
    ("risk", reported("E9", child_id="C9", risk="very_high"), "risk"),
    ("declined_by", declined("E1", by="social_worker"), "declined_by"),
    ("party", notified("E1", party="school"), "party"),
    ("at-not-a-time", offered("E1", at="tomorrow"), "at"),
    ("independent-not-bool", completed("E1", independent="perhaps"), "independent"),
    ("naive-at", offered("E1", at="2026-03-03T09:00:00"), "at"),
]


@pytest.mark.parametrize(
    ("event", "field"), [(e, f) for _, e, f in WRONG_VALUES], ids=[i for i, _, _ in WRONG_VALUES]
)
def test_wrong_value_is_one_rejected_event(tmp_path: Path, event: Event, field: str) -> None:
    """CONTRACT §1: unknown `type`, a wrong enum value or a bad/naive time is one rejected event
    with its line and field; the rest of the log is still checked."""
    code, result = check_events(tmp_path, [*GOOD_PREFIX, event])
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["events"] == 3
    assert result["counts"]["accepted"] == 2
    assert result["counts"]["rejected"] == 1
    error = result["errors"][0]
    assert error["line"] == 3
    assert error["field"] == field
    assert error["message"]
    # The run did not stop: the good episode is still judged.
    assert finding(result, "RHI-72H", "E1")["status"] == "overdue"


def test_action_kind_outside_the_list_is_rejected(tmp_path: Path) -> None:
    """CONTRACT §1: `actions` kinds are mental_health_referral, family_network, disruption,
    education, other; any other kind is a wrong value (a rejected event naming the action)."""
    events = [
        *GOOD_PREFIX,
        offered("E1"),
        completed("E1"),
        plan("E1", actions=[{"kind": "holiday", "owner": "309"}]),
    ]
    _, result = check_events(tmp_path, events)
    assert_counts_balance(result)
    assert [e["line"] for e in result["errors"]] == [5]
    assert result["errors"][0]["field"].startswith("actions")


def test_naive_time_accepted_with_assume_tz(tmp_path: Path) -> None:
    """CONTRACT §1: with `--assume-tz Europe/London` a naive `at` is read as London time."""
    events = [
        reported("E1", "2026-06-01T10:00:00"),
        found("E1", "2026-06-01T18:00:00"),
    ]
    _, result = check_events(tmp_path, events, "--assume-tz", "Europe/London")
    assert result["errors"] == []
    # Found 18:00 BST = 17:00Z; 72 h later is 2026-06-04T17:00Z = 18:00+01:00.
    assert finding(result, "RHI-72H", "E1")["due"] == "2026-06-04T18:00:00+01:00"


@pytest.mark.parametrize(
    "local",
    ["2026-03-29T01:30:00", "2026-10-25T01:30:00"],
    ids=["spring-gap", "autumn-fold"],
)
def test_assume_tz_never_guesses_gap_or_fold(tmp_path: Path, local: str) -> None:
    """CONTRACT §1: with --assume-tz Europe/London a local time in the spring gap (does not
    exist) or the autumn fold (ambiguous) is still rejected, never guessed."""
    events = [reported("E1", "2026-03-20T10:00:00Z"), found("E1", "2026-03-20T12:00:00Z")]
    events.append(notified("E1", local, "parent"))
    code, result = check_events(tmp_path, events, "--assume-tz", "Europe/London")
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["rejected"] == 1
    assert result["errors"][0]["line"] == 3
    assert result["errors"][0]["field"] == "at"


def test_event_for_unknown_episode_is_rejected(tmp_path: Path) -> None:
    """CONTRACT §1: an event for an unknown episode is a rejected event."""
    code, result = check_events(tmp_path, [*GOOD_PREFIX, offered("E404")])
    assert code == 1
    assert_counts_balance(result)
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(3, "episode_id")]


@pytest.mark.parametrize(
    ("events", "bad_line"),
    [
        ([reported("E1"), plan("E1")], 2),
        ([reported("E1"), completed("E1")], 2),
        ([reported("E1"), found("E1"), found("E1", "2026-03-02T21:00:00Z")], 3),
        ([*GOOD_PREFIX, cancelled("E1", "2026-03-02T22:00:00Z")], 3),
        ([*GOOD_PREFIX, offered("E1"), completed("E1"), declined("E1", "2026-03-04T11:00:00Z")], 5),
    ],
    ids=[
        "plan-before-found",
        "interview-before-found",
        "found-twice",
        "cancel-after-found",
        "decline-after-complete",
    ],
)
def test_illegal_transition_is_rejected(tmp_path: Path, events: list[Event], bad_line: int) -> None:
    """CONTRACT §1/§2: an event the lifecycle does not allow at that point is rejected."""
    code, result = check_events(tmp_path, events)
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["rejected"] == 1
    assert result["errors"][0]["line"] == bad_line
    assert result["errors"][0]["field"] in {"type", "at"}


def test_second_report_while_first_episode_open_is_rejected(tmp_path: Path) -> None:
    """CONTRACT §1, PROTOCOL 'Repeat and overlapping episodes': a second `reported` for the same
    child before the first episode's `found` is a rejected event."""
    events = [
        reported("E1"),
        reported("E2", "2026-03-03T10:00:00Z"),
        found("E1", "2026-03-04T10:00:00Z"),
    ]
    code, result = check_events(tmp_path, events)
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["rejected"] == 1
    error = result["errors"][0]
    assert error["line"] == 2
    assert error["field"] in {"child_id", "episode_id", "at", "type"}
    assert result["counts"]["episodes"] == 1


def test_invalid_json_line_is_rejected_not_fatal(tmp_path: Path) -> None:
    """CONTRACT §1: a bad line never stops the run and never silently disappears."""
    code, result = check_events(tmp_path, [*clean_home_episode(), "{not json", "[1, 2]"])
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"] == {**result["counts"], "events": 7, "accepted": 5, "rejected": 2}
    assert [e["line"] for e in result["errors"]] == [6, 7]


def test_counts_balance_on_a_mixed_log(tmp_path: Path) -> None:
    """CONTRACT §1: `counts.events == accepted + rejected` on a log with several bad events."""
    events: list[Event | str] = [
        *clean_home_episode("E1"),
        {"type": "nonsense"},
        offered("E404"),
        reported("E2", "2026-04-01T10:00:00", child_id="C2"),
        {"episode_id": "E1"},
        "42",
    ]
    _, result = check_events(tmp_path, events)
    assert_counts_balance(result)
    assert result["counts"]["events"] == 10
    assert result["counts"]["accepted"] == 5
    assert result["counts"]["rejected"] == 5


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    """CONTRACT §1: blank lines are ignored (not events, not errors); line numbers still count
    them."""
    events: list[Event | str] = ["", reported("E1"), "   ", "", found("E1"), "\t"]
    _, result = check_events(tmp_path, [*events, offered("E404")])
    assert result["counts"]["events"] == 3
    assert result["counts"]["accepted"] == 2
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(7, "episode_id")]


def test_json_array_file_gives_the_same_result(tmp_path: Path) -> None:
    """CONTRACT §1: a JSON array file (`.json`) holding the same objects is also accepted."""
    events = [*ALL_OPTIONAL]
    _, from_lines = check([write_jsonl(tmp_path / "log.jsonl", events)])
    array = tmp_path / "log.json"
    array.write_text(json.dumps(events, indent=2), encoding="utf-8")
    _, from_array = check([array])
    assert from_array["errors"] == []
    assert from_array["counts"] == from_lines["counts"]
    assert from_array["findings"] == from_lines["findings"]


def test_json_array_file_rejects_with_a_line(tmp_path: Path) -> None:
    """CONTRACT §1: in a `.json` file too, a bad object is a rejected event with a line."""
    array = tmp_path / "log.json"
    array.write_text(
        "[\n" + json.dumps(reported("E1")) + ",\n" + json.dumps(offered("E404")) + "\n]\n",
        encoding="utf-8",
    )
    code, result = check([array])
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["events"] == 2
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(3, "episode_id")]


def _scenario() -> list[Event]:
    """Three children, same-moment events, overlaps, a rejected event: a log with corners."""
    return [
        child("C1", born="2012-01-01"),
        reported(
            "E1", "2026-03-01T10:00:00Z", missing_from="care", host_authority="308", risk="high"
        ),
        found("E1", "2026-03-02T10:00:00Z"),
        offered("E1", "2026-03-02T10:00:00Z"),
        completed("E1", "2026-03-06T10:00:00Z", independent=False),
        notified("E1", "2026-03-01T11:00:00Z", "host_authority"),
        strategy("C1", "2026-03-01T15:00:00Z"),
        reported("E2", "2026-03-10T10:00:00Z", child_id="C2"),
        reported("E3", "2026-03-11T10:00:00Z", child_id="C2"),
        found("E2", "2026-03-12T10:00:00Z"),
        offered("E2", "2026-03-12T12:00:00Z"),
        declined("E2", "2026-03-12T13:00:00Z"),
        reported("E4", "2026-03-20T10:00:00Z", child_id="C3"),
        cancelled("E4", "2026-03-20T10:30:00Z"),
        notified("E4", "2026-03-20T11:00:00Z", "parent"),
        reported("E5", "2026-03-25T10:00:00Z", child_id="C1"),
    ]


def test_lines_in_any_order_give_the_same_result(tmp_path: Path) -> None:
    """CONTRACT §1: lines may come in any order; each episode's events are ordered by time, so
    the result never depends on file order."""
    events = _scenario()
    _, expected = check_events(tmp_path, events)
    assert expected["counts"]["rejected"] == 1
    rng = random.Random(20260301)
    for attempt in range(3):
        shuffled = events[:]
        rng.shuffle(shuffled)
        if attempt == 0:
            shuffled.reverse()
        _, result = check([write_jsonl(tmp_path / f"shuffled{attempt}.jsonl", shuffled)])
        assert result["counts"] == expected["counts"]
        assert result["findings"] == expected["findings"]
        assert [(e["field"], e["message"]) for e in result["errors"]] == [
            (e["field"], e["message"]) for e in expected["errors"]
        ]


def test_several_files_are_one_log(tmp_path: Path) -> None:
    """CONTRACT §1/§3: several files may be given; the result is that of the one log, in any
    file order."""
    events = _scenario()
    _, whole = check([write_jsonl(tmp_path / "all.jsonl", events)])
    first = write_jsonl(tmp_path / "a.jsonl", events[::2])
    second = tmp_path / "b.json"
    second.write_text(json.dumps(events[1::2]), encoding="utf-8")
    _, split = check([first, second])
    _, swapped = check([second, first])
    for result in (split, swapped):
        assert result["counts"] == whole["counts"]
        assert result["findings"] == whole["findings"]
        assert_counts_balance(result)


def _array_file(path: Path, chunks: list[bytes]) -> Path:
    """A JSON array file, one element per line, written byte for byte."""
    path.write_bytes(b"[\n" + b",\n".join(chunks) + b"\n]\n")
    return path


def _encoded(event: Event) -> bytes:
    return json.dumps(event).encode("utf-8")


ARRAY_EPISODE = [reported("E1"), found("E1"), offered("E1"), completed("E1"), plan("E1")]


@pytest.mark.parametrize(
    "bad",
    [b"{bad}", b'{"type": "found", "episode_id": "E9", "at": }', b"nonsense", b'[1, {"a" 2}]'],
    ids=["bare-key", "missing-value", "bare-word", "broken-nested"],
)
def test_json_array_bad_object_does_not_swallow_the_rest(tmp_path: Path, bad: bytes) -> None:
    """CONTRACT §1: a bad event never stops the run and never silently disappears: in a JSON
    array file, the objects after a malformed one are still read (events = accepted +
    rejected, as for the same objects in JSON Lines)."""
    chunks = [_encoded(ARRAY_EPISODE[0]), _encoded(ARRAY_EPISODE[1]), bad]
    chunks += [_encoded(e) for e in ARRAY_EPISODE[2:]]
    code, result = check([_array_file(tmp_path / "log.json", chunks)])
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["events"] == 6
    assert result["counts"]["accepted"] == 5
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(4, None)]
    assert finding(result, "PLAN-AFTER-RHI", "E1")["status"] == "met"


def test_json_array_bad_utf8_is_one_rejected_object(tmp_path: Path) -> None:
    """CONTRACT §1 (UTF-8; never silently disappears): a byte that is not UTF-8 inside one
    object of a JSON array file rejects that object only, as a bad line does in JSON Lines."""
    bad = b'{"type": "child", "child_id": "C\xff"}'
    chunks = [_encoded(ARRAY_EPISODE[0]), _encoded(ARRAY_EPISODE[1]), bad]
    chunks += [_encoded(e) for e in ARRAY_EPISODE[2:]]
    code, result = check([_array_file(tmp_path / "log.json", chunks)])
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["events"] == 6
    assert result["counts"]["accepted"] == 5
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(4, None)]
    lines = tmp_path / "log.jsonl"
    lines.write_bytes(b"\n".join(chunks) + b"\n")
    _, from_lines = check([lines])
    assert from_lines["counts"] == result["counts"]
    assert from_lines["findings"] == result["findings"]


def test_json_array_truncated_keeps_what_came_before(tmp_path: Path) -> None:
    """CONTRACT §1: a truncated JSON array file keeps the objects read before the break and
    reports the break as a rejected event."""
    path = tmp_path / "log.json"
    path.write_bytes(b"[\n" + _encoded(reported("E1")) + b',\n{"type": "found", "episode_id": ')
    code, result = check([path])
    assert code == 1
    assert_counts_balance(result)
    assert result["counts"]["accepted"] == 1
    assert result["counts"]["rejected"] == 1
    assert result["errors"][0]["line"] == 3


@pytest.mark.parametrize(
    ("local", "accepted"),
    [
        ("2026-03-29T00:59:59", True),
        ("2026-03-29T01:00:00", False),
        ("2026-03-29T01:59:59", False),
        ("2026-03-29T02:00:00", True),
        ("2026-10-25T00:59:59", True),
        ("2026-10-25T01:00:00", False),
        ("2026-10-25T01:59:59", False),
        ("2026-10-25T02:00:00", True),
    ],
)
def test_assume_tz_gap_and_fold_edges(tmp_path: Path, local: str, accepted: bool) -> None:
    """CONTRACT §1: with --assume-tz Europe/London only the local times that do not exist
    (01:00-01:59 on 29 March 2026) or are ambiguous (01:00-01:59 on 25 October 2026) are
    rejected; the times on either side are read."""
    _, result = check_events(tmp_path, [reported("E1", local)], "--assume-tz", "Europe/London")
    assert result["counts"]["accepted"] == int(accepted)
    if not accepted:
        assert [(e["line"], e["field"]) for e in result["errors"]] == [(1, "at")]


def test_explicit_offsets_in_the_fold_are_ordered_by_real_time(tmp_path: Path) -> None:
    """CONTRACT §1: `at` with an offset is an instant: 01:10+00:00 comes after 01:30+01:00 (the
    autumn fold), so this return is after the report."""
    events = [reported("E1", "2026-10-25T01:30:00+01:00"), found("E1", "2026-10-25T01:10:00+00:00")]
    _, result = check_events(tmp_path, events, "--assume-tz", "Europe/London")
    assert result["errors"] == []
    assert finding(result, "RHI-72H", "E1")["due"] == "2026-10-28T01:10:00+00:00"
