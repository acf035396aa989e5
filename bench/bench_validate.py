"""Benchmark `validate`: one proposed event against a child's history of growing length.

    python bench/bench_validate.py             # histories of 6, 18, 36 and 60 events
    python bench/bench_validate.py 12 48       # chosen lengths (rounded to whole episodes)

Each history is one child's episodes, each reported, found, offered, interviewed, planned and
notified (6 events), the episodes a month apart. The proposed event is the next episode's
report. Prints the median and 95th percentile (wall) and the mean CPU time of one call, in ms, for history as JSON objects (what
the HTTP service gets) and as typed events (a service that keeps them parsed). No asserts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from typing import Any

from missing_protocol import validate
from missing_protocol.formats.events import read_objects
from missing_protocol.model import EventError

START = dt.datetime(2025, 1, 6, 20, 0, tzinfo=dt.UTC)
AS_OF = "2026-06-30"
CALLS = 300


def _at(moment: dt.datetime) -> str:
    return moment.isoformat()


def episode(number: int) -> list[dict[str, Any]]:
    t = START + dt.timedelta(days=30 * number)
    eid = f"E{number}"
    return [
        {
            "type": "reported",
            "episode_id": eid,
            "child_id": "C1",
            "at": _at(t),
            "missing_from": "care",
            "responsible_authority": "309",
            "host_authority": "919",
            "risk": "medium",
        },
        {
            "type": "notified",
            "episode_id": eid,
            "at": _at(t + dt.timedelta(hours=1)),
            "party": "police",
        },
        {"type": "found", "episode_id": eid, "at": _at(t + dt.timedelta(hours=14))},
        {"type": "interview_offered", "episode_id": eid, "at": _at(t + dt.timedelta(hours=30))},
        {"type": "interview_completed", "episode_id": eid, "at": _at(t + dt.timedelta(hours=50))},
        {
            "type": "plan_made",
            "episode_id": eid,
            "at": _at(t + dt.timedelta(days=5)),
            "actions": [{"kind": "education", "owner": "309"}],
        },
    ]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def measure(history: list[Any], proposed: dict[str, Any]) -> tuple[float, float, float]:
    """Median and p95 wall time of one call, and the mean CPU time (steadier on a busy machine)."""
    validate(history, proposed, as_of=AS_OF)  # warm caches (profile, converters)
    samples = []
    cpu = time.process_time()
    for _ in range(CALLS):
        start = time.perf_counter()
        verdict = validate(history, proposed, as_of=AS_OF)
        samples.append(time.perf_counter() - start)
    cpu = (time.process_time() - cpu) / CALLS
    if not verdict.accepted:
        raise SystemExit(f"the benchmark's event was rejected: {verdict.errors}")
    return (*percentiles(samples), cpu)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description="Benchmark validate against histories of N events."
    )
    parser.add_argument("lengths", nargs="*", type=int, metavar="N", help="default: 6 18 36 60")
    lengths = parser.parse_args(argv).lengths or [6, 18, 36, 60]
    print(f"validate: one proposed report after a history of N events ({CALLS} calls each)")
    print(f"{'N':>4} | JSON objects: median   p95     CPU | typed events: median   p95     CPU")
    for length in lengths:
        episodes = max(1, round(length / 6))
        history = [e for n in range(episodes) for e in episode(n)]
        proposed = episode(episodes)[0]
        typed = [e for e in read_objects(history) if not isinstance(e, EventError)]
        cells = [
            " ".join(f"{value * 1000:7.3f}" for value in measure(chosen, proposed))
            for chosen in (history, typed)
        ]
        print(f"{len(history):>4} |      {cells[0]} ms |      {cells[1]} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
