"""The period report's figures (pure): an Assembly, a period and an authority in; numbers out.

Scope: an episode belongs to the report when it was reported in the period, was not cancelled
(the child was not in fact missing), and falls in one of the authority's three cohorts. Episodes
for which the authority is neither responsible nor the host of a looked-after child's placement
are someone else's to report and are left out.
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import attrs

from missing_protocol import clock
from missing_protocol.assembly import report_order
from missing_protocol.common.mergeable import First
from missing_protocol.common.period import Cohort, Period, cohort_of
from missing_protocol.episode import Assembly, Episode
from missing_protocol.intelligence.hotspots import place_key
from missing_protocol.model import DeclinedBy, EthnicGroup, Location, Sex
from missing_protocol.profiles import Profile

if TYPE_CHECKING:  # report.interviews builds on this module's Cohort and Period
    from missing_protocol.report.interviews import Learned

RHI_WITHIN_DEFAULT: clock.Duration = clock.Elapsed(72 * 3600)
REPEAT_THRESHOLD = 3

# A child with no child record, or a record without ethnicity, is counted here.
UNKNOWN_ETHNICITY = "Unknown"
ETHNICITY_KEYS: tuple[str, ...] = (*(g.value for g in EthnicGroup), UNKNOWN_ETHNICITY)
SEX_KEYS: tuple[str, ...] = tuple(s.value for s in Sex)


@attrs.frozen
class CohortCounts:
    own_looked_after: int = 0
    placed_here_by_others: int = 0
    from_home: int = 0

    def __getitem__(self, cohort: Cohort) -> int:
        return {
            Cohort.OWN_LOOKED_AFTER: self.own_looked_after,
            Cohort.PLACED_HERE_BY_OTHERS: self.placed_here_by_others,
            Cohort.FROM_HOME: self.from_home,
        }[cohort]

    @property
    def total(self) -> int:
        return self.own_looked_after + self.placed_here_by_others + self.from_home

    @classmethod
    def tally(cls, cohorts: Iterable[Cohort]) -> CohortCounts:
        seen = Counter(cohorts)
        return cls(*(seen.get(c, 0) for c in Cohort))


@attrs.frozen
class Share:
    """A group of children (an ethnic group, a sex) and how many of the period's children."""

    group: str
    children: int


@attrs.frozen
class MonthCount:
    month: str
    episodes: CohortCounts


@attrs.frozen
class Interviews:
    """Return home interviews, counted per found episode of the period."""

    found_episodes: int
    offered: int
    declined_by_child: int
    declined_by_parent: int
    completed: int
    completed_within_deadline: int
    # The deadline in force at the end of the period, and every deadline the period's found
    # episodes were judged by (more than one when the profile changed during the period).
    deadline: clock.Duration
    deadlines: tuple[clock.Duration, ...] = ()


@attrs.frozen
class Durations:
    """How long children were missing, over the period's found episodes."""

    found_episodes: int
    median: dt.timedelta | None
    longest: dt.timedelta | None
    still_missing: int


@attrs.frozen
class Hotspot:
    place: str
    episodes: int
    lat: float | None = None
    lon: float | None = None


@attrs.frozen
class PeriodFigures:
    period: Period
    authority: str
    episodes: int
    children: int
    cohorts: CohortCounts
    ethnicity: tuple[Share, ...]
    sex: tuple[Share, ...]
    interviews: Interviews
    repeat_children: int
    duration: Durations
    by_month: tuple[MonthCount, ...]
    missing_from: tuple[Hotspot, ...]
    found_at: tuple[Hotspot, ...]
    cancelled_reports: int
    rejected_events: int
    # The profile that set the interview deadline, or None when a fixed `rhi_within` was given.
    profile: str | None = None
    # What interviews told us (report.interviews.learned), when it was worked out.
    learned: Learned | None = None


# The interview deadline for one episode: fixed, or the profile version in force at its report.
Deadline = Callable[[Episode], clock.Duration]


def _deadline_rule(
    rhi_within: clock.Duration | None, profile: Profile | None, period: Period
) -> tuple[Deadline, clock.Duration]:
    """Each episode's interview deadline, and the one in force at the end of the period."""
    if profile is not None and rhi_within is not None:
        raise ValueError("give the interview deadline as rhi_within or by a profile, not both")
    if profile is None:
        fixed = RHI_WITHIN_DEFAULT if rhi_within is None else rhi_within
        return (lambda _: fixed), fixed
    at_end = profile.at(period.end_at.subtract(microseconds=1)).rhi_within
    if len(profile.versions) == 1:
        return (lambda _: at_end), at_end
    return (lambda episode: profile.at(episode.reported_at).rhi_within), at_end


def in_scope(
    assembly: Assembly, period: Period, authority: str
) -> tuple[list[tuple[Episode, Cohort]], int]:
    """The authority's episodes reported in the period, and how many reports were cancelled."""
    # Timestamps: comparing datetimes in different zones costs a zone lookup every time.
    low, high = period.start_at.timestamp(), period.end_at.timestamp()
    scoped, cancelled = [], 0
    for episode in assembly.episodes:
        if not low <= episode.reported_at.timestamp() < high:
            continue
        cohort = cohort_of(episode, authority)
        if cohort is None:
            continue
        if episode.is_cancelled:
            cancelled += 1
        else:
            scoped.append((episode, cohort))
    return scoped, cancelled


def compute(
    assembly: Assembly,
    period: Period,
    authority: str,
    *,
    rhi_within: clock.Duration | None = None,
    profile: Profile | None = None,
    rejected_events: int | None = None,
) -> PeriodFigures:
    """The period's figures. `rejected_events` defaults to the assembly's own rejections.

    The interview deadline is `rhi_within` (default 72 hours elapsed) or, with `profile`, the
    `rhi_within` of the profile version in force at each episode's report.
    """
    part = figures_part(assembly, period, authority, rhi_within=rhi_within, profile=profile)
    rejected = len(assembly.errors) if rejected_events is None else rejected_events
    return figures_from(
        part, period, authority, rhi_within=rhi_within, profile=profile, rejected_events=rejected
    )


def figures_part(
    assembly: Assembly,
    period: Period,
    authority: str,
    *,
    rhi_within: clock.Duration | None = None,
    profile: Profile | None = None,
) -> dict[str, Any]:
    """The figures' part from one assembly of whole children (common.mergeable)."""
    deadline_of, _ = _deadline_rule(rhi_within, profile, period)
    scoped, cancelled = in_scope(assembly, period, authority)
    episodes = [ep for ep, _ in scoped]
    # Episodes are in report order, so the last cohort seen for a child is its latest.
    latest: dict[str, Cohort] = {}
    per_child: Counter[str] = Counter()
    for episode, cohort in scoped:
        latest[episode.child_id] = cohort
        per_child[episode.child_id] += 1
    # Bisecting the month starts finds each London month without a zone conversion per episode.
    starts = [start.timestamp() for start in period.month_starts()]
    months: list[Counter[Cohort]] = [Counter() for _ in starts]
    for episode, cohort in scoped:
        months[bisect.bisect_right(starts, episode.reported_at.timestamp()) - 1][cohort] += 1
    # Timestamps, not pendulum subtraction: pendulum builds an Interval per pair (slow at scale).
    lengths = array.array(
        "d",
        (ep.found.at.timestamp() - ep.reported.at.timestamp() for ep in episodes if ep.found),
    )
    return {
        "episodes": len(episodes),
        "children": len(latest),
        "cohorts": Counter(latest.values()),
        "ethnicity": _ethnicity(assembly, latest),
        "sex": _sex(assembly, latest),
        "interviews": _interviews(episodes, deadline_of),
        "repeat_children": sum(1 for n in per_child.values() if n >= REPEAT_THRESHOLD),
        "lengths": lengths,
        "still_missing": sum(1 for ep in episodes if ep.is_open),
        "months": tuple(months),
        "missing_from": _hotspots((ep, ep.reported.location, ep.reported_at) for ep in episodes),
        "found_at": _hotspots((ep, ep.found.location, ep.found.at) for ep in episodes if ep.found),
        "cancelled": cancelled,
    }


def figures_from(
    part: dict[str, Any],
    period: Period,
    authority: str,
    *,
    rhi_within: clock.Duration | None = None,
    profile: Profile | None = None,
    rejected_events: int = 0,
) -> PeriodFigures:
    """The period's figures from their part (one assembly's, or the parts of all merged)."""
    _, at_end = _deadline_rule(rhi_within, profile, period)
    return PeriodFigures(
        period=period,
        authority=authority,
        episodes=part["episodes"],
        children=part["children"],
        cohorts=CohortCounts.tally(part["cohorts"].elements()),
        ethnicity=tuple(Share(key, part["ethnicity"].get(key, 0)) for key in ETHNICITY_KEYS),
        sex=tuple(Share(key, part["sex"].get(key, 0)) for key in SEX_KEYS),
        interviews=_interviews_from(part["interviews"], at_end),
        repeat_children=part["repeat_children"],
        duration=_durations(part["lengths"], part["still_missing"]),
        by_month=tuple(
            MonthCount(m, CohortCounts.tally(c.elements()))
            for m, c in zip(period.months(), part["months"], strict=True)
        ),
        missing_from=_hotspots_from(part["missing_from"]),
        found_at=_hotspots_from(part["found_at"]),
        cancelled_reports=part["cancelled"],
        rejected_events=rejected_events,
        profile=None if profile is None else profile.name,
    )


def _ethnicity(assembly: Assembly, children: Iterable[str]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for child_id in children:
        record = assembly.children.get(child_id)
        ethnicity = record.ethnicity if record is not None else None
        seen[ethnicity.group.value if ethnicity is not None else UNKNOWN_ETHNICITY] += 1
    return seen


def _sex(assembly: Assembly, children: Iterable[str]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for child_id in children:
        record = assembly.children.get(child_id)
        sex = record.sex if record is not None and record.sex is not None else Sex.UNKNOWN
        seen[sex.value] += 1
    return seen


def _interviews(episodes: list[Episode], deadline_of: Deadline) -> dict[str, Any]:
    found = [ep for ep in episodes if ep.found is not None]
    declined = Counter(ep.declined.declined_by for ep in found if ep.declined is not None)
    completed = on_time = 0
    # Each deadline used, with the first episode that used it (they are listed in that order).
    used: dict[clock.Duration, First] = {}
    for ep in found:
        limit = deadline_of(ep)
        if limit not in used:
            used[limit] = First(report_order(ep), None)
        if ep.completed is not None and ep.found is not None:
            completed += 1
            on_time += _within(ep.found.at, ep.completed.at, limit)
    return {
        "found_episodes": len(found),
        "offered": sum(1 for ep in found if ep.offered is not None),
        "declined_by_child": declined.get(DeclinedBy.CHILD, 0),
        "declined_by_parent": declined.get(DeclinedBy.PARENT, 0),
        "completed": completed,
        "completed_within_deadline": on_time,
        "used": used,
    }


def _interviews_from(part: dict[str, Any], last: clock.Duration) -> Interviews:
    used = sorted(part["used"], key=lambda limit: part["used"][limit].key)
    return Interviews(
        found_episodes=part["found_episodes"],
        offered=part["offered"],
        declined_by_child=part["declined_by_child"],
        declined_by_parent=part["declined_by_parent"],
        completed=part["completed"],
        completed_within_deadline=part["completed_within_deadline"],
        deadline=last,
        deadlines=tuple(used) or (last,),
    )


def _within(start: dt.datetime, done: dt.datetime, limit: clock.Duration) -> bool:
    if isinstance(limit, clock.Elapsed):
        # Elapsed time compares instants (so a clock change is harmless); plain seconds are fast.
        return done.timestamp() <= start.timestamp() + limit.seconds
    return done <= limit.after(start)


def _durations(lengths: Iterable[float], still_missing: int) -> Durations:
    ordered = sorted(dt.timedelta(seconds=length) for length in lengths)
    return Durations(
        found_episodes=len(ordered),
        median=_median(ordered),
        longest=ordered[-1] if ordered else None,
        still_missing=still_missing,
    )


def _median(ordered: list[dt.timedelta]) -> dt.timedelta | None:
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def _hotspots(
    places: Iterable[tuple[Episode, Location | None, dt.datetime]],
) -> dict[str, tuple[int, First, First]]:
    """Each place (its name without regard to case or spacing, as the partnership hotspots key
    it): its episodes, the first record of it with coordinates (report order), and its earliest
    spelling (by the record's time, then the spelling), the name `hotspot_figures` shows too."""
    seen: dict[str, list[Any]] = {}
    for episode, place, at in places:
        if place is None:
            continue
        key = place_key(place.name)
        spelling = First((at, place.name), place.name)
        known = seen.get(key)
        if known is None:
            known = seen[key] = [0, None, spelling]
        known[0] += 1
        if known[1] is None and place.lat is not None:
            known[1] = First(report_order(episode), (place.lat, place.lon))
        if spelling.key < known[2].key:
            known[2] = spelling
    return {key: (count, where or _NOWHERE, name) for key, (count, where, name) in seen.items()}


# A place never given with coordinates: after every real key, so any record with some wins.
_NOWHERE = First((float("inf"), ""), (None, None))


def _hotspots_from(seen: dict[str, tuple[int, First, First]]) -> tuple[Hotspot, ...]:
    # Every place: which are shown, and in what order, is decided by suppression.shown_places.
    named = [(name.value, count, where.value) for count, where, name in seen.values()]
    ranked = sorted(named, key=lambda spot: (-spot[1], spot[0]))
    return tuple(Hotspot(name, count, *where) for name, count, where in ranked)
