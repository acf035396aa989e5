"""The SSDA903 tables as their cells are written: Header, Missing and Episodes rows, where each
row is (file and line), and the 903 dates and collection year. Pure."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import re

import attrs
import pendulum

from missing_protocol.model import EventError, Sex
from missing_protocol.tabular import RowKey

# Column order as the DfE specification (and lac_validator) lists them.


# Column order as the DfE specification (and lac_validator) lists them.
MISSING_COLUMNS = ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END")


HEADER_COLUMNS = ("CHILD", "SEX", "DOB", "ETHNIC")


class Table(enum.StrEnum):
    HEADER = "Header"
    MISSING = "Missing"
    EPISODES = "Episodes"


REQUIRED = {
    Table.MISSING: ("CHILD", "MISSING", "MIS_START", "MIS_END"),
    Table.HEADER: HEADER_COLUMNS,
    Table.EPISODES: ("CHILD", "DECOM", "DEC", "REC"),
}


SEX_CODES = {"1": Sex.MALE, "2": Sex.FEMALE}


# Where the 903 XML return names a CSV column differently (CHILD is CHILDID there, PLACE is PL).
XML_ELEMENTS = {"CHILD": "CHILDID", "PLACE": "PL"}


class Unit(enum.StrEnum):
    """What a row number counts: CSV rows (the header is 1), or, in the 903 XML, the line of
    the row's element, or (when several such elements share a line) its place among them."""

    ROW = "row"
    LINE = "line"
    ELEMENT = "element"


@attrs.frozen
class RowRef:
    """Where a row is: its table, file (None in memory) and number (see `Unit`)."""

    table: Table
    number: int
    file: str | None = None
    unit: Unit = Unit.ROW
    # The file line of an XML row numbered by element (several elements on one line).
    element_line: int | None = None

    @property
    def line(self) -> int:
        """The line to go to: the CSV row (header = 1) or the line of the XML element."""
        return self.element_line if self.element_line is not None else self.number

    @property
    def label(self) -> str:
        return f"{self.file or self.table.value}:{self.number}"

    @property
    def xml(self) -> bool:
        return self.unit is not Unit.ROW

    def column(self, name: str) -> str:
        """A CSV column's name as this row's source spells it (its XML element name)."""
        return XML_ELEMENTS.get(name, name) if self.xml else name


@attrs.frozen
class MissingRow:
    """One row of the Missing table, cells as written (stripped; blank is '')."""

    child: str
    missing: str
    mis_start: str
    mis_end: str
    ref: RowRef
    dob: str = ""


@attrs.frozen
class HeaderRow:
    child: str
    sex: str
    dob: str
    ethnic: str
    ref: RowRef


@attrs.frozen
class EpisodeRow:
    """The Episodes-table cells the Missing rules read."""

    child: str
    decom: str
    dec: str
    rec: str
    ref: RowRef


@attrs.frozen
class Tables903:
    """The 903 tables a validation sees; Header and Episodes are None when not given."""

    missing: tuple[MissingRow, ...] = ()
    header: tuple[HeaderRow, ...] | None = None
    episodes: tuple[EpisodeRow, ...] | None = None


@attrs.frozen
class TableRead:
    """903 tables read from files, with the errors of rows (or whole files) that could not be."""

    tables: Tables903
    errors: tuple[EventError, ...]
    rejected_rows: frozenset[RowKey]


_YEAR = re.compile(r"^(?P<start>\d{4})\s*[/-]\s*(?P<end>\d{2}|\d{4})$")


@attrs.frozen
class CollectionYear:
    """A 903 collection year: 1 April `start_year` to 31 March the next year, both included."""

    start_year: int

    @property
    def start(self) -> pendulum.Date:
        return pendulum.Date(self.start_year, 4, 1)

    @property
    def end(self) -> pendulum.Date:
        return pendulum.Date(self.start_year + 1, 3, 31)

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @classmethod
    def parse(cls, text: str) -> CollectionYear:
        """`2024/25`, `2024-25` or `2024/2025` (a bare year is ambiguous, so refused)."""
        m = _YEAR.match(text.strip())
        if m is None:
            raise ValueError(f"{text!r} is not a collection year like 2024/25")
        start = int(m["start"])
        end = int(m["end"])
        if end != (start + 1) % (100 if len(m["end"]) == 2 else 10_000):
            raise ValueError(f"{text!r}: a collection year runs from one year to the next")
        return cls(start)


# ASCII digits only: \d alone would also take Arabic-Indic or full-width digits.
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)


@functools.lru_cache(maxsize=65536)  # a table repeats its dates; strptime is slow
def parse_903_date(text: str) -> pendulum.Date:
    """A 903 date, dd/mm/yyyy (four-digit year, as the DfE specification and lac_validator,
    which also take one-digit days and months). ValueError for anything else."""
    m = _DMY.match(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a dd/mm/yyyy date")
    return pendulum.Date(int(m[3]), int(m[2]), int(m[1]))


def format_903_date(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


@functools.lru_cache(maxsize=65536)  # every rule reads the same few thousand date cells
def cell_date(text: str) -> pendulum.Date | None:
    """The date in a cell, or None when blank or invalid (the date rules report those)."""
    if not text:
        return None
    try:
        return parse_903_date(text)
    except ValueError:
        return None


def child_key(cell: str) -> str:
    """How every rule that joins tables (or groups a child's rows) matches CHILD: exactly, after
    the cell's surrounding spaces are trimmed. Not without case as lac_validator (which
    upper-cases every cell it reads): the event log and the conversion treat ids exactly, so
    `ab1` and `AB1` are two children there, and a return whose tables spell one child two ways
    should be told (docs/interop.md)."""
    return cell
