"""The compliance chart: share met on time per month per rule family, versions marked.

Drawn only from the shown (suppressed) section: a hidden share (`c`) is never plotted, its
place on the line is a gap with a `c` on the axis, so no point's height reveals a hidden count.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math

import matplotlib
from matplotlib.figure import Figure

from missing_protocol.report import charts
from missing_protocol.report.compliance import CHARTED, Family
from missing_protocol.report.compliance_render import short_month
from missing_protocol.report.compliance_section import Shown
from missing_protocol.report.suppression import SUPPRESSED

# Okabe-Ito, as the other charts: one colour and one marker per family (greyscale print too).
STYLE = {
    Family.RHI: ("#0072B2", "o"),
    Family.NOTIFICATIONS: ("#E69F00", "s"),
    Family.STRATEGY: ("#009E73", "^"),
}
VERSION = "#CC79A7"


def version_x(day: dt.date, months: list[str]) -> float:
    """Where a date falls on the month axis: month i spans [i - 0.5, i + 0.5)."""
    index = months.index(f"{day.year:04d}-{day.month:02d}")
    length = calendar.monthrange(day.year, day.month)[1]
    return index - 0.5 + (day.day - 1) / length


def share_by_month(c: Shown) -> str:
    return charts._svg(draw(c), "compliance", "Share of duties met on time by month and family")


def draw(c: Shown) -> Figure:
    """The chart as a matplotlib figure (its lines' data is what a test can inspect)."""
    months: list[str] = c["months"]
    xs = list(range(len(months)))
    families = {s["family"]: s for s in c["families"]}
    with matplotlib.rc_context(charts._RC):
        figure = charts._figure(10, 3.8)
        axes = figure.add_subplot()
        for family in CHARTED:
            colour, marker = STYLE[family]
            cells = families[family.value]["months"]
            values = [m["met_on_time_percent"] for m in cells]
            # NaN breaks the line: hidden and empty months are gaps, never drawn points.
            ys = [v if isinstance(v, int | float) else math.nan for v in values]
            axes.plot(xs, ys, color=colour, marker=marker, label=family.label, linewidth=1.8)
            hidden = [x for x, v in zip(xs, values, strict=True) if v == SUPPRESSED]
            for x in hidden:
                axes.text(x, 1, SUPPRESSED, ha="center", va="bottom", fontsize=8, color=colour)
        for day in c["versions"]:
            at = dt.date.fromisoformat(day)
            line = version_x(at, months)
            axes.axvline(line, color=VERSION, linestyle="--", linewidth=1.2)
            axes.text(
                line + 0.05,
                103,
                f"profile version from {at.day} {at:%b %Y}",
                fontsize=8,
                color=VERSION,
                va="bottom",
            )
        axes.set_xticks(xs, [short_month(m) for m in months], fontsize=8)
        axes.set_xlim(-0.6, len(months) - 0.4)
        axes.set_ylim(0, 112)
        axes.set_yticks([0, 25, 50, 75, 100])
        axes.set_ylabel("% met on time")
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, frameon=False, fontsize=9
        )
        return figure
