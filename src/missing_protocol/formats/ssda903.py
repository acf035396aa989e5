"""The SSDA903 Header and Missing tables (CSV or the 903 XML) to events, and episodes back to 903.

903 holds dates, not times: a `DatePolicy` says which local time a date stands for. 903 is the
looked-after children return, so every period is `missing_from = care`; it names no authority,
so the caller supplies the responsible one. What a conversion cannot carry is reported as a
`Loss`, never dropped silently; a row that cannot be converted is an `EventError` naming file,
row (the CSV row number, header = 1; in the XML, the line of the row's element) and column
(in the XML, the element), and the other rows go on.
The `M`/`A` code is kept in `Conversion.away` (episode ids of `A` periods) so it can be written
back; in an event log it travels as the optional `ssda903_missing` field of a `reported` event.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, NoReturn
from xml.etree import ElementTree
from xml.parsers import expat

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.episode import Assembly, Episode
from missing_protocol.formats.events import AWAY_FIELD, Parsed, UnreadableFile
from missing_protocol.model import (
    Child,
    Ethnicity,
    Event,
    EventError,
    Found,
    MissingFrom,
    Reported,
    Sex,
    Source,
)
from missing_protocol.rules.ssda903 import (
    CollectionYear,
    EpisodeRow,
    HeaderRow,
    MissingRow,
    MissingType,
    RowRef,
    Table,
    Tables903,
    Unit,
    format_903_date,
    parse_903_date,
)

# Column order as the DfE specification (and lac_validator) lists them.
MISSING_COLUMNS = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")
HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC")
_REQUIRED = {
    Table.MISSING: ("CHILD", "MISSING", "MIS_START", "MIS_END"),
    Table.HEADER: HEADER_COLUMNS,
    Table.EPISODES: ("CHILD", "DECOM", "DEC", "REC"),
}
SEX_CODES = {"1": Sex.MALE, "2": Sex.FEMALE}

RowKey = tuple[str | None, int]
Source903 = str | os.PathLike[str] | tuple[str, IO[str]]


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
        local = pendulum.instance(moment).in_timezone(self.tz)
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


# ---- CSV at the edge -------------------------------------------------------------------------


@attrs.frozen
class CsvTable:
    """A CSV file's header and data rows (numbered as a spreadsheet: the header is row 1)."""

    file: str | None
    columns: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    errors: tuple[EventError, ...]

    def cells(self, values: tuple[str, ...], wanted: Sequence[str]) -> tuple[str, ...]:
        index = _column_index(self.columns)
        return tuple(values[index[c]].strip() if c in index else "" for c in wanted)


@functools.lru_cache(maxsize=64)
def _column_index(columns: tuple[str, ...]) -> dict[str, int]:
    return {c: i for i, c in enumerate(columns)}


def read_text(path: str | os.PathLike[str]) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else Windows-1252 as Excel saves it."""
    return _decode(_read_bytes(path))


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as problem:
        raise UnreadableFile(f"{path}: {problem.strerror or problem}") from None


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv(
    stream: IO[str], file: str | None, normalise: Callable[[str], str] = str.upper
) -> CsvTable:
    """Split a CSV into header and rows; a row whose length differs from the header is an error."""
    records = list(enumerate(csv.reader(stream), start=1))
    filled = [(n, r) for n, r in records if any(cell.strip() for cell in r)]
    if not filled:
        return CsvTable(file, (), (), (EventError(1, None, "empty file: no header row", file),))
    (head_number, head), body = filled[0], filled[1:]
    columns = tuple(normalise(c.strip().lstrip("\ufeff")) for c in head)
    rows: list[tuple[int, tuple[str, ...]]] = []
    errors: list[EventError] = []
    for number, values in body:
        if len(values) != len(columns):
            message = f"row has {len(values)} values but the header (row {head_number}) names {len(columns)} columns"
            errors.append(EventError(number, None, message, file))
        else:
            rows.append((number, tuple(values)))
    return CsvTable(file, columns, tuple(rows), tuple(errors))


# ---- reading 903 tables ----------------------------------------------------------------------


@attrs.frozen
class TableRead:
    """903 tables read from files, with the errors of rows (or whole files) that could not be."""

    tables: Tables903
    errors: tuple[EventError, ...]
    rejected_rows: frozenset[RowKey]


def classify(columns: Sequence[str]) -> Table | None:
    """Which 903 table a header row belongs to (as lac_validator, by its columns)."""
    names = set(columns)
    if names & {"MISSING", "MIS_START", "MIS_END"}:
        return Table.MISSING
    # UASC also has SEX (with DUC); only the Header has ETHNIC.
    if "ETHNIC" in names or ("SEX" in names and "DUC" not in names):
        return Table.HEADER
    if "DECOM" in names:
        return Table.EPISODES
    return None


def _missing_rows(t: CsvTable) -> list[MissingRow]:
    out = []
    for number, values in t.rows:
        child, dob, missing, start, end = t.cells(values, MISSING_COLUMNS)
        out.append(
            MissingRow(child, missing, start, end, RowRef(Table.MISSING, number, t.file), dob)
        )
    return out


def _header_rows(t: CsvTable) -> list[HeaderRow]:
    out = []
    for number, values in t.rows:
        child, sex, dob, ethnic = t.cells(values, HEADER_COLUMNS)
        out.append(HeaderRow(child, sex, dob, ethnic, RowRef(Table.HEADER, number, t.file)))
    return out


def _episode_rows(t: CsvTable) -> list[EpisodeRow]:
    out = []
    for number, values in t.rows:
        child, decom, dec, rec = t.cells(values, _REQUIRED[Table.EPISODES])
        out.append(EpisodeRow(child, decom, dec, rec, RowRef(Table.EPISODES, number, t.file)))
    return out


def _load(source: Source903) -> tuple[str, str | bytes]:
    """A file's name and content: text from a stream, bytes from a path (decoded later)."""
    if isinstance(source, tuple):
        name, stream = source
        return name, stream.read()
    return str(source), _read_bytes(source)


_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def looks_like_xml(name: str | None, data: str | bytes) -> bool:
    """A `.xml` file, or one whose first character (after any BOM and blanks) is `<`."""
    if name and name.lower().endswith(".xml"):
        return True
    head = data[:256]
    if isinstance(head, bytes):
        bom, codec = next(((b, c) for b, c in _BOMS if head.startswith(b)), (b"", "latin-1"))
        head = head[len(bom) :].decode(codec, errors="ignore")
    return head.lstrip("\ufeff \t\r\n").startswith("<")


def read_tables(sources: Iterable[Source903]) -> TableRead:
    """903 files (paths, or (name, text stream) pairs) sorted into Header, Missing and
    Episodes: a CSV file by its header row (a wrong or incomplete header rejects that file's
    rows), an XML file (by its `.xml` name or a leading `<`) as the whole 903 XML return.

    Rejected rows counted are those of the Header and Missing tables (and of files that are no
    table, and an XML file that cannot be read, as one row): the Episodes table is read only for
    validation, not converted.
    """
    missing: list[MissingRow] = []
    header: list[HeaderRow] | None = None
    episodes: list[EpisodeRow] | None = None
    errors: list[EventError] = []
    rejected: set[RowKey] = set()
    for source in sources:
        name, data = _load(source)
        if looks_like_xml(name, data):
            xml = read_xml_tables(data, name)
            errors.extend(xml.errors)
            rejected.update(xml.rejected_rows)
            missing.extend(xml.tables.missing)
            if xml.tables.header is not None:
                header = [*(header or []), *xml.tables.header]
            if xml.tables.episodes is not None:
                episodes = [*(episodes or []), *xml.tables.episodes]
            continue
        text = data if isinstance(data, str) else _decode(data)
        t = read_csv(io.StringIO(text), name)
        errors.extend(t.errors)
        if not t.columns:
            continue
        table = classify(t.columns)
        if table is not Table.EPISODES:
            rejected.update((e.file, e.line) for e in t.errors)
        if table is None:
            message = (
                "header row is not a 903 Missing, Header or Episodes table; expected columns "
                f"{', '.join(MISSING_COLUMNS)} (Missing) or {', '.join(HEADER_COLUMNS)} (Header)"
            )
            errors.append(EventError(1, None, message, t.file))
            rejected.update((t.file, n) for n, _ in t.rows)
            continue
        absent = [c for c in _REQUIRED[table] if c not in t.columns]
        for column in absent:
            message = f"column {column} is missing from the {table.value} table's header row"
            errors.append(EventError(1, column, message, t.file))
        if absent:
            if table is not Table.EPISODES:
                rejected.update((t.file, n) for n, _ in t.rows)
        elif table is Table.MISSING:
            missing.extend(_missing_rows(t))
        elif table is Table.HEADER:
            header = [*(header or []), *_header_rows(t)]
        else:
            episodes = [*(episodes or []), *_episode_rows(t)]
    tables = Tables903(
        missing=tuple(missing),
        header=None if header is None else tuple(header),
        episodes=None if episodes is None else tuple(episodes),
    )
    return TableRead(tables, tuple(errors), frozenset(rejected))


# ---- the 903 XML return ----------------------------------------------------------------------
#
# The DfE's XML form of the return (root EXPSSDA903): one CHILD element per child, holding a
# HEADER (CHILDID, UPN, SEX, DOB, ETHNIC, ...; the child's missing periods are AMISSING groups
# inside it, each with MISSING, MIS_START and MIS_END) and its EPISODE elements (DECOM, RNE, ...,
# DEC, REC). The names are the CSV columns' except CHILDID (CHILD) and PL (PLACE). Element
# names as Social Finance's 903 validator reads them (its XML-to-tables converter), which was
# read for comparison, not copied; other elements are ignored, as other CSV columns are.

XML_ROOT = "EXPSSDA903"


@attrs.define
class _Element:
    """A parsed element: upper-case local name, line of its start tag, children and text."""

    tag: str
    line: int
    children: list[_Element] = attrs.Factory(list)
    parts: list[str] = attrs.Factory(list)

    def all(self, tag: str) -> list[_Element]:
        return [c for c in self.children if c.tag == tag]

    def first(self, tag: str) -> _Element | None:
        return next((c for c in self.children if c.tag == tag), None)

    def value(self, tag: str) -> str:
        """The text of the first child element `tag`, stripped; '' when absent or empty."""
        found = self.first(tag)
        return "".join(found.parts).strip() if found is not None else ""


class _XmlError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _parse_xml(data: str | bytes) -> _Element:
    """The element tree of a 903 XML file, with each element's line.

    Parsed with the standard library's expat, the parser under xml.etree (which does not give
    lines). A return comes from outside, so, as defusedxml does (without adding it as a
    dependency), entity declarations and external entities are refused rather than expanded:
    the 903 schema uses none. Bytes are decoded as the XML declaration says (UTF-8 by default).
    """
    parser = expat.ParserCreate()
    stack: list[_Element] = []
    roots: list[_Element] = []

    def start(name: str, _attributes: object) -> None:
        element = _Element(name.rpartition(":")[2].upper(), parser.CurrentLineNumber)
        (stack[-1].children if stack else roots).append(element)
        stack.append(element)

    def end(_name: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            stack[-1].parts.append(data)

    def refuse(*_: object) -> NoReturn:
        message = "the file declares or refers to XML entities, which a 903 return does not use"
        raise _XmlError(parser.CurrentLineNumber, message)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as problem:
        where = f"line {problem.lineno}, column {problem.offset + 1}"
        message = f"not well-formed XML: {expat.ErrorString(problem.code)} ({where})"
        raise _XmlError(problem.lineno, message) from None
    return roots[0]


def read_xml_tables(data: str | bytes, file: str | None = None) -> TableRead:
    """The 903 XML return as the Header, Missing and Episodes tables the CSV files give.

    Each CHILD's HEADER is a Header row and each of its AMISSING groups a Missing row (with the
    HEADER's DOB, as the Missing CSV carries it); each EPISODE is an Episodes row. A row's
    number is the line of its element; when two of these elements share a line (a file written
    without line breaks), every row is numbered by its place among them instead (`Unit.ELEMENT`),
    so that each row keeps its own number. A file that is not well-formed XML, or whose root is
    not EXPSSDA903, is one error (at its line) and counts as one rejected row; a CHILD without a
    HEADER is an error, and the other children go on.
    """
    try:
        root = _parse_xml(data)
    except _XmlError as problem:
        error = EventError(problem.line, None, str(problem), file)
        return TableRead(Tables903(), (error,), frozenset({(file, problem.line)}))
    if root.tag != XML_ROOT:
        message = f"root element is <{root.tag}>, not <{XML_ROOT}> (the SSDA903 XML return)"
        error = EventError(root.line, None, message, file)
        return TableRead(Tables903(), (error,), frozenset({(file, root.line)}))
    children = root.all("CHILD")
    # Every element that becomes a row (or an error), in document order.
    placed: list[_Element] = []
    for child in children:
        head = child.first("HEADER")
        placed.extend([head, *head.all("AMISSING")] if head is not None else [child])
        placed.extend(child.all("EPISODE"))
    by_line = len({e.line for e in placed}) == len(placed)
    numbers = {id(e): e.line if by_line else n for n, e in enumerate(placed, start=1)}
    unit = Unit.LINE if by_line else Unit.ELEMENT

    def ref(table: Table, element: _Element) -> RowRef:
        return RowRef(table, numbers[id(element)], file, unit)

    header: list[HeaderRow] = []
    missing: list[MissingRow] = []
    episodes: list[EpisodeRow] = []
    errors: list[EventError] = []
    for child in children:
        head = child.first("HEADER")
        if head is None:
            message = "CHILD has no HEADER element, so no child id: its periods are not read"
            errors.append(EventError(numbers[id(child)], "HEADER", message, file))
            continue
        child_id, dob = head.value("CHILDID"), head.value("DOB")
        sex, ethnic = head.value("SEX"), head.value("ETHNIC")
        header.append(HeaderRow(child_id, sex, dob, ethnic, ref(Table.HEADER, head)))
        for period in head.all("AMISSING"):
            kind, start, end = (period.value(c) for c in ("MISSING", "MIS_START", "MIS_END"))
            missing.append(MissingRow(child_id, kind, start, end, ref(Table.MISSING, period), dob))
        for episode in child.all("EPISODE"):
            decom, dec, rec = (episode.value(c) for c in ("DECOM", "DEC", "REC"))
            episodes.append(EpisodeRow(child_id, decom, dec, rec, ref(Table.EPISODES, episode)))
    tables = Tables903(tuple(missing), tuple(header), tuple(episodes) if episodes else None)
    return TableRead(tables, tuple(errors), frozenset((e.file, e.line) for e in errors))


def write_903_xml(tables: Tables903, stream: IO[str]) -> int:
    """The Header and Missing tables as the 903 XML (EXPSSDA903); returns the periods written.

    One CHILD per child (Header order, then children with Missing rows but no Header row), its
    HEADER holding CHILDID, SEX, DOB and ETHNIC and one AMISSING (MISSING, MIS_START, MIS_END)
    per period. A blank cell's element is left out. Only these elements are written: it is the
    Missing part of a return, not a whole one (no UPN, episodes, reviews, ...).
    """
    heads = {row.child: row for row in tables.header or ()}
    periods: dict[str, list[MissingRow]] = defaultdict(list)
    for period in tables.missing:
        periods[period.child].append(period)
    order = [*heads, *(c for c in periods if c not in heads)]
    root = ElementTree.Element(XML_ROOT)

    def add(parent: ElementTree.Element, tag: str, text: str) -> None:
        if text:
            ElementTree.SubElement(parent, tag).text = text

    for child_id in order:
        head = ElementTree.SubElement(ElementTree.SubElement(root, "CHILD"), "HEADER")
        row = heads.get(child_id)
        dob = row.dob if row else next((p.dob for p in periods[child_id] if p.dob), "")
        ElementTree.SubElement(head, "CHILDID").text = child_id
        add(head, "SEX", row.sex if row else "")
        add(head, "DOB", dob)
        add(head, "ETHNIC", row.ethnic if row else "")
        for period in periods.get(child_id, ()):
            group = ElementTree.SubElement(head, "AMISSING")
            add(group, "MISSING", period.missing)
            add(group, "MIS_START", period.mis_start)
            add(group, "MIS_END", period.mis_end)
    ElementTree.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ElementTree.tostring(root, encoding="unicode"))
    stream.write("\n")
    return len(tables.missing)


# ---- 903 rows -> events ----------------------------------------------------------------------


@attrs.frozen
class _Period:
    """A Missing row whose cells all parsed."""

    row: MissingRow
    kind: MissingType
    start: pendulum.Date
    end: pendulum.Date | None
    dob: pendulum.Date | None


class _RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def _parsed_date(text: str, column: str) -> pendulum.Date:
    try:
        return parse_903_date(text)
    except ValueError:
        raise _RowError(column, f"{text!r} is not a date (dd/mm/yyyy)") from None


def _period(row: MissingRow) -> _Period:
    if not row.child:
        raise _RowError("CHILD", "child id is blank")
    if not row.missing:
        raise _RowError("MISSING", "blank: give M (missing) or A (away from placement)")
    try:
        kind = MissingType(row.missing)
    except ValueError:
        message = (
            f"{row.missing!r} is not M (missing) or A (away from placement without authorisation)"
        )
        raise _RowError("MISSING", message) from None
    if not row.mis_start:
        raise _RowError("MIS_START", "start date is blank")
    start = _parsed_date(row.mis_start, "MIS_START")
    end = _parsed_date(row.mis_end, "MIS_END") if row.mis_end else None
    if end is not None and end < start:
        raise _RowError("MIS_END", f"{row.mis_end} is before the start {row.mis_start}")
    dob = _parsed_date(row.dob, "DOB") if row.dob else None
    return _Period(row, kind, start, end, dob)


def _child(row: HeaderRow, authority: str) -> Child:
    if not row.child:
        raise _RowError("CHILD", "child id is blank")
    if row.sex and row.sex not in SEX_CODES:
        raise _RowError("SEX", f"{row.sex!r} is not a 903 sex code (1 male, 2 female)")
    born = _parsed_date(row.dob, "DOB") if row.dob else None
    try:
        ethnicity = Ethnicity(row.ethnic) if row.ethnic else None
    except ValueError as problem:
        raise _RowError("ETHNIC", str(problem)) from None
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

    def reject(ref: RowRef, problem: _RowError | clock.TimeError, column: str) -> None:
        where = f" (XML element {ref.number})" if ref.unit is Unit.ELEMENT else ""
        errors.append(EventError(ref.number, ref.column(column), f"{problem}{where}", ref.file))

    header_children: set[str] = set()
    for head in tables.header or ():
        try:
            events.append(_child(head, authority))
            header_children.add(head.child)
        except _RowError as problem:
            reject(head.ref, problem, problem.column)

    periods: list[_Period] = []
    for row in tables.missing:
        try:
            periods.append(_period(row))
        except _RowError as problem:
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
    read = read_tables(paths)
    done = tables_to_events(read.tables, authority=authority, policy=policy)
    file_rows = read.rejected_rows
    return attrs.evolve(
        done,
        errors=tuple(sorted((*read.errors, *done.errors), key=lambda e: (e.file or "", e.line))),
        rows=done.rows + len(file_rows),
        rejected_rows=done.rejected_rows | file_rows,
    )


def read_tables_903(paths: Iterable[Source903]) -> TableRead:
    """903 CSV or XML files as raw tables, for `validate_903` (an alias of `read_tables`)."""
    return read_tables(paths)


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


# ---- episodes -> 903 -------------------------------------------------------------------------


@attrs.frozen
class Export903:
    """The 903 tables written from episodes (rows numbered as they will be in the CSV)."""

    tables: Tables903
    losses: tuple[Loss, ...]


def _in_year(
    episode: Episode, policy: DatePolicy, year: CollectionYear | None
) -> tuple[bool, bool]:
    """Whether to write the episode for `year`, and whether its end falls after the year."""
    if year is None:
        return True, False
    start = policy.date_of(episode.reported_at)
    end = policy.date_of(episode.found.at) if episode.found else None
    if start > year.end or (end is not None and end < year.start):
        return False, False
    return True, end is not None and end > year.end


def to_tables(
    assembly: Assembly,
    *,
    away: frozenset[str] = frozenset(),
    policy: DatePolicy | None = None,
    collection_year: CollectionYear | None = None,
    authority: str | None = None,
    missing_file: str | None = None,
    header_file: str | None = None,
) -> Export903:
    """Episodes of looked-after children -> the Missing table; their children -> the Header.

    With `authority`, only the children it looks after (its own return). With a collection
    year, only periods overlapping it, and a period that ended after the year is written open
    (as the return wants it at 31 March).
    """
    policy = policy or DatePolicy()
    losses = Losses()
    rows: list[tuple[str, pendulum.Date, pendulum.Date | None, Episode]] = []
    for episode in assembly.episodes:
        if episode.is_cancelled:
            losses.add("cancelled", _cancelled_skipped)
            continue
        if not episode.is_looked_after:
            losses.add("home", _home_skipped)
            continue
        if authority is not None and episode.responsible_authority != authority:
            losses.add("other_authority", lambda n: _other_authority(n, authority))
            continue
        keep, ends_after = _in_year(episode, policy, collection_year)
        if not keep:
            losses.add("year", lambda n: _outside_year(n, collection_year))
            continue
        end = policy.date_of(episode.found.at) if episode.found and not ends_after else None
        if ends_after:
            losses.add("open_at_year_end", _written_open)
        rows.append((episode.child_id, policy.date_of(episode.reported_at), end, episode))
        _count_episode_losses(episode, losses)
    rows.sort(key=lambda r: (r[0], r[1], r[2] or dt.date.max, r[3].episode_id))

    children = _header_children(assembly, {r[0] for r in rows}, authority)
    born = {c.child_id: format_903_date(c.born) for c in children if c.born}
    missing = tuple(
        MissingRow(
            child=child,
            missing=(MissingType.AWAY if ep.episode_id in away else MissingType.MISSING).value,
            mis_start=format_903_date(start),
            mis_end=format_903_date(end) if end else "",
            ref=RowRef(Table.MISSING, number, missing_file),
            dob=born.get(child, ""),
        )
        for number, (child, start, end, ep) in enumerate(rows, start=2)
    )
    header = tuple(
        _header_row(child, RowRef(Table.HEADER, number, header_file), losses)
        for number, child in enumerate(children, start=2)
    )
    if rows:
        losses.add("episode_id", _ids_not_kept, len(rows))
        losses.add("time_of_day", _times_dropped, len(rows))
    count_records_not_held(assembly, losses, "903")
    return Export903(Tables903(missing=missing, header=header), losses.result())


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


def _header_children(assembly: Assembly, written: set[str], authority: str | None) -> list[Child]:
    """Children of written periods, and children recorded as looked after (by `authority`)."""
    ids = written | {
        c
        for c, child in assembly.children.items()
        if child.looked_after_by and authority in (None, child.looked_after_by)
    }
    return [assembly.children.get(c) or Child(c) for c in sorted(ids)]


def _header_row(child: Child, ref: RowRef, losses: Losses) -> HeaderRow:
    sex = {v: k for k, v in SEX_CODES.items()}.get(child.sex) if child.sex else None
    if child.sex is not None and sex is None:
        losses.add("sex", _sex_not_coded)
    if child.born is None:
        losses.add("dob", _no_dob)
    return HeaderRow(
        child=child.child_id,
        sex=sex or "",
        dob=format_903_date(child.born) if child.born else "",
        ethnic=child.ethnicity.code if child.ethnicity else "",
        ref=ref,
    )


def _count_episode_losses(episode: Episode, losses: Losses) -> None:
    if episode.offered or episode.declined or episode.completed or episode.plan:
        losses.add("rhi", _rhi_dropped)
    if episode.notifications:
        losses.add("notifications", _notifications_dropped)
    reported = episode.reported
    if reported.risk or reported.location or reported.host_authority:
        losses.add("report_details", _report_details_dropped)
    if episode.found and (episode.found.location or episode.found.found_in_authority):
        losses.add("found_details", _found_details_dropped)


def _cancelled_skipped(n: int) -> str:
    return f"{n} cancelled reports (the child was not in fact missing) are not written to 903"


def _home_skipped(n: int) -> str:
    return f"{n} episodes of children missing from home are not written (903 is looked-after children only)"


def _other_authority(n: int, authority: str) -> str:
    return f"{n} episodes of children looked after by another authority than {authority!r} are not written"


def _outside_year(n: int, year: CollectionYear | None) -> str:
    return f"{n} episodes outside the collection year {year} are not written"


def _written_open(n: int) -> str:
    return f"{n} periods ended after the collection year and are written without MIS_END"


def _ids_not_kept(n: int) -> str:
    return (
        f"903 has no episode ids: {n} ids are not written (re-reading makes CHILD/start-date ids)"
    )


def _times_dropped(n: int) -> str:
    return f"903 has dates, not times: the times of day of {n} periods are not written"


def _rhi_dropped(n: int) -> str:
    return f"{n} episodes have interview or plan events that 903 cannot hold"


def _notifications_dropped(n: int) -> str:
    return f"{n} episodes have notifications that 903 cannot hold"


def _report_details_dropped(n: int) -> str:
    return f"{n} reports have a risk grading, location or host authority that 903 cannot hold"


def _found_details_dropped(n: int) -> str:
    return f"{n} returns have a location or authority found in that 903 cannot hold"


def _sex_not_coded(n: int) -> str:
    return (
        f"{n} children's sex (other or unknown) has no 903 code (1 male, 2 female): written blank"
    )


def _no_dob(n: int) -> str:
    return f"{n} children have no date of birth: DOB written blank (903 requires it)"


def write_table(columns: Sequence[str], values: Iterable[Sequence[str]], stream: IO[str]) -> int:
    """A CSV table: the header, then one line per row of values; returns rows written."""
    out = csv.writer(stream, lineterminator="\n")
    out.writerow(columns)
    count = 0
    for row in values:
        out.writerow(row)
        count += 1
    return count


def write_missing_csv(rows: Iterable[MissingRow], stream: IO[str]) -> int:
    """The Missing table as CSV (CHILD, DOB, MISSING, MIS_START, MIS_END); returns rows written."""
    values = ((r.child, r.dob, r.missing, r.mis_start, r.mis_end) for r in rows)
    return write_table(MISSING_COLUMNS, values, stream)


def write_header_csv(rows: Iterable[HeaderRow], stream: IO[str]) -> int:
    """The Header table as CSV (CHILD, SEX, DOB, ETHNIC); returns rows written."""
    return write_table(HEADER_COLUMNS, ((r.child, r.sex, r.dob, r.ethnic) for r in rows), stream)
