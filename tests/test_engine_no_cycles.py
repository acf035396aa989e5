"""Issue 10 point 2 (bounded memory): reading and judging leave no reference cycles.

The collector is paused while a log is read and judged (check.paused_gc), so anything cyclic
made per line stays until the run ends: a rejection's exception tree used to keep about 3.5 KB
a rejected line (3 GB for 100k episodes with every line rejected). Each kind of mutated line of
the fuzz suite, and every event type, must leave nothing for the collector to find.
"""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings

from missing_protocol import profiles
from missing_protocol.check import judge, parse_as_of
from missing_protocol.formats.events import read_file
from test_fuzz import mutated, write

AS_OF = parse_as_of("2026-03-31T12:00:00Z")


def _judged(path: Path) -> int:
    judged = judge(read_file(str(path)), AS_OF, profiles.load("statutory"))
    return sum(1 for _ in judged.findings) + len(judged.errors)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(log=mutated())
def test_reading_and_judging_a_messy_log_makes_nothing_cyclic(
    tmp_path: Path, log: tuple[list[Any], list[str]]
) -> None:
    events, raws = log
    path = tmp_path / "log.jsonl"
    write(path, events, raws, "lines")
    _judged(path)  # caches (converters, calendars) are filled on first use, not counted
    gc.collect()
    was_on = gc.isenabled()
    gc.disable()
    try:
        _judged(path)
        assert gc.collect() == 0
    finally:
        if was_on:
            gc.enable()


def test_a_rejection_leaves_no_cycle_behind(tmp_path: Path) -> None:
    """The case that was measured: a required field missing on every line (cattrs' tree)."""
    path = tmp_path / "log.jsonl"
    path.write_text('{"type": "found", "episodeId": "E1", "at": "2026-03-02T10:00:00Z"}\n' * 50)
    _judged(path)
    gc.collect()
    gc.disable()
    try:
        assert _judged(path) == 50
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_a_caller_handling_an_exception_keeps_its_traceback() -> None:
    """The rejection's own tree lets go of its tracebacks, not the exception a caller is
    handling while it reads a line (it is the tree's context)."""
    from missing_protocol.formats.fields import parse_object

    try:
        raise LookupError("the caller's own")
    except LookupError as own:
        rejected = parse_object({"type": "found", "at": "2026-03-02T10:00:00Z"}, 7)
        assert own.__traceback__ is not None
    assert rejected.__class__.__name__ == "EventError"
