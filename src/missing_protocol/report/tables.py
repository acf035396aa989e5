"""The report's tables as rows of shown text (disclosure applied), shared by text and HTML.

Each renderer lays the rows out its own way (aligned columns, or an HTML table) under its own
headings; the figures in the cells, and their order, are the same in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from missing_protocol.common.period import Cohort
from missing_protocol.report import wording as w
from missing_protocol.report.disclosed import Cell, Disclosed, ShownShare
from missing_protocol.report.partnership import Partnership

Rows = list[list[str]]


def _cells(cell: Cell) -> list[str]:
    return [w.count(cell.count), w.percent(cell.percent)]


def cohorts(f: Disclosed) -> Rows:
    """Children by cohort, with a percentage of the period's children (no total row)."""
    return [[c.label(f.authority), *_cells(cell)] for c, cell in f.cohorts]


def cohort_total(f: Disclosed) -> list[str]:
    return ["Total", str(f.children), ""]


def shares(items: Sequence[ShownShare]) -> Rows:
    """Children by ethnic group or sex, with a percentage of the period's children."""
    return [[w.group_label(s), *_cells(s.children)] for s in items]


def interviews(f: Disclosed) -> Rows:
    """The found episodes (a total), then each stage with its percentage of them."""
    rhi = f.interviews
    stages = [
        ("Offered an interview", rhi.offered),
        ("Declined by the child", rhi.declined_by_child),
        ("Declined by a parent", rhi.declined_by_parent),
        ("Interview completed", rhi.completed),
        (f"Completed within {w.rhi_deadline(rhi)}", rhi.completed_within_deadline),
    ]
    return [["Found episodes", str(rhi.found_episodes), ""]] + [
        [label, *_cells(cell)] for label, cell in stages
    ]


def months(f: Disclosed) -> Rows:
    """Episodes by month and cohort, each month's total in full."""
    return [
        [
            w.month_label(m.month),
            *(w.count(m.episodes[c]) for c in Cohort),
            str(m.episodes.total),
        ]
        for m in f.by_month
    ]


MONTH_HEADER = ["Month", "Looked after here", "Placed here", "From home", "Total"]

# ---- partnership intelligence: from the JSON-ready sections, `c` already applied ------------

SPOT_HEADER = ["Place", "Episodes", "Children", "Before", "Change"]


def spot_figures(row: dict[str, Any]) -> list[str]:
    """A hotspot's figures after its label: episodes, children, before, change."""
    return [
        w.shown(row["episodes"]),
        w.shown(row["children"]),
        w.shown(row["previous_episodes"]),
        w.signed(row["change"]),
    ]


def self_report_classes(part: Partnership) -> Rows:
    """Self-reports and children by class (no total row)."""
    f = part.self_reports["figures"]
    return [
        [w.CLASS_LABELS[name], w.shown(c["self_reports"]), w.shown(c["children"])]
        for name, c in f["classes"].items()
    ]


def self_report_total(part: Partnership) -> list[str]:
    f = part.self_reports["figures"]
    return ["Total", str(f["self_reports"]), str(f["children"])]


def conflicts(part: Partnership) -> Rows:
    f = part.self_reports["figures"]
    return [[w.CONFLICT_LABELS[k], w.shown(v)] for k, v in f["conflicts"].items()]


def follow_ups(part: Partnership) -> Rows:
    """The follow-up of unmatched self-reports (matched ones need none and are left out)."""
    f = part.self_reports["figures"]
    return [
        [w.FOLLOW_UP_LABELS[k], w.shown(v)]
        for k, v in f["follow_up"].items()
        if k != "not_required"
    ]


def reasons(part: Partnership) -> Rows:
    f = part.self_reports["figures"]
    return [[w.reason(r["reason"]), w.shown(r["self_reports"])] for r in f["reasons"]]
