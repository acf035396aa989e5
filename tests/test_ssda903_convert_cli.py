"""`missing-protocol convert` between 903, ssd_missing and the event log (end to end)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from click.testing import CliRunner, Result

from intelligence_log import write
from missing_protocol.cli import app
from missing_protocol.formats.events import read_file
from missing_protocol.model import EventError

MISSING = (
    "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
    "C1,14/02/2010,M,01/05/2024,03/05/2024\n"
    "C1,14/02/2010,A,03/05/2024,\n"
)
HEADER = "CHILD,SEX,DOB,ETHNIC\nC1,1,14/02/2010,WBRI\n"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def _903(folder: Path, missing: str = MISSING) -> tuple[Path, Path]:
    folder.mkdir(exist_ok=True)
    (folder / "missing.csv").write_text(missing)
    (folder / "header.csv").write_text(HEADER)
    return folder / "missing.csv", folder / "header.csv"


def test_903_to_events_and_back_keeps_the_tables(tmp_path: Path) -> None:
    missing, header = _903(tmp_path / "in")
    log = tmp_path / "log.jsonl"
    first = run(
        "convert", "--from", "903", "--to", "events", "--authority", "309", missing, header, log
    )
    assert first.exit_code == 0, first.output
    assert "rows = converted + rejected: 3 = 3 + 0" in first.output
    assert "903 has no return-interview information" in first.output
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [x["type"] for x in lines] == ["child", "reported", "found", "reported"]
    assert lines[3]["ssda903_missing"] == "A"

    back = tmp_path / "back"
    second = run(
        "convert", "--from", "events", "--to", "903", log, back, "--collection-year", "2024/25"
    )
    assert second.exit_code == 0, second.output
    assert "903 validation: no problems" in second.output
    assert (back / "missing.csv").read_text() == MISSING
    assert (back / "header.csv").read_text() == HEADER


def test_a_bad_row_is_listed_and_the_rest_converted(tmp_path: Path) -> None:
    missing, header = _903(tmp_path / "in", MISSING + "C2,,X,01/05/2024,\n")
    result = run(
        "convert",
        "--from",
        "903",
        "--to",
        "ssd",
        "--authority",
        "309",
        missing,
        header,
        tmp_path / "s.csv",
    )
    assert result.exit_code == 1
    assert f"{missing}:4  MISSING: 'X' is not M" in result.output
    assert "rows = converted + rejected: 4 = 3 + 1" in result.output
    assert len((tmp_path / "s.csv").read_text().splitlines()) == 3


def test_903_input_needs_an_authority(tmp_path: Path) -> None:
    missing, _ = _903(tmp_path / "in")
    result = run("convert", "--from", "903", "--to", "events", missing, tmp_path / "o.jsonl")
    assert result.exit_code == 2
    assert "--authority" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    missing, _ = _903(tmp_path / "in")
    base = ("convert", "--from", "903", "--authority", "309")
    assert run(*base, "--to", "events", tmp_path / "nope.csv", tmp_path / "o").exit_code == 2
    assert run(*base, "--to", "events", missing).exit_code == 2
    assert run(*base, "--to", "903", missing, "-").exit_code == 2
    bad_year = run(*base, "--to", "903", missing, tmp_path / "o", "--collection-year", "2024")
    assert bad_year.exit_code == 2
    bad_time = run(*base, "--to", "events", missing, tmp_path / "o", "--start-time", "noon")
    assert bad_time.exit_code == 2


def test_ssd_to_stdout_keeps_the_summary_on_stderr(tmp_path: Path) -> None:
    ssd = tmp_path / "ssd_missing.csv"
    ssd.write_text(
        "miss_table_id,miss_person_id,miss_missing_episode_start_date,miss_missing_episode_type,"
        "miss_missing_episode_end_date,miss_missing_rhi_offered,miss_missing_rhi_accepted\n"
        "M1,P1,2024-05-01 14:30:00,M,2024-05-02 09:00:00,Y,Y\n"
    )
    result = run("convert", "--from", "ssd", "--to", "events", "--authority", "309", ssd, "-")
    assert result.exit_code == 0
    types = [json.loads(line)["type"] for line in result.stdout.splitlines()]
    assert types == ["reported", "found", "interview_offered", "interview_completed"]
    assert "rows = converted + rejected: 1 = 1 + 0" in result.stderr


def test_a_csv_out_is_the_missing_table_only(tmp_path: Path) -> None:
    missing, header = _903(tmp_path / "in")
    out = tmp_path / "Missing.csv"
    result = run(
        "convert", "--from", "903", "--to", "903", "--authority", "309", missing, header, out
    )
    assert result.exit_code == 0
    assert out.read_text() == MISSING
    assert "1 Header rows not written" in result.output


def test_an_out_file_in_a_missing_folder_creates_the_folder(tmp_path: Path) -> None:
    """docs/contract.md, output files: as a folder OUT and `report --html`, a file OUT's missing
    folders are created; one that cannot be is one line naming OUT, exit 2."""
    missing, header = _903(tmp_path / "in")
    args = ["convert", "--from", "903", "--authority", "309", missing, header]
    for target, out in (
        ("903", "new/a/Missing.csv"),
        ("903", "new/b/return.xml"),
        ("ssd", "new/c/s.csv"),
        ("events", "new/d/log.jsonl"),
    ):
        result = run(*args[:3], "--to", target, *args[3:], tmp_path / out)
        assert result.exit_code == 0, result.output
        assert (tmp_path / out).stat().st_size > 0
    (tmp_path / "a-file").write_text("")
    bad = tmp_path / "a-file" / "Missing.csv"
    result = CliRunner().invoke(app, [str(a) for a in (*args[:3], "--to", "903", *args[3:], bad)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"missing-protocol: error: cannot write {bad}: Not a directory"
    ]


def test_naive_times_in_an_event_log_are_refused_without_assume_tz(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    log.write_text(
        json.dumps(
            {
                "type": "reported",
                "episode_id": "E1",
                "child_id": "C1",
                "at": "2024-05-01T10:00:00",
                "missing_from": "care",
                "responsible_authority": "309",
            }
        )
        + "\n"
    )
    refused = run("convert", "--from", "events", "--to", "903", log, tmp_path / "a")
    assert refused.exit_code == 1
    assert "rows = converted + rejected: 1 = 0 + 1" in refused.output
    taken = run(
        "convert",
        "--from",
        "events",
        "--to",
        "903",
        "--assume-tz",
        "Europe/London",
        log,
        tmp_path / "b",
    )
    assert taken.exit_code == 0


def test_the_example_year_to_903_passes_validation(tmp_path: Path) -> None:
    source = resources.files("missing_protocol") / "data" / "example_year.jsonl"
    with resources.as_file(source) as path:
        result = run(
            "convert",
            "--from",
            "events",
            "--to",
            "903",
            path,
            tmp_path / "903",
            "--authority",
            "HRY",
            "--collection-year",
            "2025/26",
        )
    assert result.exit_code == 0, result.output
    assert "903 validation: no problems" in result.output
    assert "episodes of children missing from home are not written" in result.output
    back = run(
        "convert",
        "--from",
        "903",
        "--to",
        "events",
        "--authority",
        "HRY",
        tmp_path / "903" / "missing.csv",
        tmp_path / "903" / "header.csv",
        tmp_path / "again.jsonl",
    )
    assert back.exit_code == 0, back.output


def test_events_to_events_keeps_every_accepted_event(tmp_path: Path) -> None:
    log = write(tmp_path / "log.jsonl")
    out = tmp_path / "again.jsonl"
    result = run("convert", "--from", "events", "--to", "events", log, out)
    before = [e for e in read_file(log) if not isinstance(e, EventError)]
    after = list(read_file(out))
    assert not any(isinstance(e, EventError) for e in after)
    assert sorted(map(repr, after)) == sorted(map(repr, before))
    to_903 = run("convert", "--from", "events", "--to", "ssd", log, tmp_path / "s.csv")
    assert "partnership intelligence records" in to_903.output
    assert "strategy discussions are not in ssd_missing" in to_903.output
    assert result.exit_code == 0, result.output
