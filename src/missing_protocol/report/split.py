"""Before and after a date (issue 13, `report --split-at`): the period in two parts, side by side.

Each part is a period of its own ([start, at) and [at, end)), so its figures are the period
report's and its compliance table the compliance section's, computed the same way; the change
is after minus before (percentage points for shares). Disclosure control is applied before any
renderer sees the parts, and a change is hidden (`c`) whenever either side is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from missing_protocol.common.period import Period
from missing_protocol.common.suppression import SUPPRESSED, Disclosure
from missing_protocol.episode import Assembly
from missing_protocol.profiles import Profile
from missing_protocol.report.compliance import (
    Cells,
    Compliance,
    Tallied,
    compliance_from,
    compliance_part,
    versions_inside,
)
from missing_protocol.report.compliance_section import shown_tally
from missing_protocol.report.figures import PeriodFigures, figures_from, figures_part
from missing_protocol.report.render_json import hours

# The headline figures compared, in the order shown, with their labels.
HEADLINE = {
    "episodes": "Missing episodes",
    "children": "Children",
    "repeat_children": "Children with 3 or more episodes",
    "found_episodes": "Found episodes",
    "interviews_completed": "Interviews completed",
    "interviews_within_deadline": "Interviews completed within the deadline",
    "interviews_within_deadline_percent": "% of interviews within the deadline",
    "median_hours_missing": "Median hours missing",
    "still_missing": "Still missing at the end of the log",
}


@attrs.frozen
class Part:
    figures: PeriodFigures
    compliance: Compliance


@attrs.frozen
class Split:
    at: pendulum.Date
    before: Part
    after: Part


def split_period(period: Period, at: dt.date) -> tuple[Period, Period]:
    """[start, at) and [at, end); `at` must fall strictly inside the period."""
    if not period.start < at < period.end:
        raise ValueError(
            f"the split date {at} must be after the period's first day {period.start} "
            f"and before its end {period.end}"
        )
    day = pendulum.Date(at.year, at.month, at.day)
    return Period(period.start, day), Period(day, period.end)


def first_version(profile: Profile, period: Period) -> pendulum.Date | None:
    """The first `effective_from` of the profile inside the period (`--split-at version`)."""
    inside = versions_inside(profile, period)
    return inside[0] if inside else None


def split(
    assembly: Assembly,
    findings: Iterable[Tallied],  # read once per part: a list or `Duties`, not an iterator
    period: Period,
    authority: str,
    at: dt.date,
    *,
    profile: Profile,
    as_of: dt.datetime,
    rejected_events: int | None = None,
) -> Split:
    part = split_part(assembly, findings, period, authority, at, profile=profile)
    rejected = len(assembly.errors) if rejected_events is None else rejected_events
    return split_from(
        part, period, authority, at, profile=profile, as_of=as_of, rejected_events=rejected
    )


def split_part(
    assembly: Assembly,
    findings: Iterable[Tallied],
    period: Period,
    authority: str,
    at: dt.date,
    *,
    profile: Profile,
) -> tuple[tuple[dict[str, Any], Cells], ...]:
    """Each half's figures part and compliance part, from one assembly (common.mergeable)."""
    return tuple(
        (
            figures_part(assembly, half, authority, profile=profile),
            compliance_part(assembly, findings, half, authority),
        )
        for half in split_period(period, at)
    )


def split_from(
    part: tuple[tuple[dict[str, Any], Cells], ...],
    period: Period,
    authority: str,
    at: dt.date,
    *,
    profile: Profile,
    as_of: dt.datetime,
    rejected_events: int,
) -> Split:
    """The two halves from their parts (one assembly's, or the parts of all merged)."""
    halves = [
        Part(
            figures_from(
                figures, half, authority, profile=profile, rejected_events=rejected_events
            ),
            compliance_from(cells, half, authority, profile=profile, as_of=as_of),
        )
        for half, (figures, cells) in zip(split_period(period, at), part, strict=True)
    ]
    before, after = halves
    return Split(before.figures.period.end, before, after)


def _headline(f: PeriodFigures, d: Disclosure) -> dict[str, Any]:
    rhi = f.interviews
    return {
        "episodes": d.total(f.episodes),
        "children": d.total(f.children),
        "repeat_children": d.count(f.repeat_children),
        "found_episodes": d.total(rhi.found_episodes),
        "interviews_completed": d.count(rhi.completed),
        "interviews_within_deadline": d.count(rhi.completed_within_deadline),
        "interviews_within_deadline_percent": d.percent(
            rhi.completed_within_deadline, rhi.completed
        ),
        "median_hours_missing": hours(f.duration.median),
        "still_missing": d.count(f.duration.still_missing),
    }


def _part(part: Part, d: Disclosure) -> dict[str, Any]:
    f = part.figures
    return {
        "period": {"from": f.period.start.isoformat(), "to": f.period.end.isoformat()},
        "headline": _headline(f, d),
        "rules": [{"rule": s.key, **shown_tally(s.total, d)} for s in part.compliance.rules],
        "families": [
            {"family": s.key, **shown_tally(s.total, d)} for s in part.compliance.families()
        ],
    }


def change(before: Any, after: Any) -> int | float | str | None:
    """After minus before; `c` when either is hidden, None when either is missing."""
    if before == SUPPRESSED or after == SUPPRESSED:
        return SUPPRESSED
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return None
    if isinstance(before, int) and isinstance(after, int):
        return after - before
    return round(after - before, 1)


def _changes(before: list[dict[str, Any]], after: list[dict[str, Any]], key: str) -> list[Any]:
    return [
        {
            key: b[key],
            "fell_due": change(b["fell_due"], a["fell_due"]),
            "met_on_time_points": change(b["met_on_time_percent"], a["met_on_time_percent"]),
        }
        for b, a in zip(before, after, strict=True)
    ]


def section(s: Split, d: Disclosure) -> dict[str, Any]:
    """The report's `split` key (schemas/report.schema.json), disclosure control applied."""
    before, after = _part(s.before, d), _part(s.after, d)
    return {
        "at": s.at.isoformat(),
        "before": before,
        "after": after,
        "change": {
            "headline": {k: change(before["headline"][k], after["headline"][k]) for k in HEADLINE},
            "rules": _changes(before["rules"], after["rules"], "rule"),
            "families": _changes(before["families"], after["families"], "family"),
        },
    }
