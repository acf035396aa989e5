"""What the 903 and SSD packages share: reading and writing CSV tables, the date policy that
turns a date into a time, and the record of what a conversion could not carry.

Both national formats are tables of cells keyed by a child id; each package reads its own
columns and writes its own rows, and meets the other only here.
"""

from __future__ import annotations

import csv
import datetime as dt
import enum
import functools
import os
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.episode import Assembly
from missing_protocol.formats.events import Parsed, UnreadableFile
from missing_protocol.formats.fields import plain_rejection, rejection
from missing_protocol.model import Event, EventError

RowKey = tuple[str | None, int]


class RowError(ValueError):
    """A table row that cannot be converted: its column, its message, and the message worded
    without the cell it quotes (`withheld`: what a pseudonymised run shows; None: not vetted)."""

    def __init__(self, column: str, message: str, withheld: str | None) -> None:
        super().__init__(message)
        self.column = column
        self.withheld = withheld

    @classmethod
    def quoting(cls, column: str, cell: str, problem: str) -> RowError:
        """The cell `cell` is `problem`, worded also without the cell."""
        return cls(column, f"{cell!r} is {problem}", problem)

    @classmethod
    def plain(cls, column: str, message: str) -> RowError:
        """A problem whose message quotes no cell."""
        return cls(column, message, message)

    def rejection(self, line: int, column: str, file: str | None, where: str = "") -> EventError:
        """The row rejected at `line` (and `column` as the file names it), `where` appended."""
        withheld = None if self.withheld is None else f"{self.withheld}{where}"
        return rejection(line, column, f"{self}{where}", file, withheld)


class MissingType(enum.StrEnum):
    """The 903 MISSING code."""

    MISSING = "M"
    AWAY = "A"  # away from placement without authorisation: whereabouts known


def _at_or_after_start(instance: DatePolicy, _: attrs.Attribute[dt.time], end: dt.time) -> None:
    # A one-day period must not end before it starts.
    if end < instance.start_time:
        raise ValueError("end_time must not be earlier than start_time")


@functools.lru_cache(maxsize=8192)  # a table has a few hundred distinct days, read many times
def _localised(wall: dt.datetime, tz: str) -> dt.datetime:
    return clock.localise(wall, tz)


@attrs.frozen
class DatePolicy:
    """Which local wall-clock time a date without a time stands for.

    Default: the start of the day in London for both a start and an end date, so a period ending
    on the day the next one starts does not overlap it (903 allows that). A time that does not
    exist or is ambiguous on that day (clock change) is an error for the row, never guessed.
    """

    start_time: dt.time = dt.time(0, 0)
    end_time: dt.time = attrs.field(default=dt.time(0, 0), validator=_at_or_after_start)
    tz: str = clock.LONDON

    def start(self, day: dt.date) -> dt.datetime:
        return _localised(dt.datetime.combine(day, self.start_time), self.tz)

    def end(self, day: dt.date) -> dt.datetime:
        return _localised(dt.datetime.combine(day, self.end_time), self.tz)

    def date_of(self, moment: dt.datetime) -> pendulum.Date:
        local = moment.astimezone(zoneinfo.ZoneInfo(self.tz))  # stdlib: event times may be either
        return pendulum.Date(local.year, local.month, local.day)

    def describe(self) -> str:
        return f"start {self.start_time:%H:%M}, end {self.end_time:%H:%M} {self.tz}"


@attrs.frozen
class Loss:
    """Something a conversion could not carry: what, how many records, and in words."""

    what: str
    count: int
    message: str


@attrs.frozen
class Conversion:
    """Rows read into typed events: `rows` = converted + rejected; `errors` say why."""

    events: tuple[Event, ...]
    errors: tuple[EventError, ...]
    rows: int
    rejected_rows: frozenset[RowKey]
    losses: tuple[Loss, ...] = ()
    away: frozenset[str] = frozenset()  # episode ids of `A` (away from placement) periods

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def converted(self) -> int:
        return self.rows - self.rejected

    @property
    def parsed(self) -> tuple[Parsed, ...]:
        """Events and errors together, as `check_parsed` takes them."""
        return (*self.events, *self.errors)


class Losses:
    """Counts losses by kind while converting; only kinds that happened are reported."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = defaultdict(int)
        self._words: dict[str, Callable[[int], str]] = {}

    def add(self, what: str, words: Callable[[int], str], count: int = 1) -> None:
        self._counts[what] += count
        self._words[what] = words

    def result(self) -> tuple[Loss, ...]:
        return tuple(Loss(w, n, self._words[w](n)) for w, n in self._counts.items() if n)


def count_records_not_held(assembly: Assembly, losses: Losses, target: str) -> None:
    """Strategy discussions and partnership intelligence have no place in 903 or SSD tables."""
    talks = sum(len(t) for t in assembly.strategy_discussions.values())
    losses.add("strategy", lambda n: f"{n} strategy discussions are not in {target}", talks)
    kept = assembly.intelligence
    intelligence = (
        len(kept.person_links)
        + len(kept.disruptions)
        + len(kept.prosecutions)
        + len(kept.self_reports)
    )
    words = (
        f"partnership intelligence records (persons, disruptions, self-reports) are not in {target}"
    )
    losses.add("intelligence", lambda n: f"{n} {words}", intelligence)


@attrs.frozen
class CsvTable:
    """A CSV file's header and data rows (numbered as a spreadsheet: the header is row 1)."""

    file: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    errors: tuple[EventError, ...]
    # Rows with fewer values than the header (an error each), their missing cells blank.
    short: tuple[tuple[int, tuple[str, ...]], ...] = ()

    def cells(self, values: tuple[str, ...], wanted: Sequence[str]) -> tuple[str, ...]:
        index = _column_index(self.columns)
        return tuple(values[index[c]].strip() if c in index else "" for c in wanted)


@functools.lru_cache(maxsize=64)
def _column_index(columns: tuple[str, ...]) -> dict[str, int]:
    return {c: i for i, c in enumerate(columns)}


def read_text(path: str | os.PathLike[str]) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else Windows-1252 as Excel saves it."""
    return decode(read_bytes(path))


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as problem:
        raise UnreadableFile(f"{path}: {problem.strerror or problem}") from None


def decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(
    stream: IO[str], file: str | None, normalise: Callable[[str], str] = str.upper
) -> CsvTable:
    """Split a CSV into header and rows; a row whose length differs from the header is an error
    (a short one is also kept in `short`, padded with blank cells, for validation to judge)."""
    records, broken = _records(stream, file)
    filled = [(n, r) for n, r in records if any(cell.strip() for cell in r)]
    if not filled:
        empty = plain_rejection(1, None, "empty file: no header row", file)
        return CsvTable(file, (), (), (*broken, empty) if broken else (empty,))
    (head_number, head), body = filled[0], filled[1:]
    columns = tuple(normalise(c.strip().lstrip("\ufeff")) for c in head)
    rows: list[tuple[int, tuple[str, ...]]] = []
    errors: list[EventError] = []
    short: list[tuple[int, tuple[str, ...]]] = []
    for number, values in body:
        if len(values) != len(columns):
            message = f"row has {len(values)} values but the header (row {head_number}) names {len(columns)} columns"
            errors.append(plain_rejection(number, None, message, file))
            if len(values) < len(columns):
                short.append((number, (*values, *[""] * (len(columns) - len(values)))))
        else:
            rows.append((number, tuple(values)))
    errors = sorted([*broken, *errors], key=lambda e: e.line)
    return CsvTable(file, columns, tuple(rows), tuple(errors), tuple(short))


def _records(
    stream: IO[str], file: str | None
) -> tuple[list[tuple[int, list[str]]], list[EventError]]:
    """Each row with its number, and the rows the csv module cannot read (a bare carriage
    return in an unquoted cell, binary junk): each is an error naming its row, never a crash."""
    reader = csv.reader(stream)
    records: list[tuple[int, list[str]]] = []
    broken: list[EventError] = []
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return records, broken
        except csv.Error as problem:
            broken.append(plain_rejection(number, None, f"unreadable CSV row: {problem}", file))
            continue
        records.append((number, row))


def write_table(columns: Sequence[str], values: Iterable[Sequence[str]], stream: IO[str]) -> int:
    """A CSV table: the header, then one line per row of values; returns rows written."""
    out = csv.writer(stream, lineterminator="\n")
    out.writerow(columns)
    count = 0
    for row in values:
        out.writerow(row)
        count += 1
    return count
