"""DfE 903 rules on the Missing table alone, and its joins with the Header (INT04, INT13)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterator

from missing_protocol.rules.registry import Finding
from missing_protocol.ssda903.dfe import MESSAGES, breach, shown, ssda903_rule
from missing_protocol.ssda903.tables import (
    CollectionYear,
    HeaderRow,
    MissingRow,
    Tables903,
    cell_date,
    child_key,
    format_903_date,
)
from missing_protocol.tabular import MissingType


@ssda903_rule("1004", "Missing: start date is not a valid date")
def start_not_valid(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is blank or not a dd/mm/yyyy date (lac_validator also flags a blank start)."""
    for row in tables.missing:
        if cell_date(row.mis_start) is None:
            yield breach(
                "1004", row, "MIS_START", MESSAGES["1004"] + shown(row.mis_start), row.child
            )


@ssda903_rule("1005", "Missing: end date is not a valid date")
def end_not_valid(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_END is filled but not a dd/mm/yyyy date (blank means the period is still open)."""
    for row in tables.missing:
        if row.mis_end and cell_date(row.mis_end) is None:
            yield breach("1005", row, "MIS_END", MESSAGES["1005"] + shown(row.mis_end), row.child)


@ssda903_rule("1006", "Missing: type is not M or A")
def type_not_valid(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MISSING is filled but is neither M (missing) nor A (away), compared without case (as 564
    reads it); blank is left to 565/566."""
    codes = {t.value for t in MissingType}
    for row in tables.missing:
        if row.missing and row.missing.upper() not in codes:
            yield breach("1006", row, "MISSING", MESSAGES["1006"] + shown(row.missing), row.child)


@ssda903_rule("564", "Missing: type given but start date blank")
def start_blank(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MISSING is M or A (any case) and MIS_START is blank."""
    for row in tables.missing:
        if row.missing.upper() in ("M", "A") and not row.mis_start:
            yield breach("564", row, "MIS_START", MESSAGES["564"], row.child)


@ssda903_rule("565", "Missing: start date given but type blank")
def type_blank_with_start(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is filled and MISSING is blank."""
    for row in tables.missing:
        if row.mis_start and not row.missing:
            yield breach("565", row, "MISSING", MESSAGES["565"], row.child)


@ssda903_rule("566", "Missing: end date given but type blank")
def type_blank_with_end(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_END is filled and MISSING is blank."""
    for row in tables.missing:
        if row.mis_end and not row.missing:
            yield breach("566", row, "MISSING", MESSAGES["566"], row.child)


@ssda903_rule("567", "Missing: end date before start date")
def end_before_start(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """Both dates valid and MIS_END is earlier than MIS_START (the same day is allowed)."""
    for row in tables.missing:
        start, end = cell_date(row.mis_start), cell_date(row.mis_end)
        if start is not None and end is not None and end < start:
            text = f"{MESSAGES['567']} ({row.mis_end} is before {row.mis_start})"
            yield breach("567", row, "MIS_END", text, row.child)


@ssda903_rule("570", "Missing: start date after the collection year")
def start_after_year(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is after 31 March at the end of the collection year."""
    for row in tables.missing:
        start = cell_date(row.mis_start)
        if start is not None and start > year.end:
            text = (
                f"{MESSAGES['570']} ({row.mis_start}; year {year} ends {format_903_date(year.end)})"
            )
            yield breach("570", row, "MIS_START", text, row.child)


@ssda903_rule("571", "Missing: end date outside the collection year")
def end_outside_year(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_END is before 1 April or after 31 March of the collection year."""
    for row in tables.missing:
        end = cell_date(row.mis_end)
        if end is not None and not (year.start <= end <= year.end):
            span = f"{format_903_date(year.start)} to {format_903_date(year.end)}"
            text = f"{MESSAGES['571']} ({row.mis_end}; year {year} is {span})"
            yield breach("571", row, "MIS_END", text, row.child)


@ssda903_rule("574", "Missing: period starts while the previous is open, or periods overlap")
def overlapping_periods(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """Per child, the periods in order of their end (an open one at its start), each compared
    with the one before it: flagged when that one has no (valid) end date, or when it starts
    before that one ends (starting the day it ended is allowed). This is the DfE validator's
    order, so the same rows are flagged, rows without a valid start among them (ordered by
    their end, or last with no date at all); of periods ending (or open) on one day, a closed
    one comes before an open one, so the order of the rows never matters."""
    by_child: dict[str, list[tuple[_Order, dt.date | None, MissingRow]]] = defaultdict(list)
    for position, row in enumerate(tables.missing):
        start, end = cell_date(row.mis_start), cell_date(row.mis_end)
        reach = end or start
        # A missing date sorts after every date, as the validator's pandas sorts NaT last.
        order = (reach is None, reach or _ANY, start is None, start or _ANY, end is None, position)
        by_child[child_key(row.child)].append((order, start, row))
    for periods in by_child.values():
        periods.sort(key=lambda p: p[0])
        for (_, _, before), (_, began, row) in itertools.pairwise(periods):
            ended = cell_date(before.mis_end)
            if ended is None:
                why = f"{before.ref.label} (from {before.mis_start or 'no date'}) has no end date"
                yield breach("574", row, "MIS_START", f"{MESSAGES['574']} ({why})", row.child)
            elif began is not None and began < ended:
                why = f"it overlaps {before.ref.label} ({before.mis_start}-{before.mis_end})"
                yield breach("574", row, "MIS_START", f"{MESSAGES['574']} ({why})", row.child)


_ANY = dt.date.min  # the place of a date that is missing, among rows that tie before it
# Where a period sorts among its child's for 574: its end (or start), its start, open last, row.
_Order = tuple[bool, dt.date, bool, dt.date, bool, int]


def _header_by_child(tables: Tables903) -> dict[str, list[HeaderRow]]:
    header: dict[str, list[HeaderRow]] = defaultdict(list)
    for row in tables.header or ():
        header[child_key(row.child)].append(row)
    return header


@ssda903_rule("586", "Missing: period starts on or before the child's birth")
def start_before_birth(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is on or before the DOB: the Missing row's DOB, or, when that cell is blank (or
    the table has no DOB column), the DOB of the child's first Header row."""
    header = _header_by_child(tables)
    for row in tables.missing:
        heads = header.get(child_key(row.child))
        dob_text = row.dob or (heads[0].dob if heads else "")
        start, dob = cell_date(row.mis_start), cell_date(dob_text)
        if start is not None and dob is not None and start <= dob:
            text = f"{MESSAGES['586']} ({row.mis_start}; born {dob_text})"
            yield breach("586", row, "MIS_START", text, row.child)


@ssda903_rule("INT04", "Missing: child not in the Header")
def child_not_in_header(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """The Missing row's CHILD has no Header row (only when a Header table is given)."""
    if tables.header is None:
        return
    header = _header_by_child(tables)
    for row in tables.missing:
        if child_key(row.child) not in header:
            yield breach("INT04", row, "CHILD", f"{MESSAGES['INT04']} ({row.child!r})", row.child)


@ssda903_rule("INT13", "Missing: DOB differs from the Header")
def dob_differs_from_header(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """The Missing row's DOB and a Header row's DOB of the child are valid dates and differ; a
    child listed twice in the Header is compared with both rows (only when a Header is given)."""
    header = _header_by_child(tables)
    for row in tables.missing:
        mine = cell_date(row.dob)
        if mine is None:
            continue
        for head in header.get(child_key(row.child), ()):
            theirs = cell_date(head.dob)
            if theirs is not None and mine != theirs:
                text = f"{MESSAGES['INT13']} ({row.dob} here, {head.dob} in {head.ref.label})"
                yield breach("INT13", row, "DOB", text, row.child)
                break
