"""Episodes to the 903 Header and Missing tables (CSV writers here; the XML in `xml_return`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import IO

import attrs
import pendulum

from missing_protocol.episode import Assembly, Episode
from missing_protocol.model import Child
from missing_protocol.ssda903.tables import (
    HEADER_COLUMNS,
    MISSING_COLUMNS,
    SEX_CODES,
    CollectionYear,
    HeaderRow,
    MissingRow,
    RowRef,
    Table,
    Tables903,
    format_903_date,
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


def write_missing_csv(rows: Iterable[MissingRow], stream: IO[str]) -> int:
    """The Missing table as CSV (CHILD, DOB, MISSING, MIS_START, MIS_END); returns rows written."""
    values = ((r.child, r.dob, r.missing, r.mis_start, r.mis_end) for r in rows)
    return write_table(MISSING_COLUMNS, values, stream)


def write_header_csv(rows: Iterable[HeaderRow], stream: IO[str]) -> int:
    """The Header table as CSV (CHILD, SEX, DOB, ETHNIC); returns rows written."""
    return write_table(HEADER_COLUMNS, ((r.child, r.sex, r.dob, r.ethnic) for r in rows), stream)
