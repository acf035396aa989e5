"""The report as JSON-ready data (schemas/report.schema.json), disclosure control applied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from missing_protocol import clock
from missing_protocol.common.period import Cohort
from missing_protocol.common.suppression import PUBLISHED, Disclosure, shown_places
from missing_protocol.report import interviews
from missing_protocol.report.figures import CohortCounts, Hotspot, PeriodFigures, Share
from missing_protocol.report.partnership import Partnership


def hours(length: dt.timedelta | None) -> float | None:
    return None if length is None else round(length.total_seconds() / 3600, 1)


def _cohorts(counts: CohortCounts, disclosure: Disclosure) -> dict[str, Any]:
    return {c.value: disclosure.count(counts[c]) for c in Cohort}


def _shares(shares: tuple[Share, ...], base: int, disclosure: Disclosure) -> dict[str, Any]:
    return {
        s.group: {
            "children": disclosure.count(s.children),
            "percent": disclosure.percent(s.children, base),
        }
        for s in shares
    }


def _places(spots: tuple[Hotspot, ...], disclosure: Disclosure) -> list[dict[str, Any]]:
    out = []
    for spot in shown_places(spots, disclosure):
        row: dict[str, Any] = {"place": spot.place, "episodes": spot.episodes}
        if spot.lat is not None:
            row |= {"lat": spot.lat, "lon": spot.lon}
        out.append(row)
    return out


def to_dict(
    figures: PeriodFigures,
    disclosure: Disclosure = PUBLISHED,
    partnership: Partnership | None = None,
    compliance: dict[str, Any] | None = None,
    split: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report's JSON. With `partnership`: `hotspot_figures` (places and H3 cells with
    children and change) and `self_reports` (figures), plus the restricted `persons` and each
    self-report when intelligence was included. Issue 5's keys are never renamed."""
    f, d = figures, disclosure
    rhi = f.interviews
    out: dict[str, Any] = {
        "period": {
            "from": f.period.start.isoformat(),
            "to": f.period.end.isoformat(),
            "timezone": clock.LONDON,
        },
        "authority": f.authority,
        "suppressed": d.suppress,
        "episodes": d.total(f.episodes),
        "children": d.total(f.children),
        "cohorts": _cohorts(f.cohorts, d),
        "ethnicity": _shares(f.ethnicity, f.children, d),
        "sex": _shares(f.sex, f.children, d),
        "interviews": {
            "found_episodes": d.total(rhi.found_episodes),
            "offered": d.count(rhi.offered),
            "declined_by_child": d.count(rhi.declined_by_child),
            "declined_by_parent": d.count(rhi.declined_by_parent),
            "completed": d.count(rhi.completed),
            "completed_within_deadline": d.count(rhi.completed_within_deadline),
            "deadline": str(rhi.deadline),
            "deadlines": [str(x) for x in rhi.deadlines],
        },
        "repeat_children": d.count(f.repeat_children),
        "duration": {
            "found_episodes": d.total(f.duration.found_episodes),
            "median_hours": hours(f.duration.median),
            "longest_hours": hours(f.duration.longest),
            "still_missing": d.count(f.duration.still_missing),
        },
        "by_month": [
            {"month": m.month, **_cohorts(m.episodes, d), "total": d.total(m.episodes.total)}
            for m in f.by_month
        ],
        "hotspots": {
            "missing_from": _places(f.missing_from, d),
            "found_at": _places(f.found_at, d),
        },
        "cancelled_reports": d.count(f.cancelled_reports),
        "rejected_events": f.rejected_events,
        "profile": f.profile,
    }
    if f.learned is not None:
        out["interviews_told_us"] = interviews.shown(f.learned, d)
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
