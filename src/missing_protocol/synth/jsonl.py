"""The edge of the generator: events out as JSON Lines, and the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from missing_protocol.formats.events import event_json
from missing_protocol.model import (
    Event,
)
from missing_protocol.synth.borough import EXAMPLE_CHILDREN, EXAMPLE_EPISODES, EXAMPLE_SEED
from missing_protocol.synth.year import generate


def record(event: Event) -> dict[str, Any]:
    """The CONTRACT §1 object for one event; optional fields left at their default are omitted."""
    return event_json(event, omit_defaults=True)


def dumps(event: Event) -> str:
    return json.dumps(record(event), ensure_ascii=False, separators=(",", ":"))


def write(events: Iterable[Event], path: str | Path) -> int:
    """Write JSON Lines; returns the number of lines."""
    lines = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for event in events:
            handle.write(dumps(event) + "\n")
            lines += 1
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m missing_protocol.synth",
        description="Write the seeded example year (the invented borough Harryford) as JSON Lines.",
    )
    parser.add_argument("out", help="the .jsonl file to write")
    parser.add_argument("--children", type=int, default=EXAMPLE_CHILDREN)
    parser.add_argument("--episodes", type=int, default=EXAMPLE_EPISODES)
    parser.add_argument("--seed", type=int, default=EXAMPLE_SEED)
    args = parser.parse_args(argv)
    lines = write(generate(args.children, args.episodes, args.seed), args.out)
    print(f"wrote {lines} events to {args.out}")
