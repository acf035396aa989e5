"""The period report's figures after disclosure control: the only figures a renderer gets.

`disclose(figures, disclosure)` maps the computed figures to published ones (issue 15 point 2):
each count that may be hidden is a `Shown` (the number, or the marker `HIDDEN`), each percentage
a `Ratio` worked out here from a shown count and a total, places come ranked by shown counts
(hidden ones by name). Totals stay numbers. Nothing here holds a hidden number, so text, JSON,
CSV and HTML (charts included), which take only these values, cannot show, order or scale by one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from missing_protocol import clock
from missing_protocol.common.period import Cohort, Period
from missing_protocol.common.suppression import (
    PUBLISHED,
    Disclosure,
    Ratio,
    Shown,
    ShownPlace,
    shown_places,
)
from missing_protocol.report import interviews
from missing_protocol.report.figures import CohortCounts, PeriodFigures, Share


@attrs.frozen
class Cell:
    """A count as published, with its percentage of the table's total."""

    count: Shown
    percent: Ratio


@attrs.frozen
class ShownCohorts:
    """Counts by cohort, each shown or hidden; the total is always shown."""

    own_looked_after: Shown
    placed_here_by_others: Shown
    from_home: Shown
    total: int

    def __getitem__(self, cohort: Cohort) -> Shown:
        return {
            Cohort.OWN_LOOKED_AFTER: self.own_looked_after,
            Cohort.PLACED_HERE_BY_OTHERS: self.placed_here_by_others,
            Cohort.FROM_HOME: self.from_home,
        }[cohort]


@attrs.frozen
class ShownShare:
    """A group of children (an ethnic group, a sex) and its share of the period's children."""

    group: str
    children: Cell


@attrs.frozen
class ShownMonth:
    month: str
    episodes: ShownCohorts


@attrs.frozen
class ShownInterviews:
    """Return home interviews per found episode: each stage with its share of found episodes."""

    found_episodes: int
    # Found episodes as a share of themselves (the CSV's row): hidden when 1 to 5, as always.
    found_percent: Ratio
    offered: Cell
    declined_by_child: Cell
    declined_by_parent: Cell
    completed: Cell
    completed_within_deadline: Cell
    # Done in time over done: hidden with the in-time count (with done hidden it is 0 or hidden).
    within_of_completed: Ratio
    deadline: clock.Duration
    deadlines: tuple[clock.Duration, ...]


@attrs.frozen
class ShownDurations:
    found_episodes: int
    median: dt.timedelta | None
    longest: dt.timedelta | None
    still_missing: Shown


@attrs.frozen
class Disclosed:
    """The report's figures as published; `suppressed` and `notice` say under which control."""

    suppressed: bool
    notice: str
    period: Period
    authority: str
    episodes: int
    children: int
    cohorts: tuple[tuple[Cohort, Cell], ...]
    ethnicity: tuple[ShownShare, ...]
    sex: tuple[ShownShare, ...]
    interviews: ShownInterviews
    repeat_children: Shown
    duration: ShownDurations
    by_month: tuple[ShownMonth, ...]
    missing_from: tuple[ShownPlace, ...]
    found_at: tuple[ShownPlace, ...]
    cancelled_reports: Shown
    rejected_events: int
    profile: str | None
    # What interviews told us (interviews.shown: counts already shown or `c`), when worked out.
    learned: dict[str, Any] | None


def _cohorts(counts: CohortCounts, d: Disclosure) -> ShownCohorts:
    own, placed, home = (d.count(counts[c]) for c in Cohort)
    return ShownCohorts(own, placed, home, counts.total)


def _cell(d: Disclosure, count: int, base: int) -> Cell:
    return Cell(d.count(count), d.ratio(count, base))


def _shares(items: tuple[Share, ...], base: int, d: Disclosure) -> tuple[ShownShare, ...]:
    return tuple(ShownShare(s.group, _cell(d, s.children, base)) for s in items)


def disclose(figures: PeriodFigures, disclosure: Disclosure = PUBLISHED) -> Disclosed:
    """The figures with disclosure control applied: what every renderer of the report reads."""
    f, d = figures, disclosure
    rhi = f.interviews
    found = rhi.found_episodes
    return Disclosed(
        suppressed=d.suppress,
        notice=d.notice,
        period=f.period,
        authority=f.authority,
        episodes=f.episodes,
        children=f.children,
        cohorts=tuple((c, _cell(d, f.cohorts[c], f.children)) for c in Cohort),
        ethnicity=_shares(f.ethnicity, f.children, d),
        sex=_shares(f.sex, f.children, d),
        interviews=ShownInterviews(
            found_episodes=found,
            found_percent=d.ratio(found, found),
            offered=_cell(d, rhi.offered, found),
            declined_by_child=_cell(d, rhi.declined_by_child, found),
            declined_by_parent=_cell(d, rhi.declined_by_parent, found),
            completed=_cell(d, rhi.completed, found),
            completed_within_deadline=_cell(d, rhi.completed_within_deadline, found),
            within_of_completed=d.ratio(rhi.completed_within_deadline, rhi.completed),
            deadline=rhi.deadline,
            deadlines=rhi.deadlines,
        ),
        repeat_children=d.count(f.repeat_children),
        duration=ShownDurations(
            found_episodes=f.duration.found_episodes,
            median=f.duration.median,
            longest=f.duration.longest,
            still_missing=d.count(f.duration.still_missing),
        ),
        by_month=tuple(ShownMonth(m.month, _cohorts(m.episodes, d)) for m in f.by_month),
        missing_from=shown_places(f.missing_from, d),
        found_at=shown_places(f.found_at, d),
        cancelled_reports=d.count(f.cancelled_reports),
        rejected_events=f.rejected_events,
        profile=f.profile,
        learned=None if f.learned is None else interviews.shown(f.learned, d),
    )
