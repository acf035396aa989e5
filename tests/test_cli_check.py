"""`missing-protocol check`, `due` and `rules` through the real console script (CONTRACT §3)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from builders import (
    completed,
    found,
    offered,
    placed_out_of_area,
    plan,
    reported,
    run_cli,
    shipped_schema,
    strategy,
)
from missing_protocol import REGISTRY

RESULT_SCHEMA = shipped_schema("check-result.schema.json")
PROTOCOL_RULES = [
    "RHI-OFFER",
    "RHI-72H",
    "RHI-INDEPENDENT",
    "NOTIFY-HOST",
    "NOTIFY-RESPONSIBLE",
    "NOTIFY-IRO",
    "STRAT-HIGH-RISK",
    "STRAT-LONG",
    "STRAT-REPEAT",
    "PLAN-AFTER-RHI",
]
SUMMARY = re.compile(
    r"^as of \S+ \((?P<profile>[^)]+)\): (?P<events>\d+) events, (?P<accepted>\d+) accepted, "
    r"(?P<rejected>\d+) rejected, (?P<episodes>\d+) episodes, (?P<children>\d+) children; "
    r"findings: \d+ met, \d+ late, \d+ pending, \d+ overdue, \d+ breached, \d+ not_required$"
)

CLEAN = [
    reported("E1", "2026-03-02T20:00:00Z"),
    found("E1", "2026-03-03T08:00:00Z"),
    offered("E1", "2026-03-03T12:00:00Z"),
    completed("E1", "2026-03-04T12:00:00Z"),
    plan("E1", "2026-03-05T12:00:00Z"),
]
OPEN_DUTIES = [
    # Placed out of area and still missing: notifications and STRAT-LONG fall due in turn.
    placed_out_of_area("E2", "2026-03-10T20:00:00Z") | {"child_id": "C2"},
    reported("E3", "2026-03-11T09:00:00Z", child_id="C3", risk="high"),
    strategy("C3", "2026-03-10T09:00:00Z"),  # before the report: serves nothing
]


def write(path: Path, events: list[dict[str, Any]], *extra_lines: str) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events) + "".join(extra_lines), "utf-8")
    return path


@pytest.fixture
def clean(tmp_path: Path) -> Path:
    return write(tmp_path / "clean.jsonl", CLEAN)


def summary(stdout: str) -> dict[str, str]:
    last = stdout.rstrip("\n").splitlines()[-1]
    match = SUMMARY.match(last)
    assert match, last
    return match.groupdict()


# --- exit codes ------------------------------------------------------------------------------


def test_exit_0_when_nothing_is_late_overdue_breached_or_rejected(clean: Path) -> None:
    result = run_cli("check", str(clean), "--as-of", "2026-03-20")
    assert result.returncode == 0, result.stderr
    assert summary(result.stdout) == {
        "profile": "statutory",
        "events": "5",
        "accepted": "5",
        "rejected": "0",
        "episodes": "1",
        "children": "1",
    }
    # The default text lists problems only (none here); --all lists the met findings too.
    assert "RHI-72H" not in result.stdout
    everything = run_cli("check", str(clean), "--as-of", "2026-03-20", "--all")
    assert re.search(r"met\s+RHI-72H", everything.stdout)
    assert "\x1b[" not in everything.stdout + everything.stderr  # piped: no colour, no progress


def test_exit_1_on_an_overdue_finding(tmp_path: Path) -> None:
    path = write(tmp_path / "log.jsonl", CLEAN[:2])
    result = run_cli("check", str(path), "--as-of", "2026-03-20")
    assert result.returncode == 1
    assert re.search(r"overdue\s+RHI-OFFER", result.stdout)
    assert "episode E1 (child C1" in result.stdout
    assert summary(result.stdout)["episodes"] == "1"


def test_exit_1_on_a_rejected_event_naming_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "log.jsonl",
        CLEAN,
        json.dumps({"type": "found", "episode_id": "E1", "at": "2026-03-02 20:00"}) + "\n",
    )
    result = run_cli("check", str(path), "--as-of", "2026-03-20", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    jsonschema.validate(data, RESULT_SCHEMA)
    assert [(e["line"], e["field"], e["file"]) for e in data["errors"]] == [(6, "at", str(path))]
    assert data["counts"] == {
        "events": 6,
        "accepted": 5,
        "rejected": 1,
        "episodes": 1,
        "children": 1,
    }
    assert all(f["status"] in ("met", "not_required") for f in data["findings"])
    text = run_cli("check", str(path), "--as-of", "2026-03-20")
    assert f"{path}:6  at:" in text.stdout
    assert text.returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "{clean}", "--bogus"], "No such option"),
        (["check", "{clean}", "--format", "xml"], "--format"),
        (["check", "{missing}"], "cannot read"),
        (["check", "{dir}"], "is a directory"),
        (["check", "{clean}", "--as-of", "next tuesday"], "--as-of"),
        (["check", "{clean}", "--as-of", "2026-02-30"], "--as-of"),
        (["check", "{clean}", "--profile", "paris"], "unknown profile 'paris'"),
        (["check", "{clean}", "--assume-tz", "Mars/Olympus"], "--assume-tz"),
        (["check"], "Missing argument"),
        (["due", "{clean}", "--within", "soon"], "--within"),
        (["rules", "--as-of", "tomorrow"], "--as-of"),
    ],
    ids=[
        "bad-option",
        "bad-format",
        "unreadable-file",
        "directory",
        "bad-as-of",
        "impossible-as-of",
        "unknown-profile",
        "bad-zone",
        "no-file",
        "bad-within",
        "rules-bad-as-of",
    ],
)
def test_exit_2_on_a_usage_error(
    tmp_path: Path, clean: Path, args: list[str], message: str
) -> None:
    names = {"clean": str(clean), "missing": str(tmp_path / "nope.jsonl"), "dir": str(tmp_path)}
    result = run_cli(*(a.format(**names) for a in args))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    # CONTRACT §3 (a usage error): one line, whoever found it, click or the command.
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("missing-protocol: error:")


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[parameters]\nrhi_whithin = "PT72H"\n', "'rhi_whithin'"),
        ('[parameters]\nrhi_within = "three days"\n', "'rhi_within'"),
        (
            "[[versions]]\neffective_from = 2026-07-01\nmax_age = 21\n"
            "[[versions]]\neffective_from = 2026-07-01\nmax_age = 25\n",
            "'effective_from'",
        ),
    ],
    ids=["unknown-key", "bad-duration", "overlapping-versions"],
)
def test_exit_2_on_a_bad_profile_naming_the_key(
    tmp_path: Path, clean: Path, toml: str, key: str
) -> None:
    profile = tmp_path / "bad.toml"
    profile.write_text(toml, "utf-8")
    result = run_cli("check", str(clean), "--profile", str(profile))
    assert result.returncode == 2
    assert key in result.stderr
    assert str(profile) in result.stderr


# --- JSON output -----------------------------------------------------------------------------


def test_json_output_validates_and_has_the_dst_deadline(tmp_path: Path) -> None:
    """RHI-72H: reported 10:00 BST on Saturday 2026-10-24, found 12:00; the clocks go back on
    Sunday; the JSON gives the deadline as 11:00 GMT on Tuesday."""
    path = write(
        tmp_path / "dst.jsonl",
        [
            reported("E1", "2026-10-24T10:00:00+01:00"),
            found("E1", "2026-10-24T12:00:00+01:00"),
        ],
    )
    result = run_cli("check", str(path), "--as-of", "2026-10-25T09:00", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    jsonschema.validate(data, RESULT_SCHEMA)
    assert data["as_of"] == "2026-10-25T09:00:00+00:00"  # a naive --as-of is London time
    assert data["profile"] == "statutory"
    rhi = {f["rule"]: f for f in data["findings"]}["RHI-72H"]
    assert (rhi["status"], rhi["due"], rhi["done"]) == (
        "pending",
        "2026-10-27T11:00:00+00:00",
        None,
    )
    assert (rhi["responsible"], rhi["source"], rhi["episode_id"], rhi["child_id"]) == (
        "309",
        "DfE-2014",
        "E1",
        "C1",
    )


def test_only_problems_hides_met_and_not_required_findings(tmp_path: Path) -> None:
    path = write(tmp_path / "log.jsonl", [*CLEAN, *OPEN_DUTIES])
    args = ["check", str(path), "--as-of", "2026-03-15", "--format", "json"]
    every, problems = run_cli(*args), run_cli(*args, "--only-problems")
    assert every.returncode == problems.returncode == 1
    full, only = json.loads(every.stdout), json.loads(problems.stdout)
    jsonschema.validate(only, RESULT_SCHEMA)
    assert only["counts"] == full["counts"]
    assert only["findings"] == [
        f for f in full["findings"] if f["status"] in ("late", "overdue", "breached")
    ]
    assert {f["status"] for f in full["findings"]} >= {"met", "not_required", "overdue"}


def test_several_files_in_any_order_give_the_same_result(tmp_path: Path) -> None:
    events = [*CLEAN, *OPEN_DUTIES]
    a = write(tmp_path / "a.jsonl", events[::2])
    b = write(tmp_path / "b.json", [])
    b.write_text(json.dumps(events[1::2], indent=1), "utf-8")  # a JSON array file
    one = run_cli("check", str(a), str(b), "--as-of", "2026-03-15", "--format", "json")
    two = run_cli("check", str(b), str(a), "--as-of", "2026-03-15", "--format", "json")
    assert one.returncode == two.returncode == 1
    assert json.loads(one.stdout) == json.loads(two.stdout)
    assert json.loads(one.stdout)["counts"]["events"] == len(events)


def test_assume_tz_reads_naive_times_as_london(tmp_path: Path) -> None:
    naive = [
        reported("E1", "2026-10-24T10:00:00"),
        found("E1", "2026-10-24T12:00:00"),
        found("E1", "2026-10-25T01:30:00"),  # in the autumn fold: rejected, never guessed
    ]
    path = write(tmp_path / "naive.jsonl", naive)
    strict = run_cli("check", str(path), "--as-of", "2026-10-25", "--format", "json")
    assert [e["field"] for e in json.loads(strict.stdout)["errors"]] == ["at", "at", "at"]
    result = run_cli(
        "check", str(path), "--as-of", "2026-10-25", "--format", "json",
        "--assume-tz", "Europe/London",
    )  # fmt: skip
    data = json.loads(result.stdout)
    assert [e["line"] for e in data["errors"]] == [3]
    assert "ambiguous" in data["errors"][0]["message"]
    rhi = {f["rule"]: f for f in data["findings"]}["RHI-72H"]
    assert rhi["due"] == "2026-10-27T11:00:00+00:00"


# --- due -------------------------------------------------------------------------------------


def test_due_lists_pending_duties_in_the_window_soonest_first(tmp_path: Path) -> None:
    path = write(tmp_path / "log.jsonl", [*CLEAN, *OPEN_DUTIES])
    as_of = "2026-03-11T10:00:00Z"
    result = run_cli("due", str(path), "--as-of", as_of, "--within", "PT24H", "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["within"] == "PT24H"
    duties = [(d["rule"], d["episode_id"], d["responsible"], d["due"]) for d in data["due"]]
    assert duties == [
        ("NOTIFY-HOST", "E2", "309", "2026-03-11T20:00:00+00:00"),
        ("NOTIFY-RESPONSIBLE", "E2", "HRY", "2026-03-11T20:00:00+00:00"),
        ("STRAT-HIGH-RISK", "E3", "309", "2026-03-12T09:00:00+00:00"),
    ]
    assert all(d["status"] == "pending" for d in data["due"])
    wider = run_cli("due", str(path), "--as-of", as_of, "--within", "P3D", "--format", "json")
    later = [d["rule"] for d in json.loads(wider.stdout)["due"]]
    assert later[:3] == ["NOTIFY-HOST", "NOTIFY-RESPONSIBLE", "STRAT-HIGH-RISK"]
    assert "NOTIFY-IRO" in later
    text = run_cli("due", str(path), "--as-of", as_of, "--within", "PT24H")
    lines = text.stdout.splitlines()
    assert lines[-1].startswith("3 duties due within PT24H of 2026-03-11T10:00:00+00:00")
    assert "NOTIFY-HOST" in lines[0] and "E2" in lines[0]


# --- rules -----------------------------------------------------------------------------------


def test_rules_json_lists_every_rule_with_source_and_parameters() -> None:
    result = run_cli("rules", "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["profile"] == "statutory"
    ids = [r["id"] for r in data["rules"]]
    assert len(ids) == len(set(ids))
    assert set(REGISTRY) <= set(ids)  # the script may register more families (e.g. SSDA903)
    assert all(r["source"] and isinstance(r["parameters"], dict) for r in data["rules"])
    assert [i for i in ids if i in PROTOCOL_RULES] == PROTOCOL_RULES
    by_id = {r["id"]: r for r in data["rules"]}
    for rule_id in PROTOCOL_RULES:
        entry = by_id[rule_id]
        assert entry["source"] and entry["title"] and entry["owner"]
        assert set(entry["parameters"]) == set(REGISTRY[rule_id].parameters)
    assert by_id["RHI-72H"]["parameters"]["rhi_within"] == "PT72H"
    assert by_id["STRAT-REPEAT"]["parameters"] == {
        "repeat_count": 3,
        "repeat_window": "P90D",
        "strategy_repeat_within": "5 working days",
    }
    london = json.loads(run_cli("rules", "--profile", "london", "--format", "json").stdout)
    assert {r["id"]: r for r in london["rules"]}["RHI-OFFER"]["parameters"][
        "rhi_owner_out_of_area"
    ] == "host"
    text = run_cli("rules")
    assert all(rule_id in text.stdout for rule_id in PROTOCOL_RULES)
    assert "source: DfE-2014" in text.stdout
