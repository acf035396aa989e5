"""What a columnar engine would cost on one core (issue 10's open decision), in one run.

    pip install polars                                  # not a dependency of the library
    python bench/bench_columnar.py                      # 100k episodes
    python bench/bench_columnar.py --episodes 10000

A cost probe, not an engine: on one generated log (bench_engine's), polars restricted to one
thread, best of three passes, as seconds and as a ratio to the orjson floor:
- orjson to dicts (the floor);
- polars reading every column of the log, its schema inferred first (two passes) and given;
- polars reading only the columns the protocol rules read, with `at` parsed to UTC instants;
- on those columns, the vector shape of one deadline rule: episodes pivoted from their events,
  due = found + 72 h, and a status from `done` and the as-of time. It leaves out what RHI-OFFER
  also decides (cancellation, age, profile versions, the lifecycle's rejections, wording), so it
  is a lower bound on one rule's cost, not a definition of it.
And the size polars adds to an install. Figures to read, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

# One core: set before polars starts its thread pool.
os.environ["POLARS_MAX_THREADS"] = "1"

sys.path.insert(0, str(Path(__file__).parent))
from bench_engine import floor, scaled_log
from bench_parsers import best

from missing_protocol.lifecycle import LIFECYCLE_TYPES

AS_OF = dt.datetime(2026, 5, 31, 23, 59, 59, tzinfo=dt.UTC)


def installed_mib(distribution: str) -> float:
    """The bytes a distribution's files take once installed, in MiB."""
    try:
        files = metadata.distribution(distribution).files or []
    except metadata.PackageNotFoundError:
        return 0.0
    return sum((f.size or 0) for f in files) / 2**20


def rule_columns(pl: Any) -> dict[str, Any]:
    names = ("type", "episode_id", "child_id", "at", "missing_from", "responsible_authority")
    more = ("host_authority", "risk", "party", "born", "declined_by")
    return {**{name: pl.String for name in names + more}, "independent": pl.Boolean}


def deadline_shape(pl: Any, events: Any) -> Any:
    """One deadline rule's vector shape (see the module's docstring)."""
    episodes = events.filter(pl.col("type").is_in(LIFECYCLE_TYPES)).pivot(
        on="type", index="episode_id", values="at", aggregate_function="min"
    )
    reports = events.filter(pl.col("type") == "reported").select(
        "episode_id", "child_id", "responsible_authority"
    )
    due, done = pl.col("due"), pl.col("interview_offered")
    status = (
        pl.when(done.is_not_null() & (done <= due))
        .then(pl.lit("met"))
        .when(done.is_not_null())
        .then(pl.lit("late"))
        .when(due >= AS_OF)
        .then(pl.lit("pending"))
        .otherwise(pl.lit("overdue"))
    )
    judged = (
        episodes.join(reports, on="episode_id", how="left")
        .filter(pl.col("found").is_not_null())
        .with_columns((pl.col("found") + pl.duration(hours=72)).alias("due"))
        .select("episode_id", "child_id", "responsible_authority", "due", done)
        .with_columns(status.alias("status"))
    )
    return judged.filter(pl.col("status").is_in(["late", "overdue"])).write_ndjson()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=100_000)
    args = parser.parse_args(argv)
    try:
        import polars as pl
    except ImportError:
        print("polars is not installed (pip install polars): nothing to measure")
        return
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.jsonl"
        lines = scaled_log(path, args.episodes)
        schema = pl.read_ndjson(path, infer_schema_length=None).schema
        columns = rule_columns(pl)

        def rule_frame() -> Any:
            at = pl.col("at").str.to_datetime(time_zone="UTC", strict=False)
            return pl.scan_ndjson(path, schema=columns).with_columns(at).collect()

        events = rule_frame()
        rows = [
            ("orjson.loads (floor)", best(3, lambda: floor(path))),
            (
                "polars, every column, schema inferred",
                best(3, lambda: pl.read_ndjson(path, infer_schema_length=None)),
            ),
            (
                "polars, every column, schema given",
                best(3, lambda: pl.read_ndjson(path, schema=schema)),
            ),
            (f"polars, the {len(columns)} rule columns, `at` parsed", best(3, rule_frame)),
            ("one deadline rule's shape on them", best(3, lambda: deadline_shape(pl, events))),
        ]
    first = rows[0][1]
    print(f"{args.episodes:,} episodes, {lines:,} lines, polars {pl.__version__} on 1 thread")
    print(f"{'stage':<46} {'seconds':>8} {'x floor':>8}")
    for name, seconds in rows:
        print(f"{name:<46} {seconds:8.2f} {seconds / first:8.1f}")
    sizes = {name: installed_mib(name) for name in ("polars", "polars-runtime-32")}
    shown = ", ".join(f"{name} {size:.0f} MiB" for name, size in sizes.items() if size)
    print(f"installed: {shown}")


if __name__ == "__main__":
    main(sys.argv[1:])
