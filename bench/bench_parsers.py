"""orjson or msgspec for the reader (issue 10: "measure both"), side by side in one run.

    python bench/bench_parsers.py                  # 10k episodes of the example year
    python bench/bench_parsers.py --episodes 100000

On one generated log (bench_engine's), best of three passes, in µs a line and as a ratio to the
orjson floor: orjson to dicts (the floor); msgspec to dicts; msgspec decoding typed, straight
into the model's attrs classes (a decoder per event type, the type known beforehand, so this is
a lower bound); and the library's reader (`read_file`: orjson, then the builders generated from
the model, with every check the contract asks for). msgspec is not a dependency: without it,
its rows are skipped. Figures to read, not a test.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from missing_protocol.formats.events import read_file
from missing_protocol.model import EVENT_TYPES

sys.path.insert(0, str(Path(__file__).parent))
from bench_engine import scaled_log


def best(passes: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def drain(items: Iterable[object]) -> None:
    for _ in items:
        pass


def _custom(kind: type, value: object) -> object:
    # A place, an ethnicity: msgspec hands the raw value over; the reader's own hooks build it.
    from missing_protocol.formats.hooks import _hooks

    return _hooks(None)[kind](value, kind)


def _decoder(msgspec: Any, cls: type) -> Callable[[bytes], object]:
    """A typed decoder of `cls`, or orjson for a type msgspec cannot decode (a union of a date
    and a date-time, as a plan's `due`): those lines cost the floor here."""
    try:
        return msgspec.json.Decoder(cls, dec_hook=_custom).decode  # type: ignore[no-any-return]
    except TypeError:
        return orjson.loads


def _able(decode: Callable[[bytes], object], line: bytes) -> Callable[[bytes], object]:
    # msgspec reads an attrs value (a place) only from an object, never from a name: such a
    # line is decoded by orjson (found out once here, not timed).
    try:
        decode(line)
    except Exception:
        return orjson.loads
    return decode


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "log.jsonl"
        scaled_log(path, args.episodes)
        lines = path.read_bytes().splitlines()
        rows: list[tuple[str, float]] = [
            ("orjson.loads (floor)", best(3, lambda: drain(map(orjson.loads, lines))))
        ]
        try:
            import msgspec
        except ImportError:
            print("msgspec is not installed (pip install msgspec): its rows are skipped")
        else:
            plain = msgspec.json.Decoder()
            rows.append(("msgspec to dicts", best(3, lambda: drain(map(plain.decode, lines)))))
            # The type of each line found beforehand (not timed): a lower bound for typed decoding.
            kinds = [orjson.loads(line)["type"] for line in lines]
            typed = {name: _decoder(msgspec, cls) for name, cls in EVENT_TYPES.items()}
            pairs = [
                (_able(typed[kind], line), line) for kind, line in zip(kinds, lines, strict=True)
            ]
            share = sum(decode is not orjson.loads for decode, _ in pairs) / len(pairs)
            print(f"msgspec decodes {share:.0%} of the lines typed; the rest cost the floor")
            rows.append(
                (
                    "msgspec typed into the attrs model",
                    best(3, lambda: drain(decode(line) for decode, line in pairs)),
                )
            )
        rows.append(("read_file (the reader)", best(3, lambda: drain(read_file(path)))))
    count = len(lines)
    floor = rows[0][1]
    print(f"{args.episodes:,} episodes, {count:,} lines")
    print(f"{'stage':<38} {'seconds':>8} {'µs/line':>8} {'x floor':>8}")
    for name, seconds in rows:
        print(f"{name:<38} {seconds:8.3f} {seconds / count * 1e6:8.2f} {seconds / floor:8.1f}")


if __name__ == "__main__":
    main(sys.argv[1:])
