"""Benchmark the engine against its floor, side by side in one run (issue 10).

    python bench/bench_engine.py                 # 10k and 100k episodes
    python bench/bench_engine.py --million       # and 1M episodes (minutes, ~800 MB of log)
    python bench/bench_engine.py --sizes 10000   # chosen sizes (episodes)

For each size, on the same generated file (the shipped example year copied with fresh ids until
it holds that many episodes), it prints: the orjson parse floor; `check --format json
--only-problems` through the console script (with --jobs 1 and 2) and through the Python API
(`check()`, which returns the whole answer, and the streaming `engine.run`);
`report --format json`; and a naive replay that drives one python-statemachine EpisodeLifecycle
per episode (timed on a sample, scaled). Each as seconds, episodes per second, the ratio to the
floor, and peak RSS. Figures to read, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from importlib import resources
from pathlib import Path

import orjson

from missing_protocol.lifecycle import LIFECYCLE_TYPES, EpisodeMachine

AS_OF = "2026-05-31"
CLI = [str(Path(sys.executable).parent / "missing-protocol")]


def example_lines() -> list[dict[str, object]]:
    text = resources.files("missing_protocol").joinpath("data/example_year.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def scaled_log(path: Path, episodes: int) -> int:
    """Copies of the example year, ids suffixed per copy, until `episodes` episodes; lines written."""
    base = example_lines()
    per_copy = sum(1 for e in base if e["type"] == "reported")
    copies = -(-episodes // per_copy)
    written = 0
    with path.open("wb") as out:
        for copy in range(copies):
            suffix = f"-{copy}"
            for event in base:
                row = dict(event)
                for key in ("child_id", "episode_id", "person_id", "report_id"):
                    if key in row:
                        row[key] = f"{row[key]}{suffix}"
                out.write(orjson.dumps(row) + b"\n")
                written += 1
    return written


def floor(path: Path) -> float:
    start = time.perf_counter()
    with path.open("rb") as handle:
        for line in handle:
            orjson.loads(line)
    return time.perf_counter() - start


def timed(command: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of a command run in a child process (its output discarded)."""
    runner = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", runner, *command], capture_output=True, text=True, check=True
    )
    seconds, rss_kb = out.stdout.split()
    return float(seconds), int(rss_kb) / 1024


API = (
    "import json, sys\n"
    "from missing_protocol import check\n"
    "result = check(sys.argv[1], as_of=sys.argv[2])\n"
    "sys.stdout.write(json.dumps(result.to_dict(only_problems=True), indent=2))\n"
)

# The same check through the streaming engine API (docs/scale.md): bounded memory, like the CLI.
STREAMED = (
    "import json, sys\n"
    "from missing_protocol import engine, profiles\n"
    "from missing_protocol.check import parse_as_of\n"
    "from missing_protocol.rules import Status\n"
    "options = engine.Options(parse_as_of(sys.argv[2]), profiles.load('statutory'),\n"
    "                         keep=frozenset(s for s in Status if s.is_problem))\n"
    "outcome = engine.run([sys.argv[1]], options)\n"
    "for finding in outcome.findings:\n"
    "    sys.stdout.write(json.dumps(finding.to_dict()) + '\\n')\n"
)


def naive_replay(path: Path, sample: int) -> tuple[float, int]:
    """Seconds per episode to drive one EpisodeLifecycle per episode, over a sample of episodes."""
    events: dict[str, list[tuple[str, str]]] = defaultdict(list)
    with path.open("rb") as handle:
        for line in handle:
            obj = orjson.loads(line)
            if obj.get("type") in LIFECYCLE_TYPES:
                events[obj["episode_id"]].append((obj["at"], obj["type"]))
                if len(events) > sample:
                    break
    chosen = list(events.items())[:sample]
    start = time.perf_counter()
    for episode_id, steps in chosen:
        machine = EpisodeMachine(episode_id)
        for _, kind in sorted(steps):
            with contextlib.suppress(Exception):  # a rejected step is part of the replay too
                machine.apply(kind)
    return (time.perf_counter() - start) / len(chosen), len(chosen)


def run(episodes: int, folder: Path, with_report: bool) -> list[tuple[str, float, float]]:
    path = folder / f"log_{episodes}.jsonl"
    lines = scaled_log(path, episodes)
    print(f"\n{episodes:,} episodes: {lines:,} lines, {path.stat().st_size / 1e6:.0f} MB")
    rows: list[tuple[str, float, float]] = [("orjson parse (floor)", floor(path), 0.0)]
    check = [*CLI, "check", str(path), "--format", "json", "--only-problems", "--as-of", AS_OF]
    rows.append(("check CLI --jobs 1", *timed(check)))
    rows.append(("check CLI --jobs 2", *timed([*check, "--jobs", "2"])))
    rows.append(("check Python API", *timed([sys.executable, "-c", API, str(path), AS_OF])))
    streamed = [sys.executable, "-c", STREAMED, str(path), AS_OF]
    rows.append(("engine.run Python API (streamed)", *timed(streamed)))
    if with_report:
        report = [*CLI, "report", str(path), "--from", "2025-04-01", "--to", "2026-04-01"]
        rows.append(("report --format json", *timed([*report, "--format", "json"])))
    per_episode, sampled = naive_replay(path, min(episodes, 5000))
    rows.append((f"naive replay (scaled from {sampled:,})", per_episode * episodes, 0.0))
    base = rows[0][1]
    print(f"{'stage':<36}{'seconds':>9}{'episodes/s':>12}{'x floor':>9}{'peak RSS MiB':>13}")
    for name, seconds, rss in rows:
        rate = episodes / seconds if seconds else 0.0
        shown_rss = f"{rss:.0f}" if rss else "-"
        print(f"{name:<36}{seconds:>9.2f}{rate:>12,.0f}{seconds / base:>9.1f}{shown_rss:>13}")
    return rows


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="add 1M episodes (opt-in)")
    parser.add_argument("--no-report", action="store_true", help="skip the report stage")
    args = parser.parse_args(argv)
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, as of {AS_OF}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            # The report at 1M too: its peak RSS (about 1.7 GiB) is a figure the issue asks for.
            run(size, Path(tmp), with_report=not args.no_report)


if __name__ == "__main__":
    main(sys.argv[1:])
