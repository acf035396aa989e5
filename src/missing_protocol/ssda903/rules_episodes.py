"""DfE 903 rules joining the Missing table with the Episodes table (periods of care)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import attrs
import pendulum

from missing_protocol.rules.registry import Finding
from missing_protocol.ssda903.dfe import MESSAGES, breach, ssda903_rule
from missing_protocol.ssda903.tables import (
    CollectionYear,
    EpisodeRow,
    Tables903,
    cell_date,
    child_key,
    format_903_date,
)


def _episodes_by_child(tables: Tables903) -> dict[str, list[tuple[int, EpisodeRow]]]:
    """Episodes rows by child, with their position (so a large table is read once)."""
    by_child: dict[str, list[tuple[int, EpisodeRow]]] = defaultdict(list)
    for position, row in enumerate(tables.episodes or ()):
        by_child[child_key(row.child)].append((position, row))
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
        decom = cell_date(row.decom)
        if decom is not None:
            rows[child_key(row.child)].append((decom, row))
    periods: dict[str, list[_Care]] = {}
    for child, episodes in rows.items():
        episodes.sort(key=lambda p: p[0])
        out: list[_Care] = []
        for decom, row in episodes:
            dec = cell_date(row.dec)
            # An episode starting after the previous one ceased opens a new period of care.
            if not out or (out[-1].end is not None and decom > out[-1].end):
                out.append(_Care(decom, dec, row))
            else:
                out[-1] = _Care(out[-1].start, dec, row)
        periods[child] = out
    return periods


@ssda903_rule("575", "Missing: open period in a placement that has ended")
def open_after_care_ended(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """A period with no end starts within an Episodes row that has ceased (DECOM ≤ start ≤ DEC)."""
    if tables.episodes is None:
        return
    by_child = _episodes_by_child(tables)
    for row in tables.missing:
        start = cell_date(row.mis_start)
        if start is None or row.mis_end:
            continue
        for _, episode in by_child.get(child_key(row.child), ()):
            decom, dec = cell_date(episode.decom), cell_date(episode.dec)
            if decom is None or dec is None:
                continue
            if decom <= start <= dec:
                why = f"placement {episode.ref.label} ceased {episode.dec}"
                yield breach("575", row, "MIS_END", f"{MESSAGES['575']} ({why})", row.child)
                break


def _held_by(start: pendulum.Date, end: pendulum.Date | None, care: _Care) -> bool:
    """Whether a period of care holds a Missing period, as lac_validator's 577 judges it: an
    open period needs care still open that began by its start; an ended one needs care that
    began by its end and had not ceased before it (its start is not looked at)."""
    if end is None:
        return care.end is None and care.start <= start
    return care.start <= end and (care.end is None or end <= care.end)


@ssda903_rule("577", "Missing: period not closed within a period of care")
def open_when_care_ceased(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """None of the child's periods of care holds the period (see `_held_by`): typically a period
    still open when care has ceased, or one ending after care ceased. A `MIS_END` that is not a
    valid date counts as blank (as lac_validator); a child with no period of care is not checked."""
    if tables.episodes is None:
        return
    care = _periods_of_care(tables)
    for row in tables.missing:
        start, end = cell_date(row.mis_start), cell_date(row.mis_end)
        periods = care.get(child_key(row.child))
        if start is None or not periods or any(_held_by(start, end, p) for p in periods):
            continue
        last = periods[-1]  # only a child's last period of care can be open
        if end is not None:
            why = f"{row.mis_end} is outside every period of care"
        elif last.end is None:
            why = f"no end date, and it starts before care began on {format_903_date(last.start)}"
        else:
            why = f"no end date, and care ceased {last.last.dec} ({last.last.ref.label})"
        yield breach("577", row, "MIS_END", f"{MESSAGES['577']} ({why})", row.child)


@ssda903_rule("578", "Missing: starts after the child ceased to be looked after")
def start_outside_care(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """MIS_START falls in no period of care of the child (before it began or after it ended)."""
    if tables.episodes is None:
        return
    care = _periods_of_care(tables)
    for row in tables.missing:
        start = cell_date(row.mis_start)
        periods = care.get(child_key(row.child))
        if start is None or not periods:
            continue
        inside = any(p.start <= start and (p.end is None or start <= p.end) for p in periods)
        if not inside:
            text = f"{MESSAGES['578']} ({row.mis_start} is outside every period of care)"
            yield breach("578", row, "MIS_START", text, row.child)


def _eighteenth_birthday(born: dt.date) -> dt.date:
    # A 29 February birthday reaches 18 on 28 February in a common year (pandas DateOffset too).
    try:
        return born.replace(year=born.year + 18)
    except ValueError:
        return born.replace(year=born.year + 18, day=28)


@ssda903_rule("580", "Episodes: missing at 18 when care ended but reason not E8")
def missing_at_eighteen(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """A period ending on the 18th birthday, the day an episode ceased, with REC other than E8;
    the Episodes row is flagged (as lac_validator)."""
    if tables.episodes is None:
        return
    by_child = _episodes_by_child(tables)
    flagged: set[int] = set()
    for row in tables.missing:
        end, dob = cell_date(row.mis_end), cell_date(row.dob)
        if end is None or dob is None or end != _eighteenth_birthday(dob):
            continue
        for position, episode in by_child.get(child_key(row.child), ()):
            dec = cell_date(episode.dec)
            if dec != end or episode.rec.upper() == "E8":
                continue
            if position not in flagged:
                flagged.add(position)
                text = f"{MESSAGES['580']} (REC {episode.rec or 'blank'}; {row.ref.label})"
                yield breach("580", episode, "REC", text, row.child)


def _in_episode(start: pendulum.Date, episode: EpisodeRow) -> bool:
    decom, dec = cell_date(episode.decom), cell_date(episode.dec)
    if decom is None or start < decom:
        return False
    # A DEC that is not a valid date reads as blank, as lac_validator reads it.
    return dec is None or start <= dec


@ssda903_rule("581", "Missing: starts when the child is not looked after")
def start_outside_episodes(tables: Tables903, year: CollectionYear) -> Iterator[Finding]:
    """A valid MIS_START falls in none of the child's Episodes rows (DECOM ≤ start ≤ DEC, a blank
    DEC open): before care began, between episodes or after care ended. A row whose DECOM is not
    a valid date holds no start; a child with no Episodes rows is not checked."""
    if tables.episodes is None:
        return
    by_child = _episodes_by_child(tables)
    for row in tables.missing:
        start = cell_date(row.mis_start)
        episodes = [episode for _, episode in by_child.get(child_key(row.child), ())]
        if start is None or not episodes or any(_in_episode(start, e) for e in episodes):
            continue
        began = min((d for e in episodes if (d := cell_date(e.decom)) is not None), default=None)
        if began is not None and start < began:
            why = f"{row.mis_start} is before care began on {format_903_date(began)}"
        else:
            why = f"{row.mis_start} is in none of the child's {len(episodes)} Episodes rows"
        yield breach("581", row, "MIS_START", f"{MESSAGES['581']} ({why})", row.child)
