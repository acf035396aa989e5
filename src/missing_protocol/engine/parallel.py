"""Judging an assembly that is already in memory in several processes (`report --jobs`).

The report of a log small enough to read whole assembles it once; the rules are then judged for
groups of whole children in forked workers, which inherit the assembly instead of receiving a
copy, and the keyed findings are merged back into `evaluate`'s own order. (A larger log is
reported partition by partition instead: report.by_partition.)
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import heapq
import multiprocessing
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from missing_protocol.check import FindingKey, evaluate_keyed
from missing_protocol.episode import Assembly, Episode
from missing_protocol.profiles import Profile
from missing_protocol.rules import Finding

# What the forked workers read: set just before the pool forks them, cleared after.
_SHARED: dict[str, object] = {}
T = TypeVar("T")


def _group(child_id: str, jobs: int) -> int:
    return zlib.crc32(child_id.encode("utf-8", "surrogatepass")) % jobs


def _judge_group(index: int, jobs: int) -> list[tuple[FindingKey, object]]:
    assembly = _SHARED["assembly"]
    assert isinstance(assembly, Assembly)
    chosen = _SHARED["episodes"]
    project: Callable[[Finding], object] = _SHARED["project"]  # type: ignore[assignment]
    # None: every episode; an empty list judges none, as `evaluate` does.
    judged: Sequence[Episode] = assembly.episodes if chosen is None else chosen  # type: ignore[assignment]
    episodes = [e for e in judged if _group(e.child_id, jobs) == index]
    keyed = evaluate_keyed(
        assembly,
        _SHARED["as_of"],  # type: ignore[arg-type]
        _SHARED["profile"],  # type: ignore[arg-type]
        include_intelligence=bool(_SHARED["intelligence"]) and index == 0,
        episodes=episodes,
        worded=bool(_SHARED["worded"]),
    )
    return [(key, project(found)) for key, found in keyed]


def judged_jobs(
    assembly: Assembly,
    as_of: dt.datetime,
    profile: Profile,
    project: Callable[[Finding], T],
    *,
    jobs: int = 1,
    include_intelligence: bool = False,
    worded: bool = True,
    episodes: Sequence[Episode] | None = None,
) -> Iterator[T]:
    """`project` of each finding, in `evaluate`'s order, judged in `jobs` processes.

    Each finding is projected as soon as it is judged (in the worker), and with one job they
    stream, so a caller that needs a few of its fields (the report's tallies) never holds every
    finding at once."""
    if jobs <= 1:
        keyed = evaluate_keyed(
            assembly,
            as_of,
            profile,
            include_intelligence=include_intelligence,
            worded=worded,
            episodes=episodes,
        )
        return (project(found) for _, found in keyed)
    _SHARED.update(
        assembly=assembly,
        as_of=as_of,
        profile=profile,
        intelligence=include_intelligence,
        worded=worded,
        episodes=episodes,
        project=project,
    )
    try:
        context = multiprocessing.get_context("fork")
        with concurrent.futures.ProcessPoolExecutor(jobs, mp_context=context) as pool:
            parts = list(pool.map(_judge_group, range(jobs), [jobs] * jobs))
    finally:
        _SHARED.clear()
    merged = heapq.merge(*parts, key=lambda pair: pair[0])
    return (item for _, item in merged)  # type: ignore[misc]
