"""'What interviews told us' in the HTML report: tables and the month chart of plans.

The chart is drawn from the published section only: a hidden count is never a bar (a `c` stands
at a fixed height instead), and the axis scales to the shown values, so nothing in the picture
gives a hidden count away. Each profile version starting in the period is a dashed line.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from missing_protocol.common.suppression import SUPPRESSED
from missing_protocol.report import interviews_tables as t
from missing_protocol.report import wording as w
from missing_protocol.report.html_parts import table

PLANS = "#56B4E9"
FAMILY = "#009E73"


def chart(s: t.Section) -> str:
    """Plans made each month, and those with a family-network action; versions marked."""
    import matplotlib  # matplotlib only when the page is drawn (the slim install has none)

    from missing_protocol.report import charts
    from missing_protocol.report.compliance_chart import VERSION, version_x

    rows = s["by_month"]
    months = [r["month"] for r in rows]
    shown = [(r["plans"], r["family_network"]) for r in rows]
    numbers = [v for pair in shown for v in pair if isinstance(v, int)]
    peak = max(numbers, default=0) or 1
    width = 0.38
    with matplotlib.rc_context(charts._RC):
        figure = charts._figure(10, 3.4)
        axes = figure.add_subplot()
        for k, (colour, label) in enumerate(
            ((PLANS, "Plans made"), (FAMILY, "With a family-network action"))
        ):
            xs = [i + (k - 0.5) * width for i in range(len(rows))]
            values = [pair[k] for pair in shown]
            axes.bar(
                xs,
                [v if isinstance(v, int) else 0 for v in values],
                width,
                color=colour,
                label=label,
            )
            hidden = [x for x, v in zip(xs, values, strict=True) if v == SUPPRESSED]
            charts._mark_hidden(axes, hidden)
        # Marked as on the compliance chart: a dashed line on the day each version starts.
        for version in s["versions"]:
            at = dt.date.fromisoformat(version)
            x = version_x(at, months)
            axes.axvline(x, color=VERSION, linestyle="--", linewidth=1.2)
            axes.text(
                x + 0.05, peak * 1.08, f"profile version from {at.day} {at:%b %Y}",
                color=VERSION, fontsize=8, va="bottom",
            )  # fmt: skip
        axes.set_ylim(0, peak * 1.25)
        axes.set_xticks(range(len(months)), [w.month_label(m) for m in months], fontsize=8)
        axes.set_ylabel("Plans")
        axes.legend(
            loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2, frameon=False, fontsize=9
        )
        return charts._svg(figure, "plans_by_month", "Plans made by month, with family network")


def section(s: t.Section) -> str:
    p = s["plans"]
    cohorts = ["Looked after here", "Placed here", "From home"]
    reasons = t.mentions(s["reasons"])
    risks = t.mentions(s["risks"], True)
    versions = ", ".join(w.day(dt.date.fromisoformat(v)) for v in s["versions"])
    marked = f" Dashed lines: the profile versions from {escape(versions)}." if versions else ""
    return f"""<section id="interviews-told-us">
<h2>{t.TITLE}</h2>
<p class="lead">{escape(t.summary(s))}</p>
<p class="meta">Interviews completed in the period. Each reason or risk counts once per
interview, and children once each; reasons, risks and owners given in 1 to 5 interviews are
pooled.</p>
<div class="grid">
<div><h3>Reasons given</h3>
{table(["Reason", "Interviews", "Children", *cohorts], reasons) if reasons else "<p>None recorded.</p>"}</div>
<div><h3>Risks named</h3>
{table(["Risk", "Interviews", "Children", *cohorts], risks) if risks else "<p>None recorded.</p>"}</div>
</div>
<h3>Plans after the interview</h3>
{table(["Plans", "Episodes", "%"], t.plans(s))}
<div class="grid">
<div><h3>Actions by kind</h3>
<p class="meta">{escape(w.shown(p["actions"]))} actions in these plans; children counted once per kind.</p>
{table(t.KIND_HEADER, t.kinds(s))}</div>
<div><h3>Actions by owner</h3>
{table(t.OWNER_HEADER, t.owners(s)) if p["by_owner"] else "<p>No actions.</p>"}</div>
</div>
<h3>Plans with a family-network action, by month</h3>
<p class="meta">Every plan made in the month for this authority's episodes.{marked}</p>
<figure>{chart(s)}</figure>
{table(t.MONTH_HEADER, t.months(s))}
</section>
"""
