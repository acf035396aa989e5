"""903 tables to events: Header rows to `child`, Missing rows to `reported` and `found` of
looked-after children, with the losses (what 903 cannot carry) counted."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Sequence

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.formats.events import AWAY_FIELD
from missing_protocol.formats.hooks import unquoted
from missing_protocol.model import (
    Child,
    Ethnicity,
    Event,
    EventError,
    Found,
    MissingFrom,
    Reported,
    Source,
)
from missing_protocol.ssda903.read import Source903, read_tables
from missing_protocol.ssda903.tables import (
    SEX_CODES,
    HeaderRow,
    MissingRow,
    RowRef,
    TableRead,
    Tables903,
    Unit,
    parse_903_date,
)
from missing_protocol.tabular import (
    Conversion,
    DatePolicy,
    Losses,
    MissingType,
    RowError,
    RowKey,
    read_text,
)


@attrs.frozen
class _Period:
    """A Missing row whose cells all parsed."""

    row: MissingRow
    kind: MissingType
    start: pendulum.Date
    end: pendulum.Date | None
    dob: pendulum.Date | None


def _parsed_date(text: str, column: str) -> pendulum.Date:
    try:
        return parse_903_date(text)
    except ValueError:
        raise RowError.quoting(column, text, "not a date (dd/mm/yyyy)") from None


def _period(row: MissingRow) -> _Period:
    if not row.child:
        raise RowError.plain("CHILD", "child id is blank")
    if not row.missing:
        raise RowError.plain("MISSING", "blank: give M (missing) or A (away from placement)")
    try:
        kind = MissingType(row.missing.upper())
    except ValueError:
        said = "not M (missing) or A (away from placement without authorisation)"
        raise RowError.quoting("MISSING", row.missing, said) from None
    if not row.mis_start:
        raise RowError.plain("MIS_START", "start date is blank")
    start = _parsed_date(row.mis_start, "MIS_START")
    end = _parsed_date(row.mis_end, "MIS_END") if row.mis_end else None
    if end is not None and end < start:
        said = f"{row.mis_end} is before the start {row.mis_start}"
        raise RowError("MIS_END", said, "the end date is before the start date")
    dob = _parsed_date(row.dob, "DOB") if row.dob else None
    return _Period(row, kind, start, end, dob)


def _child(row: HeaderRow, authority: str) -> Child:
    if not row.child:
        raise RowError.plain("CHILD", "child id is blank")
    if row.sex and row.sex not in SEX_CODES:
        raise RowError.quoting("SEX", row.sex, "not a 903 sex code (1 male, 2 female)")
    born = _parsed_date(row.dob, "DOB") if row.dob else None
    try:
        ethnicity = Ethnicity(row.ethnic) if row.ethnic else None
    except ValueError as problem:
        raise RowError("ETHNIC", str(problem), "not a DfE ethnicity code") from None
    return Child(
        child_id=row.child,
        born=born,
        sex=SEX_CODES.get(row.sex),
        ethnicity=ethnicity,
        looked_after_by=authority,
        origin=Source(row.ref.number, row.ref.file),
    )


def episode_ids(periods: Sequence[tuple[str, pendulum.Date, pendulum.Date | None]]) -> list[str]:
    """Stable ids `CHILD/yyyy-mm-dd` (903 has none), `#2`… for a second period that day.

    Periods are numbered in (start, end) order, open last, so a one-day period that day comes
    before the one that goes on: the lifecycle then sees them in a non-overlapping order.
    """
    order = sorted(
        range(len(periods)),
        key=lambda i: (periods[i][0], periods[i][1], periods[i][2] or dt.date.max),
    )
    seen: dict[tuple[str, pendulum.Date], int] = defaultdict(int)
    ids = [""] * len(periods)
    for i in order:
        child, start, _ = periods[i]
        seen[(child, start)] += 1
        n = seen[(child, start)]
        ids[i] = f"{child}/{start.isoformat()}" + (f"#{n}" if n > 1 else "")
    return ids


def tables_to_events(
    tables: Tables903, *, authority: str, policy: DatePolicy | None = None
) -> Conversion:
    """Header rows -> `child` events; Missing rows -> `reported` (+ `found`) of looked-after
    children, responsible authority `authority`. Episodes rows are only for validation."""
    policy = policy or DatePolicy()
    events: list[Event] = []
    errors: list[EventError] = []
    losses = Losses()

    def reject(ref: RowRef, problem: RowError | clock.TimeError, column: str) -> None:
        if isinstance(problem, clock.TimeError):
            problem = RowError(column, str(problem), unquoted(problem))
        where = f" (XML element {ref.number})" if ref.unit is Unit.ELEMENT else ""
        errors.append(problem.rejection(ref.number, ref.column(column), ref.file, where))

    header_children: set[str] = set()
    for head in tables.header or ():
        try:
            events.append(_child(head, authority))
            header_children.add(head.child)
        except RowError as problem:
            reject(head.ref, problem, problem.column)

    periods: list[_Period] = []
    for row in tables.missing:
        try:
            periods.append(_period(row))
        except RowError as problem:
            reject(row.ref, problem, problem.column)

    ids = episode_ids([(p.row.child, p.start, p.end) for p in periods])
    away: set[str] = set()
    born_given: set[str] = set()
    for period, episode_id in zip(periods, ids, strict=True):
        row, origin = period.row, Source(period.row.ref.number, period.row.ref.file)
        column = "MIS_START"
        try:
            started = policy.start(period.start)
            column = "MIS_END"
            ended = policy.end(period.end) if period.end else None
        except clock.TimeError as problem:
            reject(row.ref, problem, column)
            continue
        events.append(
            Reported(
                episode_id=episode_id,
                child_id=row.child,
                at=started,
                missing_from=MissingFrom.CARE,
                responsible_authority=authority,
                origin=origin,
            )
        )
        if ended is not None:
            events.append(Found(episode_id=episode_id, at=ended, origin=origin))
            losses.add("rhi", _no_rhi)
        if period.kind is MissingType.AWAY:
            away.add(episode_id)
            losses.add("away", _away_read)
        # Without a Header row the Missing table's DOB is the child's only record.
        if row.child not in header_children and row.child not in born_given and period.dob:
            born_given.add(row.child)
            events.append(
                Child(row.child, born=period.dob, looked_after_by=authority, origin=origin)
            )
        losses.add("time_of_day", lambda n: _dates_as_times(n, policy), 2 if ended else 1)
        losses.add("authority", lambda n: _authority_given(n, authority))
    return Conversion(
        events=tuple(events),
        errors=tuple(errors),
        rows=len(tables.missing) + len(tables.header or ()),
        rejected_rows=frozenset((e.file, e.line) for e in errors),
        losses=losses.result(),
        away=frozenset(away),
    )


def _no_rhi(n: int) -> str:
    return (
        f"903 has no return-interview information: {n} ended periods have no interview events, "
        "so the RHI rules will find the interview not done"
    )


def _away_read(n: int) -> str:
    return (
        f"{n} 'A' periods (away from placement without authorisation) are read as episodes; "
        f"the code is kept for writing back (`{AWAY_FIELD}` in an event log)"
    )


def _dates_as_times(n: int, policy: DatePolicy) -> str:
    return (
        f"903 has dates, not times: {n} dates were given the policy's times ({policy.describe()})"
    )


def _authority_given(n: int, authority: str) -> str:
    return (
        f"903 names no authority: {n} periods were given responsible authority {authority!r}; "
        "placement out of area, risk grading and location are unknown"
    )


def _without(tables: Tables903, rejected: frozenset[RowKey]) -> Tables903:
    """The tables less the rows a read error rejected (a short row is validated, not converted)."""

    def kept(row: MissingRow | HeaderRow) -> bool:
        return (row.ref.file, row.ref.number) not in rejected

    header = None if tables.header is None else tuple(filter(kept, tables.header))
    return attrs.evolve(tables, missing=tuple(filter(kept, tables.missing)), header=header)


def read_episodes_903(
    paths: Iterable[Source903],
    *,
    authority: str,
    policy: DatePolicy | None = None,
) -> Conversion:
    """903 Header and Missing CSV files, or the 903 XML -> typed events and errors (for
    `check`, `convert`).

    Raises `UnreadableFile` for a file that cannot be opened; every other problem is an error
    record (line = CSV row or XML line, field = column or element) and the other rows go on.
    """
    return converted(read_tables(paths), authority=authority, policy=policy)


def converted(read: TableRead, *, authority: str, policy: DatePolicy | None = None) -> Conversion:
    """Tables already read -> events, with the read's errors and rejected rows counted in."""
    done = tables_to_events(
        _without(read.tables, read.rejected_rows), authority=authority, policy=policy
    )
    file_rows = read.rejected_rows
    return attrs.evolve(
        done,
        errors=tuple(sorted((*read.errors, *done.errors), key=lambda e: (e.file or "", e.line))),
        rows=done.rows + len(file_rows),
        rejected_rows=done.rejected_rows | file_rows,
    )


def away_in_log(paths: Iterable[str | os.PathLike[str]]) -> frozenset[str]:
    """Episode ids whose `reported` event carries `ssda903_missing: "A"` in an event log."""
    away: set[str] = set()
    for path in paths:
        text = read_text(path)
        if AWAY_FIELD not in text:
            continue
        stripped = text.lstrip()
        objects: list[object] = []
        if stripped.startswith("["):
            try:
                loaded = json.loads(stripped)
            except json.JSONDecodeError:
                loaded = []
            objects = loaded if isinstance(loaded, list) else []
        else:
            for line in text.splitlines():
                if AWAY_FIELD in line:
                    try:
                        objects.append(json.loads(line))
                    except json.JSONDecodeError:
                        continue
        for obj in objects:
            if isinstance(obj, dict) and obj.get(AWAY_FIELD) == MissingType.AWAY.value:
                away.add(str(obj.get("episode_id")))
    return frozenset(away)
