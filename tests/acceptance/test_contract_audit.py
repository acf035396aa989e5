"""Defects found by the outside audit of the public contract (console script and its JSON).

Each test names the CONTRACT section or docs/contract.md rule it pins; each failed on the code
before its fix. Black-box: only the console script is run.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from contract_cli import found, reported, script, write_jsonl


def _run_with_env(env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [script(), *map(str, args)],
        capture_output=True,
        env={**os.environ, **env},
        timeout=120,
        check=False,
    )


def test_json_output_is_utf8_whatever_the_locale_encoding(tmp_path: Path) -> None:
    """CONTRACT §3 JSON and "no traceback on any input": ids outside ASCII (a Welsh authority,
    an accented name) are printed as UTF-8 JSON even where Python's stdout encoding is not
    UTF-8 (a redirect on Windows is cp1252), not a UnicodeEncodeError traceback."""
    log = write_jsonl(
        tmp_path / "log.jsonl",
        [reported("É1", child_id="Zoë", responsible="Tŵr"), found("É1")],
    )
    for command in (
        ["check", log, "--as-of", "2026-04-01", "--format", "json"],
        ["check", log, "--as-of", "2026-04-01", "--all"],
    ):
        proc = _run_with_env({"PYTHONIOENCODING": "ascii"}, *command)
        assert b"Traceback" not in proc.stderr, proc.stderr.decode()
        assert proc.returncode == 1, proc.stderr.decode()
        text = proc.stdout.decode("utf-8")
        assert "Tŵr" in text and "Zoë" in text
    doc = json.loads(
        _run_with_env(
            {"PYTHONIOENCODING": "cp1252"},
            "check",
            log,
            "--as-of",
            "2026-04-01",
            "--format",
            "json",
        ).stdout.decode("utf-8")
    )
    assert doc["findings"][0]["child_id"] == "Zoë"
    assert doc["findings"][0]["responsible"] == "Tŵr"


def test_time_field_errors_speak_json_not_python(tmp_path: Path) -> None:
    """docs/contract.md "Errors speak JSON" (CONTRACT §1 errors {line, field, message}): a time
    or date given as a number, true or an object says so in JSON's words ("got a number"),
    never Python's type name ("got int", or "got float" for a whole number past 64 bits); a
    field that takes a date or a date-time says both."""
    log = write_jsonl(
        tmp_path / "log.jsonl",
        [
            reported("E1", at=20260302),  # type: ignore[arg-type]
            reported("E2", at="99999999999999999999999", child_id="C2"),
            '{"type": "found", "episode_id": "E1", "at": 99999999999999999999999}',
            reported("E3", at=True, child_id="C3"),  # type: ignore[arg-type]
            {"type": "child", "child_id": "C4", "born": {"y": 2010}},
            {
                "type": "self_report",
                "report_id": "S1",
                "child_id": "C1",
                "at": "2026-03-05T10:00:00Z",
                "away_from": 20260301,
                "away_to": "soon",
            },
        ],
    )
    proc = _run_with_env({}, "check", log, "--as-of", "2026-04-01", "--format", "json")
    errors = {(e["line"], e["field"]): e["message"] for e in json.loads(proc.stdout)["errors"]}
    assert errors[(1, "at")] == "expected an ISO 8601 date-time string, got a number"
    assert errors[(3, "at")] == "expected an ISO 8601 date-time string, got a number"
    assert errors[(4, "at")] == "expected an ISO 8601 date-time string, got true"
    assert errors[(5, "born")] == "expected an ISO 8601 date string, got an object"
    assert errors[(6, "away_from")] == (
        "expected an ISO 8601 date or date-time string, got a number"
    )
    for message in errors.values():
        assert not any(word in message for word in ("int", "float", "bool", "dict", "NoneType"))


def test_usage_errors_name_what_is_wrong_with_the_value(tmp_path: Path) -> None:
    """docs/contract.md "A usage error is one line" naming the problem, exit 2: an empty
    `--profile` is an unknown profile (not "cannot read: Is a directory: '.'"), and an
    `--as-of` that is neither a date nor a date-time says that both are taken."""
    log = write_jsonl(tmp_path / "log.jsonl", [reported("E1")])
    proc = _run_with_env({}, "check", log, "--profile", "")
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 2 and len(lines) == 1
    assert lines[0].startswith("missing-protocol: error: unknown profile ''")
    for bad in ("garbage", "2026-03-31Z", "now"):
        proc = _run_with_env({}, "check", log, "--as-of", bad)
        lines = proc.stderr.decode().splitlines()
        assert proc.returncode == 2 and len(lines) == 1
        assert f"--as-of: {bad!r} is not an ISO 8601 date or date-time" in lines[0]


def test_profile_errors_speak_toml_not_python(tmp_path: Path) -> None:
    """docs/contract.md "Profiles": a bad profile is one line naming the file and the key, exit
    2, in the words of the file (its allowed values, TOML's kinds), not Python's class names
    ("not a valid RhiOwnerOutOfArea", "got datetime"); a blank authority code is refused as
    ids are in the log."""
    log = write_jsonl(tmp_path / "log.jsonl", [reported("E1")])
    cases = {
        '[parameters]\nrhi_owner_out_of_area = "nobody"\n': (
            "parameter 'rhi_owner_out_of_area': 'nobody' is not one of: responsible, host"
        ),
        '[[versions]]\neffective_from = 2026-07-01T00:00:00Z\nrhi_within = "PT48H"\n': (
            "key 'effective_from': expected a date such as 2026-07-01, got a date-time"
        ),
        '[[versions]]\neffective_from = 20260701\nrhi_within = "PT48H"\n': (
            "key 'effective_from': expected a date such as 2026-07-01, got a number"
        ),
        '[parameters]\nhome_authority = "  "\n': "parameter 'home_authority': must not be empty",
        # The check result's `profile` is a non-empty string (check-result.schema.json).
        'name = ""\n': "key 'name' must not be empty",
        'name = " "\n': "key 'name' must not be empty",
    }
    for number, (text, message) in enumerate(cases.items()):
        profile = tmp_path / f"p{number}.toml"
        profile.write_text(text, encoding="utf-8")
        proc = _run_with_env({}, "check", log, "--profile", profile)
        lines = proc.stderr.decode().splitlines()
        assert proc.returncode == 2 and len(lines) == 1, proc.stderr
        assert str(profile) in lines[0] and message in lines[0], lines[0]


def test_no_command_is_a_one_line_usage_error() -> None:
    """docs/contract.md "A usage error is one line on standard error ... then exit 2": the bare
    `missing-protocol` names the commands in one line, not the whole help prefixed `error:`."""
    proc = _run_with_env({})
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr.decode()
    assert lines[0].startswith("missing-protocol: error: give a command: check, ")
    assert "(see `missing-protocol --help`)" in lines[0] and not proc.stdout


def test_validate_event_file_is_decoded_as_a_log_line_is(tmp_path: Path) -> None:
    """docs/embedding.md "The errors are check's" and "JSON is decoded as a file is": the
    `--event` file is JSON as the reader takes a log line, so an id past 64 bits is rejected
    as `check` rejects it (it was accepted as "99999999999999999999999"), and a NaN, which is
    no JSON, is not read at all: like the service's 400 for a body it cannot decode, a usage
    error naming the file."""
    history = write_jsonl(tmp_path / "history.jsonl", [])
    event = tmp_path / "event.json"
    event.write_text('{"type": "child", "child_id": 99999999999999999999999}', encoding="utf-8")
    args = ("validate", history, "--event", event, "--as-of", "2026-04-01", "--format", "json")
    proc = _run_with_env({}, *args)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    errors = json.loads(proc.stdout)["errors"]
    assert [(e["field"], e["message"]) for e in errors] == [
        ("child_id", "a number outside 64 bits: give a long id as a string")
    ]
    event.write_text('{"type": "child", "child_id": "C1", "born": NaN}', encoding="utf-8")
    proc = _run_with_env({}, *args)
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, (proc.stdout, proc.stderr)
    assert lines[0].startswith(f"missing-protocol: error: {event}: invalid JSON: ")
    event.write_text('{"type": "child", "child_id": 309}', encoding="utf-8")
    assert _run_with_env({}, *args).returncode == 0


def test_a_usage_error_stays_one_line_when_a_name_holds_a_line_break(tmp_path: Path) -> None:
    """docs/contract.md "A usage error is one line on standard error": a file name (or any
    value echoed) holding a line break is shown with the break escaped, so the message is one
    line a script can read, not two."""
    missing = tmp_path / "no\nsuch.jsonl"
    proc = _run_with_env({}, "check", missing)
    lines = proc.stderr.decode().splitlines()
    assert proc.returncode == 2 and len(lines) == 1, proc.stderr.decode()
    assert "no\\nsuch.jsonl" in lines[0]
    proc = _run_with_env({}, "report", missing, "--from", "2026-01-01", "--to", "2026-02-01")
    assert proc.returncode == 2 and len(proc.stderr.decode().splitlines()) == 1, proc.stderr
