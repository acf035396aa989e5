"""Charts for the HTML report: matplotlib drawn straight to inline SVG (no network, no pyplot).

Charts take only disclosed figures (`disclosed.Disclosed`): a hidden count is never drawn as a
bar (its place shows the letter `c`), and no scale or position is worked out from one.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from missing_protocol.common.period import Cohort
from missing_protocol.common.suppression import SUPPRESSED, Hidden, rounded
from missing_protocol.report import wording as w
from missing_protocol.report.disclosed import Disclosed, ShownShare

# Okabe-Ito colours: told apart by readers with colour-blindness and in greyscale print.
COHORT_COLOURS = {
    Cohort.OWN_LOOKED_AFTER: "#0072B2",
    Cohort.PLACED_HERE_BY_OTHERS: "#E69F00",
    Cohort.FROM_HOME: "#009E73",
}
BAR = "#0072B2"
DECLINED = "#CC79A7"
INK = "#222222"
MUTED = "#666666"

# Typed loosely: matplotlib's stubs list every rc key as a Literal, which a dict[str, ...] fails.
_RC: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: selectable, searchable, small
    "text.parse_math": False,  # labels hold text from the log: `$...$` is text, not mathtext
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # shipped with matplotlib, so layout is the same anywhere
    "font.size": 10,
    "axes.edgecolor": MUTED,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.color": INK,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def _svg(figure: Figure, name: str, label: str) -> str:
    """The figure as an <svg> element sized by its container, ids unique to this chart."""
    buffer = io.StringIO()
    # The salt makes clip-path ids differ between the charts that share one page.
    with matplotlib.rc_context({**_RC, "svg.hashsalt": name}):
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    # The RDF metadata block (creator, format) is noise in a page and names URLs; drop it.
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, count=1, flags=re.DOTALL)
    text = re.sub(r'<svg([^>]*?) width="[^"]*" height="[^"]*"', r"<svg\1", text, count=1)
    return text.replace(
        "<svg",
        f'<svg class="chart" role="img" aria-label="{label}" preserveAspectRatio="xMinYMin meet"',
        1,
    )


def _figure(width: float, height: float) -> Figure:
    with matplotlib.rc_context(_RC):
        return Figure(figsize=(width, height), layout="constrained")


def _hbars(
    axes: Axes,
    labels: Sequence[str],
    values: Sequence[float],
    shown: Sequence[str],
    colours: Sequence[str],
    scale: float,
) -> None:
    """Horizontal bars, top to bottom, each labelled with its shown value (or `c`)."""
    positions = list(range(len(labels)))[::-1]
    for y, value, text, colour in zip(positions, values, shown, colours, strict=True):
        hidden = text == SUPPRESSED
        if not hidden:
            axes.barh(y, value, color=colour, height=0.65)
        axes.text(
            (0 if hidden else value) + scale * 0.01,
            y,
            text,
            va="center",
            fontsize=9,
            color=MUTED if hidden else INK,
        )
    axes.set_yticks(positions, labels)
    axes.set_xlim(0, scale * 1.15 if scale else 1)
    axes.tick_params(axis="y", length=0)


def _mark_hidden(axes: Axes, xs: Sequence[float]) -> None:
    """A `c` where each hidden bar would stand, at a fixed height on the axes (not in data
    units), so its position says nothing about any count, hidden or shown."""
    for x in xs:
        axes.text(
            x,
            0.01,
            SUPPRESSED,
            ha="center",
            va="bottom",
            fontsize=8,
            color=MUTED,
            transform=axes.get_xaxis_transform(),
        )


def by_month(figures: Disclosed) -> str:
    with matplotlib.rc_context(_RC):
        figure = _figure(10, 3.6)
        axes = figure.add_subplot()
        months = [w.month_label(m.month) for m in figures.by_month]
        width = 0.27
        for k, cohort in enumerate(Cohort):
            xs = [i + (k - 1) * width for i in range(len(months))]
            values = [m.episodes[cohort] for m in figures.by_month]
            drawn = [v if isinstance(v, int) else 0 for v in values]
            axes.bar(
                xs,
                drawn,
                width,
                color=COHORT_COLOURS[cohort],
                label=cohort.label(figures.authority),
            )
            hidden = [x for x, v in zip(xs, values, strict=True) if isinstance(v, Hidden)]
            _mark_hidden(axes, hidden)
        axes.set_xticks(range(len(months)), months, rotation=0, fontsize=8)
        axes.set_ylabel("Episodes")
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=3, frameon=False, fontsize=9
        )
        return _svg(figure, "by_month", "Missing episodes by month and cohort")


def interviews(figures: Disclosed) -> str:
    rhi = figures.interviews
    stages = [
        ("Found", rhi.found_episodes, BAR),
        ("Offered an interview", rhi.offered.count, BAR),
        ("Interview completed", rhi.completed.count, BAR),
        (f"Completed within {w.rhi_deadline(rhi)}", rhi.completed_within_deadline.count, BAR),
        ("Declined by the child", rhi.declined_by_child.count, DECLINED),
        ("Declined by a parent", rhi.declined_by_parent.count, DECLINED),
    ]
    shown = [str(n) for _, n, _ in stages]
    with matplotlib.rc_context(_RC):
        figure = _figure(6.2, 3.0)
        axes = figure.add_subplot()
        _hbars(
            axes,
            [s[0] for s in stages],
            [n if isinstance(n, int) else 0 for _, n, _ in stages],
            shown,
            [s[2] for s in stages],
            float(rhi.found_episodes),
        )
        axes.set_xlabel("Found episodes")
        return _svg(figure, "interviews", "Return home interviews per found episode")


def shares(name: str, title: str, items: Sequence[ShownShare]) -> str:
    """Percentages of the period's children by group (ethnicity or sex)."""
    labels = [w.group_label(s) for s in items]
    values = [p if isinstance(p := rounded(s.children.percent), float) else 0.0 for s in items]
    shown = [w.percent(s.children.percent) for s in items]
    with matplotlib.rc_context(_RC):
        figure = _figure(6.2, 0.5 + 0.36 * len(items))
        axes = figure.add_subplot()
        _hbars(axes, labels, values, shown, [BAR] * len(items), 100.0)
        axes.set_xlabel("% of children")
        return _svg(figure, name, title)


def reasons(rows: Sequence[dict[str, Any]]) -> str:
    """The reasons young people give in their self-reports (counts as published, `c` kept)."""
    labels = [w.reason(str(r["reason"])) for r in rows]
    shown = [str(r["self_reports"]) for r in rows]
    values = [float(r["self_reports"]) if isinstance(r["self_reports"], int) else 0.0 for r in rows]
    with matplotlib.rc_context(_RC):
        figure = _figure(6.2, 0.5 + 0.36 * len(rows))
        axes = figure.add_subplot()
        _hbars(axes, labels, values, shown, [BAR] * len(rows), max(values, default=0.0))
        axes.set_xlabel("Self-reports giving the reason")
        return _svg(figure, "reasons", "Reasons young people gave in their self-reports")
