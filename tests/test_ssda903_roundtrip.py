"""Property: a valid 903 Header + Missing table -> events -> episodes -> 903 gives the same rows."""

from __future__ import annotations

import datetime as dt
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from missing_protocol.episode import assemble
from missing_protocol.model import ETHNICITY_GROUPS
from missing_protocol.ssda903 import (
    HEADER_COLUMNS,
    MISSING_COLUMNS,
    DatePolicy,
    read_episodes_903,
    to_tables,
    write_header_csv,
    write_missing_csv,
)

BASE = dt.date(2023, 3, 20)  # periods run across both 2023 and 2024 clock changes


@st.composite
def child_rows(draw: st.DrawFn, child: str) -> tuple[str, list[str]]:
    """One child's Header row and its Missing rows: periods in order, touching allowed."""
    dob = BASE - dt.timedelta(days=draw(st.integers(365 * 2, 365 * 17)))
    dob_text = dob.strftime("%d/%m/%Y")
    sex = draw(st.sampled_from(["1", "2"]))
    ethnic = draw(st.sampled_from(sorted(ETHNICITY_GROUPS)))
    header = f"{child},{sex},{dob_text},{ethnic}"
    day = BASE
    rows = []
    count = draw(st.integers(0, 5))
    for i in range(count):
        day += dt.timedelta(days=draw(st.integers(0, 200)))  # 0: starts the day the last ended
        kind = draw(st.sampled_from(["M", "A"]))
        still_open = i == count - 1 and draw(st.booleans())
        end = None if still_open else day + dt.timedelta(days=draw(st.integers(0, 20)))
        end_text = end.strftime("%d/%m/%Y") if end else ""
        rows.append(f"{child},{dob_text},{kind},{day:%d/%m/%Y},{end_text}")
        day = end or day
    return header, rows


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    ids = draw(st.lists(st.from_regex(r"[A-Z0-9]{1,6}", fullmatch=True), max_size=6, unique=True))
    header, missing = [], []
    for child in ids:
        head, rows = draw(child_rows(child))
        header.append(head)
        missing.extend(rows)
    return header, missing


def _csv(columns: tuple[str, ...], rows: list[str]) -> str:
    return ",".join(columns) + "\n" + "".join(r + "\n" for r in rows)


POLICIES = st.sampled_from(
    [
        DatePolicy(),
        DatePolicy(dt.time(12), dt.time(12)),
        DatePolicy(dt.time(23, 59), dt.time(23, 59)),
    ]
)


@settings(max_examples=100, deadline=None)
@given(tables(), POLICIES)
def test_903_to_events_to_903_is_lossless(
    table: tuple[list[str], list[str]], policy: DatePolicy
) -> None:
    header, missing = table
    done = read_episodes_903(
        [
            ("header.csv", io.StringIO(_csv(HEADER_COLUMNS, header))),
            ("missing.csv", io.StringIO(_csv(MISSING_COLUMNS, missing))),
        ],
        authority="309",
        policy=policy,
    )
    assert done.errors == ()
    assembly = assemble(done.events)
    assert assembly.errors == ()
    export = to_tables(assembly, away=done.away, policy=policy)

    written_missing = io.StringIO()
    write_missing_csv(export.tables.missing, written_missing)
    written_header = io.StringIO()
    write_header_csv(export.tables.header or (), written_header)
    # Row order is the writer's (child, start, end); the rows themselves must be the same.
    assert sorted(written_missing.getvalue().splitlines()[1:]) == sorted(missing)
    assert sorted(written_header.getvalue().splitlines()[1:]) == sorted(header)
