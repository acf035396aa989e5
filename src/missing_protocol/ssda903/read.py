"""Reading 903 files into tables: CSV files sorted by their header row into Header, Missing
and Episodes, and the 903 XML return (see `xml_return`)."""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterable, Sequence
from typing import IO

from missing_protocol.formats.fields import plain_rejection
from missing_protocol.model import EventError
from missing_protocol.ssda903.tables import (
    HEADER_COLUMNS,
    MISSING_COLUMNS,
    REQUIRED,
    EpisodeRow,
    HeaderRow,
    MissingRow,
    RowRef,
    Table,
    TableRead,
    Tables903,
)
from missing_protocol.ssda903.xml_return import read_xml_tables
from missing_protocol.tabular import CsvTable, RowKey, decode, read_bytes, read_csv

Source903 = str | os.PathLike[str] | tuple[str, IO[str]]


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


def _all_rows(t: CsvTable) -> list[tuple[int, tuple[str, ...]]]:
    """The rows, and the short (ragged) rows whose missing cells are blank: the rules judge
    them as any other row; their read error keeps them from being converted."""
    return sorted((*t.rows, *t.short))


def _missing_rows(t: CsvTable) -> list[MissingRow]:
    out = []
    for number, values in _all_rows(t):
        child, dob, missing, start, end = t.cells(values, MISSING_COLUMNS)
        out.append(
            MissingRow(child, missing, start, end, RowRef(Table.MISSING, number, t.file), dob)
        )
    return out


def _header_rows(t: CsvTable) -> list[HeaderRow]:
    out = []
    for number, values in _all_rows(t):
        child, sex, dob, ethnic = t.cells(values, HEADER_COLUMNS)
        out.append(HeaderRow(child, sex, dob, ethnic, RowRef(Table.HEADER, number, t.file)))
    return out


def _episode_rows(t: CsvTable) -> list[EpisodeRow]:
    out = []
    for number, values in _all_rows(t):
        child, decom, dec, rec = t.cells(values, REQUIRED[Table.EPISODES])
        out.append(EpisodeRow(child, decom, dec, rec, RowRef(Table.EPISODES, number, t.file)))
    return out


def _load(source: Source903) -> tuple[str, str | bytes]:
    """A file's name and content: text from a stream, bytes from a path (decoded later)."""
    if isinstance(source, tuple):
        name, stream = source
        return name, stream.read()
    return str(source), read_bytes(source)


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
        text = data if isinstance(data, str) else decode(data)
        t = read_csv(io.StringIO(text), name)
        errors.extend(t.errors)
        if not t.columns:
            # A file that is no table at all (empty, blank) counts as one rejected row, as
            # `check` counts it: nothing read from it may vanish from `rows = ...`.
            rejected.update((e.file, e.line) for e in t.errors)
            continue
        table = classify(t.columns)
        if table is not Table.EPISODES:
            rejected.update((e.file, e.line) for e in t.errors)
        if table is None:
            message = (
                "header row is not a 903 Missing, Header or Episodes table; expected columns "
                f"{', '.join(MISSING_COLUMNS)} (Missing) or {', '.join(HEADER_COLUMNS)} (Header)"
            )
            errors.append(plain_rejection(1, None, message, t.file))
            rejected.update((t.file, n) for n, _ in t.rows)
            continue
        absent = [c for c in REQUIRED[table] if c not in t.columns]
        for column in absent:
            message = f"column {column} is missing from the {table.value} table's header row"
            errors.append(plain_rejection(1, column, message, t.file))
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


def read_tables_903(paths: Iterable[Source903]) -> TableRead:
    """903 CSV or XML files as raw tables, for `validate_903` (an alias of `read_tables`)."""
    return read_tables(paths)
