"""Benchmark the period report: read, assemble and report on synthetic years of growing size.

    python bench/bench_report.py            # sizes 1x, 10x, 100x the example year
    python bench/bench_report.py 1 10       # chosen multiples

Prints seconds per stage and per-event rates, and each size's ratio to the first (for linear
scaling, the time ratio is close to the size ratio). No asserts: figures to read, not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from missing_protocol import synth
from missing_protocol.episode import assemble
from missing_protocol.formats.events import read_file
from missing_protocol.model import Event, EventError
from missing_protocol.report import compute, render_json


def run(multiple: int, folder: Path) -> dict[str, float]:
    children = synth.EXAMPLE_CHILDREN * multiple
    episodes = synth.EXAMPLE_EPISODES * multiple
    path = folder / f"year_x{multiple}.jsonl"
    start = time.perf_counter()
    lines = synth.write(synth.generate(children, episodes), path)
    made = time.perf_counter()
    parsed = list(read_file(path))
    read = time.perf_counter()
    events: list[Event] = [p for p in parsed if not isinstance(p, EventError)]
    assembly = assemble(events)
    assembled = time.perf_counter()
    figures = compute(assembly, synth.PERIOD, synth.AUTHORITY)
    render_json.to_dict(figures)
    reported = time.perf_counter()
    assert figures.episodes == episodes  # the generator's promise, not a timing
    return {
        "events": lines,
        "MB": path.stat().st_size / 1e6,
        "generate": made - start,
        "read": read - made,
        "assemble": assembled - read,
        "report": reported - assembled,
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        description="The report's stages at multiples of the example year."
    )
    parser.add_argument("multiples", nargs="*", type=int, metavar="M", help="default: 1 10 100")
    multiples = parser.parse_args(argv).multiples or [1, 10, 100]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for multiple in multiples:
            rows.append((multiple, run(multiple, Path(tmp))))
            m, r = rows[-1]
            print(
                f"x{m:<4} {int(r['events']):>9} events {r['MB']:7.1f} MB | "
                f"generate {r['generate']:6.2f}s  read {r['read']:6.2f}s  "
                f"assemble {r['assemble']:6.2f}s  report {r['report']:6.2f}s | "
                f"read {r['events'] / r['read'] / 1000:5.1f}k ev/s  "
                f"report {r['events'] / max(r['report'], 1e-9) / 1000:7.1f}k ev/s",
                flush=True,
            )
    base_m, base = rows[0]
    print("\nratios to the first size (time ratio / size ratio; ~1.0 means linear):")
    for m, r in rows[1:]:
        size = r["events"] / base["events"]
        parts = "  ".join(
            f"{stage} {r[stage] / base[stage] / size:4.2f}"
            for stage in ("read", "assemble", "report")
        )
        print(f"x{m} vs x{base_m}: size x{size:.1f}  {parts}")


if __name__ == "__main__":
    main(sys.argv[1:])
