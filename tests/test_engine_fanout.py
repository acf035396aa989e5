"""Issue 10 point 3 (`--jobs N`): a spilled log routed by the workers gives each partition the
same lines, in the same order, as the one-process routing pass, whatever the byte ranges."""

from __future__ import annotations

import concurrent.futures
import importlib
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import event_logs
from missing_protocol import engine, profiles
from missing_protocol.check import parse_as_of
from missing_protocol.cli._json import write_check_json

# engine/__init__ re-exports the function `run`, which hides the module of that name.
run_module = importlib.import_module("missing_protocol.engine.run")
fanout = importlib.import_module("missing_protocol.engine.fanout")

# What a producer's file may hold besides events: junk, blank and padded lines, CRLF endings.
ODD_LINES = [b"{not json", b"", b"   ", b"[1, 2]", b'"text"', b"\xff\xfe not UTF-8"]


def _write(path: Path, lines: list[bytes], *, bom: bool, crlf: bool, last_newline: bool) -> None:
    end = b"\r\n" if crlf else b"\n"
    body = end.join(lines) + (end if last_newline else b"")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + body)


def _lines_of(partition: Any) -> list[tuple[int, int, bytes]]:
    return list(run_module.lines_of(partition))


@st.composite
def messy_files(draw: st.DrawFn) -> list[list[bytes]]:
    """One to three files of events (shuffled across files) with odd lines among them."""
    events = [json.dumps(e).encode() for e in draw(event_logs(max_children=4, max_episodes=3))]
    lines = events + draw(st.lists(st.sampled_from(ODD_LINES), max_size=6))
    lines = draw(st.permutations(lines))
    cuts = sorted(draw(st.lists(st.integers(0, len(lines)), max_size=2)))
    bounds = [0, *cuts, len(lines)]
    return [lines[a:b] for a, b in itertools.pairwise(bounds)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=messy_files(),
    range_bytes=st.sampled_from([1, 40, 300, 10_000]),
    count=st.sampled_from([1, 3, 7]),
    bom=st.booleans(),
    crlf=st.booleans(),
    last_newline=st.booleans(),
)
def test_workers_route_each_line_where_one_pass_does(
    tmp_path_factory: Any,
    files: list[list[bytes]],
    range_bytes: int,
    count: int,
    bom: bool,
    crlf: bool,
    last_newline: bool,
) -> None:
    """Issue 10 point 2: partitions (lines that are not JSON too) and the line count equal
    engine.run.route's, for ranges as small as one byte (every line its own range), BOMs, CRLF,
    no final newline."""
    folder = tmp_path_factory.mktemp("log")
    names = []
    for index, lines in enumerate(files):
        path = folder / f"log{index}.jsonl"
        _write(path, lines, bom=bom and index == 0, crlf=crlf, last_newline=last_newline)
        names.append(str(path))
    (folder / "one").mkdir()
    (folder / "fan").mkdir()
    one = run_module.route(names, count, folder / "one", None)
    cut = fanout.ranges(names, 2, range_bytes)
    assert [(r.file, r.start) for r in cut] == sorted((r.file, r.start) for r in cut)
    # Threads stand in for the worker processes: the tasks are the same pure functions.
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        fanout_bytes, fanout.RANGE_BYTES = fanout.RANGE_BYTES, range_bytes
        try:
            fanned = fanout.route_in_workers(names, count, folder / "fan", pool, 2)
        finally:
            fanout.RANGE_BYTES = fanout_bytes
    assert fanned.lines == one.lines
    assert [_lines_of(p) for p in fanned.partitions] == [_lines_of(p) for p in one.partitions]


def test_ranges_start_at_line_starts_and_number_lines_as_the_file_does(tmp_path: Path) -> None:
    """Issue 10 point 2: each range begins a line, and its first line number counts the blank
    lines before it, so errors name the line a reader of the file sees."""
    path = tmp_path / "log.jsonl"
    path.write_bytes(b"aaaa\n\nbbbbbbbb\ncc\n\n\ndddd")
    cut = fanout.ranges([str(path)], 3, 4)
    data = path.read_bytes()
    for part in cut:
        assert part.start == 0 or data[part.start - 1 : part.start] == b"\n"
        assert part.first_line == data[: part.start].count(b"\n") + 1
    assert cut[0].start == 0 and cut[-1].end == len(data)
    assert all(a.end == b.start for a, b in itertools.pairwise(cut))


@pytest.mark.parametrize("jobs", [2, 3])
def test_jobs_route_in_worker_processes_with_the_same_answer(tmp_path: Path, jobs: int) -> None:
    """Issue 10 point 3: a spilled log checked with several jobs (routed by the worker
    processes, in many ranges) writes the bytes one job writes."""
    from missing_protocol import synth

    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(40, 160), path)
    with path.open("ab") as log:
        log.write(b"\n{not json\n\n")
    options = engine.Options(parse_as_of("2026-05-31"), profiles.load("statutory"))

    def answer(**run: Any) -> str:
        out = io.StringIO()
        write_check_json(out, engine.run([str(path)], options, **run), options.as_of, "statutory")
        return out.getvalue()

    size = path.stat().st_size
    one = answer(spill_bytes=0, partition_bytes=size // 5)
    saved, fanout.RANGE_BYTES = fanout.RANGE_BYTES, size // 11
    try:
        assert answer(jobs=jobs, spill_bytes=0, partition_bytes=size // 5) == one
    finally:
        fanout.RANGE_BYTES = saved


def _touch_slowly(path: str) -> None:
    import time

    Path(path).touch()
    time.sleep(0.1)


def test_a_failed_run_drops_the_work_still_queued(tmp_path: Path) -> None:
    """Issue 10 point 3 (`--jobs`): when a run fails or is interrupted, the ranges and partitions
    still queued are dropped, not worked through before the error is shown."""
    tasks = 40
    with pytest.raises(RuntimeError), run_module.workers(2) as pool:
        assert pool is not None
        for task in range(tasks):
            pool.submit(_touch_slowly, str(tmp_path / f"task-{task}"))
        raise RuntimeError("a range could not be read")
    started = len(list(tmp_path.iterdir()))
    assert 0 < started < tasks // 2  # those already running, or handed to a worker: no more
