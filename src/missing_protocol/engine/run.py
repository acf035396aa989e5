"""The batch path for log files: route lines by child, judge partitions (in worker processes with
`jobs`), and merge them back into exactly the answer of one whole check.

Small logs with one job are judged in one partition straight from the reader. Otherwise a first
pass parses each line only to learn its routing key (engine.routing); the lines are then grouped
by partition, in memory when the log is small and in temporary partition files when it is not,
so that memory follows the largest partition, not the log. Each partition's findings come back
ordered by their key and are merged with heapq, so the output never depends on `jobs`.
"""

from __future__ import annotations

import array
import concurrent.futures
import datetime as dt
import heapq
import multiprocessing
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import attrs

from missing_protocol import clock
from missing_protocol.check import Counts, Judged, judge_streamed, paused_gc
from missing_protocol.engine.arrays import Copies, Lines, copied
from missing_protocol.engine.fanout import route_in_workers
from missing_protocol.engine.findings import Described, Keyed, keyed, spilled, stream, unkeyed
from missing_protocol.engine.problems import Kept, Problems, problems
from missing_protocol.engine.problems import spilled as spilled_problems
from missing_protocol.engine.processes import open_files, room_to_spill, workers
from missing_protocol.engine.routing import (
    Line,
    Routed,
    Router,
    Tally,
    line_key,
    lines_of,
    record,
    value_of,
)
from missing_protocol.episode import Episode
from missing_protocol.formats.events import (
    Parsed,
    UnreadableFile,
    _line_object,
    is_array_file,
    numbered_lines,
    read_file,
)
from missing_protocol.formats.fields import parse_object
from missing_protocol.model import EventError, Source
from missing_protocol.privacy import Pseudonymiser
from missing_protocol.profiles import Profile
from missing_protocol.rules import Finding, Status

# The size of one spilled partition: what one worker holds at a time.
PARTITION_BYTES = 16 * 1024 * 1024
# Logs larger than this are spilled to partition files; smaller ones are judged in memory. No
# more than one partition: a log judged whole holds about 5 bytes a byte of log (14 for bare
# reports): 100k episodes fit in 63 MB of compact lines and took 594 MiB under 64 MB.
SPILL_BYTES = PARTITION_BYTES
# A small log is sized as if each line held at least this many bytes: a rejected line is kept as
# about 400 bytes however short it is, and 9.5 MB of short lines that are not events (a million)
# took 365 MiB judged whole; so sized, they are judged in partitions of 250k lines at most.
LINE_BYTES = 64
# The most workers `--jobs auto` starts: each holds a partition (about 100 MiB at its peak).
AUTO_JOBS = 4


def _zone(name: str | None) -> None:
    clock.check_zone(name)


@attrs.frozen
class Options:
    as_of: dt.datetime
    profile: Profile
    # An unknown zone fails here, once, not as a rejection of every naive time.
    assume_tz: str | None = attrs.field(default=None, validator=lambda _, __, zone: _zone(zone))
    include_intelligence: bool = False
    keep: frozenset[Status] | None = None
    # Pseudonyms replace the ids of each partition's parsed events before they are assembled.
    pseudonymiser: Pseudonymiser | None = None
    # What a caller shows of a finding's episode (the text output's heading), said where the
    # episode is, once an episode; a top-level function, so that a worker can be given it.
    describe: Callable[[Episode], str] | None = None
    # Count every finding by status, kept or not (Outcome.statuses: the text output's summary).
    tally: bool = False


@attrs.frozen
class Outcome:
    """A whole check: counts, rejections and warnings, and the findings as an ordered stream."""

    counts: Counts
    # In line order; each may be read more than once (Problems), and len() is its count.
    errors: Problems = attrs.field(converter=problems)
    warnings: Problems = attrs.field(converter=problems)
    # Each finding with what Options.describe said of its episode (None without it).
    described: Iterator[Described]
    partitions: int
    # Every finding by status, kept or not (with Options.tally; else empty).
    statuses: Counter[str] = attrs.field(factory=Counter)

    @property
    def findings(self) -> Iterator[Finding]:
        return (found for found, _ in self.described)


@attrs.frozen
class _Part:
    counts: Counts
    # In line order: in memory, or the path of a file of pickled batches of them.
    errors: Kept
    warnings: Kept
    warned: int  # how many warnings
    findings: list[Keyed] | str  # in memory, or the path of a file of pickled batches of them
    statuses: Counter[str]


def run(
    files: Sequence[str],
    options: Options,
    *,
    jobs: int = 1,
    spill_bytes: int = SPILL_BYTES,
    partition_bytes: int = PARTITION_BYTES,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
) -> Outcome:
    """Check log files; raises UnreadableFile (usage error) before reading anything.
    `progress` gets the count of lines routed; `stage`, what is done before that (copying)."""
    names = [str(f) for f in files]
    total, array = log_size(names)
    if array and total <= spill_bytes:
        return _whole(names, options)  # a small log with a JSON array: one partition
    if total <= spill_bytes:
        total = max(total, LINE_BYTES * line_count(names))
    if jobs <= 1 and total <= spill_bytes:
        return _whole(names, options)
    spill = total > spill_bytes
    count = partition_count(total, partition_bytes, jobs) if spill else jobs
    # The folder lives until the merged findings have been streamed (or is removed at exit).
    folder = tempfile.TemporaryDirectory(prefix="missing-protocol-")
    # Large arrays (an object a line, pretty, or on one line) are routed as JSON Lines copies;
    # their lines are read under the array's own name and line numbers (engine.arrays).
    copies = copied(names, folder, stage) if array else Copies.none(names)
    if copies is None:
        return _whole(names, options)
    try:
        with room_to_spill(), workers(jobs) as pool:
            spilled_to = Path(folder.name) if spill else None
            routed = route_log(copies.paths, count, spilled_to, pool, jobs, progress)
            parts = _judge_all(routed.partitions, (names, copies.lines), options, pool, spill)
    except BaseException:
        folder.cleanup()
        raise
    return _merge(routed, parts, count, folder)


def partition_count(total: int, partition_bytes: int, jobs: int) -> int:
    """Partitions of about `partition_bytes` each, as many for every job: with 7 for 2 jobs, one
    worker would judge the seventh while the other waits. Every partition file is open while the
    log is routed: past half the files a process may open, partitions are larger instead."""
    count = max(jobs, -(-total // partition_bytes))
    count = -(-count // jobs) * jobs
    most = max(jobs, open_files() // 2 // jobs * jobs)
    return min(count, most)


def auto_jobs(names: Sequence[str], spill_bytes: int | None = None) -> int:
    """`--jobs auto`: one process for a log that is judged in memory (starting workers costs more
    than they save there), else a worker per usable core, at most AUTO_JOBS."""
    try:
        total = sum(os.path.getsize(name) for name in names)
        # Workers are forked and share locks: where either is missing, one process does it all.
        multiprocessing.get_context("fork").Lock()
    except (OSError, ValueError, ImportError):
        return 1  # an unreadable file is said by the run itself, with its usual message
    if total <= (SPILL_BYTES if spill_bytes is None else spill_bytes):
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, AUTO_JOBS))


def log_size(names: Sequence[str]) -> tuple[int, bool]:
    """The log's bytes, and whether any file is a JSON array (read whole); every file is opened
    first, so an unreadable one is an UnreadableFile before anything is read."""
    total, array = 0, False
    for name in names:
        try:
            total += os.path.getsize(name)
            with open(name, "rb") as handle:
                array = is_array_file(handle, name) or array
        except OSError as problem:
            raise UnreadableFile(f"{name}: {problem.strerror or problem}") from None
    return total, array


def line_count(names: Sequence[str]) -> int:
    """The lines of a small log (newlines, and a last line without one)."""
    count = 0
    for name in names:
        with open(name, "rb") as handle:
            last = b"\n"
            while chunk := handle.read(1024 * 1024):
                count += chunk.count(b"\n")
                last = chunk[-1:]
            count += last != b"\n"
    return count


def read_part(
    source: list[Line] | str,
    names: Sequence[str],
    assume_tz: str | None,
    origins: Sequence[Source] | None = None,
    lines: Sequence[Lines | None] | None = None,
) -> Iterator[Parsed]:
    """A partition's lines as parsed events (a line that is not JSON as its rejection, as the
    reader words it); with `origins`, the events of a file share its one origin (see
    read_file's `numbered`); with `lines`, a copied array's lines are its own (engine.arrays)."""
    for index, number, raw in lines_of(source):
        place = 0
        if lines is not None and (renumbered := lines[index]) is not None:
            number, place = renumbered.at(number)
        obj = _line_object(raw, number, names[index])
        if obj.__class__ is EventError:
            yield obj
            continue
        origin = None if origins is None else origins[index]
        yield parse_object(obj, number, names[index], assume_tz, origin, place)


def _whole(names: Sequence[str], options: Options) -> Outcome:
    parsed = (item for name in names for item in read_file(name, options.assume_tz))
    judged = _judge(parsed, options)
    described = ((found, said) for _, found, said in keyed(judged, options.describe))
    counts, errors, warnings = judged.counts, judged.errors, judged.warnings
    return Outcome(counts, errors, warnings, described, 1, judged.statuses)


def _judge(parsed: Iterable[Any], options: Options) -> Judged:
    if options.pseudonymiser is not None:
        parsed = options.pseudonymiser.parsed(parsed)
    return judge_streamed(
        parsed,
        options.as_of,
        options.profile,
        include_intelligence=options.include_intelligence,
        keep=options.keep,
        tally=options.tally,
    )


def route_log(
    names: Sequence[str],
    count: int,
    folder: Path | None,
    pool: concurrent.futures.Executor | None,
    jobs: int,
    progress: Callable[[int], None] | None,
    tally: Tally | None = None,
) -> Routed:
    """The log routed into `count` partitions: spilled to `folder` (None: kept in memory), by
    the workers of `pool` when there are both, else in this process."""
    with paused_gc():  # the routing pass allocates a key per line: nothing cyclic
        if folder is not None and pool is not None:
            return route_in_workers(names, count, folder, pool, jobs, progress, tally)
        return route(names, count, folder, progress, tally)


def route(
    names: Sequence[str],
    count: int,
    folder: Path | None,
    progress: Callable[[int], None] | None,
    tally: Tally | None = None,
) -> Routed:
    """Each line of the log to the partition of its child (and what `tally` counts of each)."""
    router = Router()
    # Per line, its key: 4 bytes a line, and the router an entry a join (engine.routing).
    line_keys = array.array("i")
    kept: list[Line] = []
    tallied: Counter[str] = Counter()
    for index, name in enumerate(names):
        with open(name, "rb") as handle:
            for number, raw in numbered_lines(handle):
                obj = value_of(raw)
                line_keys.append(line_key(router, obj, number))
                if tally is not None and (counted := tally(obj, number, name)) is not None:
                    tallied[counted] += 1
                if folder is None:
                    kept.append((index, number, raw))
                if progress is not None and len(line_keys) % 10000 == 0:
                    progress(len(line_keys))
    # Each line's partition, once the whole log has joined the keys judged together.
    if folder is None:
        memory: list[list[Line]] = [[] for _ in range(count)]
        for key, line in zip(line_keys, kept, strict=True):
            memory[router.partition(key, count)].append(line)
        return Routed(list(memory), len(line_keys), tallied)
    spilled = _spill(names, line_keys, router, count, folder)
    return Routed(spilled, len(line_keys), tallied)


def _spill(
    names: Sequence[str],
    line_keys: array.array[int],
    router: Router,
    count: int,
    folder: Path,
) -> list[list[Line] | str]:
    """Second pass: each routed line, framed by its file and line number, to its partition file."""
    paths = [str(folder / f"part-{i:04d}.lines") for i in range(count)]
    outs: list[IO[bytes]] = [open(p, "wb") for p in paths]  # noqa: SIM115 - closed below
    partition = router.partition
    try:
        position = 0
        for index, name in enumerate(names):
            with open(name, "rb") as handle:
                for number, raw in numbered_lines(handle):
                    key = line_keys[position]
                    position += 1
                    outs[partition(key, count)].write(record(index, number, raw))
    finally:
        for out in outs:
            out.close()
    return list(paths)


# The names a partition's lines are read as, and a copied array's Lines (engine.arrays).
Named = tuple[Sequence[str], Sequence[Lines | None] | None]


def _judge_part(source: list[Line] | str, named: Named, options: Options, spill: bool) -> _Part:
    names, lines = named
    judged = _judge(read_part(source, names, options.assume_tz, None, lines), options)
    findings = keyed(judged, options.describe)  # judged as they are written (statuses too)
    kept: list[Keyed] | str
    errors: Kept = judged.errors
    warnings: Kept = judged.warnings
    if spill and isinstance(source, str):
        kept = spilled(findings, source + ".findings")
        # A rejection or warning on every line must not all come back to one process.
        if judged.errors:
            errors = spilled_problems(judged.errors, source + ".errors")
        if judged.warnings:
            warnings = spilled_problems(judged.warnings, source + ".warnings")
    else:
        kept = list(findings)
    warned = len(judged.warnings)
    return _Part(judged.counts, errors, warnings, warned, kept, judged.statuses)


def _judge_all(
    sources: list[list[Line] | str],
    named: Named,
    options: Options,
    pool: concurrent.futures.Executor | None,
    spill: bool,
) -> list[_Part]:
    if pool is None:
        return [_judge_part(s, named, options, spill) for s in sources]
    futures = [pool.submit(_judge_part, s, named, options, spill) for s in sources]
    return [f.result() for f in futures]


def _merge(
    routed: Routed, parts: list[_Part], count: int, folder: tempfile.TemporaryDirectory[str]
) -> Outcome:
    counts = Counts(
        events=routed.lines,
        accepted=sum(p.counts.accepted for p in parts),
        rejected=sum(p.counts.rejected for p in parts),
        episodes=sum(p.counts.episodes for p in parts),
        children=sum(p.counts.children for p in parts),
    )
    # Every stream keeps the run's folder (its files) until the last of them is dropped.
    errors = Problems(tuple(p.errors for p in parts), counts.rejected, held=folder)
    warned = sum(p.warned for p in parts)
    warnings = Problems(tuple(p.warnings for p in parts), warned, held=folder)
    merged = heapq.merge(*(stream(p.findings) for p in parts), key=lambda kf: kf[0])
    statuses = sum((p.statuses for p in parts), Counter[str]())
    described = _holding(unkeyed(merged), folder)
    return Outcome(counts, errors, warnings, described, count, statuses)


def _holding(
    described: Iterator[Described], folder: tempfile.TemporaryDirectory[str]
) -> Iterator[Described]:
    # The folder is removed when the outcome and all its streams are gone (or at exit).
    yield from described
    del folder
