"""CONTRACT §3 (check output): the JSON shape, statuses, flags and exit codes of
`missing-protocol check`, driven through the real console script."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from contract_cli import (
    Event,
    cancelled,
    check,
    check_events,
    child,
    clean_home_episode,
    completed,
    finding,
    found,
    offered,
    reported,
    run,
    write_jsonl,
)

TOP_KEYS = {"as_of", "profile", "counts", "findings", "errors"}
COUNT_KEYS = {"events", "accepted", "rejected", "episodes", "children"}
FINDING_KEYS = {
    "rule",
    "status",
    "episode_id",
    "child_id",
    "responsible",
    "due",
    "done",
    "message",
    "source",
}
ERROR_KEYS = {"line", "field", "message"}
STATUSES = {"met", "late", "pending", "overdue", "breached", "not_required"}
PROBLEMS = {"late", "overdue", "breached"}


def _iso_with_offset(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def _mixed_log() -> list[Event | str]:
    """Met, late, pending-free overdue, breached and a rejected event."""
    return [
        *clean_home_episode("E1", "C1"),
        reported("E2", "2026-03-10T10:00:00Z", child_id="C2", missing_from="care"),
        found("E2", "2026-03-10T20:00:00Z"),
        offered("E2", "2026-03-15T09:00:00Z"),
        completed("E2", "2026-03-15T10:00:00Z", independent=False),
        offered("E404"),
    ]


def test_json_shape(tmp_path: Path) -> None:
    """CONTRACT §3: the JSON has as_of, profile, counts{events,accepted,rejected,episodes,
    children}, findings[{rule,status,episode_id,child_id,responsible,due,done,message,source}]
    and errors[{line,field,message}], with those types."""
    _, result = check_events(tmp_path, _mixed_log(), as_of="2026-03-31T23:59:59+01:00")
    assert set(result) == TOP_KEYS
    assert result["as_of"] == "2026-03-31T23:59:59+01:00"
    assert result["profile"] == "statutory"
    assert set(result["counts"]) == COUNT_KEYS
    assert all(isinstance(v, int) for v in result["counts"].values())
    assert result["counts"] == {
        "events": 10,
        "accepted": 9,
        "rejected": 1,
        "episodes": 2,
        "children": 2,
    }
    assert result["findings"]
    for f in result["findings"]:
        assert set(f) == FINDING_KEYS, f
        assert f["status"] in STATUSES
        assert isinstance(f["rule"], str) and f["rule"]
        assert f["episode_id"] in {"E1", "E2"}
        assert f["child_id"] == {"E1": "C1", "E2": "C2"}[f["episode_id"]]
        assert isinstance(f["responsible"], str) and f["responsible"]
        for key in ("due", "done"):
            assert f[key] is None or _iso_with_offset(f[key])
        assert isinstance(f["message"], str) and f["message"]
        assert isinstance(f["source"], str) and f["source"]
    assert len(result["errors"]) == 1
    error = result["errors"][0]
    # "file" is a documented optional addition (docs/contract.md).
    assert ERROR_KEYS <= set(error) <= ERROR_KEYS | {"file"}
    assert isinstance(error["line"], int)
    assert error["line"] == 10
    assert isinstance(error["field"], str)
    assert isinstance(error["message"], str) and error["message"]
    seen = {f["status"] for f in result["findings"]}
    assert {"met", "late", "breached", "overdue", "not_required"} <= seen


def test_clean_episode_shows_its_met_findings(tmp_path: Path) -> None:
    """CONTRACT §3: every rule that applies yields one finding, so a clean episode shows its
    `met` findings too; at most one finding per rule and episode."""
    code, result = check_events(tmp_path, clean_home_episode())
    rules = [f["rule"] for f in result["findings"]]
    assert len(rules) == len(set(rules))
    met = {f["rule"] for f in result["findings"] if f["status"] == "met"}
    assert {"RHI-OFFER", "RHI-72H", "RHI-INDEPENDENT", "PLAN-AFTER-RHI"} <= met
    assert code == 0


def test_only_problems(tmp_path: Path) -> None:
    """CONTRACT §3: `--only-problems` hides the `met` findings (docs: pending and not_required
    too); problems stay, counts and errors are unchanged."""
    log = write_jsonl(tmp_path / "log.jsonl", _mixed_log())
    code_all, full = check([log])
    code_some, some = check([log], "--only-problems")
    assert code_all == code_some == 1
    assert some["counts"] == full["counts"]
    assert some["errors"] == full["errors"]
    assert some["findings"] == [f for f in full["findings"] if f["status"] in PROBLEMS]
    assert some["findings"]


def test_as_of_defaults_to_now(tmp_path: Path) -> None:
    """CONTRACT §3: `--as-of` defaults to now: a return an hour ago is pending, one four days
    ago overdue, and `as_of` in the JSON is the present moment."""
    now = datetime.now(UTC).replace(microsecond=0)

    def stamp(moment: datetime) -> str:
        return moment.isoformat().replace("+00:00", "Z")

    events: list[Event | str] = [
        reported("E1", stamp(now - timedelta(hours=3)), child_id="C1"),
        found("E1", stamp(now - timedelta(hours=1))),
        reported("E2", stamp(now - timedelta(days=5)), child_id="C2"),
        found("E2", stamp(now - timedelta(days=4))),
    ]
    _, result = check_events(tmp_path, events, as_of=None)
    as_of = _iso_with_offset(result["as_of"])
    assert abs(as_of - now) < timedelta(minutes=5)
    assert finding(result, "RHI-72H", "E1")["status"] == "pending"
    assert finding(result, "RHI-72H", "E2")["status"] == "overdue"


def test_as_of_decides_pending_or_overdue(tmp_path: Path) -> None:
    """CONTRACT §3: `pending` = not done, deadline still ahead at `as_of`; `overdue` = passed."""
    log = write_jsonl(tmp_path / "log.jsonl", [reported("E1"), found("E1")])
    _, before = check([log], as_of="2026-03-05T19:59:59Z")
    _, after = check([log], as_of="2026-03-05T20:00:01Z")
    assert finding(before, "RHI-72H", "E1")["status"] == "pending"
    assert finding(after, "RHI-72H", "E1")["status"] == "overdue"
    assert finding(before, "RHI-72H", "E1")["due"] == "2026-03-05T20:00:00+00:00"


PLACED_OUT: list[Event | str] = [
    reported("E1", missing_from="care", host_authority="308"),
    found("E1"),
]


def test_profile_london(tmp_path: Path) -> None:
    """CONTRACT §3 / PROTOCOL 'Who owns the interview': `--profile london` is accepted, named in
    the JSON, and (with its reciprocal arrangement) makes the host own the interview of a child
    placed out of area."""
    log = write_jsonl(tmp_path / "log.jsonl", PLACED_OUT)
    _, statutory = check([log])
    _, london = check([log], "--profile", "london")
    assert statutory["profile"] == "statutory"
    assert london["profile"] == "london"
    assert finding(statutory, "RHI-72H", "E1")["responsible"] == "309"
    assert finding(london, "RHI-72H", "E1")["responsible"] == "308"


def test_profile_toml_path(tmp_path: Path) -> None:
    """CONTRACT §3 / PROTOCOL 'Profiles': `--profile PATH` takes a TOML file overriding any
    parameter."""
    toml = tmp_path / "borough.toml"
    toml.write_text('name = "borough"\n\n[parameters]\nrhi_within = "PT48H"\n', encoding="utf-8")
    _, result = check_events(tmp_path, [reported("E1"), found("E1")], "--profile", str(toml))
    assert result["profile"] == "borough"
    # Found 2026-03-02T20:00Z: 48 h, not 72 h.
    assert finding(result, "RHI-72H", "E1")["due"] == "2026-03-04T20:00:00+00:00"
    assert finding(result, "RHI-OFFER", "E1")["due"] == "2026-03-04T20:00:00+00:00"


# --- exit codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "code"),
    [
        (clean_home_episode(), 0),
        ([reported("E1"), cancelled("E1")], 0),
        ([reported("E1", "2026-12-31T10:00:00Z"), found("E1", "2026-12-31T12:00:00Z")], 0),
        ([reported("E1"), found("E1")], 1),
        ([reported("E1"), found("E1"), offered("E1", "2026-03-09T10:00:00Z")], 1),
        ([*clean_home_episode()[:3], completed("E1", independent=False)], 1),
        ([*clean_home_episode(), offered("E404")], 1),
        ([*clean_home_episode(), "not json"], 1),
    ],
    ids=[
        "all-met",
        "not-required",
        "pending",
        "overdue",
        "late",
        "breached",
        "rejected",
        "bad-line",
    ],
)
def test_exit_code_zero_or_one(tmp_path: Path, events: list[Event | str], code: int) -> None:
    """CONTRACT §3: exit 0 when nothing is late, overdue, breached or rejected; 1 when at least
    one late/overdue/breached finding or rejected event."""
    log = write_jsonl(tmp_path / "log.jsonl", events)
    proc = run("check", log, "--as-of", "2026-12-31T13:00:00Z", "--format", "json")
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    result: dict[str, Any] = json.loads(proc.stdout)
    statuses = {f["status"] for f in result["findings"]}
    assert (code == 1) == bool(statuses & PROBLEMS or result["errors"])
    # The text format exits the same way.
    assert run("check", log, "--as-of", "2026-12-31T13:00:00Z").returncode == code
    assert (
        run("check", log, "--as-of", "2026-12-31T13:00:00Z", "--only-problems").returncode == code
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus-option"],
        ["--format", "xml"],
        ["--profile", "no-such-profile"],
        ["--as-of", "next tuesday"],
        ["--assume-tz", "Not/AZone"],
    ],
    ids=["unknown-option", "bad-format", "bad-profile", "bad-as-of", "bad-assume-tz"],
)
def test_exit_code_two_on_usage_error(tmp_path: Path, args: list[str]) -> None:
    """CONTRACT §3: exit 2 on a usage error (bad option or value), with nothing on stdout."""
    log = write_jsonl(tmp_path / "log.jsonl", clean_home_episode())
    proc = run("check", log, "--format", "json", *args)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.strip()


def test_exit_code_two_on_unreadable_file(tmp_path: Path) -> None:
    """CONTRACT §3: exit 2 on an unreadable file: missing, a directory, or (when not root)
    a file without read permission; also when a good file comes with it."""
    good = write_jsonl(tmp_path / "good.jsonl", clean_home_episode())
    cases: list[list[str | Path]] = [
        [tmp_path / "missing.jsonl"],
        [good, tmp_path / "missing.jsonl"],
        [tmp_path],
    ]
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        locked = write_jsonl(tmp_path / "locked.jsonl", clean_home_episode())
        locked.chmod(0)
        cases.append([locked])
    for files in cases:
        proc = run("check", *files, "--format", "json", "--as-of", "2026-12-31")
        assert proc.returncode == 2, (files, proc.stdout, proc.stderr)
        assert proc.stderr.strip()


def test_exit_code_two_on_missing_file_argument() -> None:
    """CONTRACT §3: `check` without FILE is a usage error."""
    assert run("check").returncode == 2


def test_bad_profile_toml_is_a_usage_error(tmp_path: Path) -> None:
    """CONTRACT §3 (docs/contract.md 'Profiles'): a bad profile file exits 2."""
    toml = tmp_path / "bad.toml"
    toml.write_text('[parameters]\nrhi_within = "soon"\n', encoding="utf-8")
    log = write_jsonl(tmp_path / "log.jsonl", clean_home_episode())
    assert run("check", log, "--profile", toml).returncode == 2
    assert run("check", log, "--profile", tmp_path / "absent.toml").returncode == 2


def test_text_format_is_the_default(tmp_path: Path) -> None:
    """CONTRACT §3: `--format text|json`; text is readable, not JSON, and names the counts."""
    log = write_jsonl(tmp_path / "log.jsonl", [child("C1"), reported("E1"), found("E1")])
    proc = run("check", log, "--as-of", "2026-12-31")
    assert proc.returncode == 1
    assert "RHI-72H" in proc.stdout
    with pytest.raises(json.JSONDecodeError):
        json.loads(proc.stdout)
    text = run("check", log, "--as-of", "2026-12-31", "--format", "text")
    assert text.stdout == proc.stdout


def test_errors_sorted_by_file_then_line(tmp_path: Path) -> None:
    """CONTRACT §3 errors [{line, field, message}] (docs/contract.md: sorted by file, then line,
    whatever the order of the files on the command line)."""
    late = write_jsonl(tmp_path / "zz.jsonl", [{"type": "x"}, {"type": "y"}])
    early = write_jsonl(tmp_path / "aa.jsonl", [{"type": "q"}, "", {"type": "w"}])
    _, result = check([late, early])
    assert [(Path(e["file"]).name, e["line"]) for e in result["errors"]] == [
        ("aa.jsonl", 1),
        ("aa.jsonl", 3),
        ("zz.jsonl", 1),
        ("zz.jsonl", 2),
    ]
