"""Routing a large log in worker processes (`--jobs N` on a log that is spilled).

The one-process routing pass (engine.run.route) reads every line twice in the parent, which with
several jobs leaves the workers idle for a fifth of a check. Here the log is cut into byte ranges
at line starts; workers key the lines of each range (a range's first line number is known from
the newlines before it), the parent joins the keys exactly as one pass would, and workers then
write each range's lines to its partitions, which the parent joins file by file. Each partition
holds the same lines, in the same order, as the one-process pass gives it (tests prove it).
"""

from __future__ import annotations

import array
import concurrent.futures
import io
import itertools
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs

from missing_protocol.engine.routing import Routed, Router, Tally, line_key, record, value_of
from missing_protocol.formats.events import numbered_lines

# A range of a file keyed or spilled by one task: small enough that a worker holds it at once.
RANGE_BYTES = 8 * 1024 * 1024


@attrs.frozen
class Range:
    file: int  # the file's index in the log's names
    start: int  # byte offset of its first line
    end: int  # byte offset just after its last line
    first_line: int  # the number of its first line in its file (blank lines count)


@attrs.frozen
class _Keys:
    """What keying one range gives: each line's key (an index into `keys`)."""

    keys: list[int]
    line_keys: array.array[int]
    joins: list[tuple[int, int]]
    tallied: Counter[str]


def ranges(names: Sequence[str], pieces: int, range_bytes: int) -> list[Range]:
    """Each file cut at line starts into at least `pieces` ranges of at most about range_bytes."""
    cut: list[Range] = []
    for index, name in enumerate(names):
        size = os.path.getsize(name)
        count = max(pieces, -(-size // range_bytes))
        with open(name, "rb") as handle:
            bounds = [0]
            for k in range(1, count):
                handle.seek(max(size * k // count, bounds[-1] + 1) - 1)
                handle.readline()  # to the start of the next line
                if handle.tell() >= size:
                    break
                if handle.tell() > bounds[-1]:
                    bounds.append(handle.tell())
            bounds.append(size)
            line = 1
            for start, end in itertools.pairwise(bounds):
                cut.append(Range(index, start, end, line))
                handle.seek(start)
                line += handle.read(end - start).count(b"\n")
    return cut


def _lines(name: str, part: Range) -> Iterator[tuple[int, bytes]]:
    """A range's non-blank lines with their numbers in the file, as numbered_lines gives them."""
    with open(name, "rb") as handle:
        handle.seek(part.start)
        data = io.BytesIO(handle.read(part.end - part.start))
    yield from numbered_lines(data, part.first_line)


def key_range(name: str, part: Range, tally: Tally | None = None) -> _Keys:
    """Worker: the routing key of each line of one range, the joins its lines make, and what
    `tally` counts of their values."""
    router = Router()
    tallied: Counter[str] = Counter()
    ids: dict[int, int] = {}
    line_keys = array.array("i")
    for number, raw in _lines(name, part):
        obj = value_of(raw)
        line_keys.append(ids.setdefault(line_key(router, obj, number), len(ids)))
        if tally is not None and (counted := tally(obj, number, name)) is not None:
            tallied[counted] += 1
    return _Keys(list(ids), line_keys, router.joins(), tallied)


def spill_range(
    name: str,
    part: Range,
    line_keys: array.array[int],
    where: array.array[int],
    folder: str,
    task: int,
) -> list[int]:
    """Worker: one range's lines, framed as engine.run frames them, to its partition files (one
    file a partition this range reaches, named by partition and task); the partitions reached.
    `line_keys` are the range's own key numbers (from key_range), `where` each key's partition."""
    outs: dict[int, Any] = {}
    try:
        for position, (number, raw) in enumerate(_lines(name, part)):
            partition = where[line_keys[position]]
            out = outs.get(partition)
            if out is None:
                out = outs[partition] = open(_piece(folder, partition, task), "wb")  # noqa: SIM115
            out.write(record(part.file, number, raw))
    finally:
        for out in outs.values():
            out.close()
    return sorted(outs)


def _piece(folder: str, partition: int, task: int) -> str:
    return os.path.join(folder, f"part-{partition:04d}-{task:05d}.piece")


def route_in_workers(
    names: Sequence[str],
    count: int,
    folder: Path,
    pool: concurrent.futures.Executor,
    jobs: int,
    progress: Callable[[int], None] | None = None,
    tally: Tally | None = None,
) -> Routed:
    """Route the log into `count` partition files in `folder`, keyed and spilled by `pool`."""
    cut = ranges(names, jobs * 2, RANGE_BYTES)
    keyed = [pool.submit(key_range, names[r.file], r, tally) for r in cut]
    tallied: Counter[str] = Counter()
    router = Router()
    # Per range, its lines' keys as the range numbered them (4 bytes a line), and each of those
    # keys: the main process runs no Python per line (only `ranges` counts newlines, in C).
    per_range: list[tuple[array.array[int], list[int]]] = []
    lines = 0
    for future in keyed:
        got = future.result()
        router.join_all(got.joins)
        per_range.append((got.line_keys, got.keys))
        tallied += got.tallied
        lines += len(got.line_keys)
        if progress is not None:
            progress(lines)
    spilled = []
    for task, part in enumerate(cut):
        (line_keys, keys), per_range[task] = per_range[task], (array.array("i"), [])
        to = array.array("i", (router.partition(key, count) for key in keys))  # the range's keys
        args = (names[part.file], part, line_keys, to, str(folder), task)
        spilled.append(pool.submit(spill_range, *args))
    reached = [f.result() for f in spilled]
    return Routed(list(_joined(folder, count, reached)), lines, tallied)


def _joined(folder: Path, count: int, reached: list[list[int]]) -> list[str]:
    """Each partition's pieces joined in range order, so its lines keep the log's order."""
    pieces: list[list[int]] = [[] for _ in range(count)]
    for task, partitions in enumerate(reached):
        for partition in partitions:
            pieces[partition].append(task)
    paths = []
    for partition, tasks in enumerate(pieces):
        path = str(folder / f"part-{partition:04d}.lines")
        with open(path, "wb") as out:
            for task in tasks:
                piece = _piece(str(folder), partition, task)
                with open(piece, "rb") as source:
                    shutil.copyfileobj(source, out, 1024 * 1024)
                os.remove(piece)
        paths.append(path)
    return paths
