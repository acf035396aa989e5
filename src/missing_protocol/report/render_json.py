"""The report as JSON-ready data (schemas/report.schema.json), disclosure control applied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from missing_protocol import clock
from missing_protocol.common.period import Cohort
from missing_protocol.common.suppression import ShownPlace, rounded
from missing_protocol.report.disclosed import Cell, Disclosed, ShownCohorts, ShownShare
from missing_protocol.report.partnership import Partnership


def hours(length: dt.timedelta | None) -> float | None:
    return None if length is None else round(length.total_seconds() / 3600, 1)


def _cohorts(counts: ShownCohorts) -> dict[str, Any]:
    return {c.value: counts[c] for c in Cohort}


def _shares(shares: tuple[ShownShare, ...]) -> dict[str, Any]:
    return {s.group: _cell(s.children, "children") for s in shares}


def _cell(cell: Cell, name: str) -> dict[str, Any]:
    return {name: cell.count, "percent": rounded(cell.percent)}


def _places(spots: tuple[ShownPlace, ...]) -> list[dict[str, Any]]:
    out = []
    for spot in spots:
        row: dict[str, Any] = {"place": spot.place, "episodes": spot.episodes}
        if spot.lat is not None:
            row |= {"lat": spot.lat, "lon": spot.lon}
        out.append(row)
    return out


def to_dict(
    figures: Disclosed,
    partnership: Partnership | None = None,
    compliance: dict[str, Any] | None = None,
    split: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report's JSON, from the disclosed figures (`disclosed.disclose`). With `partnership`:
    `hotspot_figures` (places and H3 cells with children and change) and `self_reports`
    (figures), plus the restricted `persons` and each self-report when intelligence was
    included. Issue 5's keys are never renamed."""
    f = figures
    rhi = f.interviews
    out: dict[str, Any] = {
        "period": {
            "from": f.period.start.isoformat(),
            "to": f.period.end.isoformat(),
            "timezone": clock.LONDON,
        },
        "authority": f.authority,
        "suppressed": f.suppressed,
        "episodes": f.episodes,
        "children": f.children,
        "cohorts": {c.value: cell.count for c, cell in f.cohorts},
        "ethnicity": _shares(f.ethnicity),
        "sex": _shares(f.sex),
        "interviews": {
            "found_episodes": rhi.found_episodes,
            "offered": rhi.offered.count,
            "declined_by_child": rhi.declined_by_child.count,
            "declined_by_parent": rhi.declined_by_parent.count,
            "completed": rhi.completed.count,
            "completed_within_deadline": rhi.completed_within_deadline.count,
            "deadline": str(rhi.deadline),
            "deadlines": [str(x) for x in rhi.deadlines],
        },
        "repeat_children": f.repeat_children,
        "duration": {
            "found_episodes": f.duration.found_episodes,
            "median_hours": hours(f.duration.median),
            "longest_hours": hours(f.duration.longest),
            "still_missing": f.duration.still_missing,
        },
        "by_month": [
            {"month": m.month, **_cohorts(m.episodes), "total": m.episodes.total}
            for m in f.by_month
        ],
        "hotspots": {
            "missing_from": _places(f.missing_from),
            "found_at": _places(f.found_at),
        },
        "cancelled_reports": f.cancelled_reports,
        "rejected_events": f.rejected_events,
        "profile": f.profile,
    }
    if f.learned is not None:
        out["interviews_told_us"] = f.learned
    if partnership is not None:
        out["hotspot_figures"] = partnership.hotspots
        out["self_reports"] = partnership.self_reports
        if partnership.persons is not None:
            out["persons"] = partnership.persons
    if compliance is not None:
        out["compliance"] = compliance  # compliance_section.section: suppressed already
    if split is not None:
        out["split"] = split  # split.section: suppressed already
    return out
