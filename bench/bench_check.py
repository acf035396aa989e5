"""Benchmark `check`: read, assemble and evaluate every rule on synthetic years of growing size.

    python bench/bench_check.py            # sizes 1x, 10x, 30x the example year
    python bench/bench_check.py 1 10 100   # chosen multiples

Prints seconds per stage, events per second, and each size's time ratio against its size ratio
(linear scaling keeps the two close). No asserts: figures to read, not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from missing_protocol import profiles, synth
from missing_protocol.check import evaluate, parse_as_of
from missing_protocol.episode import assemble
from missing_protocol.formats.events import read_file
from missing_protocol.model import Event, EventError

AS_OF = "2026-05-31T23:59:59+01:00"


def run(multiple: int, folder: Path) -> dict[str, float]:
    path = folder / f"year_x{multiple}.jsonl"
    events_written = synth.write(
        synth.generate(synth.EXAMPLE_CHILDREN * multiple, synth.EXAMPLE_EPISODES * multiple), path
    )
    profile = profiles.load("statutory")
    start = time.perf_counter()
    parsed = list(read_file(path))
    read = time.perf_counter()
    events: list[Event] = [p for p in parsed if not isinstance(p, EventError)]
    assembly = assemble(events)
    assembled = time.perf_counter()
    findings = evaluate(assembly, parse_as_of(AS_OF), profile)
    evaluated = time.perf_counter()
    return {
        "events": events_written,
        "findings": len(findings),
        "read": read - start,
        "assemble": assembled - read,
        "evaluate": evaluated - assembled,
        "total": evaluated - start,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description="The in-memory check's stages at multiples of the example year."
    )
    parser.add_argument("multiples", nargs="*", type=int, metavar="M", help="default: 1 10 30")
    multiples = parser.parse_args(argv).multiples or [1, 10, 30]
    first: tuple[int, dict[str, float]] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for multiple in multiples:
            r = run(multiple, Path(tmp))
            first = first or (multiple, r)
            size_ratio = r["events"] / first[1]["events"]
            time_ratio = r["total"] / first[1]["total"]
            print(
                f"x{multiple:<4} {int(r['events']):>9} events {int(r['findings']):>9} findings | "
                f"read {r['read']:6.2f}s assemble {r['assemble']:6.2f}s evaluate {r['evaluate']:6.2f}s | "
                f"{r['events'] / r['total']:9,.0f} events/s | size x{size_ratio:.1f} time x{time_ratio:.1f}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
