"""Issue 15 point 3: no traceback on any input or option; each reproducer of the issue.

Options and profile durations outside the accepted range (docs/contract.md "Accepted range":
years clock.EARLIEST_YEAR to LATEST_YEAR, durations up to clock.MAX_DURATION_DAYS) are usage errors (exit
2, CONTRACT §3); text from the log is never interpreted by a renderer; any string the reader
accepted can be printed and written; convert counts an event log's rows per event.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from builders import console_script, found, reported
from missing_protocol import clock
from missing_protocol.cli import app, main
from missing_protocol.cli._output import echo, printable

MARCH = ["--from", "2026-03-01", "--to", "2026-04-01"]


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def write(path: Path, events: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write(
        tmp_path / "log.jsonl",
        [reported("E1", "2026-03-02T20:00:00+00:00"), found("E1", "2026-03-03T08:00:00+00:00")],
    )


def test_the_accepted_range_is_1900_to_2200() -> None:
    assert (clock.EARLIEST_YEAR, clock.LATEST_YEAR) == (1900, 2200)


@pytest.mark.parametrize("command", ["check", "due", "report", "self-reports"])
def test_a_profile_duration_past_the_range_is_a_profile_error(
    tmp_path: Path, log: Path, command: str
) -> None:
    # Issue 15: `P4000000D` was accepted, then crashed on the first deadline past year 9999.
    profile = tmp_path / "long.toml"
    profile.write_text('[parameters]\nrhi_within = "P4000000D"\n', encoding="utf-8")
    extra = MARCH if command == "report" else ["--as-of", "2026-04-30"]
    result = run(command, log, *extra, "--profile", profile)
    assert result.exit_code == 2, result.output
    assert "longer than 36600 days" in result.output
    assert run("rules", "--profile", profile).exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--as-of", "9999-12-31T23:59:59-12:00"],
        ["due", "--as-of", "9999-12-31T23:59:59-12:00"],
        ["self-reports", "--as-of", "9999-12-31T23:59:59-12:00"],
        ["check", "--as-of", "0001-01-01T00:00:00+14:00"],
        ["due", "--as-of", "9990-01-01", "--within", "P3650D"],
        ["due", "--as-of", "2026-04-30", "--within", "P40000D"],
        ["due", "--as-of", "2026-04-30", "--within", "999999WD"],
        ["due", "--as-of", "2026-04-30", "--within", "P" + "9" * 5000 + "D"],
        ["report", "--from", "0001-01-01", "--to", "2026-01-01"],
        ["report", "--from", "9999-12-01", "--to", "9999-12-31"],
        ["hotspots", "--from", "2026-01-01", "--to", "9999-12-31"],
        ["persons", "--from", "1066-10-14", "--to", "2026-01-01"],
    ],
)
def test_options_outside_the_range_are_usage_errors(log: Path, args: list[str]) -> None:
    result = run(args[0], log, *args[1:])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_due_within_ten_years_near_the_end_of_the_range(log: Path) -> None:
    # Issue 15: `due --within P3650D` near the end of the calendar crashed. A window may run past
    # the accepted years (deadlines stay representable): an empty worklist, no traceback.
    result = run("due", log, "--as-of", "2200-12-31T23:00:00Z", "--within", "P3650D")
    assert result.exit_code == 0, result.output
    assert "0 duties due within P3650D" in result.output


def test_a_collection_year_past_the_range_is_a_usage_error(tmp_path: Path, log: Path) -> None:
    # Issue 15: `--collection-year 9999/00` ended in year 10000.
    out = tmp_path / "out"
    result = run(
        "convert", "--from", "events", "--to", "903", log, out, "--collection-year", "9999/00"
    )
    assert result.exit_code == 2, result.output
    assert "--collection-year" in result.output


def test_convert_counts_a_json_array_per_event_not_per_line(tmp_path: Path) -> None:
    # Issue 15: objects sharing a line were counted by (file, line): 4 = 3 + 1, not 4 = 2 + 2.
    events = [
        reported("E1", "2026-03-02T20:00:00+00:00"),
        found("E1", "2026-03-03T08:00:00+00:00"),
        found("E9", "2026-03-03T08:00:00+00:00"),  # unknown episode: rejected at assembly
        found("E8", "yesterday"),  # rejected by the reader
    ]
    array = tmp_path / "log.json"
    array.write_text("[" + ", ".join(json.dumps(e) for e in events) + "]\n", encoding="utf-8")
    result = run("convert", "--from", "events", "--to", "events", array, tmp_path / "o.jsonl")
    assert result.exit_code == 1, result.output
    assert "rows = converted + rejected: 4 = 2 + 2" in result.output
    assert len((tmp_path / "o.jsonl").read_text("utf-8").splitlines()) == 2


MATH = "$\\frac{x}{$"  # an invalid mathtext expression: matplotlib raised on it


def test_mathtext_in_log_text_is_drawn_as_text(tmp_path: Path) -> None:
    # Issue 15: a self-report reason or an authority code holding `$...$` crashed report --html.
    events = [
        reported("E1", "2026-03-02T20:00:00+00:00", responsible=MATH),
        found("E1", "2026-03-03T08:00:00+00:00"),
        {
            "type": "self_report",
            "report_id": "R1",
            "child_id": "C1",
            "at": "2026-03-10T10:00:00Z",
            "away_from": "2026-03-07",
            "away_to": "2026-03-08",
            "reasons": [MATH],
        },
    ]
    path = write(tmp_path / "log.jsonl", events)
    page = tmp_path / "page.html"
    result = run("report", path, *MARCH, "--no-suppress", "--html", page)
    assert result.exit_code == 0, result.output
    assert "\\frac{x}{" in page.read_text("utf-8")


LONE = "\ud800"


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--as-of", "2026-04-30"],
        ["check", "--as-of", "2026-04-30", "--format", "json"],
        ["due", "--as-of", "2026-03-02T21:00:00Z", "--within", "P30D"],
        ["report", *MARCH, "--authority", "309", "--include-intelligence"],
        ["report", *MARCH, "--authority", "309", "--format", "json", "--include-intelligence"],
        ["hotspots", *MARCH],
        ["persons", "--include-intelligence"],
        ["self-reports", "--include-intelligence", "--as-of", "2026-04-30"],
    ],
)
def test_a_lone_surrogate_from_the_log_is_printed_as_its_escape(
    tmp_path: Path, args: list[str]
) -> None:
    # Issue 15: "\ud800" is valid JSON; printing or writing it as UTF-8 raised. The reader now
    # rejects it (line and field); no command may fail on it.
    event = reported("E1", "2026-03-02T20:00:00+00:00", child_id="C" + LONE)
    event["location"] = {"name": "Park" + LONE}
    events = [
        event,
        {
            "type": "found",
            "episode_id": "E1",
            "at": "2026-03-03T08:00:00Z",
            "location": "Sq" + LONE,
        },
        {
            "type": "person_linked",
            "episode_id": "E1",
            "person_id": "P" + LONE,
            "at": "2026-03-04T10:00:00Z",
            "role": "suspected_exploiter",
        },
    ]
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    extra = []
    if args[0] == "report":
        extra = ["--html", str(tmp_path / "p.html"), "--csv", str(tmp_path / "csv")]
    result = run(args[0], path, *args[1:], *extra)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if args[0] == "check" and "json" in args:
        # The reader rejects an unpaired surrogate, one rejected event a line (CONTRACT §1 errors).
        errors = json.loads(result.stdout)["errors"]
        assert [e["line"] for e in errors] == [1, 2, 3]


def test_the_output_edge_writes_an_unpaired_surrogate_as_its_escape() -> None:
    # Defence behind the reader: whatever string reaches an output can be printed.
    assert printable("Park" + LONE) == "Park\\ud800"
    assert printable("Park é") == "Park é"
    result = CliRunner().invoke(click.Command("x", callback=lambda: echo("a" + LONE)))
    assert result.exit_code == 0 and result.stdout == "a\\ud800\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["check", "--format", "json"], ["check"], ["rules"]])
def test_output_that_cannot_be_written_is_one_line_and_exit_2(log: Path, args: list[str]) -> None:
    """CONTRACT §3 exit codes: stdout on a full disk is an error of the run (2), not problems
    found (1), and is one line on stderr, never a traceback."""
    command = [console_script(), *args, *([str(log)] if args[0] == "check" else [])]
    with open("/dev/full", "w") as full:
        done = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "missing-protocol: error: cannot write the output: No space left on device"
    ]


TWO_PROFILES = ["--profile", "statutory", "--profile", "london"]


def _piped(args: list[str], stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [console_script(), *args], input=stdin, capture_output=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "command", ["check", "due", "report", "persons", "self-reports", "hotspots", "compare"]
)
def test_a_log_on_standard_input_is_read_as_the_same_file(tmp_path: Path, command: str) -> None:
    """CONTRACT §1 "reading streams line by line": `-` (standard input) and `/dev/stdin` (a
    pipe) give the answer the same log gives as a file, errors naming the input as given; every
    command that reads a log takes it so."""
    log = write(
        tmp_path / "log.jsonl",
        [reported("E1", "2026-03-02T20:00:00+00:00"), found("E1", "2026-03-03T08:00:00+00:00")],
    )
    log.write_text(log.read_text() + '{"type": "found"}\n')
    options = {
        "check": ["--format", "json", "--as-of", "2026-03-04"],
        "due": ["--format", "json", "--as-of", "2026-03-04", "--within", "P7D"],
        "report": ["--format", "json", "--as-of", "2026-03-31", *MARCH],
        "persons": ["--format", "json"],
        "self-reports": ["--format", "json", "--as-of", "2026-03-31"],
        "hotspots": ["--format", "json", *MARCH],
        "compare": ["--format", "json", "--as-of", "2026-03-31", *TWO_PROFILES],
    }[command]
    from_file = _piped([command, str(log), *options], b"")
    expected = json.loads(from_file.stdout)
    for error in expected.get("errors", []):
        assert error.pop("file") == str(log)
    for given in ("-", "/dev/stdin"):
        piped = _piped([command, given, *options], log.read_bytes())
        assert piped.returncode == from_file.returncode, piped.stderr
        answer = json.loads(piped.stdout)
        if command in ("check", "due"):
            [error] = answer["errors"]
            assert (error.pop("file"), error["line"], error["field"]) == (given, 3, "episode_id")
        assert answer == expected


def _shell(command: str) -> subprocess.CompletedProcess[str]:
    # The console script under a shell, for what only a shell does (closing stdin or stdout).
    return subprocess.run(
        f"exec {console_script()} {command}",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )


def test_standard_input_closed_twice_or_not_copied_is_a_usage_error(tmp_path: Path) -> None:
    """Exit 2 with one line, never a traceback nor another file's answer: standard input closed,
    given twice (it can be read once), or not copied whole (a file size limit) while a file
    named `-` sits in the folder."""
    import resource

    log = write(
        tmp_path / "log.jsonl",
        [reported(f"E{i}", f"2026-03-02T{i % 24:02d}:00:00Z") for i in range(60)],
    )
    closed = subprocess.run(
        [console_script(), "check", "-"], stdin=subprocess.DEVNULL, capture_output=True, check=False
    )
    assert closed.returncode == 0  # an empty standard input is an empty log, not an error
    shut = _shell("check - <&-")
    assert shut.returncode == 2 and "standard input is closed" in shut.stderr
    twice = _piped(["check", "-", "/dev/stdin"], log.read_bytes())
    assert twice.returncode == 2 and b"more than once" in twice.stderr
    (tmp_path / "-").write_text(log.read_text().splitlines()[0] + "\n")

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    cut = subprocess.run(
        [console_script(), "check", "-", "--format", "json"],
        input=log.read_bytes(),
        capture_output=True,
        cwd=tmp_path,
        preexec_fn=small_files,
        check=False,
    )
    assert cut.returncode == 2, cut.stdout
    assert cut.stdout == b""
    [line] = cut.stderr.decode().splitlines()
    assert line.startswith("missing-protocol: error: cannot read -: copying it")


def test_stdout_closed_is_not_a_traceback() -> None:
    """`rules >&-`: nothing to write to, nothing to flush; the command's own exit code."""
    done = _shell("rules >&-")
    assert "Traceback" not in done.stderr
    assert done.returncode == 0


def test_validate_reads_its_history_on_standard_input(tmp_path: Path) -> None:
    """`validate - --event FILE` answers as with the history in a file, its rejected history
    lines naming `-`; standard input as both the history and the event is a usage error."""
    history = write(tmp_path / "history.jsonl", [reported("E1", "2026-03-02T20:00:00+00:00")])
    history.write_text(history.read_text() + '{"type": "found"}\n')
    event = tmp_path / "event.json"
    event.write_text(json.dumps(found("E1", "2026-03-03T08:00:00+00:00")))
    options = ["--event", str(event), "--format", "json", "--as-of", "2026-03-04"]
    from_file = json.loads(_piped(["validate", str(history), *options], b"").stdout)
    piped = _piped(["validate", "-", *options], history.read_bytes())
    assert piped.returncode == 0, piped.stderr
    answer = json.loads(piped.stdout)
    assert answer["accepted"] is True
    assert [e["line"] for e in answer["history_errors"]] == [2]
    assert answer == from_file
    text = _piped(
        ["validate", "-", "--event", str(event), "--as-of", "2026-03-04"], history.read_bytes()
    )
    assert b"  -:2  episode_id: required field missing" in text.stdout  # named as given
    both = _piped(["validate", "-", "--event", "-"], history.read_bytes())
    assert both.returncode == 2 and b"both the history and --event" in both.stderr


def test_convert_reads_a_table_on_standard_input_naming_it_as_given(tmp_path: Path) -> None:
    """CONTRACT §1 (reading streams): `convert` takes an input as `-` as every command that reads
    a log does; a rejected 903 row is named `-:3`, the line of the input as given."""
    missing = "CHILD,DOB,MISSING,MIS_START,MIS_END\nC1,14/02/2010,M,01/05/2024,03/05/2024\n"
    missing += "C2,01/01/2011,M,31/02/2024,\n"
    header = tmp_path / "header.csv"
    header.write_text("CHILD,SEX,DOB,ETHNIC\nC1,1,14/02/2010,WBRI\nC2,2,01/01/2011,BCRB\n")
    table = tmp_path / "missing.csv"
    table.write_text(missing)
    base = ["convert", "--from", "903", "--to", "events", "--authority", "309"]
    from_file = _piped([*base, str(table), str(header), "-"], b"")
    piped = _piped([*base, "-", str(header), "-"], missing.encode())
    assert piped.returncode == from_file.returncode == 1
    assert piped.stdout == from_file.stdout and piped.stdout.count(b"\n") == 4
    assert b"-:3  MIS_START" in piped.stderr
    assert piped.stderr.replace(b"-:3", str(table).encode() + b":3") == from_file.stderr


def _worker_killed(*_: object) -> None:
    os._exit(9)  # as the kernel's out-of-memory killer ends a worker: no exception, no result


def test_a_worker_process_that_dies_is_one_line_and_exit_2(
    log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 15 point 3 (no traceback) with `--jobs` (issue 10): a worker killed while it judges
    (out of memory) breaks the pool; the run says so in one line, exits 2 and leaves no files."""
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    monkeypatch.setattr(
        importlib.import_module("missing_protocol.engine.run"), "_judge_part", _worker_killed
    )
    argv = ["missing-protocol", "check", str(log), "--format", "json", "--jobs", "2"]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("missing-protocol: error: a worker process stopped")
    assert list(temp.iterdir()) == []


def test_main_gives_a_program_that_runs_it_its_stdout_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15 (hardening): main() writes UTF-8 whatever the locale, and a program that runs it
    in its own process gets its stdout back with the encoding it had."""
    import io
    import sys

    from missing_protocol.cli import main

    buffer = io.BytesIO()
    stream = io.TextIOWrapper(buffer, encoding="ascii", errors="strict")
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setattr(sys, "argv", ["missing-protocol", "rules", "--format", "json"])
    with pytest.raises(SystemExit):
        main()
    assert sys.stdout is stream
    assert (stream.encoding, stream.errors) == ("ascii", "strict")
    assert buffer.getvalue().startswith(b"[") or buffer.getvalue().startswith(b"{")
