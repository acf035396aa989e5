"""The report as CSV tables for a spreadsheet, one file per table, disclosure control applied."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from missing_protocol.report.figures import Cohort, Hotspot, PeriodFigures
from missing_protocol.report.render_json import hours
from missing_protocol.report.suppression import PUBLISHED, Disclosure

Cell = str | int | float | None
# Rows are read-only sequences so rows of narrower cells (all ints, say) fit too.
Table = list[Sequence[Cell]]


def _percent(d: Disclosure, n: int, base: int) -> str | float | None:
    return d.percent(n, base)


def _places(spots: tuple[Hotspot, ...], d: Disclosure) -> Table:
    rows: Table = [["place", "episodes", "lat", "lon"]]
    rows += [[s.place, d.count(s.episodes), s.lat, s.lon] for s in spots]
    return rows


def tables(figures: PeriodFigures, disclosure: Disclosure = PUBLISHED) -> dict[str, Table]:
    """Each CSV file's name and rows (header first)."""
    f, d = figures, disclosure
    rhi = f.interviews
    stages = [
        ("found_episodes", rhi.found_episodes),
        ("offered", rhi.offered),
        ("declined_by_child", rhi.declined_by_child),
        ("declined_by_parent", rhi.declined_by_parent),
        ("completed", rhi.completed),
        ("completed_within_deadline", rhi.completed_within_deadline),
    ]
    return {
        "summary.csv": [
            ["figure", "value"],
            ["authority", f.authority],
            ["period_from", f.period.start.isoformat()],
            ["period_to_exclusive", f.period.end.isoformat()],
            ["suppressed", str(d.suppress).lower()],
            ["notice", d.notice],
            ["episodes", f.episodes],
            ["children", f.children],
            ["repeat_children", d.count(f.repeat_children)],
            ["median_hours_missing", hours(f.duration.median)],
            ["longest_hours_missing", hours(f.duration.longest)],
            ["still_missing", d.count(f.duration.still_missing)],
            ["cancelled_reports", d.count(f.cancelled_reports)],
            ["rejected_events", f.rejected_events],
            ["rhi_deadline", str(rhi.deadline)],
        ],
        "cohorts.csv": [
            ["cohort", "children", "percent"],
            *(
                [c.value, d.count(f.cohorts[c]), _percent(d, f.cohorts[c], f.children)]
                for c in Cohort
            ),
            ["total", f.children, 100.0 if f.children else None],
        ],
        "ethnicity.csv": [
            ["group", "children", "percent"],
            *(
                [s.group, d.count(s.children), _percent(d, s.children, f.children)]
                for s in f.ethnicity
            ),
        ],
        "sex.csv": [
            ["sex", "children", "percent"],
            *([s.group, d.count(s.children), _percent(d, s.children, f.children)] for s in f.sex),
        ],
        "interviews.csv": [
            ["stage", "episodes", "percent_of_found"],
            *(
                [
                    name,
                    d.total(n) if name == "found_episodes" else d.count(n),
                    _percent(d, n, rhi.found_episodes),
                ]
                for name, n in stages
            ),
        ],
        "by_month.csv": [
            ["month", *(c.value for c in Cohort), "total"],
            *(
                [m.month, *(d.count(m.episodes[c]) for c in Cohort), m.episodes.total]
                for m in f.by_month
            ),
        ],
        "hotspots_missing_from.csv": _places(f.missing_from, d),
        "hotspots_found_at.csv": _places(f.found_at, d),
    }


def render(rows: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue()


def write(
    figures: PeriodFigures, directory: str | Path, disclosure: Disclosure = PUBLISHED
) -> list[Path]:
    """Write every table into `directory` (created if needed); returns the paths written."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in tables(figures, disclosure).items():
        path = folder / name
        path.write_text(render(rows), encoding="utf-8")
        written.append(path)
    return written
