"""Figures of a log of any size: read whole, or child partition by child partition.

A log up to `SPILL_BYTES` (or a JSON array) is read and assembled whole, as ever. A larger one
is routed by child into partition files (as `check` routes it, engine.run), and each partition
is read, assembled and reduced to its part (plain data, common.mergeable) on its own, in `jobs`
processes; the parts merge as they come, so the peak follows a partition, not the log. Both
ways give the same figures: the period report (report.parts; tests/test_report_partitions.py),
and the hotspots, persons, self-reports and compare commands (tests/test_cli_partitions.py).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Generic, TypeVar

import attrs

from missing_protocol.check import Counts, paused_gc
from missing_protocol.common.mergeable import merged
from missing_protocol.engine.arrays import Copies, copied
from missing_protocol.engine.processes import room_to_spill, workers
from missing_protocol.engine.run import (
    PARTITION_BYTES,
    SPILL_BYTES,
    log_size,
    partition_count,
    read_part,
    route_log,
)
from missing_protocol.formats.events import (
    Parsed,
    read_file,
)
from missing_protocol.formats.fields import parse_object
from missing_protocol.model import Reported, Source
from missing_protocol.report import ParsedLog, assemble_parsed
from missing_protocol.report.parts import Scope, report_part

# What a caller does to the parsed events before they are assembled (pseudonyms, privacy).
Prepare = Callable[[Iterator[Parsed]], Iterator[Parsed]]
S = TypeVar("S")
# What the figures are of (period, profile...), once the log's reports are counted by
# responsible authority: the same for every part, so that parts can merge.
ScopeOf = Callable[[Counter[str]], S]
# One assembly of whole children, its scope and the jobs it may judge in -> its part.
PartOf = Callable[[ParsedLog, S, int], dict[str, Any]]
# What the forked workers read: set just before the pool forks them, cleared after.
_SHARED: dict[str, Any] = {}


def _unchanged(parsed: Iterator[Parsed]) -> Iterator[Parsed]:
    return parsed


def no_scope(reports: Counter[str]) -> None:
    """The scope of figures of the whole log (a `ScopeOf`): nothing to choose once it is read."""
    return None


@attrs.frozen
class LogParts(Generic[S]):
    """A log's figures as one merged part, their scope, and what was read (as check counts it)."""

    scope: S
    part: dict[str, Any]
    read: Counts


def report_log(
    files: Sequence[str],
    scope_of: ScopeOf[Scope],
    *,
    assume_tz: str | None = None,
    prepare: Prepare = _unchanged,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    spill_bytes: int = SPILL_BYTES,
    partition_bytes: int = PARTITION_BYTES,
) -> tuple[Scope, dict[str, Any]]:
    """The report's scope and its merged part; raises UnreadableFile before reading anything.

    `progress` gets the count of lines read; `stage`, with a large log, each partition done."""
    done = log_parts(
        files,
        scope_of,
        _report_part,
        assume_tz=assume_tz,
        prepare=prepare,
        jobs=jobs,
        progress=progress,
        stage=stage,
        spill_bytes=spill_bytes,
        partition_bytes=partition_bytes,
        tally_reports=True,
    )
    return done.scope, done.part


def _report_part(log: ParsedLog, scope: Scope, jobs: int) -> dict[str, Any]:
    return report_part(log, scope, jobs=jobs)


def log_parts(
    files: Sequence[str],
    scope_of: ScopeOf[S],
    part_of: PartOf[S],
    *,
    assume_tz: str | None = None,
    prepare: Prepare = _unchanged,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    spill_bytes: int = SPILL_BYTES,
    partition_bytes: int = PARTITION_BYTES,
    numbered: bool = False,
    tally_reports: bool = False,
) -> LogParts[S]:
    """`part_of` each assembly of whole children, merged; raises UnreadableFile before reading
    anything. `numbered`: each event keeps its own line as origin (else one origin a file);
    `tally_reports`: a large log's reports are counted by authority as it is routed (else
    `scope_of` gets them only from a log read whole)."""
    names = [str(f) for f in files]
    total, whole = log_size(names)
    how = _How(assume_tz, prepare, numbered)
    with contextlib.ExitStack() as stack:
        copies: Copies | None = Copies.none(names)
        if whole and total > spill_bytes:
            # Large arrays (an object a line, pretty, or on one line) are routed as JSON Lines
            # copies, read under their own names and line numbers (engine.arrays).
            folder = tempfile.TemporaryDirectory(prefix="missing-protocol-")
            stack.callback(folder.cleanup)
            copies = copied(names, folder, stage)
        if copies is None or total <= spill_bytes:
            return _whole(names, scope_of, part_of, how, jobs, progress)
        watch = (progress, stage)
        tally = _ReportOf(assume_tz) if tally_reports else None
        return _partitioned(
            (copies, names), scope_of, part_of, how, jobs, watch, total, partition_bytes, tally
        )


@attrs.frozen
class _How:
    """How the events are read: the same whole or in partitions."""

    assume_tz: str | None
    prepare: Prepare
    numbered: bool


def _read(log: ParsedLog) -> dict[str, Any]:
    # What was read, in the order of check.Counts' fields (lines that are not JSON too).
    a = log.assembly
    return {"read": (log.events, a.accepted, log.rejected, len(a.episodes), len(a.child_ids))}


def _whole(
    names: Sequence[str],
    scope_of: ScopeOf[S],
    part_of: PartOf[S],
    how: _How,
    jobs: int,
    progress: Callable[[int], None] | None,
) -> LogParts[S]:
    streams = [read_file(name, how.assume_tz, numbered=how.numbered) for name in names]
    reports: Counter[str] = Counter()
    log = assemble_parsed(_counted(how.prepare(chained(streams, progress)), reports))
    scope = scope_of(reports)
    return LogParts(scope, part_of(log, scope, jobs), Counts(*_read(log)["read"]))


def chained(
    streams: Iterable[Iterator[Parsed]], progress: Callable[[int], None] | None
) -> Iterator[Parsed]:
    """The streams one after another, the count read given to `progress` every 10,000."""
    count = 0
    for stream in streams:
        for item in stream:
            count += 1
            if progress is not None and count % 10000 == 0:
                progress(count)
            yield item


def _counted(parsed: Iterable[Parsed], reports: Counter[str]) -> Iterator[Parsed]:
    # The responsible authority of each report read: the busiest is the default authority.
    for item in parsed:
        if item.__class__ is Reported:
            reports[item.responsible_authority] += 1
        yield item


def _partitioned(
    files: tuple[Copies, Sequence[str]],
    scope_of: ScopeOf[S],
    part_of: PartOf[S],
    how: _How,
    jobs: int,
    watch: tuple[Callable[[int], None] | None, Callable[[str], None] | None],
    total: int,
    partition_bytes: int,
    tally: _ReportOf | None,
) -> LogParts[S]:
    (copies, names), (progress, stage) = files, watch  # files routed; names they are read as
    count = partition_count(total, partition_bytes, jobs)
    with tempfile.TemporaryDirectory(prefix="missing-protocol-") as folder:
        # The reports are counted by responsible authority as the log is routed: the busiest
        # is the default authority.
        with room_to_spill(), workers(jobs) as pool:
            routed = route_log(copies.paths, count, Path(folder), pool, jobs, progress, tally)
        scope = scope_of(routed.tallied)
        _SHARED.update(
            names=names,
            lines=copies.lines,
            how=how,
            part_of=part_of,
            scope=scope,
            sources=routed.partitions,
        )
        try:
            found = merged(_watched(_parts(len(routed.partitions), jobs), count, stage))
        finally:
            _SHARED.clear()
    read = Counts(*found.pop("read"))
    return LogParts(scope, found["part"], read)


@attrs.frozen
class _ReportOf:
    """The responsible authority of a line that the reader reads as a report (else None): the
    reader's own judgement of each report, as the whole path counts them."""

    assume_tz: str | None

    def __call__(self, obj: Any, number: int, name: str) -> str | None:
        if obj.__class__ is dict and obj.get("type") == "reported":
            item = parse_object(obj, number, name, self.assume_tz)
            if item.__class__ is Reported:
                return item.responsible_authority
        return None


def _watched(
    parts: Iterator[dict[str, Any]], count: int, stage: Callable[[str], None] | None
) -> Iterator[dict[str, Any]]:
    # A national log takes minutes after it is read: a person watching sees each partition done.
    for done, part in enumerate(parts, start=1):
        if stage is not None:
            stage(f"working out the figures: {done} of {count} partitions")
        yield part


def _parts(count: int, jobs: int) -> Iterator[dict[str, Any]]:
    if jobs <= 1:
        yield from (_part_of(index) for index in range(count))
        return
    # fork: workers inherit the modules, the profile and the scope; each returns a small part.
    with workers(jobs) as pool:
        assert pool is not None
        yield from pool.map(_part_of, range(count))


def _part_of(index: int) -> dict[str, Any]:
    names, how = _SHARED["names"], _SHARED["how"]
    # Figures never show where an event came from unless `numbered`: one origin a file.
    origins = None if how.numbered else [Source(0, name) for name in names]
    parsed = read_part(_SHARED["sources"][index], names, how.assume_tz, origins, _SHARED["lines"])
    with paused_gc():
        log = assemble_parsed(how.prepare(parsed))
        return {**_read(log), "part": _SHARED["part_of"](log, _SHARED["scope"], 1)}
