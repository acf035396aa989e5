"""Compliance figures with disclosure control applied: the one form every renderer reads.

Each status count is shown or `c`; the duties judged and the duties that fell due are totals
(shown in full, like a month's episodes); the share met on time is hidden with the met count
and with the count of the rest (late, overdue, breached), either of which it would give away.
Renderers and the chart see only this JSON-ready data, never the raw tallies.
"""

from __future__ import annotations

from typing import Any

from missing_protocol import clock
from missing_protocol.report.compliance import Compliance, Family, Series, Tally, family_of
from missing_protocol.report.suppression import SUPPRESSED, Disclosure
from missing_protocol.rules import Status

Shown = dict[str, Any]


def shown_tally(tally: Tally, d: Disclosure) -> Shown:
    """A tally as published: totals in full, each status shown or `c`, the share hidden with it."""
    return {
        "judged": d.total(tally.judged),
        **{s.value: d.count(tally[s]) for s in Status},
        "fell_due": d.total(tally.fell_due),
        "met_on_time_percent": share(tally, d),
    }


def share(tally: Tally, d: Disclosure) -> float | str | None:
    """Met over fell due, hidden when the met count or the rest (not met on time) is hidden:
    a share and its total give both, so a drawn point must not stand for a hidden count."""
    if d.hides(tally.fell_due - tally.met):
        return SUPPRESSED
    return d.percent(tally.met, tally.fell_due)


def _series(series: Series, months: tuple[str, ...], d: Disclosure, key: str) -> Shown:
    return {
        key: series.key,
        **({"family": family_of(series.key).value} if key == "rule" else {}),
        "months": [
            {"month": m, **shown_tally(t, d)} for m, t in zip(months, series.months, strict=True)
        ],
        "total": shown_tally(series.total, d),
    }


def section(c: Compliance, d: Disclosure) -> Shown:
    """The report's `compliance` key (schemas/report.schema.json)."""
    return {
        "as_of": clock.iso(c.as_of),
        "profile": c.profile,
        "months": list(c.months),
        "versions": [v.isoformat() for v in c.versions],
        "rules": [_series(s, c.months, d, "rule") for s in c.rules],
        "families": [_series(s, c.months, d, "family") for s in c.families()],
        "owners": [
            {"owner": o.owner, "rules": [_series(s, c.months, d, "rule") for s in o.rules]}
            for o in c.owners
        ],
    }


def family_label(key: str) -> str:
    return Family(key).label
