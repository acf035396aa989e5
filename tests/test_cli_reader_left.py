"""`check … | head -1`: once the reader has left, the findings are judged but not formatted.

CONTRACT §3 exit codes (0 nothing late, overdue, breached or rejected; 1 otherwise) hold for the
answer whether anyone reads it or not: the rest of the findings are still judged (the exit code
and the text summary count them all), but none is formatted for a pipe nobody reads.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from builders import console_script, found, reported
from missing_protocol.check import Counts
from missing_protocol.cli import _Left
from missing_protocol.cli import check as check_cli
from missing_protocol.cli._json import write_check_json
from missing_protocol.cli._output import reader_left
from missing_protocol.engine import Outcome
from missing_protocol.rules import Finding, Status

EPISODES = 2000  # about 2 MB of JSON findings: far more than a pipe holds
PENDING = "2026-03-02T21:00:00Z"  # every duty still ahead: exit 0
OVERDUE = "2026-03-31"  # every duty missed: exit 1


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("left") / "log.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(EPISODES):
            out.write(json.dumps(reported(f"E{n}", "2026-03-02T20:00:00+00:00", child_id=f"C{n}")))
            out.write("\n" + json.dumps(found(f"E{n}", "2026-03-03T08:00:00+00:00")) + "\n")
    return path


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--format", "json", "--as-of", PENDING], 0),
        (["--format", "json", "--as-of", OVERDUE], 1),
        (["--all", "--as-of", PENDING], 0),
        (["--as-of", OVERDUE], 1),
    ],
    ids=["json clean", "json problems", "text clean", "text problems"],
)
def test_a_reader_that_reads_one_line_and_leaves(log: Path, args: list[str], code: int) -> None:
    """CONTRACT §3 exit codes: the answer's own code, and nothing on stderr."""
    command = [console_script(), "check", str(log), *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()  # `head -1` has what it wanted
    stderr = process.stderr.read()
    assert (process.wait(timeout=120), stderr) == (code, b"")


def _left_stdout() -> tuple[io.TextIOWrapper, int]:
    """A standard output as `main` makes it, on a pipe whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return io.TextIOWrapper(io.BufferedWriter(_Left(write_end)), encoding="utf-8"), write_end


def _findings(count: int, last: Status) -> Iterator[Finding]:
    due = dt.datetime(2026, 3, 3, tzinfo=dt.UTC)
    for n in range(count):
        status = last if n == count - 1 else Status.PENDING
        yield Finding("RHI-72H", status, f"E{n}", f"C{n}", "309", due, None, "m", "s")


def test_json_formats_no_finding_after_the_pipe_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The findings are all judged (the only problem is the last: the answer is still 1) but
    only those before the pipe broke are formatted."""
    formatted = 0
    to_dict = Finding.to_dict

    def counted(self: Finding, *args: Any, **kwargs: Any) -> dict[str, Any]:
        nonlocal formatted
        formatted += 1
        return to_dict(self, *args, **kwargs)

    monkeypatch.setattr(Finding, "to_dict", counted)
    stream, fd = _left_stdout()
    findings = _findings(10_000, Status.OVERDUE)
    outcome = Outcome(Counts(1, 1, 0, 1, 1), (), (), ((f, None) for f in findings), 1)
    try:
        problems = write_check_json(stream, outcome, dt.datetime(2026, 3, 31, tzinfo=dt.UTC), "p")
        assert reader_left(stream)
    finally:
        os.close(fd)
    assert problems
    assert next(findings, None) is None  # judged to the end
    assert 0 < formatted < 1000  # a buffer's worth, not 10,000


def test_text_formats_no_line_after_the_pipe_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    """check's text: after the chunk whose write found the reader gone, the findings left are
    drained for the summary's counts, and no more lines are made."""
    stream, fd = _left_stdout()
    monkeypatch.setattr(sys, "stdout", stream)
    made = 0
    unread = iter(range(10_000))

    def lines() -> Iterator[str]:
        nonlocal made
        for n in unread:
            made += 1
            yield f"line {n}"

    try:
        check_cli._echo_lines(lines(), unread)
    finally:
        os.close(fd)
    assert next(unread, None) is None
    assert made == 1000  # the first chunk only
