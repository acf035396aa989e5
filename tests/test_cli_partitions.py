"""Design principle "memory must not grow with the log" for `hotspots`, `persons`,
`self-reports` and `compare` (CONTRACT: same output bytes, exit code and stderr whatever the size
of the log): a log forced to spill into child partitions (report.by_partition.log_parts), judged in
one process and in two (`--jobs 2`), gives byte for byte the output of the log read whole.

The shipped example year has persons linked to children in several partitions, disruptions
routed by person (engine.routing), self-reports and places with and without coordinates; a line
that is not JSON and an event the reader rejects check the counts and the stderr line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from missing_protocol.cli import app
from missing_protocol.report import by_partition

pytest.importorskip("h3")

PERIOD = ["--from", "2025-04-01", "--to", "2026-04-01"]
SHORT = ["--from", "2025-10-01", "--to", "2026-01-01"]
AS_OF = ["--as-of", "2026-05-31T12:00:00Z"]


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example year, with a line that is not JSON and a link to an unknown episode."""
    text = (resources.files("missing_protocol") / "data" / "example_year.jsonl").read_text("utf-8")
    path = tmp_path_factory.mktemp("year") / "year.jsonl"
    junk = 'not json\n{"type": "person_linked", "episode_id": "E404", "person_id": "P1"}\n'
    path.write_text(text + junk, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "key"
    path.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    return path


def _run(args: list[str]) -> tuple[int, bytes, bytes]:
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


@pytest.fixture
def spilled(monkeypatch: pytest.MonkeyPatch, year: Path) -> Iterator[list[int]]:
    """Every log spills into about 5 partitions; yields the partition counts routed."""
    routed: list[int] = []
    real = by_partition.route_log

    def route_log(names: Any, count: int, *args: Any) -> Any:
        routed.append(count)
        return real(names, count, *args)

    monkeypatch.setattr(by_partition, "route_log", route_log)
    size = year.stat().st_size
    monkeypatch.setitem(by_partition.log_parts.__kwdefaults__, "spill_bytes", 0)
    monkeypatch.setitem(by_partition.log_parts.__kwdefaults__, "partition_bytes", size // 5)
    yield routed


def _same_whole_and_spilled(
    spilled: list[int], monkeypatch: pytest.MonkeyPatch, cases: list[list[str]]
) -> None:
    # The whole answers first (nothing spills under the default threshold), then the spilled.
    with monkeypatch.context() as whole_log:
        whole_log.setitem(by_partition.log_parts.__kwdefaults__, "spill_bytes", 1 << 40)
        whole = [_run(args) for args in cases]
    assert spilled == []
    for args, expected in zip(cases, whole, strict=True):
        assert expected[0] == 0, expected
        for jobs in ("1", "2"):
            assert _run([*args, "--jobs", jobs]) == expected, (args, jobs)
    assert len(spilled) == 2 * len(cases) and min(spilled) >= 5


def test_hotspots_of_a_spilled_log_are_those_of_the_whole_log(
    year: Path, key: Path, spilled: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hotspots` (places and H3 cells, the change on the previous period, totals, counts):
    partitioned == whole, in text and JSON, suppressed or not, pseudonymised, with --top."""
    log = str(year)
    cases = [
        ["hotspots", log, *PERIOD],
        ["hotspots", log, *PERIOD, "--format", "json", "--no-suppress"],
        ["hotspots", log, *SHORT, "--top", "3", "--pseudonymise-key", str(key)],
        ["hotspots", log, *SHORT, "--format", "json", "--resolution", "5"],
    ]
    _same_whole_and_spilled(spilled, monkeypatch, cases)


def test_persons_of_a_spilled_log_are_those_of_the_whole_log(
    year: Path, key: Path, spilled: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`persons` (links across children of several partitions, disruptions routed by person,
    flags, groups of children): partitioned == whole, with and without a period and detail."""
    log = str(year)
    cases = [
        ["persons", log],
        ["persons", log, "--format", "json", "--include-intelligence", "--no-suppress"],
        ["persons", log, *SHORT, "--include-intelligence", "--pseudonymise-key", str(key)],
        ["persons", log, *PERIOD, "--format", "json", "--pseudonymise-key", str(key)],
    ]
    _same_whole_and_spilled(spilled, monkeypatch, cases)


def test_self_reports_of_a_spilled_log_are_those_of_the_whole_log(
    year: Path, key: Path, spilled: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`self-reports` (matched per child, unknown to services, follow-up as of a moment):
    partitioned == whole, with and without detail, a period, a profile and pseudonyms."""
    log = str(year)
    cases = [
        ["self-reports", log, *AS_OF],
        ["self-reports", log, *AS_OF, "--format", "json", "--include-intelligence"],
        ["self-reports", log, *AS_OF, *PERIOD, "--profile", "london", "--no-suppress"],
        ["self-reports", log, *AS_OF, "--include-intelligence", "--pseudonymise-key", str(key)],
    ]
    _same_whole_and_spilled(spilled, monkeypatch, cases)


def test_compare_of_a_spilled_log_is_that_of_the_whole_log(
    year: Path, spilled: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`compare` (issue 13: status counts per rule and per owner under two profiles, changed
    duties): partitioned == whole, in text, JSON and HTML, with the changed episodes listed."""
    log = str(year)
    profiles = ["--profile", "statutory", "--profile", "london", *AS_OF]
    cases = [
        ["compare", log, *profiles],
        ["compare", log, *profiles, "--format", "json", "--include-episodes", "--no-suppress"],
        ["compare", log, *profiles, *SHORT, "--format", "json"],
        ["compare", log, *profiles, "--format", "html"],
    ]
    _same_whole_and_spilled(spilled, monkeypatch, cases)


def test_the_counts_and_stderr_include_lines_that_are_not_json(
    year: Path, spilled: list[int]
) -> None:
    """CONTRACT counts: a line that is not JSON is rejected by the reader of the partition it
    is spread to, an unknown episode by the assembly; both are counted in a spilled run as in a
    whole one."""
    code, out, err = _run(["persons", str(year), "--format", "json"])
    assert code == 0 and spilled
    assert b'"rejected": 2' in out
    assert err == (
        b"missing-protocol: 2 rejected events not counted "
        b"(run `missing-protocol check` to list them)\n"
    )


def test_self_report_figures_kept_alone_are_those_of_the_lines(year: Path) -> None:
    """`self-reports` without --include-intelligence keeps only each part's figures
    (intelligence.self_reports.tally), never a line per self-report: they are the figures that
    the lines themselves give (the JSON with detail, less its restricted list)."""
    args = ["self-reports", str(year), *AS_OF, "--format", "json", "--no-suppress"]
    figures = json.loads(_run(args)[1])
    detailed = json.loads(_run([*args, "--include-intelligence"])[1])
    assert len(detailed.pop("self_reports")) == figures["figures"]["self_reports"] > 0
    assert figures == detailed


@pytest.fixture(scope="module")
def split_year(year: Path) -> list[str]:
    """The year in three files: a pretty-printed JSON array, JSON Lines (with the line that is
    not JSON), and an array laid out an object a line."""
    lines = year.read_text("utf-8").splitlines()
    third = len(lines) // 3
    folder = year.parent
    pretty, middle, flat = folder / "a.json", folder / "b.jsonl", folder / "c.json"
    pretty.write_text(json.dumps([json.loads(line) for line in lines[:third]], indent=2))
    middle.write_text("\n".join(lines[third : 2 * third]) + "\n")
    tail = [json.loads(line) for line in lines[2 * third :] if line.startswith("{")]
    flat.write_text("[\n" + ",\n".join(json.dumps(o) for o in tail) + "\n]\n")
    return [str(pretty), str(middle), str(flat)]


def test_several_array_files_of_a_spilled_log_are_those_of_the_whole_log(
    split_year: list[str], spilled: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 10 point 2 for a log of several files, JSON arrays among them (CONTRACT §1): each
    array is routed as its JSON Lines copy and read under its own name, so the intelligence
    commands answer, byte for byte, as when the files are read whole (the report:
    tests/test_report_partitions.py)."""
    cases = [
        ["hotspots", *split_year, *PERIOD, "--format", "json", "--no-suppress"],
        ["persons", *split_year, *PERIOD, "--format", "json"],
        ["compare", *split_year, "--profile", "statutory", "--profile", "london", *AS_OF],
    ]
    _same_whole_and_spilled(spilled, monkeypatch, cases)
