"""Episodes to ssd_missing and ssd_person rows, and their CSV writers."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from typing import IO

import attrs

from missing_protocol import clock
from missing_protocol.episode import Assembly, Episode
from missing_protocol.model import (
    Child,
    DeclinedBy,
    Sex,
)
from missing_protocol.ssd.tables import (
    PERSON_COLUMNS,
    SSD_COLUMNS,
    Answer,
    PersonRow,
    SsdRow,
)
from missing_protocol.tabular import (
    DatePolicy,
    Loss,
    Losses,
    MissingType,
    count_records_not_held,
    write_table,
)


@attrs.frozen
class SsdExport:
    rows: tuple[SsdRow, ...]
    losses: tuple[Loss, ...]
    persons: tuple[PersonRow, ...] = ()


def format_moment(moment: dt.datetime, policy: DatePolicy, losses: Losses) -> str:
    """Local wall-clock time (the SSD's DATETIME has no offset); a fold time is reported."""
    local = moment.astimezone(zoneinfo.ZoneInfo(policy.tz))
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
