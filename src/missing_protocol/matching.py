"""Matching a young person's self-report to the child's recorded episodes (pure).

Both are intervals: a self-report runs from `away_from` to `away_to` (a bare date covers the
whole London day), an episode from `reported` to `found` (or to `report_cancelled`; an open
episode has no end). The profile's `self_report_tolerance` is the slack for approximate times.

- **matched**: an episode that was found, whose report and return each lie within the tolerance
  of the self-report's start and end. The records and the young person tell the same story.
- **conflicting**: no episode matches, but one overlaps the self-report widened by the
  tolerance: the records know something about that time and disagree with the young person.
  Why, in order of precedence: the overlapping report was cancelled (records say the child was
  not missing), the episode is still open (records say the child never came back), or the
  dates disagree beyond the tolerance (e.g. a self-report covering two recorded episodes).
- **unknown_to_services**: nothing recorded overlaps at all: the hidden-missing figure.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from missing_protocol.clock import Duration
from missing_protocol.episode import Episode
from missing_protocol.model import SelfReport


class MatchClass(enum.StrEnum):
    MATCHED = "matched"
    UNKNOWN_TO_SERVICES = "unknown_to_services"
    CONFLICTING = "conflicting"


class Conflict(enum.StrEnum):
    REPORT_CANCELLED = "report_cancelled"
    EPISODE_OPEN = "episode_open"
    DATES_DISAGREE = "dates_disagree"


@attrs.frozen
class Match:
    """A self-report's class, the episodes it matched (or overlapped), and why it conflicts."""

    report: SelfReport
    verdict: MatchClass
    episode_ids: tuple[str, ...] = ()
    conflict: Conflict | None = None


def _within(a: dt.datetime, b: dt.datetime, tolerance: Duration) -> bool:
    # Durations only count forwards (working days), so closeness is tested both ways round.
    return a <= tolerance.after(b) and b <= tolerance.after(a)


def _overlaps(
    start: dt.datetime, latest: dt.datetime, episode: Episode, tolerance: Duration
) -> bool:
    """Whether an episode overlaps a stay away from `start` whose end, with the tolerance, is
    `latest` (worked out once per report, not per episode: a working-day deadline is costly)."""
    end = episode.ended_at
    return episode.reported_at <= latest and (end is None or start <= tolerance.after(end))


def _agrees(report: SelfReport, episode: Episode, tolerance: Duration) -> bool:
    if episode.found is None:
        return False
    return _within(report.away_start, episode.reported_at, tolerance) and _within(
        report.away_end, episode.found.at, tolerance
    )


def classify(report: SelfReport, episodes: Iterable[Episode], tolerance: Duration) -> Match:
    """Match one self-report against the episodes of its child (any order)."""
    mine = [e for e in episodes if e.child_id == report.child_id]
    start, latest = report.away_start, tolerance.after(report.away_end)
    overlapping = [e for e in mine if _overlaps(start, latest, e, tolerance)]
    if not overlapping:
        return Match(report, MatchClass.UNKNOWN_TO_SERVICES)
    agreeing = [e for e in overlapping if _agrees(report, e, tolerance)]
    if agreeing:
        return Match(report, MatchClass.MATCHED, tuple(e.episode_id for e in agreeing))
    if any(e.is_cancelled for e in overlapping):
        conflict = Conflict.REPORT_CANCELLED
    elif any(e.is_open for e in overlapping):
        conflict = Conflict.EPISODE_OPEN
    else:
        conflict = Conflict.DATES_DISAGREE
    ids = tuple(e.episode_id for e in overlapping)
    return Match(report, MatchClass.CONFLICTING, ids, conflict)
