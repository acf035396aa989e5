"""The Standard Safeguarding Dataset tables `ssd_missing` and `ssd_person` (CSV) to events,
and episodes back.

Columns as the published SSD specification (data-to-insight/ssd-data-model, ssd_missing.yml):
miss_table_id (row id, used as episode id), miss_person_id, miss_missing_episode_start_date,
miss_missing_episode_type, miss_missing_episode_end_date, miss_missing_rhi_offered and
miss_missing_rhi_accepted (Y / N / NA / blank). The dates are date-times in the SSD (a CMS may
give only the date: the `DatePolicy` then supplies the time). The type is free text in the CMS
extracts; as the SSD's own Annex A tool, `M`/`Missing` is missing and `A`/`Away`/`Absent` away.
The table holds no date of birth and does not say whether the child was looked after.

`ssd_person` (data/objects/ssd_person.yml in the same repository) gives the `child` events:
pers_person_id (= miss_person_id), pers_sex (F / M / U), pers_gender (00 not known, 01 male,
02 female, 09 and 10-99 self-described; read only when pers_sex is blank), pers_ethnicity (the
DfE codes) and pers_dob (a date-time; its date is taken). Each file says by its header row which
table it is (miss_... or pers_... columns).
"""

from __future__ import annotations

import enum
import io
import os
from collections.abc import Iterable
from typing import IO

import attrs

from missing_protocol.formats.fields import plain_rejection
from missing_protocol.model import (
    EventError,
    Sex,
)
from missing_protocol.tabular import (
    MissingType,
    RowKey,
    read_csv,
    read_text,
)

TABLE_ID = "miss_table_id"


PERSON_ID = "miss_person_id"


START = "miss_missing_episode_start_date"


TYPE = "miss_missing_episode_type"


END = "miss_missing_episode_end_date"


RHI_OFFERED = "miss_missing_rhi_offered"


RHI_ACCEPTED = "miss_missing_rhi_accepted"


SSD_COLUMNS = (TABLE_ID, PERSON_ID, START, TYPE, END, RHI_OFFERED, RHI_ACCEPTED)


REQUIRED = (TABLE_ID, PERSON_ID, START, TYPE, END)


# ssd_person: the columns read (and written); the table's others (names, UPN, ...) are ignored.
PERS_ID = "pers_person_id"


PERS_SEX = "pers_sex"


PERS_GENDER = "pers_gender"


PERS_ETHNICITY = "pers_ethnicity"


PERS_DOB = "pers_dob"


PERSON_COLUMNS = (PERS_ID, PERS_SEX, PERS_GENDER, PERS_ETHNICITY, PERS_DOB)


# pers_sex: the SSD's code set (F, M, U), or the words, any case.
SEX_CODES = {
    "m": Sex.MALE,
    "male": Sex.MALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "u": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
}


# pers_gender: the SSD's code set (00 not known, 01 male, 02 female, 09 self-described, 10-99
# local sub-codes of 09); some CMS extracts copy the sex code into it, so F/M/U are read too.
GENDER_CODES = {
    **SEX_CODES,
    **dict.fromkeys(("0", "00"), Sex.UNKNOWN),
    **dict.fromkeys(("1", "01"), Sex.MALE),
    **dict.fromkeys(("2", "02"), Sex.FEMALE),
    **dict.fromkeys(("9", "09", *map(str, range(10, 100))), Sex.OTHER),
}


# The type words the SSD's Annex A extract accepts (compared without case).
TYPE_WORDS = {
    "m": MissingType.MISSING,
    "missing": MissingType.MISSING,
    "a": MissingType.AWAY,
    "away": MissingType.AWAY,
    "absent": MissingType.AWAY,
}


_NULLS = frozenset({"", "null"})  # SQL extracts write NULL for an empty cell


class Answer(enum.StrEnum):
    """The SSD's answer to 'offered?' and 'accepted?' (blank: not recorded)."""

    YES = "Y"
    NO = "N"
    NOT_APPLICABLE = "NA"


ANSWER_WORDS = {
    "y": Answer.YES,
    "yes": Answer.YES,
    "n": Answer.NO,
    "no": Answer.NO,
    "na": Answer.NOT_APPLICABLE,
    "n/a": Answer.NOT_APPLICABLE,
}


@attrs.frozen
class SsdRow:
    """One ssd_missing row, cells as written (stripped; blank or NULL is '')."""

    table_id: str
    person_id: str
    start: str
    type: str
    end: str
    rhi_offered: str
    rhi_accepted: str
    number: int
    file: str | None = None


@attrs.frozen
class PersonRow:
    """One ssd_person row: the cells read (stripped; blank or NULL is ''), and the names of
    the row's other filled columns (which the event log cannot hold)."""

    person_id: str
    sex: str
    gender: str
    ethnicity: str
    dob: str
    number: int
    file: str | None = None
    other: tuple[str, ...] = ()


@attrs.frozen
class SsdRead:
    rows: tuple[SsdRow, ...]
    errors: tuple[EventError, ...]
    rejected_rows: frozenset[RowKey]
    persons: tuple[PersonRow, ...] = ()


def _blank_null(cell: str) -> str:
    return "" if cell.lower() in _NULLS else cell


def read_rows(sources: Iterable[str | os.PathLike[str] | tuple[str, IO[str]]]) -> SsdRead:
    """ssd_missing and ssd_person CSV files (paths or (name, text stream) pairs) as raw rows.

    Each file's header row says which table it is: miss_... columns ssd_missing, pers_...
    columns ssd_person. Column names are compared without case. A file lacking a required
    column (or that is neither table) is rejected whole.
    """
    rows: list[SsdRow] = []
    persons: list[PersonRow] = []
    errors: list[EventError] = []
    rejected: set[RowKey] = set()
    for source in sources:
        if isinstance(source, tuple):
            name, stream = source
            table = read_csv(stream, name, str.lower)
        else:
            name = str(source)
            table = read_csv(io.StringIO(read_text(source)), name, str.lower)
        errors.extend(table.errors)
        rejected.update((e.file, e.line) for e in table.errors if e.line > 1)
        if not table.columns:
            # A file that is no table at all (empty, blank) counts as one rejected row, as
            # `check` counts it: nothing read from it may vanish from `rows = ...`.
            rejected.update((e.file, e.line) for e in table.errors)
            continue
        is_missing = any(c.startswith("miss_") for c in table.columns)
        is_person = not is_missing and any(c.startswith("pers_") for c in table.columns)
        if not (is_missing or is_person):
            message = (
                "header row is neither ssd_missing (miss_... columns) nor ssd_person "
                f"(pers_... columns); expected {', '.join(SSD_COLUMNS)} or {', '.join(PERSON_COLUMNS)}"
            )
            errors.append(plain_rejection(1, None, message, name))
            rejected.update((name, n) for n, _ in table.rows)
            continue
        kind, required = ("ssd_person", (PERS_ID,)) if is_person else ("ssd_missing", REQUIRED)
        absent = [c for c in required if c not in table.columns]
        for column in absent:
            message = f"column {column} is missing from the {kind} header row"
            errors.append(plain_rejection(1, column, message, name))
        if absent:
            rejected.update((name, n) for n, _ in table.rows)
            continue
        if is_person:
            extra = [c for c in table.columns if c not in PERSON_COLUMNS]
            for number, values in table.rows:
                person_id, sex, gender, ethnicity, dob = map(
                    _blank_null, table.cells(values, PERSON_COLUMNS)
                )
                cells = zip(extra, table.cells(values, extra), strict=True)
                other = tuple(c for c, v in cells if _blank_null(v))
                persons.append(
                    PersonRow(person_id, sex, gender, ethnicity, dob, number, name, other)
                )
            continue
        for number, values in table.rows:
            table_id, person, start, kind_, end, offered, accepted = map(
                _blank_null, table.cells(values, SSD_COLUMNS)
            )
            rows.append(
                SsdRow(table_id, person, start, kind_, end, offered, accepted, number, name)
            )
    return SsdRead(tuple(rows), tuple(errors), frozenset(rejected), tuple(persons))
