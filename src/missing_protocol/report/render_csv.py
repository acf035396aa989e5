"""The report as CSV tables for a spreadsheet, one file per table, disclosure control applied.

With the partnership section: its published figures (hotspots by place and by H3 cell, the
self-report classes and reasons, a figure-per-row summary) and, only when intelligence was
included, the restricted tables (persons of concern, their actions, groups, each self-report).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from missing_protocol.common.period import Cohort
from missing_protocol.common.suppression import ShownPlace, rounded
from missing_protocol.intelligence.hotspots import PlaceKind
from missing_protocol.report import compliance_render, disclosed, interviews_tables, split_render
from missing_protocol.report import wording as w
from missing_protocol.report.disclosed import Disclosed
from missing_protocol.report.partnership import Partnership
from missing_protocol.report.render_json import hours

Cell = str | int | float | None
# Rows are read-only sequences so rows of narrower cells (all ints, say) fit too.
Table = list[Sequence[Cell]]
# Restricted detail: written only with --include-intelligence, removed from DIR otherwise.
RESTRICTED_TABLES = ("persons.csv", "person_actions.csv", "person_groups.csv", "self_reports.csv")
LIST_SEPARATOR = "; "


def _places(spots: tuple[ShownPlace, ...]) -> Table:
    rows: Table = [["place", "episodes", "lat", "lon"]]
    rows += [[s.place, s.episodes, s.lat, s.lon] for s in spots]
    return rows


def _row(label: str, cell: disclosed.Cell) -> list[Cell]:
    return [label, cell.count, rounded(cell.percent)]


def tables(
    figures: Disclosed,
    partnership: Partnership | None = None,
    compliance: dict[str, Any] | None = None,
    split: dict[str, Any] | None = None,
) -> dict[str, Table]:
    """Each CSV file's name and rows (header first), from the disclosed figures; with
    `partnership`, its tables too."""
    f = figures
    rhi = f.interviews
    stages = [
        ("offered", rhi.offered),
        ("declined_by_child", rhi.declined_by_child),
        ("declined_by_parent", rhi.declined_by_parent),
        ("completed", rhi.completed),
        ("completed_within_deadline", rhi.completed_within_deadline),
    ]
    found = rhi.found_episodes
    out: dict[str, Table] = {
        "summary.csv": [
            ["figure", "value"],
            ["authority", f.authority],
            ["period_from", f.period.start.isoformat()],
            ["period_to_exclusive", f.period.end.isoformat()],
            ["suppressed", str(f.suppressed).lower()],
            ["notice", f.notice],
            ["episodes", f.episodes],
            ["children", f.children],
            ["repeat_children", f.repeat_children],
            ["median_hours_missing", hours(f.duration.median)],
            ["longest_hours_missing", hours(f.duration.longest)],
            ["still_missing", f.duration.still_missing],
            ["cancelled_reports", f.cancelled_reports],
            ["rejected_events", f.rejected_events],
            ["rhi_deadline", str(rhi.deadline)],
        ],
        "cohorts.csv": [
            ["cohort", "children", "percent"],
            *(_row(c.value, cell) for c, cell in f.cohorts),
            ["total", f.children, 100.0 if f.children else None],
        ],
        "ethnicity.csv": [
            ["group", "children", "percent"],
            *(_row(s.group, s.children) for s in f.ethnicity),
        ],
        "sex.csv": [
            ["sex", "children", "percent"],
            *(_row(s.group, s.children) for s in f.sex),
        ],
        "interviews.csv": [
            ["stage", "episodes", "percent_of_found"],
            ["found_episodes", found, rounded(rhi.found_percent)],
            *(_row(name, cell) for name, cell in stages),
        ],
        "by_month.csv": [
            ["month", *(c.value for c in Cohort), "total"],
            *([m.month, *(m.episodes[c] for c in Cohort), m.episodes.total] for m in f.by_month),
        ],
        "hotspots_missing_from.csv": _places(f.missing_from),
        "hotspots_found_at.csv": _places(f.found_at),
    }
    if f.learned is not None:
        out |= interviews_tables.csv_tables(f.learned)
    if partnership is not None:
        out |= partnership_tables(partnership)
    if compliance is not None:
        out["compliance.csv"] = compliance_render.csv_table(compliance)
    if split is not None:
        out["split.csv"] = split_render.csv_table(split)
    return out


def render(rows: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([["" if v is None else _inert(v) for v in row] for row in rows])
    return out.getvalue()


# What a spreadsheet reads as the start of a formula (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert(value: Any) -> Any:
    """Text from the log (a place, a reason, an owner) that a spreadsheet would run as a formula
    is given a leading `'`, which it shows as text; numbers (a change of -3) are left alone."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def write(
    figures: Disclosed,
    directory: str | Path,
    partnership: Partnership | None = None,
    *,
    compliance: dict[str, Any] | None = None,
    split: dict[str, Any] | None = None,
) -> list[Path]:
    """Write every table into `directory` (created if needed); returns the paths written.

    Text from the log is quoted by the csv module; an unpaired surrogate it may hold is written
    as its backslash escape. Restricted tables and split.csv left
    in the directory by an earlier run with them are removed when this one has none, so the
    directory never holds more than this report.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    chosen = tables(figures, partnership, compliance, split)
    for name, rows in chosen.items():
        path = folder / name
        text = render(rows)
        path.write_text(text, encoding="utf-8", errors="backslashreplace")
        written.append(path)
    for name in (*RESTRICTED_TABLES, "split.csv"):
        if name not in chosen:
            (folder / name).unlink(missing_ok=True)
    return written


# ---- partnership intelligence (issue 6): rows from the JSON-ready sections, `c` already applied

SPOT_COLUMNS = ("episodes", "children", "previous_episodes", "change")
PERSON_COLUMNS = (
    "person_id",
    "roles",
    "children",
    "episodes",
    "links",
    "first_link",
    "last_link",
    "places",
    "flags",
    "links_after_disruption",
)
SELF_REPORT_COLUMNS = (
    "report_id",
    "child_id",
    "at",
    "away_from",
    "away_to",
    "class",
    "conflict",
    "episodes",
    "reasons",
    "location",
    "follow_up_status",
    "follow_up_responsible",
    "follow_up_due",
    "follow_up_done",
)


def _cell(value: Cell | list[Any]) -> Cell:
    """A JSON value as one cell: a list is joined with semicolons (place names hold commas)."""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(x) for x in value)
    return value


def _records(columns: Sequence[str], records: Iterable[dict[str, Any]]) -> Table:
    """One row a JSON object, the columns named by its keys."""
    rows: Table = [list(columns)]
    rows += [[_cell(r[c]) for c in columns] for r in records]
    return rows


def _share(shown: Cell, base: int) -> Cell:
    """A published count as a percentage of a total: hidden with its count, None without a base."""
    if isinstance(shown, str):
        return shown
    if not base or shown is None:
        return None
    return round(100 * shown / base, 1)


def _flat(prefix: str, value: Any) -> Table:
    """A JSON object as figure rows named by their JSON path (lists have tables of their own)."""
    if isinstance(value, dict):
        return [row for key, item in value.items() for row in _flat(f"{prefix}.{key}", item)]
    if isinstance(value, list):
        return []
    return [[prefix, value]]


def _intelligence_summary(part: Partnership) -> Table:
    """The section's figures one a row, named by their path in the report's JSON."""
    h, s = part.hotspots, part.self_reports
    rows: Table = [
        ["figure", "value"],
        ["suppressed", str(h["suppressed"]).lower()],
        ["notice", h["notice"]],
        ["restricted", str(part.restricted).lower()],
        *([["restricted_notice", w.RESTRICTED]] if part.restricted else []),
        ["records_from", None if part.records_from is None else part.records_from.isoformat()],
        ["previous_period_partly_on_record", str(part.previous_partly_covered()).lower()],
        ["self_report_tolerance", str(part.tolerance)],
        ["self_report_follow_up_within", str(part.follow_up_within)],
    ]
    for key in ("period", "previous_period", "resolution", "totals"):
        rows += _flat(f"hotspot_figures.{key}", h[key])
    rows += _flat("self_reports.as_of", s["as_of"])
    rows += _flat("self_reports.profile", s["profile"])
    figures = {k: v for k, v in s["figures"].items() if k not in ("classes", "reasons")}
    rows += _flat("self_reports.figures", figures)
    if part.persons is not None:
        rows += _flat("persons.figures", part.persons["figures"])
    return rows


def _hotspots(h: dict[str, Any], group: str, columns: Sequence[str]) -> Table:
    """Places or H3 cells of both kinds, the kind in the first column."""
    spots = [{"kind": kind.value, **r} for kind in PlaceKind for r in h[kind.value][group]]
    return _records(["kind", *columns, *SPOT_COLUMNS], spots)


def _self_report_classes(figures: dict[str, Any]) -> Table:
    total = figures["self_reports"]
    return [
        ["class", "self_reports", "percent", "children"],
        *(
            [name, c["self_reports"], _share(c["self_reports"], total), c["children"]]
            for name, c in figures["classes"].items()
        ),
        ["total", total, 100.0 if total else None, figures["children"]],
    ]


def _self_report_reasons(figures: dict[str, Any]) -> Table:
    total = figures["self_reports"]
    rows: Table = [["reason", "self_reports", "percent"]]
    rows += [
        [r["reason"], r["self_reports"], _share(r["self_reports"], total)]
        for r in figures["reasons"]
    ]
    return rows


def _person_actions(persons: list[dict[str, Any]]) -> Table:
    """Each person's disruptions and prosecutions, in time order."""
    rows: list[dict[str, Any]] = []
    for x in persons:
        done = [{"action": "disruption", **e} for e in x["disruptions"]]
        done += [
            {"action": "prosecution", "at": e["at"], "kind": e["outcome"]}
            for e in x["prosecutions"]
        ]
        done.sort(key=lambda e: dt.datetime.fromisoformat(e["at"]))
        rows += [
            {"person_id": x["person_id"], "partner": None, "location": None, **e} for e in done
        ]
    return _records(["person_id", "at", "action", "kind", "partner", "location"], rows)


def partnership_tables(part: Partnership) -> dict[str, Table]:
    """The intelligence tables: published figures, and restricted detail when it was included."""
    figures = part.self_reports["figures"]
    out = {
        "intelligence_summary.csv": _intelligence_summary(part),
        "hotspot_places.csv": _hotspots(part.hotspots, "places", ["place"]),
        "hotspot_cells.csv": _hotspots(part.hotspots, "cells", ["cell", "lat", "lon", "places"]),
        "self_report_classes.csv": _self_report_classes(figures),
        "self_report_reasons.csv": _self_report_reasons(figures),
    }
    if part.persons is not None:
        persons = part.persons["persons"]
        groups = [{"group": i, **g} for i, g in enumerate(part.persons["groups"], start=1)]
        reports = [
            {**x, **{f"follow_up_{k}": v for k, v in x["follow_up"].items()}}
            for x in part.self_reports["self_reports"]
        ]
        out |= {
            "persons.csv": _records(PERSON_COLUMNS, persons),
            "person_actions.csv": _person_actions(persons),
            "person_groups.csv": _records(["group", "children", "persons", "episodes"], groups),
            "self_reports.csv": _records(SELF_REPORT_COLUMNS, reports),
        }
    return out
