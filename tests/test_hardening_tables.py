"""Hardening found by an outside audit of the commands beside `check`: CONTRACT §1 (nothing
silently disappears; errors name line and field) and §3 (exit 2 is one usage error), for the
903 and SSD CSV readers, `convert` and `validate`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from missing_protocol.cli import app


def run(*args: str | Path, stdin: str | None = None) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], input=stdin)


HEAD_903 = "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
GOOD_903 = "C2,14/02/2010,M,01/05/2024,03/05/2024\n"


@pytest.mark.parametrize("source", ["903", "ssd"])
def test_a_bare_carriage_return_in_a_csv_row_rejects_that_row_not_the_run(
    tmp_path: Path, source: str
) -> None:
    """CONTRACT §1: a row the csv module cannot read (a bare CR inside an unquoted cell) is one
    rejected row naming its row; the rows after it are still read, and no traceback."""
    path = tmp_path / "cr.csv"
    if source == "903":
        path.write_text(HEAD_903 + "C1,14/02/2010,M,01/05/2024\r03/05/2024,\n" + GOOD_903)
    else:
        path.write_text("miss_table_id,miss_person_id\nE1\rX,C1\n")
    result = run("check", "--input-format", source, "--authority", "309", path, "--format", "json")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1
    answer = json.loads(result.stdout)
    broken = [e for e in answer["errors"] if "unreadable CSV row" in e["message"]]
    assert [(e["line"], e["field"]) for e in broken] == [(2, None)]
    counts = answer["counts"]
    assert counts["events"] == counts["accepted"] + counts["rejected"]
    if source == "903":
        assert counts["episodes"] == 1  # C2's row, after the broken one
    converted = run("convert", "--from", source, "--to", "events", "--authority", "309", path, "-")
    assert converted.exit_code == 1 and "unreadable CSV row" in converted.output


@pytest.mark.parametrize("source", ["903", "ssd"])
def test_an_empty_csv_is_one_rejected_row_in_convert_as_in_check(
    tmp_path: Path, source: str
) -> None:
    """CONTRACT §1 (`rows = converted + rejected`): an empty file counts as one rejected row,
    exit 1, in `convert` as in `check` (events 1, rejected 1)."""
    path = tmp_path / "empty.csv"
    path.write_text("")
    converted = run("convert", "--from", source, "--to", "events", "--authority", "309", path, "-")
    assert converted.exit_code == 1
    assert "rows = converted + rejected: 1 = 0 + 1" in converted.output
    checked = run("check", "--input-format", source, "--authority", "309", path, "--format", "json")
    counts = json.loads(checked.stdout)["counts"]
    assert (counts["events"], counts["rejected"]) == (1, 1)


def test_convert_gives_one_right_usage_error_for_a_bad_time_or_zone(tmp_path: Path) -> None:
    """CONTRACT §3 (exit 2, a usage error): a bad --start-time is named once, not followed by a
    false one about the zone; an unknown --assume-tz names the option."""
    path = tmp_path / "m.csv"
    path.write_text(HEAD_903 + GOOD_903)
    base = ["convert", "--from", "903", "--to", "events", "--authority", "309", str(path), "-"]
    bad_time = run(*base, "--start-time", "25:00")
    assert bad_time.exit_code == 2
    assert bad_time.output.count("error:") == 1 and "--start-time" in bad_time.output
    bad_zone = run(*base, "--assume-tz", "Mars/X")
    assert bad_zone.exit_code == 2
    assert "--assume-tz: unknown time zone 'Mars/X'" in bad_zone.output


def test_validate_text_lists_the_history_lines_it_rejected(tmp_path: Path) -> None:
    """CONTRACT §1 (a rejected event never silently disappears): `validate` in text names each
    history line it could not take, with line and field, as its JSON does."""
    history = tmp_path / "hist.jsonl"
    history.write_text(
        '{"type":"reported","episode_id":"E7","child_id":"C7","at":"2025-09-01T10:00:00Z",'
        '"missing_from":"home","responsible_authority":"309"}\n'
        '{"type":"found","episode_id":"E7","at":"2025-09-01T12:00:00"}\n'
        "junk\n"
    )
    proposed = '{"type":"found","episode_id":"E7","at":"2025-09-01T13:00:00Z"}'
    result = run("validate", "--event", "-", history, "--as-of", "2025-09-02", stdin=proposed)
    assert result.exit_code == 0, result.output
    assert "history: 2 rejected" in result.stdout
    assert f"{history}:2  at:" in result.stdout
    assert f"{history}:3  -: invalid JSON" in result.stdout


def test_report_csv_keeps_text_that_looks_like_a_formula_inert(tmp_path: Path) -> None:
    """docs/contract.md (text from the log is never interpreted): in the report's CSV tables a
    place that a spreadsheet would run as a formula starts with `'`; numbers stay numbers."""
    from missing_protocol.report.render_csv import render

    formula = "=cmd|' /C calc'!A0"
    text = render([["place", "episodes", "change"], [formula, 7, "-3"], ["@SUM(A1)", 1, "+2"]])
    assert text.splitlines() == [
        "place,episodes,change",
        "'=cmd|' /C calc'!A0,7,-3",
        "'@SUM(A1),1,+2",
    ]
    log = tmp_path / "log.jsonl"
    log.write_text(
        json.dumps(
            {
                "type": "reported",
                "episode_id": "E1",
                "child_id": "C1",
                "at": "2026-03-02T20:00:00Z",
                "missing_from": "home",
                "responsible_authority": "309",
                "location": formula,
            }
        )
        + "\n"
    )
    out = tmp_path / "csv"
    result = run(
        "report", log, "--from", "2026-03-01", "--to", "2026-04-01", "--no-suppress", "--csv", out
    )
    assert result.exit_code == 0, result.output
    places = (out / "hotspots_missing_from.csv").read_text()
    assert "'=cmd" in places and "\n=cmd" not in places


@pytest.mark.parametrize(
    "option", [["--html", "-"], ["--html", "{dir}"], ["--csv", "-"], ["--csv", "{file}"]]
)
def test_report_refuses_an_output_it_could_never_write_before_reporting(
    tmp_path: Path, option: list[str]
) -> None:
    """CONTRACT §3 (exit 2, a usage error): an --html that is `-` or a folder, or a --csv that is
    `-` or a file, is one line and exit 2 before anything goes to standard output."""
    log = tmp_path / "log.jsonl"
    log.write_text("")
    taken = tmp_path / "taken.txt"
    taken.write_text("x")
    value = option[1].format(dir=tmp_path, file=taken)
    result = run("report", log, "--from", "2026-03-01", "--to", "2026-04-01", option[0], value)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"{option[0]} {value}:" in result.stderr
