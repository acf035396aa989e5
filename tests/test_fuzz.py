"""Fuzz suite (issue 15 point 4): mutated logs through every command, in process.

Mutations of a small log holding every event type: dropped and mistyped fields, extreme dates
and offsets, unicode (lone surrogates, `$...$`, markup), huge and nested values, unknown fields,
non-objects, duplicates; laid out as JSON Lines (LF, CRLF, BOM) or JSON arrays (one object a
line, all on one line). Every run of `check`, `due`, `report` (text, JSON, CSV, HTML),
`hotspots`, `persons`, `self-reports` and `convert` must end with exit 0, 1 or 2 and no escaped
exception, with `events = accepted + rejected` (CONTRACT §3) and, for convert,
`rows = converted + rejected` counted per event.

Profiles (docs/hardening.md): `fuzz-ci` (default, a few examples, well under a minute) runs in
the normal test run; `MISSING_PROTOCOL_FUZZ=long` selects `fuzz-long` for a thorough run.
"""

from __future__ import annotations

import copy
import json
import os
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from builders import HOST, child, completed, found, notified, offered, plan, reported, strategy
from intelligence_log import LOG
from missing_protocol.cli import app

settings.register_profile(
    "fuzz-ci",
    max_examples=6,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz-long",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFILE = "fuzz-long" if os.environ.get("MISSING_PROTOCOL_FUZZ") == "long" else "fuzz-ci"

Event = Any
BASE: list[Event] = [
    *LOG,
    child("C1", born="2010-05-01"),
    child("C5", born="2008-03-01"),  # 18 during the period: the age rules
    reported("E9", "2026-03-16T10:00:00+00:00", child_id="C9", missing_from="care", host=HOST)
    | {"risk": "high"},
    found("E9", "2026-03-20T10:00:00+00:00"),
    offered("E9", "2026-03-20T11:00:00+00:00"),
    completed("E9", "2026-03-21T10:00:00+00:00", independent=False),
    plan("E9", "2026-03-22T10:00:00+00:00"),
    notified("E9", "2026-03-16T12:00:00+00:00", "host_authority"),
    strategy("C9", "2026-03-17T10:00:00+00:00"),
]

LONE = "\ud800"
ODD_TEXT = [LONE, "x" + LONE + "y", "$\\frac{x}{$", "$x^$", "<b>&amp;</b>\"'", "\u202e309", "中文"]
ODD_TEXT += ["2026", "c", " ", "", "x" * 3000, "\x00", "a\nb", "C1"]
VALUES: list[Any] = [None, 0, -1, 1.5, True, [], {}, [1, [2]], {"name": 1}, 10**18, -(10**18)]
VALUES += [1e308, float("inf"), *ODD_TEXT]
# Within years 1900-2200, but at the edges and with the widest offsets.
DATES = ["1900-01-01T00:00:00+00:00", "2200-12-31T23:59:59+00:00", "2026-03-01T00:00:00+14:00"]
DATES += ["2026-03-31T23:59:59-12:00", "2026-03-29T01:30:00", "2026-02-30T10:00:00Z", "2026-03"]
DATES += ["2026-03-15", "2026-13-01T00:00:00Z", "2026-03-05T24:00:00Z", "20260305T100000Z"]
# Outside the range or past what datetime holds: the reader rejects them (line and field).
READER_DATES = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00+00:00", "9999-12-31"]
READER_DATES += ["1899-12-31T23:59:59Z", "2201-01-01T00:00:00Z", "0001-01-01"]
# Raw JSON text that Python's json cannot write: huge integers and deep nesting.
READER_RAW = ["1" * 5000, "[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000]
TIME_FIELDS = ("at", "away_from", "away_to", "born", "due")


@st.composite
def mutated(draw: st.DrawFn) -> tuple[list[Any], list[str]]:
    """The base log with a few mutations; raw JSON fragments stand as placeholders."""
    events = copy.deepcopy(BASE)
    raws: list[str] = []
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(events) - 1))
        kinds = ["drop", "mistype", "date", "text", "extra", "replace", "duplicate"]
        kind = draw(st.sampled_from([*kinds, "raw"]))
        event = events[i]
        if not isinstance(event, dict) or not event:
            continue
        key = draw(st.sampled_from(sorted(event)))
        if kind == "drop":
            del event[key]
        elif kind == "mistype":
            event[key] = draw(st.sampled_from(VALUES))
        elif kind == "date":
            field = draw(st.sampled_from([k for k in event if k in TIME_FIELDS] or ["at"]))
            event[field] = draw(st.sampled_from(DATES + READER_DATES))
        elif kind == "text":
            event[key] = draw(st.sampled_from(ODD_TEXT) | st.text(max_size=8))
        elif kind == "extra":
            event[draw(st.sampled_from(["indepedent", "note", "location"]))] = draw(
                st.sampled_from(VALUES)
            )
        elif kind == "replace":
            events[i] = draw(st.sampled_from([7, "text", [event], None, [], True]))
        elif kind == "duplicate":
            events.insert(i, copy.deepcopy(event))
        else:
            event[key] = f"@@RAW{len(raws)}@@"
            raws.append(draw(st.sampled_from(READER_RAW)))
    if draw(st.booleans()):
        events = draw(st.permutations(events))
    return events, raws


LAYOUTS = ["lines", "crlf", "bom", "array", "array-one-line"]


def write(path: Path, events: list[Any], raws: list[str], layout: str) -> int:
    """Writes the log; returns how many events (lines or array elements) it holds."""
    indent = 2 if layout == "array-pretty" else None  # each object over lines, as jq writes
    items = [
        json.dumps(e, ensure_ascii=layout != "bom", allow_nan=True, indent=indent) for e in events
    ]
    items = [re.sub(r'"@@RAW(\d+)@@"', lambda m: raws[int(m[1])], i) for i in items]
    if indent is not None:
        text = "[\n" + ",\n".join(textwrap.indent(i, "  ") for i in items) + "\n]\n"
    elif layout.startswith("array"):
        text = "[" + (", " if layout == "array-one-line" else ",\n").join(items) + "]\n"
    else:
        text = "".join(i + ("\r\n" if layout == "crlf" else "\n") for i in items)
    data = text.encode("utf-8", "surrogatepass")
    path.write_bytes(b"\xef\xbb\xbf" + data if layout == "bom" else data)
    return len(items)


PERIOD = ["--from", "2026-03-01", "--to", "2026-04-01"]
AS_OF = ["--as-of", "2026-03-31T12:00:00Z"]


def runs(log: Path, out: Path) -> list[tuple[list[str], str]]:
    """Each command (and what to check in its output) over one log."""
    return [
        (["check", str(log), *AS_OF, "--format", "json", "--include-intelligence"], "counts"),
        (["check", str(log), *AS_OF, "--all"], "-"),
        (["due", str(log), *AS_OF, "--within", "P30D", "--format", "json"], "counts"),
        (["due", str(log), *AS_OF, "--within", "10WD"], "-"),
        (
            [
                "report",
                str(log),
                *PERIOD,
                "--authority",
                "309",
                "--include-intelligence",
                "--format",
                "json",
                "--html",
                str(out / "page.html"),
                "--csv",
                str(out / "csv"),
            ],
            "-",
        ),
        (["report", str(log), *PERIOD, "--authority", "309", "--no-suppress"], "-"),
        (["hotspots", str(log), *PERIOD, "--format", "json"], "counts"),
        (["persons", str(log), "--include-intelligence", "--format", "json"], "counts"),
        (["self-reports", str(log), *AS_OF, "--include-intelligence"], "-"),
        (["convert", "--from", "events", "--to", "events", str(log), str(out / "o.jsonl")], "rows"),
    ]


ROWS = re.compile(r"rows = converted \+ rejected: (\d+) = (\d+) \+ (\d+)")


def exercise(events: list[Any], raws: list[str], layout: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / ("log.json" if layout.startswith("array") else "log.jsonl")
    total = write(log, events, raws, layout)
    runner = CliRunner()
    for args, what in runs(log, folder):
        result = runner.invoke(app, args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise AssertionError(f"{args[0]} {layout}: exception escaped") from result.exception
        assert result.exit_code in (0, 1, 2), (args, result.exit_code)
        if result.exit_code == 2:
            continue
        if what == "counts":
            counts = json.loads(result.stdout)["counts"]
            assert counts["events"] == counts["accepted"] + counts["rejected"], args
            assert counts["events"] == total, (args, counts, total)
        elif what == "rows":
            found_rows = ROWS.search(result.output)
            assert found_rows, result.output
            rows, converted, rejected = map(int, found_rows.groups())
            assert rows == converted + rejected == total, (result.output, total)
            written = (folder / "o.jsonl").read_text("utf-8").splitlines()
            # Child records that agree merge into one, so a log may write fewer than it read.
            assert len(written) <= converted, (len(written), converted)


@settings(settings.get_profile(PROFILE))
@given(log=mutated(), layout=st.sampled_from(LAYOUTS))
def test_no_input_crashes_a_command(
    tmp_path_factory: pytest.TempPathFactory, log: tuple[list[Any], list[str]], layout: str
) -> None:
    events, raws = log
    exercise(events, raws, layout, tmp_path_factory.mktemp("fuzz"))


# -- The reproducers that reach the reader ------------------------------------------


def _with(index: int, field: str, value: str) -> tuple[list[Any], list[str]]:
    events = copy.deepcopy(BASE)
    events[index][field] = "@@RAW0@@"
    return events, [value]


REPORT_E1 = 2  # BASE[2] is E1's report (2026-03-02)


@pytest.mark.parametrize("layout", ["lines", "array"])
@pytest.mark.parametrize(
    "raw",
    [
        pytest.param("[" * 100_000 + "]" * 100_000, id="deep-nesting"),
        pytest.param("1" * 5000, id="int-over-4300-digits"),
    ],
)
def test_reader_reproducer_raw(tmp_path: Path, layout: str, raw: str) -> None:
    """Issue 15: deep nesting (RecursionError) and an integer over 4,300 digits (ValueError) in
    an ignored field must be one rejected event, not a traceback."""
    events, raws = _with(REPORT_E1, "note", raw)
    exercise(events, raws, layout, tmp_path)


@pytest.mark.parametrize(
    ("index", "field", "value"),
    [
        pytest.param(REPORT_E1, "at", '"9999-12-31T23:00:00+00:00"', id="deadline-in-year-10000"),
        pytest.param(REPORT_E1, "at", '"0001-01-01T00:00:00+14:00"', id="year-0-in-utc"),
        pytest.param(-17, "away_to", '"9999-12-31"', id="self-report-away-to-9999"),
    ],
)
def test_reader_reproducer_extreme_dates(
    tmp_path: Path, index: int, field: str, value: str
) -> None:
    """Issue 15: instants near the ends of the calendar must be rejected with line and field."""
    events, raws = _with(index, field, value)
    exercise(events, raws, "lines", tmp_path)


# Found by the long fuzz run: an event at the very end of the accepted years, whose deadline
# (24 hours, 10 working days later) falls in 2201, made clock raise inside `check`.
@pytest.mark.parametrize(
    ("index", "value"),
    [
        pytest.param(-4, '"2200-12-31T23:59:59+00:00"', id="interview-at-the-end-plan-due-2201"),
        pytest.param(-7, '"2200-12-31T23:00:00+00:00"', id="report-at-the-end-notify-due-2201"),
    ],
)
def test_reader_reproducer_deadline_past_the_range(tmp_path: Path, index: int, value: str) -> None:
    events, raws = _with(index, "at", value)
    exercise(events, raws, "lines", tmp_path)
