"""DfE SSDA903 validation rules for the Missing table (family `ssda903`), one function per code.

Each rule reads the 903 tables as the raw text of their cells (a rule about invalid dates must
see the text that failed) and yields one `breached` finding per failing row. Behaviour follows
the DfE validation rules as the open-source `lac_validator` implements them; docs/interop.md
lists where we differ. Pure: the readers in formats.ssda903 build the tables.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

import attrs
import pendulum

from missing_protocol.rules.registry import Finding, Status, rule, rules_of

SOURCE = "DfE SSDA903 validation"
INTERNAL_SOURCE = "SSDA903 integrity check (as lac_validator)"
OWNER = "local authority"


class MissingType(enum.StrEnum):
    """The 903 MISSING code."""

    MISSING = "M"
    AWAY = "A"  # away from placement without authorisation: whereabouts known


class Table(enum.StrEnum):
    HEADER = "Header"
    MISSING = "Missing"
    EPISODES = "Episodes"


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


_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


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
def _date(text: str) -> pendulum.Date | None:
    """The date in a cell, or None when blank or invalid (the date rules report those)."""
    if not text:
        return None
    try:
        return parse_903_date(text)
    except ValueError:
        return None


RuleCheck = Callable[[Tables903, CollectionYear], Iterator[Finding]]


def _breach(
    code: str, row: MissingRow | HeaderRow | EpisodeRow, column: str, text: str, child: str
) -> Finding:
    where = row.ref.file or f"{row.ref.table.value} table"
    message = f"{where} {row.ref.unit} {row.ref.number}, {row.ref.column(column)}: {text}"
    source = INTERNAL_SOURCE if code.startswith("INT") else SOURCE
    return Finding(
        rule=code,
        status=Status.BREACHED,
        episode_id=row.ref.label,
        child_id=child or None,
        responsible=None,
        due=None,
        done=None,
        message=message,
        source=source,
    )


def _shown(value: str) -> str:
    return f" (got {value!r})" if value else " (blank)"


# The DfE messages, as the DfE validation rules word them (lac_validator carries the same text).
MESSAGES = {
    "1004": "The start date of the missing episode or episode that the child was away from "
    "placement without authorisation is not a valid date.",
    "1005": "The end date of the missing episode or episode that the child was away from "
    "placement without authorisation is not a valid date.",
    "1006": "Missing type invalid.",
    "564": "Child was missing or away from placement without authorisation and the date started "
    "is blank.",
    "565": "The date that the child started to be missing or away from placement without "
    "authorisation has been completed but whether the child was missing or away from placement "
    "without authorisation has not been completed.",
    "566": "The date that the child's episode of being missing or away from placement without "
    "authorisation ended has been completed but whether the child was missing or away without "
    "authorisation has not been completed.",
    "567": "The date that the missing episode or episode that the child was away from placement "
    "without authorisation ended is before the date that it started.",
    "570": "The date that the child started to be missing or away from placement without "
    "authorisation is after the end of the collection year.",
    "571": "The date that the child ceased to be missing or away from placement without "
    "authorisation is before the start or after the end of the collection year.",
    "574": "A new missing/away from placement without authorisation period cannot start when the "
    "previous missing/away from placement without authorisation period is still open. "
    "Missing/away from placement without authorisation periods should also not overlap.",
    "586": "Dates of missing periods are before child's date of birth.",
    "575": "If the placement from which the child goes missing/away from placement without "
    "authorisation ends, the missing/away from placement without authorisation period in the "
    "missing module must also have an end date.",
    "577": "Child ceased to be looked after but there is a missing/away from placement without "
    "authorisation period without an end date.",
    "578": "The date that the child started to be missing is after the child ceased to be "
    "looked after.",
    "580": "Child is missing when cease being looked after but reason episode ceased not 'E8'.",
    "581": "Child is missing but has not yet started to be looked after.",
    "INT04": "Internal Check: Child in Missing does not exist in Header.",
    "INT13": "Internal Check: DOB in Missing is different to DOB in Header.",
}


def _ssda903_rule(code: str, title: str) -> Callable[[RuleCheck], RuleCheck]:
    return rule(
        code,
        title=title,
        source=INTERNAL_SOURCE if code.startswith("INT") else SOURCE,
        owner=OWNER,
        parameters=(),
        family="ssda903",
    )


@_ssda903_rule("1004", "Missing: start date is not a valid date")
def start_not_valid(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is blank or not a dd/mm/yyyy date (lac_validator also flags a blank start)."""
    for row in tables.missing:
        if _date(row.mis_start) is None:
            yield _breach(
                "1004", row, "MIS_START", MESSAGES["1004"] + _shown(row.mis_start), row.child
            )


@_ssda903_rule("1005", "Missing: end date is not a valid date")
def end_not_valid(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_END is filled but not a dd/mm/yyyy date (blank means the period is still open)."""
    for row in tables.missing:
        if row.mis_end and _date(row.mis_end) is None:
            yield _breach("1005", row, "MIS_END", MESSAGES["1005"] + _shown(row.mis_end), row.child)


@_ssda903_rule("1006", "Missing: type is not M or A")
def type_not_valid(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MISSING is filled but is neither M (missing) nor A (away); blank is left to 565/566."""
    codes = {t.value for t in MissingType}
    for row in tables.missing:
        if row.missing and row.missing not in codes:
            yield _breach("1006", row, "MISSING", MESSAGES["1006"] + _shown(row.missing), row.child)


@_ssda903_rule("564", "Missing: type given but start date blank")
def start_blank(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MISSING is M or A (any case) and MIS_START is blank."""
    for row in tables.missing:
        if row.missing.upper() in ("M", "A") and not row.mis_start:
            yield _breach("564", row, "MIS_START", MESSAGES["564"], row.child)


@_ssda903_rule("565", "Missing: start date given but type blank")
def type_blank_with_start(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is filled and MISSING is blank."""
    for row in tables.missing:
        if row.mis_start and not row.missing:
            yield _breach("565", row, "MISSING", MESSAGES["565"], row.child)


@_ssda903_rule("566", "Missing: end date given but type blank")
def type_blank_with_end(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_END is filled and MISSING is blank."""
    for row in tables.missing:
        if row.mis_end and not row.missing:
            yield _breach("566", row, "MISSING", MESSAGES["566"], row.child)


@_ssda903_rule("567", "Missing: end date before start date")
def end_before_start(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """Both dates valid and MIS_END is earlier than MIS_START (the same day is allowed)."""
    for row in tables.missing:
        start, end = _date(row.mis_start), _date(row.mis_end)
        if start is not None and end is not None and end < start:
            text = f"{MESSAGES['567']} ({row.mis_end} is before {row.mis_start})"
            yield _breach("567", row, "MIS_END", text, row.child)


@_ssda903_rule("570", "Missing: start date after the collection year")
def start_after_year(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is after 31 March at the end of the collection year."""
    for row in tables.missing:
        start = _date(row.mis_start)
        if start is not None and start > year.end:
            text = (
                f"{MESSAGES['570']} ({row.mis_start}; year {year} ends {format_903_date(year.end)})"
            )
            yield _breach("570", row, "MIS_START", text, row.child)


@_ssda903_rule("571", "Missing: end date outside the collection year")
def end_outside_year(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_END is before 1 April or after 31 March of the collection year."""
    for row in tables.missing:
        end = _date(row.mis_end)
        if end is not None and not (year.start <= end <= year.end):
            span = f"{format_903_date(year.start)} to {format_903_date(year.end)}"
            text = f"{MESSAGES['571']} ({row.mis_end}; year {year} is {span})"
            yield _breach("571", row, "MIS_END", text, row.child)


@_ssda903_rule("574", "Missing: period starts while the previous is open, or periods overlap")
def overlapping_periods(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """Per child, by start date: a period starting before the previous one ends, or after one
    with no (valid) end date. A start on the day the previous period ended is allowed."""
    by_child: dict[str, list[tuple[pendulum.Date, int, MissingRow]]] = defaultdict(list)
    for position, row in enumerate(tables.missing):
        start = _date(row.mis_start)
        if start is not None:
            by_child[row.child].append((start, position, row))
    for periods in by_child.values():
        periods.sort(key=lambda p: (p[0], p[1]))
        for (_, _, before), (start, _, row) in itertools.pairwise(periods):
            before_end = _date(before.mis_end)
            if before_end is None:
                why = f"{before.ref.label} (from {before.mis_start}) has no end date"
            elif start < before_end:
                why = f"it starts before {before.ref.label} ends ({before.mis_end})"
            else:
                continue
            yield _breach("574", row, "MIS_START", f"{MESSAGES['574']} ({why})", row.child)


def _header_by_child(tables: Tables903) -> dict[str, HeaderRow]:
    header: dict[str, HeaderRow] = {}
    for row in tables.header or ():
        header.setdefault(row.child, row)
    return header


@_ssda903_rule("586", "Missing: period starts on or before the child's birth")
def start_before_birth(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START is on or before the DOB (the Missing table's DOB, else the Header's)."""
    header = _header_by_child(tables)
    for row in tables.missing:
        dob_text = row.dob or (header[row.child].dob if row.child in header else "")
        start, dob = _date(row.mis_start), _date(dob_text)
        if start is not None and dob is not None and start <= dob:
            text = f"{MESSAGES['586']} ({row.mis_start}; born {dob_text})"
            yield _breach("586", row, "MIS_START", text, row.child)


@_ssda903_rule("INT04", "Missing: child not in the Header")
def child_not_in_header(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """The Missing row's CHILD has no Header row (only when a Header table is given)."""
    if tables.header is None:
        return
    header = _header_by_child(tables)
    for row in tables.missing:
        if row.child not in header:
            yield _breach("INT04", row, "CHILD", f"{MESSAGES['INT04']} ({row.child!r})", row.child)


@_ssda903_rule("INT13", "Missing: DOB differs from the Header")
def dob_differs_from_header(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """Both DOBs are valid dates and differ (only when a Header table is given)."""
    header = _header_by_child(tables)
    for row in tables.missing:
        head = header.get(row.child)
        if head is None:
            continue
        mine, theirs = _date(row.dob), _date(head.dob)
        if mine is not None and theirs is not None and mine != theirs:
            text = f"{MESSAGES['INT13']} ({row.dob} here, {head.dob} in {head.ref.label})"
            yield _breach("INT13", row, "DOB", text, row.child)


def _episodes_by_child(tables: Tables903) -> dict[str, list[tuple[int, EpisodeRow]]]:
    """Episodes rows by child, with their position (so a large table is read once)."""
    by_child: dict[str, list[tuple[int, EpisodeRow]]] = defaultdict(list)
    for position, row in enumerate(tables.episodes or ()):
        by_child[row.child].append((position, row))
    return by_child


@attrs.frozen
class _Care:
    """One period of care: consecutive Episodes rows of a child with no gap between them."""

    start: pendulum.Date
    end: pendulum.Date | None
    last: EpisodeRow


def _periods_of_care(tables: Tables903) -> dict[str, list[_Care]]:
    rows: dict[str, list[tuple[pendulum.Date, EpisodeRow]]] = defaultdict(list)
    for row in tables.episodes or ():
        decom = _date(row.decom)
        if decom is not None:
            rows[row.child].append((decom, row))
    periods: dict[str, list[_Care]] = {}
    for child, episodes in rows.items():
        episodes.sort(key=lambda p: p[0])
        out: list[_Care] = []
        for decom, row in episodes:
            dec = _date(row.dec)
            # An episode starting after the previous one ceased opens a new period of care.
            if not out or (out[-1].end is not None and decom > out[-1].end):
                out.append(_Care(decom, dec, row))
            else:
                out[-1] = _Care(out[-1].start, dec, row)
        periods[child] = out
    return periods


@_ssda903_rule("575", "Missing: open period in a placement that has ended")
def open_after_care_ended(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """A period with no end starts within an Episodes row that has ceased (DECOM ≤ start ≤ DEC)."""
    if tables.episodes is None:
        return
    by_child = _episodes_by_child(tables)
    for row in tables.missing:
        start = _date(row.mis_start)
        if start is None or row.mis_end:
            continue
        for _, episode in by_child.get(row.child, ()):
            decom, dec = _date(episode.decom), _date(episode.dec)
            if decom is None or dec is None:
                continue
            if decom <= start <= dec:
                why = f"placement {episode.ref.label} ceased {episode.dec}"
                yield _breach("575", row, "MIS_END", f"{MESSAGES['575']} ({why})", row.child)
                break


def _held_by(start: pendulum.Date, end: pendulum.Date | None, care: _Care) -> bool:
    """Whether a period of care holds a Missing period, as lac_validator's 577 judges it: an
    open period needs care still open that began by its start; an ended one needs care that
    began by its end and had not ceased before it (its start is not looked at)."""
    if end is None:
        return care.end is None and care.start <= start
    return care.start <= end and (care.end is None or end <= care.end)


@_ssda903_rule("577", "Missing: period not closed within a period of care")
def open_when_care_ceased(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """None of the child's periods of care holds the period (see `_held_by`): typically a period
    still open when care has ceased, or one ending after care ceased. A `MIS_END` that is not a
    valid date counts as blank (as lac_validator); a child with no period of care is not checked."""
    if tables.episodes is None:
        return
    care = _periods_of_care(tables)
    for row in tables.missing:
        start, end = _date(row.mis_start), _date(row.mis_end)
        periods = care.get(row.child)
        if start is None or not periods or any(_held_by(start, end, p) for p in periods):
            continue
        last = periods[-1]  # only a child's last period of care can be open
        if end is not None:
            why = f"{row.mis_end} is outside every period of care"
        elif last.end is None:
            why = f"no end date, and it starts before care began on {format_903_date(last.start)}"
        else:
            why = f"no end date, and care ceased {last.last.dec} ({last.last.ref.label})"
        yield _breach("577", row, "MIS_END", f"{MESSAGES['577']} ({why})", row.child)


@_ssda903_rule("578", "Missing: starts after the child ceased to be looked after")
def start_outside_care(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START falls in no period of care of the child (before it began or after it ended)."""
    if tables.episodes is None:
        return
    care = _periods_of_care(tables)
    for row in tables.missing:
        start = _date(row.mis_start)
        periods = care.get(row.child)
        if start is None or not periods:
            continue
        inside = any(p.start <= start and (p.end is None or start <= p.end) for p in periods)
        if not inside:
            text = f"{MESSAGES['578']} ({row.mis_start} is outside every period of care)"
            yield _breach("578", row, "MIS_START", text, row.child)


def _eighteenth_birthday(born: pendulum.Date) -> pendulum.Date:
    # A 29 February birthday reaches 18 on 28 February in a common year (pandas DateOffset too).
    return born.add(years=18)


@_ssda903_rule("580", "Episodes: missing at 18 when care ended but reason not E8")
def missing_at_eighteen(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """A period ending on the 18th birthday, the day an episode ceased, with REC other than E8;
    the Episodes row is flagged (as lac_validator)."""
    if tables.episodes is None:
        return
    by_child = _episodes_by_child(tables)
    flagged: set[int] = set()
    for row in tables.missing:
        end, dob = _date(row.mis_end), _date(row.dob)
        if end is None or dob is None or end != _eighteenth_birthday(dob):
            continue
        for position, episode in by_child.get(row.child, ()):
            dec = _date(episode.dec)
            if dec != end or episode.rec == "E8":
                continue
            if position not in flagged:
                flagged.add(position)
                text = f"{MESSAGES['580']} (REC {episode.rec or 'blank'}; {row.ref.label})"
                yield _breach("580", episode, "REC", text, row.child)


def _in_episode(start: pendulum.Date, episode: EpisodeRow) -> bool:
    decom, dec = _date(episode.decom), _date(episode.dec)
    if decom is None or start < decom:
        return False
    # A DEC that is not a valid date reads as blank, as lac_validator reads it.
    return dec is None or start <= dec


@_ssda903_rule("581", "Missing: starts when the child is not looked after")
def start_outside_episodes(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """A valid MIS_START falls in none of the child's Episodes rows (DECOM ≤ start ≤ DEC, a blank
    DEC open): before care began, between episodes or after care ended. A row whose DECOM is not
    a valid date holds no start; a child with no Episodes rows is not checked."""
    if tables.episodes is None:
        return
    by_child = _episodes_by_child(tables)
    for row in tables.missing:
        start = _date(row.mis_start)
        episodes = [episode for _, episode in by_child.get(row.child, ())]
        if start is None or not episodes or any(_in_episode(start, e) for e in episodes):
            continue
        began = min((d for e in episodes if (d := _date(e.decom)) is not None), default=None)
        if began is not None and start < began:
            why = f"{row.mis_start} is before care began on {format_903_date(began)}"
        else:
            why = f"{row.mis_start} is in none of the child's {len(episodes)} Episodes rows"
        yield _breach("581", row, "MIS_START", f"{MESSAGES['581']} ({why})", row.child)


def validate_903(
    tables: Tables903,
    collection_year: CollectionYear | str,
    *,
    authority: str | None = None,
    codes: Iterable[str] | None = None,
) -> list[Finding]:
    """Every `ssda903` rule (or those in `codes`) on the tables: one breached finding per failing
    row, in table and row order. `authority` fills each finding's `responsible`."""
    year = (
        collection_year
        if isinstance(collection_year, CollectionYear)
        else CollectionYear.parse(collection_year)
    )
    wanted = None if codes is None else set(codes)
    findings: list[Finding] = []
    for entry in rules_of("ssda903"):
        if wanted is None or entry.id in wanted:
            findings.extend(entry.evaluate(tables, year))
    if authority is not None:
        findings = [attrs.evolve(f, responsible=authority) for f in findings]
    rank = {entry.id: i for i, entry in enumerate(rules_of("ssda903"))}

    def key(f: Finding) -> tuple[str, int, int]:
        # episode_id is the row label `file:row`: report in file and row order, then by rule.
        where, _, number = (f.episode_id or "").rpartition(":")
        return (where, int(number or 0), rank[f.rule])

    return sorted(findings, key=key)
