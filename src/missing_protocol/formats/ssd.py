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

import datetime as dt
import enum
import io
import os
import re
from collections.abc import Iterable
from typing import IO

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.episode import Assembly, Episode
from missing_protocol.formats.ssda903 import (
    Conversion,
    DatePolicy,
    Loss,
    Losses,
    RowKey,
    count_records_not_held,
    read_csv,
    read_text,
    write_table,
)
from missing_protocol.model import (
    Child,
    DeclinedBy,
    Ethnicity,
    Event,
    EventError,
    Found,
    InterviewCompleted,
    InterviewDeclined,
    InterviewOffered,
    MissingFrom,
    Reported,
    Sex,
    Source,
)
from missing_protocol.rules.ssda903 import MissingType

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


_ANSWER_WORDS = {
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
            continue
        is_missing = any(c.startswith("miss_") for c in table.columns)
        is_person = not is_missing and any(c.startswith("pers_") for c in table.columns)
        if not (is_missing or is_person):
            message = (
                "header row is neither ssd_missing (miss_... columns) nor ssd_person "
                f"(pers_... columns); expected {', '.join(SSD_COLUMNS)} or {', '.join(PERSON_COLUMNS)}"
            )
            errors.append(EventError(1, None, message, name))
            rejected.update((name, n) for n, _ in table.rows)
            continue
        kind, required = ("ssd_person", (PERS_ID,)) if is_person else ("ssd_missing", REQUIRED)
        absent = [c for c in required if c not in table.columns]
        for column in absent:
            message = f"column {column} is missing from the {kind} header row"
            errors.append(EventError(1, column, message, name))
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


class _RowError(ValueError):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


_UK_DATE = re.compile(
    r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})"
    r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?$"
)


def parse_moment(
    text: str, column: str, policy: DatePolicy, *, end: bool
) -> tuple[dt.datetime, bool]:
    """An SSD date or date-time -> an instant, and whether the text held a time of day.

    ISO (`2024-05-01`, `2024-05-01 14:30:00.000`, with or without an offset) or UK
    (`01/05/2024`, `01/05/2024 14:30`). A date alone takes the policy's time; a time without an
    offset is local to the policy's zone, refused in a clock-change gap or fold.
    """
    try:
        uk = _UK_DATE.match(text)
        if uk:
            day = dt.date(int(uk["y"]), int(uk["m"]), int(uk["d"]))
            if uk["H"] is None:
                return (policy.end(day) if end else policy.start(day)), False
            clock_time = dt.time(int(uk["H"]), int(uk["M"]), int(uk["S"] or 0))
            return clock.localise(dt.datetime.combine(day, clock_time), policy.tz), True
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            return (policy.end(day) if end else policy.start(day)), False
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except clock.TimeError as problem:
        raise _RowError(column, str(problem)) from None
    except ValueError:
        raise _RowError(column, f"{text!r} is not a date or date-time") from None
    if moment.tzinfo is not None:
        return pendulum.instance(moment), True
    try:
        return clock.localise(moment, policy.tz), True
    except clock.TimeError as problem:
        raise _RowError(column, str(problem)) from None


def _answer(text: str, column: str) -> Answer | None:
    if not text:
        return None
    answer = _ANSWER_WORDS.get(text.lower())
    if answer is None:
        raise _RowError(column, f"{text!r} is not Y, N or NA")
    return answer


def _kind(text: str) -> MissingType | None:
    if not text:
        return None
    kind = TYPE_WORDS.get(text.lower())
    if kind is None:
        raise _RowError(TYPE, f"{text!r} is not a missing type (M/Missing or A/Away/Absent)")
    return kind


def _row_events(
    row: SsdRow, authority: str, policy: DatePolicy, missing_from: MissingFrom, losses: Losses
) -> tuple[list[Event], bool]:
    """One row's events (raises _RowError), and whether it was an `A` (away) period."""
    if not row.table_id:
        raise _RowError(TABLE_ID, "row id is blank")
    if not row.person_id:
        raise _RowError(PERSON_ID, "person id is blank")
    if not row.start:
        raise _RowError(START, "start date is blank")
    kind = _kind(row.type)
    started, start_timed = parse_moment(row.start, START, policy, end=False)
    ended, end_timed = parse_moment(row.end, END, policy, end=True) if row.end else (None, True)
    if ended is not None and ended < started:
        raise _RowError(END, f"{row.end} is before the start {row.start}")
    offered = _answer(row.rhi_offered, RHI_OFFERED)
    accepted = _answer(row.rhi_accepted, RHI_ACCEPTED)
    answered = accepted in (Answer.YES, Answer.NO)
    if ended is None and (offered is Answer.YES or answered):
        column = RHI_OFFERED if offered is Answer.YES else RHI_ACCEPTED
        raise _RowError(column, "an interview cannot follow while the child is still missing")
    if offered is Answer.NO and accepted is Answer.YES:
        raise _RowError(RHI_ACCEPTED, "Y, but the interview was not offered (offered = N)")

    origin = Source(row.number, row.file)
    episode_id = row.table_id
    from_where = MissingFrom.CARE if kind is MissingType.AWAY else missing_from
    events: list[Event] = [
        Reported(
            episode_id=episode_id,
            child_id=row.person_id,
            at=started,
            missing_from=from_where,
            responsible_authority=authority,
            origin=origin,
        )
    ]
    if kind is None:
        losses.add("type_blank", _type_blank)
    if kind is not MissingType.AWAY:
        losses.add("missing_from", lambda n: _missing_from_assumed(n, missing_from))
    losses.add("authority", lambda n: _authority_given(n, authority))
    losses.add(
        "time_of_day", lambda n: _dates_as_times(n, policy), (not start_timed) + (not end_timed)
    )
    if ended is None:
        return events, kind is MissingType.AWAY
    events.append(Found(episode_id=episode_id, at=ended, origin=origin))
    if offered is Answer.YES or answered:
        if offered is not Answer.YES:
            losses.add("offer_implied", _offer_implied)
        events.append(InterviewOffered(episode_id=episode_id, at=ended, origin=origin))
        losses.add("interview_time", _interview_time)
    if accepted is Answer.YES:
        events.append(InterviewCompleted(episode_id=episode_id, at=ended, origin=origin))
        losses.add("accepted", _accepted_as_completed)
    elif accepted is Answer.NO:
        events.append(
            InterviewDeclined(
                episode_id=episode_id, at=ended, declined_by=DeclinedBy.CHILD, origin=origin
            )
        )
    elif offered is None:
        losses.add("rhi_blank", _rhi_blank)
    return events, kind is MissingType.AWAY


def _birth_date(text: str) -> pendulum.Date:
    """pers_dob: a date or date-time (ISO or UK, as the dates of ssd_missing); its date."""
    try:
        uk = _UK_DATE.match(text)
        if uk:
            day = dt.date(int(uk["y"]), int(uk["m"]), int(uk["d"]))
        elif len(text) == 10:
            day = dt.date.fromisoformat(text)
        else:
            day = dt.datetime.fromisoformat(text.replace("z", "Z")).date()
    except ValueError:
        raise _RowError(PERS_DOB, f"{text!r} is not a date") from None
    return pendulum.Date(day.year, day.month, day.day)


def _person(row: PersonRow, losses: Losses) -> Child:
    """One ssd_person row -> a `child` event (raises _RowError)."""
    if not row.person_id:
        raise _RowError(PERS_ID, "person id is blank")
    sex: Sex | None = None
    if row.sex:
        sex = SEX_CODES.get(row.sex.lower())
        if sex is None:
            raise _RowError(PERS_SEX, f"{row.sex!r} is not a sex code (F, M or U)")
    elif row.gender:
        sex = GENDER_CODES.get(row.gender.lower())
        if sex is None:
            message = f"{row.gender!r} is not a gender code (00, 01, 02, 09 or 10-99)"
            raise _RowError(PERS_GENDER, message)
        losses.add("gender_as_sex", _gender_as_sex)
    try:
        ethnicity = Ethnicity(row.ethnicity.upper()) if row.ethnicity else None
    except ValueError as problem:
        raise _RowError(PERS_ETHNICITY, str(problem)) from None
    born = _birth_date(row.dob) if row.dob else None
    return Child(
        child_id=row.person_id,
        born=born,
        sex=sex,
        ethnicity=ethnicity,
        origin=Source(row.number, row.file),
    )


def rows_to_events(
    rows: Iterable[SsdRow],
    *,
    authority: str,
    policy: DatePolicy | None = None,
    missing_from: MissingFrom = MissingFrom.HOME,
    persons: Iterable[PersonRow] = (),
) -> Conversion:
    """ssd_person rows -> `child` events; ssd_missing rows -> reported, found and interview
    events (see the module docstring).

    `missing_from` is for `M` rows (the table does not say); `A` rows are always care. A row
    id (or person id) met twice rejects the second row.
    """
    policy = policy or DatePolicy()
    events: list[Event] = []
    errors: list[EventError] = []
    away: set[str] = set()
    seen: set[str] = set()
    losses = Losses()
    count = 0
    people: set[str] = set()
    not_held: set[str] = set()
    not_held_rows = 0
    for person in persons:
        count += 1
        try:
            if person.person_id in people:
                raise _RowError(PERS_ID, f"person id {person.person_id!r} appears twice")
            events.append(_person(person, losses))
        except _RowError as problem:
            errors.append(EventError(person.number, problem.column, str(problem), person.file))
            continue
        people.add(person.person_id)
        not_held.update(person.other)
        not_held_rows += bool(person.other)
    if not_held_rows:
        losses.add("person_columns", lambda n: _person_columns(n, not_held), not_held_rows)
    episode_people: list[str] = []
    for row in rows:
        count += 1
        try:
            if row.table_id in seen:
                raise _RowError(TABLE_ID, f"row id {row.table_id!r} appears twice")
            made, is_away = _row_events(row, authority, policy, missing_from, losses)
        except _RowError as problem:
            errors.append(EventError(row.number, problem.column, str(problem), row.file))
            continue
        seen.add(row.table_id)
        episode_people.append(row.person_id)
        events.extend(made)
        if is_away:
            away.add(row.table_id)
    losses.add("person", _no_person, sum(p not in people for p in episode_people))
    return Conversion(
        events=tuple(events),
        errors=tuple(errors),
        rows=count,
        rejected_rows=frozenset((e.file, e.line) for e in errors),
        losses=losses.result(),
        away=frozenset(away),
    )


def read_episodes_ssd(
    paths: Iterable[str | os.PathLike[str] | tuple[str, IO[str]]],
    *,
    authority: str,
    policy: DatePolicy | None = None,
    missing_from: MissingFrom = MissingFrom.HOME,
) -> Conversion:
    """ssd_missing CSV files, and any ssd_person CSV files beside them (each told by its
    header row) -> typed events and errors (for `check` and `convert`)."""
    read = read_rows(paths)
    done = rows_to_events(
        read.rows,
        authority=authority,
        policy=policy,
        missing_from=missing_from,
        persons=read.persons,
    )
    return attrs.evolve(
        done,
        errors=tuple(sorted((*read.errors, *done.errors), key=lambda e: (e.file or "", e.line))),
        rows=done.rows + len(read.rejected_rows),
        rejected_rows=done.rejected_rows | read.rejected_rows,
    )


def _type_blank(n: int) -> str:
    return f"{n} rows have no episode type: read as missing (M)"


def _missing_from_assumed(n: int, missing_from: MissingFrom) -> str:
    return (
        f"ssd_missing does not say whether the child was looked after: {n} missing (M) periods "
        f"are read as missing from {missing_from.value}"
    )


def _authority_given(n: int, authority: str) -> str:
    return (
        f"ssd_missing names no authority: {n} episodes were given responsible authority "
        f"{authority!r}; placement out of area, risk grading and location are unknown"
    )


def _dates_as_times(n: int, policy: DatePolicy) -> str:
    return f"{n} dates without a time were given the policy's times ({policy.describe()})"


def _offer_implied(n: int) -> str:
    return f"{n} rows answer 'accepted' without 'offered = Y': the offer is taken as made"


def _interview_time(n: int) -> str:
    return (
        f"ssd_missing has no interview dates: {n} offers and answers are dated at the episode's "
        "end, so the RHI deadlines read as met"
    )


def _accepted_as_completed(n: int) -> str:
    return (
        f"{n} accepted interviews are read as completed and independent (the SSD records "
        "acceptance, not completion or who interviewed)"
    )


def _rhi_blank(n: int) -> str:
    return f"{n} ended episodes have no RHI answer: no interview events"


def _no_person(n: int) -> str:
    return (
        f"ssd_missing holds no date of birth, sex or ethnicity (they are in ssd_person): "
        f"{n} episodes' children have no ssd_person row read and are unknown beyond their id"
    )


def _gender_as_sex(n: int) -> str:
    return f"{n} persons have no pers_sex: their sex was read from pers_gender"


def _person_columns(n: int, columns: set[str]) -> str:
    return (
        f"{n} ssd_person rows fill columns the event log cannot hold "
        f"({', '.join(sorted(columns))}): not read"
    )


# ---- episodes -> ssd_missing -----------------------------------------------------------------


@attrs.frozen
class SsdExport:
    rows: tuple[SsdRow, ...]
    losses: tuple[Loss, ...]
    persons: tuple[PersonRow, ...] = ()


def format_moment(moment: dt.datetime, policy: DatePolicy, losses: Losses) -> str:
    """Local wall-clock time (the SSD's DATETIME has no offset); a fold time is reported."""
    local = pendulum.instance(moment).in_timezone(policy.tz)
    naive = dt.datetime(local.year, local.month, local.day, local.hour, local.minute, local.second)
    try:
        clock.localise(naive, policy.tz)
    except clock.TimeError:
        losses.add("fold", _fold_time)
    return naive.strftime("%Y-%m-%d %H:%M:%S")


def _answers(episode: Episode) -> tuple[str, str]:
    if episode.found is None:
        return Answer.NOT_APPLICABLE.value, Answer.NOT_APPLICABLE.value
    if episode.offered is None:
        return Answer.NO.value, Answer.NOT_APPLICABLE.value
    if episode.completed is not None:
        return Answer.YES.value, Answer.YES.value
    if episode.declined is not None:
        return Answer.YES.value, Answer.NO.value
    return Answer.YES.value, ""


def to_rows(
    assembly: Assembly, *, away: frozenset[str] = frozenset(), policy: DatePolicy | None = None
) -> SsdExport:
    """Episodes -> ssd_missing rows (row id = episode id); cancelled reports are left out."""
    policy = policy or DatePolicy()
    losses = Losses()
    rows: list[SsdRow] = []
    for episode in assembly.episodes:
        if episode.is_cancelled:
            losses.add("cancelled", _cancelled)
            continue
        offered, accepted = _answers(episode)
        rows.append(
            SsdRow(
                table_id=episode.episode_id,
                person_id=episode.child_id,
                start=format_moment(episode.reported_at, policy, losses),
                type=(
                    MissingType.AWAY if episode.episode_id in away else MissingType.MISSING
                ).value,
                end=format_moment(episode.found.at, policy, losses) if episode.found else "",
                rhi_offered=offered,
                rhi_accepted=accepted,
                number=len(rows) + 2,
            )
        )
        _count_losses(episode, losses)
    if rows:
        losses.add("missing_from", _missing_from_dropped, len(rows))
    count_records_not_held(assembly, losses, "ssd_missing")
    ids = sorted({r.person_id for r in rows} | set(assembly.children))
    persons = tuple(
        _person_row(child_id, assembly.children.get(child_id), number, losses)
        for number, child_id in enumerate(ids, start=2)
    )
    return SsdExport(tuple(rows), losses.result(), persons)


_SEX_WRITTEN = {Sex.MALE: "M", Sex.FEMALE: "F", Sex.UNKNOWN: "U"}


def _person_row(child_id: str, child: Child | None, number: int, losses: Losses) -> PersonRow:
    """A child's ssd_person row; `other` sex is written as pers_gender 09 (self-described)."""
    if child is None:
        losses.add("no_child_record", _no_child_record)
        return PersonRow(child_id, "", "", "", "", number)
    if child.sex is Sex.OTHER:
        losses.add("sex_other", _sex_other)
    if child.looked_after_by or child.placed_in:
        losses.add("looked_after_by", _looked_after_by)
    return PersonRow(
        person_id=child_id,
        sex=_SEX_WRITTEN.get(child.sex, "") if child.sex else "",
        gender="09" if child.sex is Sex.OTHER else "",
        ethnicity=child.ethnicity.code if child.ethnicity else "",
        dob=child.born.isoformat() if child.born else "",
        number=number,
    )


def _no_child_record(n: int) -> str:
    return f"{n} episodes' children have no child record: their ssd_person rows hold the id only"


def _sex_other(n: int) -> str:
    return (
        f"{n} children's sex 'other' has no pers_sex code (F, M, U): written as pers_gender 09 "
        "(self-described) with pers_sex blank"
    )


def _looked_after_by(n: int) -> str:
    return f"{n} children's looked-after-by and placed-in authorities are not in ssd_person"


def _count_losses(episode: Episode, losses: Losses) -> None:
    if episode.offered or episode.completed or episode.declined:
        losses.add("interview_details", _interview_details)
    if episode.declined and episode.declined.declined_by is DeclinedBy.PARENT:
        losses.add("declined_by", _declined_by_parent)
    if episode.plan or episode.notifications:
        losses.add("plans", _plans_dropped)
    reported = episode.reported
    if reported.risk or reported.location or reported.host_authority:
        losses.add("report_details", _report_details)


def _cancelled(n: int) -> str:
    return f"{n} cancelled reports (the child was not in fact missing) are not written"


def _fold_time(n: int) -> str:
    return (
        f"{n} times fall in the autumn clock-change hour: without an offset they are ambiguous "
        "and will be refused when read back"
    )


def _missing_from_dropped(n: int) -> str:
    return f"ssd_missing does not record missing from home or care: not written for {n} episodes"


def _interview_details(n: int) -> str:
    return (
        f"{n} episodes' interview times, provider, independence, reasons and risks are not in "
        "ssd_missing (only offered and accepted)"
    )


def _declined_by_parent(n: int) -> str:
    return f"{n} interviews declined by a parent are written as not accepted (N)"


def _plans_dropped(n: int) -> str:
    return f"{n} episodes' plans and notifications are not in ssd_missing"


def _report_details(n: int) -> str:
    return f"{n} reports' risk grading, location or host authority are not in ssd_missing"


def write_person_csv(rows: Iterable[PersonRow], stream: IO[str]) -> int:
    """ssd_person as CSV (pers_person_id, pers_sex, pers_gender, pers_ethnicity, pers_dob);
    returns rows written."""
    values = ((r.person_id, r.sex, r.gender, r.ethnicity, r.dob) for r in rows)
    return write_table(PERSON_COLUMNS, values, stream)


def write_ssd_csv(rows: Iterable[SsdRow], stream: IO[str]) -> int:
    """ssd_missing as CSV with the specification's column names; returns rows written."""
    values = (
        (r.table_id, r.person_id, r.start, r.type, r.end, r.rhi_offered, r.rhi_accepted)
        for r in rows
    )
    return write_table(SSD_COLUMNS, values, stream)
