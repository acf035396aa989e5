"""ssd_missing and ssd_person rows to events, with the losses counted."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from typing import IO

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.formats.hooks import unquoted
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
from missing_protocol.ssd.tables import (
    ANSWER_WORDS,
    END,
    GENDER_CODES,
    PERS_DOB,
    PERS_ETHNICITY,
    PERS_GENDER,
    PERS_ID,
    PERS_SEX,
    PERSON_ID,
    RHI_ACCEPTED,
    RHI_OFFERED,
    SEX_CODES,
    START,
    TABLE_ID,
    TYPE,
    TYPE_WORDS,
    Answer,
    PersonRow,
    SsdRow,
    read_rows,
)
from missing_protocol.tabular import (
    Conversion,
    DatePolicy,
    Losses,
    MissingType,
    RowError,
)

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
        raise RowError(column, str(problem), unquoted(problem)) from None
    except ValueError:
        raise RowError.quoting(column, text, "not a date or date-time") from None
    if moment.tzinfo is not None:
        return pendulum.instance(moment), True
    try:
        return clock.localise(moment, policy.tz), True
    except clock.TimeError as problem:
        raise RowError(column, str(problem), unquoted(problem)) from None


def _answer(text: str, column: str) -> Answer | None:
    if not text:
        return None
    answer = ANSWER_WORDS.get(text.lower())
    if answer is None:
        raise RowError.quoting(column, text, "not Y, N or NA")
    return answer


def _kind(text: str) -> MissingType | None:
    if not text:
        return None
    kind = TYPE_WORDS.get(text.lower())
    if kind is None:
        raise RowError.quoting(TYPE, text, "not a missing type (M/Missing or A/Away/Absent)")
    return kind


def _row_events(
    row: SsdRow, authority: str, policy: DatePolicy, missing_from: MissingFrom, losses: Losses
) -> tuple[list[Event], bool]:
    """One row's events (raises RowError), and whether it was an `A` (away) period."""
    if not row.table_id:
        raise RowError.plain(TABLE_ID, "row id is blank")
    if not row.person_id:
        raise RowError.plain(PERSON_ID, "person id is blank")
    if not row.start:
        raise RowError.plain(START, "start date is blank")
    kind = _kind(row.type)
    started, start_timed = parse_moment(row.start, START, policy, end=False)
    ended, end_timed = parse_moment(row.end, END, policy, end=True) if row.end else (None, True)
    if ended is not None and ended < started:
        said = f"{row.end} is before the start {row.start}"
        raise RowError(END, said, "the end is before the start")
    offered = _answer(row.rhi_offered, RHI_OFFERED)
    accepted = _answer(row.rhi_accepted, RHI_ACCEPTED)
    answered = accepted in (Answer.YES, Answer.NO)
    if ended is None and (offered is Answer.YES or answered):
        column = RHI_OFFERED if offered is Answer.YES else RHI_ACCEPTED
        raise RowError.plain(column, "an interview cannot follow while the child is still missing")
    if offered is Answer.NO and accepted is Answer.YES:
        raise RowError.plain(RHI_ACCEPTED, "Y, but the interview was not offered (offered = N)")

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
        raise RowError.quoting(PERS_DOB, text, "not a date") from None
    return pendulum.Date(day.year, day.month, day.day)


def _person(row: PersonRow, losses: Losses) -> Child:
    """One ssd_person row -> a `child` event (raises RowError)."""
    if not row.person_id:
        raise RowError.plain(PERS_ID, "person id is blank")
    sex: Sex | None = None
    if row.sex:
        sex = SEX_CODES.get(row.sex.lower())
        if sex is None:
            raise RowError.quoting(PERS_SEX, row.sex, "not a sex code (F, M or U)")
    elif row.gender:
        sex = GENDER_CODES.get(row.gender.lower())
        if sex is None:
            raise RowError.quoting(
                PERS_GENDER, row.gender, "not a gender code (00, 01, 02, 09 or 10-99)"
            )
        losses.add("gender_as_sex", _gender_as_sex)
    try:
        ethnicity = Ethnicity(row.ethnicity.upper()) if row.ethnicity else None
    except ValueError as problem:
        raise RowError(PERS_ETHNICITY, str(problem), "not a DfE ethnicity code") from None
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
                said = f"person id {person.person_id!r} appears twice"
                raise RowError(PERS_ID, said, "the person id appears twice")
            events.append(_person(person, losses))
        except RowError as problem:
            errors.append(problem.rejection(person.number, problem.column, person.file))
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
                said = f"row id {row.table_id!r} appears twice"
                raise RowError(TABLE_ID, said, "the row id appears twice")
            made, is_away = _row_events(row, authority, policy, missing_from, losses)
        except RowError as problem:
            errors.append(problem.rejection(row.number, problem.column, row.file))
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
