"""Issue 10 point 2 (memory must not grow with the log) for a JSON array file (CONTRACT §1):
a large array laid out one object a line, pretty-printed or on one line is read as JSON Lines,
routed by child, and gives exactly the answer of reading it whole (errors and warnings name the
array's own lines, in the same order); any other layout, or a value the JSON Lines reader would
read otherwise, is read whole as before."""

from __future__ import annotations

import io
import json
import random
import re
import textwrap
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missing_protocol import engine, profiles
from missing_protocol.check import check, parse_as_of
from missing_protocol.cli._json import write_check_json
from missing_protocol.engine import arrays
from missing_protocol.engine.arrays import COPYING
from test_fuzz import BASE, mutated, write

AS_OF = "2026-03-31T12:00:00Z"
# The properties below write files in tmp_path (fresh per test, not per example: each example
# writes its own over the last) and judge them spilled and whole, which is slow.
_PROPERTIES = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _answer(path: Path | list[Path], **run: Any) -> tuple[str, int]:
    options = engine.Options(
        parse_as_of(AS_OF), profiles.load("statutory"), include_intelligence=True
    )
    paths = path if isinstance(path, list) else [path]
    outcome = engine.run([str(p) for p in paths], options, **run)
    out = io.StringIO()
    write_check_json(out, outcome, options.as_of, options.profile.name)
    return out.getvalue(), outcome.partitions


SPILLED = {"spill_bytes": 0, "partition_bytes": 600}

# Layouts beside the fuzz suite's: each is read as one array by the whole reader.
ODD = [
    lambda items: (
        "[" + ",\n".join(items) + "]"
    ),  # the first object on the `[` line, `]` on the last
    lambda items: "\ufeff[\r\n" + ",\r\n".join(items) + "\r\n]\r\n",  # BOM, CRLF
    lambda items: "[\n\n" + ",\n\n".join(items) + "\n\n]\n",  # blank lines between
    lambda items: "[\n" + ",\n".join(items) + ",\n]\n",  # a comma before `]`
    lambda items: "[\n" + "\n".join(items) + "\n]\n",  # no commas
    lambda items: "[\n" + ",\n".join(items) + "\n]\n{}\n",  # text after the array
    lambda items: "[\n" + ",\n".join(items) + "\n",  # unterminated
    lambda items: "[\n" + ",\n".join(json.dumps(json.loads(i), indent=2) for i in items) + "\n]",
    lambda items: "[\n  " + "\n, ".join(items) + "\n]\n",  # commas leading
    # Pretty-printed: CRLF and four spaces; tabs; the first `{` on the `[` line; `}, {` lines.
    lambda items: json.dumps([json.loads(i) for i in items], indent=4).replace("\n", "\r\n"),
    lambda items: json.dumps([json.loads(i) for i in items], indent="\t") + "\n",
    lambda items: "[" + ",\n".join(json.dumps(json.loads(i), indent=1) for i in items) + "]",
    lambda items: "[\n" + ", ".join(_pretty(i) for i in items) + "\n]\n",
    # Pretty-printed and broken: a string over two lines; a comma before `]`; an object with
    # no `}` as far in as its `{`; no comma between two objects; a `}` line with text after it.
    lambda items: _pretty_all(items).replace('"child_id": "', '"child_id": "\n', 1),
    lambda items: _pretty_all(items)[: -len("\n]\n")] + ",\n]\n",
    lambda items: "[\n" + ",\n".join(_pretty(i).replace("\n  }", "\n   }") for i in items) + "\n]",
    lambda items: "[\n" + "\n".join(_pretty(i) for i in items) + "\n]\n",
    lambda items: _pretty_all(items).replace("\n  },", "\n  } 7,", 1),
    # `indent=0` (an inner object's `}` as far in as the event's `{`); blank lines before `[`;
    # a value only Python's JSON reader reads (NaN) inside a pretty object.
    lambda items: json.dumps([json.loads(i) for i in items], indent=0),
    lambda items: "\n\n" + _pretty_all(items),
    lambda items: _pretty_all(items).replace('"child_id": "C1"', '"child_id": NaN', 1),
    # `indent=0` with braces in strings, which the count of open braces takes for real ones:
    # `{{` hides the object's end (read whole); `}}` brings tries early (orjson decides).
    lambda items: json.dumps([json.loads(i) | {"note": "{{"} for i in items], indent=0),
    lambda items: json.dumps([{"note": "}}"} | json.loads(i) for i in items], indent=0),
    # On one line: compact (JSON.stringify, pandas); json.dumps' `, `; with strings holding
    # what ends an object on a line (`}, {`, `}]`); two objects a line; `[{` and `}]` lines.
    lambda items: "[" + ",".join(items) + "]",
    lambda items: "\ufeff[ " + ", ".join(items) + " ]\r\n",
    lambda items: json.dumps([json.loads(i) | {"note": "a}, {b}]"} for i in items]),
    lambda items: (
        "[\n" + ",\n".join(", ".join(items[i : i + 2]) for i in range(0, len(items), 2)) + "\n]"
    ),
    lambda items: "[" + items[0] + ",\n" + ",\n".join(items[1:-1]) + ",\n" + items[-1] + "]",
    # On one line and broken: a comma before `]`; no comma; text after `]`; a number, not an
    # object; unterminated; NaN.
    lambda items: "[" + ",".join(items) + ",]",
    lambda items: "[" + " ".join(items) + "]",
    lambda items: "[" + ",".join(items) + "] {}",
    lambda items: "[" + ",".join(items) + ", 7]",
    lambda items: "[" + ",".join(items),
    lambda items: "[" + ",".join(items).replace('"C1"', "NaN", 1) + "]",
    # Text that is not ASCII before an inner object's `}` (orjson counts characters, not bytes):
    # on one line, as JSON.stringify writes; and `indent=0`.
    lambda items: json.dumps(
        [{"note": "Ynys Môn"} | json.loads(i) for i in items], ensure_ascii=False
    ),
    lambda items: json.dumps(
        [{"note": "Ynys Môn"} | json.loads(i) for i in items], indent=0, ensure_ascii=False
    ),
]

# The layouts above that are copied to JSON Lines; any other is read whole.
COPIED = {0, 1, 2, 7, 9, 10, 11, 18, 19, 22, 23, 24, 25, 26, 27, 34, 35}


def _pretty(item: str) -> str:
    return textwrap.indent(json.dumps(json.loads(item), indent=2), "  ")


def _pretty_all(items: list[str]) -> str:
    return "[\n" + ",\n".join(_pretty(i) for i in items) + "\n]\n"


@settings(_PROPERTIES, max_examples=30)
@given(
    log=mutated(),
    layout=st.sampled_from(["array", "array-one-line", "array-pretty"]),
    jobs=st.sampled_from([1, 2]),
)
def test_a_large_array_is_judged_as_when_read_whole(
    tmp_path: Path, log: tuple[list[Any], list[str]], layout: str, jobs: int
) -> None:
    """Mutated logs (odd values, huge and nested numbers, unknown fields, non-objects) as
    arrays: spilled (read as JSON Lines where it can be) and whole, the same answer."""
    events, raws = log
    path = tmp_path / "log.json"
    write(path, events, raws, layout)
    assert _answer(path, jobs=jobs, **SPILLED)[0] == _answer(path)[0]


@pytest.mark.parametrize("layout", range(len(ODD)))
def test_odd_array_layouts_are_judged_as_when_read_whole(tmp_path: Path, layout: int) -> None:
    """BOM and CRLF, blank lines, the first object on the `[` line, pretty-printed objects, and
    broken separators: each read as the whole reader reads it."""
    items = [json.dumps(e) for e in _plain_events()]
    path = tmp_path / "log.json"
    path.write_text(ODD[layout](items), encoding="utf-8")
    spilled, partitions = _answer(path, **SPILLED)
    assert spilled == _answer(path)[0]
    assert (partitions > 1) == (layout in COPIED)  # read as JSON Lines, or whole


def _plain_events() -> list[dict[str, Any]]:
    # The fuzz suite's log (every event type), an unknown field on every fifth event.
    return [dict(e) | ({"note": "x"} if i % 5 == 0 else {}) for i, e in enumerate(BASE)]


def test_an_array_one_object_a_line_or_pretty_is_routed_and_others_are_read_whole(
    tmp_path: Path,
) -> None:
    """One object a line, or pretty-printed: routed into partitions; objects that share
    lines (`}, {`): one partition."""
    items = [json.dumps(e) for e in _plain_events()]
    lines = tmp_path / "lines.json"
    lines.write_text("[\n" + ",\n".join(items) + "\n]\n")
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(_plain_events(), indent=2))
    one_line = tmp_path / "one-line.json"
    one_line.write_text(json.dumps(_plain_events()))
    shared = tmp_path / "shared.json"
    shared.write_text("[\n" + ", ".join(_pretty(i) for i in items) + "\n]\n")
    assert _answer(lines, **SPILLED)[1] > 1  # partitions: read as JSON Lines
    assert _answer(pretty, **SPILLED)[1] > 1
    assert _answer(one_line, **SPILLED)[1] > 1
    assert _answer(shared, **SPILLED)[1] == 1  # read whole


@pytest.mark.parametrize(
    "odd",
    [
        '{"type": "child", "child_id": "C7", "zz": 18446744073709551616}',  # orjson: a float
        '{"type": "child", "child_id": 18446744073709551616}',
        '{"type": "child", "child_id": -9223372036854775809}',
        '{"type": "child", "child_id": "C7", "zz": ' + "[" * 995 + "]" * 995 + "}",
        # 254 levels: orjson reads them, but the whole reader's check of each element (by
        # orjson.dumps) rejects them.
        '{"type": "child", "child_id": "C7", "zz": ' + "[" * 254 + "]" * 254 + "}",
        '{"type": "child", "child_id": "C7", "zz": ' + '{"a": ' * 254 + "1" + "}" * 254 + "}",
    ],
)
def test_values_the_two_readers_read_differently_are_read_whole(tmp_path: Path, odd: str) -> None:
    """A whole number past 64 bits (orjson reads a float, Python's json an int) and deep
    nesting (the whole reader stops first) in an array laid out an object a line, or
    pretty-printed: read by the whole reader, which rejects them as it always did."""
    items = [json.dumps(e) for e in _plain_events()] + [odd]
    path = tmp_path / "log.json"
    path.write_text("[\n" + ",\n".join(items) + "\n]\n")
    spilled, partitions = _answer(path, **SPILLED)
    assert (spilled, partitions) == (_answer(path)[0], 1)
    pretty = [_pretty(i) for i in items[:-1]]  # and the odd one a line, as written
    path.write_text("[\n" + ",\n".join([*pretty, "  " + odd]) + "\n]\n")
    spilled, partitions = _answer(path, **SPILLED)
    assert (spilled, partitions) == (_answer(path)[0], 1)


@settings(_PROPERTIES, max_examples=20)
@given(
    logs=st.lists(mutated(), min_size=2, max_size=3),
    layouts=st.lists(st.sampled_from(["lines", "array", "array-pretty"]), min_size=3, max_size=3),
    jobs=st.sampled_from([1, 2]),
)
def test_several_files_with_arrays_are_judged_as_when_read_whole(
    tmp_path: Path, logs: list[tuple[list[Any], list[str]]], layouts: list[str], jobs: int
) -> None:
    """A log of several files, arrays among them: each array is routed as its JSON Lines copy
    (or, if one cannot be, the log is read whole) and read under its own name, so errors and
    warnings name each file and line as the whole reader does."""
    paths = []
    for index, ((events, raws), layout) in enumerate(zip(logs, layouts, strict=False)):
        path = tmp_path / f"log{index}.{'jsonl' if layout == 'lines' else 'json'}"
        write(path, events, raws, layout)
        paths.append(path)
    assert _answer(paths, jobs=jobs, **SPILLED)[0] == _answer(paths)[0]


def test_several_files_with_arrays_are_routed(tmp_path: Path) -> None:
    """Several files, a pretty-printed array and an array an object a line among them: routed
    into partitions, where they used to be read whole."""
    events = _plain_events()
    pretty, lines, flat = tmp_path / "a.json", tmp_path / "b.jsonl", tmp_path / "c.json"
    pretty.write_text(json.dumps(events[:10], indent=2))
    lines.write_text("".join(json.dumps(e) + "\n" for e in events[10:20]))
    flat.write_text("[\n" + ",\n".join(json.dumps(e) for e in events[20:]) + "\n]\n")
    spilled, partitions = _answer([pretty, lines, flat], **SPILLED)
    assert partitions > 1 and spilled == _answer([pretty, lines, flat])[0]
    assert f'"file": "{pretty}"' in spilled or f'"file":"{pretty}"' in spilled


def test_a_person_watching_sees_the_copy_of_a_large_array(tmp_path: Path) -> None:
    """Progress on long runs: copying a large array comes before any line is routed (about 5 s
    a 100k episodes pretty-printed), so `stage` says so, once; a JSON Lines log is not copied."""
    events = _plain_events()
    array, lines = tmp_path / "a.json", tmp_path / "b.jsonl"
    array.write_text(json.dumps(events, indent=2))
    lines.write_text("".join(json.dumps(e) + "\n" for e in events))
    options = engine.Options(parse_as_of(AS_OF), profiles.load("statutory"))
    for paths, said in (([array, lines], [COPYING]), ([lines], [])):
        stages: list[str] = []
        engine.run([str(p) for p in paths], options, stage=stages.append, **SPILLED)
        assert stages == said


def _shared_lines(items: list[str], seed: int) -> str:
    """The objects a few a line, as many as chance gives (one line, at most)."""
    chance = random.Random(seed)
    lines, start = [], 0
    while start < len(items):
        take = chance.choice([1, 2, 3, len(items)])
        lines.append(", ".join(items[start : start + take]))
        start += take
    return "[" + ",\n ".join(lines) + "]\n"


@settings(_PROPERTIES, max_examples=25)
@given(
    log=mutated(),
    seed=st.integers(0, 1000),
    sizes=st.sampled_from([(1 << 20, 1 << 20), (300, 7), (160, 1)]),
    jobs=st.sampled_from([1, 2]),
)
def test_objects_that_share_lines_are_judged_as_when_read_whole(
    tmp_path: Path, log: tuple[list[Any], list[str]], seed: int, sizes: tuple[int, int], jobs: int
) -> None:
    """Mutated logs with their objects a few a line, or all on one: spilled and whole, the same
    answer. Lines longer than an object may be (a megabyte; here a few hundred bytes) are read
    a chunk at a time (here a few bytes), so objects and separators are cut anywhere."""
    events, raws = log
    path = tmp_path / "log.json"
    # As the fuzz suite writes them (its raw values put in), a few a line.
    items = [json.dumps(e, ensure_ascii=False, allow_nan=True) for e in events]
    items = [re.sub(r'"@@RAW(\d+)@@"', lambda m: raws[int(m[1])], i) for i in items]
    path.write_bytes(_shared_lines(items, seed).encode("utf-8", "surrogatepass"))
    saved = arrays._SPREAD_BYTES, arrays._CHUNK
    arrays._SPREAD_BYTES, arrays._CHUNK = sizes
    try:
        spilled = _answer(path, jobs=jobs, **SPILLED)[0]
    finally:
        arrays._SPREAD_BYTES, arrays._CHUNK = saved
    assert spilled == _answer(path)[0]


def _errors_in_order() -> list[dict[str, Any]]:
    # Element 0: an event for an unknown episode (rejected when episodes are assembled);
    # element 1: a report with no `at` (rejected by the reader); element 2: a warning.
    return [
        {"type": "found", "episode_id": "NOPE", "at": "2026-03-02T10:00:00Z"},
        {"type": "reported", "episode_id": "E1", "child_id": "C1", "missing_from": "home"},
        {"type": "child", "child_id": "C2", "shoe_size": 9},
    ]


def test_errors_of_objects_that_share_a_line_come_in_their_order(tmp_path: Path) -> None:
    """docs/contract.md, rejected events: errors are sorted by file, then line, then the
    object's place on its line. The first object's rejection (found when episodes are
    assembled) comes before the second's (found by the reader), read whole or spilled."""
    path = tmp_path / "log.json"
    path.write_text(json.dumps(_plain_events() + _errors_in_order()))
    nope, no_at = check(path, as_of=AS_OF).errors[-2:]
    assert (nope.field, no_at.field) == ("episode_id", "at")
    assert (nope.line, no_at.line) == (1, 1)
    spilled, partitions = _answer(path, **SPILLED)
    assert partitions > 1 and spilled == _answer(path)[0]
    assert spilled.index("unknown episode 'NOPE'") < spilled.index('"field": "at"')


def test_a_long_line_is_copied_a_chunk_at_a_time(tmp_path: Path) -> None:
    """Issue 10 point 2: an array on one line (4 MB here) is copied holding a few chunks of it
    (32 kB each here), not the line: the copy's peak is under a tenth of the file."""
    events = _plain_events()
    path = tmp_path / "log.json"
    path.write_text(json.dumps(events * (4_000_000 // len(json.dumps(events)))))
    saved = arrays._SPREAD_BYTES, arrays._CHUNK
    arrays._SPREAD_BYTES = arrays._CHUNK = 1 << 15
    tracemalloc.start()
    try:
        copy = arrays.as_lines(str(path), str(tmp_path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        arrays._SPREAD_BYTES, arrays._CHUNK = saved
    assert copy is not None and copy[1] is not None
    assert peak < path.stat().st_size / 10


def _lines_of(copy: Path) -> Iterator[tuple[int, int]]:
    for number, line in enumerate(copy.read_bytes().splitlines(), start=1):
        if line.strip():
            yield number, len(json.loads(line))


def test_each_line_of_a_copy_names_its_line_and_place_in_the_array(tmp_path: Path) -> None:
    """What `Lines.at` says of each object of the copy: its line in the array, and its place
    among the objects of that line (0 for the first or only one)."""
    path = tmp_path / "log.json"
    path.write_text(
        '[{"a": 1},\n {"b": 1}, {"c": 1}, {"d": 1},\n\n {"e": 1},\n {"f": 1}, {"g": 1}]'
    )
    copied = arrays.as_lines(str(path), str(tmp_path))
    assert copied is not None and copied[1] is not None
    at = copied[1].at
    said = [at(number) for number, _ in _lines_of(Path(copied[0]))]
    assert said == [(1, 0), (2, 0), (2, 1), (2, 2), (4, 0), (5, 0), (5, 1)]


def test_a_long_first_line_is_cut_where_it_was_read_bom_and_all(tmp_path: Path) -> None:
    """CONTRACT §1 (a JSON array file, its BOM dropped): an array on one line, after a BOM, is
    copied line for line, a chunk at a time from where its first megabyte (BOM and all; here
    4 kB) was cut, not taken for a line that ended there (which sent it to the whole reader)."""
    path = tmp_path / "log.json"
    items = ", ".join(json.dumps(e) for e in _plain_events())
    path.write_bytes(b"\xef\xbb\xbf[" + items.encode() + b"]\n")
    saved = arrays._SPREAD_BYTES, arrays._CHUNK
    arrays._SPREAD_BYTES = arrays._CHUNK = 4096
    try:
        spilled, partitions = _answer(path, **SPILLED)
    finally:
        arrays._SPREAD_BYTES, arrays._CHUNK = saved
    assert partitions > 1 and spilled == _answer(path)[0]


def test_an_object_of_many_inner_ends_is_not_read_again_for_each(tmp_path: Path) -> None:
    """Issue 10 (no input may take the copy quadratic time): an object whose string holds many
    `},` is read again at each only so often (at most 65 tries of it), and then the log is read
    whole, with the whole reader's answer (a 300 kB such string took two minutes)."""
    items = [json.dumps(e) for e in _plain_events()]
    odd = json.dumps({"type": "child", "child_id": "C7", "note": "}," * 5000})
    path = tmp_path / "log.json"
    path.write_text("[" + ", ".join([*items, odd, *items]) + "]")
    tried = []
    so_far = arrays._object_so_far

    def counted(text: bytes) -> bool | None:
        tried.append(len(text))
        return so_far(text)

    arrays._object_so_far = counted
    try:
        spilled, partitions = _answer(path, **SPILLED)
    finally:
        arrays._object_so_far = so_far
    assert (spilled, partitions) == (_answer(path)[0], 1)
    assert len(tried) < 2 * len(items) + 70  # the odd one 65 times, not at each of its 5,000


@pytest.mark.parametrize("shared", [False, True])
def test_an_object_over_a_megabyte_is_copied_whole(tmp_path: Path, shared: bool) -> None:
    """Issue 10 point 2: an object over a megabyte (a 3 MB note), on a line of its own or shared,
    is copied as it is (lines are read a megabyte at a time, objects up to a partition's 16 MB),
    so the array is still routed by child, with the whole reader's answer."""
    items = [json.dumps(e) for e in _plain_events()]
    big = json.dumps({"type": "child", "child_id": "C7", "note": "x" * 3_000_000})
    path = tmp_path / "log.json"
    joined = ", ".join if shared else ",\n".join
    path.write_text("[\n" + joined([*items, big, *items]) + "\n]\n")
    spilled, partitions = _answer(path, spill_bytes=0, partition_bytes=600_000)
    assert partitions > 1 and spilled == _answer(path)[0]


class _Counted:
    """`arrays._END` with the bytes each search may read counted."""

    def __init__(self) -> None:
        self.read = 0

    def search(self, text: bytearray, start: int) -> Any:
        found = _END.search(text, start)
        self.read += (len(text) if found is None else found.end()) - start
        return found


_END = arrays._END


def test_a_long_object_is_searched_once_however_many_chunks_it_takes(tmp_path: Path) -> None:
    """Issue 10 (no input may take the copy quadratic time): an object longer than a chunk (2 MB
    of `}` in a string, 64 kB chunks) is searched for its end once, not again from its start at
    each chunk (16 MB of `}` took 32 s, against half a second read whole)."""
    note = json.dumps({"type": "child", "child_id": "C7", "note": "}" * 2_000_000})
    path = tmp_path / "log.json"
    path.write_text("[" + ", ".join([*(json.dumps(e) for e in _plain_events()), note]) + "]")
    counted = _Counted()
    arrays._END = counted  # type: ignore[assignment]
    try:
        copy = arrays.as_lines(str(path), str(tmp_path))
    finally:
        arrays._END = _END
    assert copy is not None and counted.read < 3 * path.stat().st_size


def test_the_tries_of_an_object_read_no_more_than_a_partition(tmp_path: Path) -> None:
    """Issue 10: the `}`s an object holds are tried (each reading the object so far) only while
    what they read stays within 16 MB (here 100 kB): 60 tries of a 5 kB object read 300 kB, so
    the log is read whole, with the whole reader's answer; 60 tries of 1 MB objects took 35 s."""
    items = [json.dumps(e) for e in _plain_events()]
    odd = json.dumps({"type": "child", "child_id": "C7", "note": "x" * 5000 + "}," * 60})
    path = tmp_path / "log.json"
    path.write_text("[" + ", ".join([*items, odd, *items]) + "]")
    tried: list[int] = []
    so_far = arrays._object_so_far

    def counted(text: bytes) -> bool | None:
        tried.append(len(text))
        return so_far(text)

    saved = arrays._OBJECT_BYTES
    arrays._object_so_far, arrays._OBJECT_BYTES = counted, 100_000
    try:
        spilled, partitions = _answer(path, **SPILLED)
    finally:
        arrays._object_so_far, arrays._OBJECT_BYTES = so_far, saved
    assert (spilled, partitions) == (_answer(path)[0], 1)
    assert sum(size for size in tried if size < len(odd) + 1) < 2 * 100_000
