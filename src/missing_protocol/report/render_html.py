"""The report as one self-contained HTML page a councillor can read and print.

Everything is inline (styles and SVG charts), so the page needs no network when it is opened.
"""

from __future__ import annotations

from html import escape
from typing import Any

from missing_protocol import clock
from missing_protocol.common.suppression import ShownPlace
from missing_protocol.report import (
    charts,
    compliance_render,
    html_interviews,
    html_partnership,
    split_render,
    tables,
)
from missing_protocol.report import wording as w
from missing_protocol.report.disclosed import Disclosed
from missing_protocol.report.html_parts import card, table
from missing_protocol.report.partnership import Partnership

STYLE = """
:root { --ink: #222; --muted: #666; --rule: #d0d7de; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Arial, sans-serif; color: var(--ink); margin: 0 auto;
       max-width: 1060px; padding: 24px 32px; line-height: 1.45; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 28px 0 8px; border-bottom: 2px solid var(--accent);
     padding-bottom: 4px; }
p.meta { color: var(--muted); margin: 0 0 6px; }
p.notice { background: #fff8e1; border-left: 4px solid #E69F00; padding: 6px 10px; }
p.notice.internal { background: #fdecea; border-left-color: #c62828; font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 16px 0; }
.card { border: 1px solid var(--rule); border-radius: 6px; padding: 10px 12px; }
.card .value { font-size: 2rem; font-weight: 700; color: var(--accent); }
.card .label { color: var(--muted); font-size: 0.9rem; }
.lead p { margin: 6px 0; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 0.95rem; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--rule); }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 700; }
svg.chart { width: 100%; height: auto; display: block; }
footer { margin-top: 32px; color: var(--muted); font-size: 0.85rem; }
h3 { font-size: 1rem; margin: 14px 0 4px; }
.muted { color: var(--muted); font-size: 0.8rem; }
section.restricted { border-left: 4px solid #c62828; padding-left: 14px; }
section.restricted h2 { border-bottom-color: #c62828; }
/* Five-column place tables side by side do not fit a printed page or a narrow window. */
@media print, (max-width: 900px) { .grid.places { grid-template-columns: 1fr; } }
section, figure, table { break-inside: avoid; page-break-inside: avoid; }
figure { margin: 0; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  .cards { grid-template-columns: repeat(4, 1fr); }
  h2 { break-after: avoid; page-break-after: avoid; }
}
@page { size: A4; margin: 15mm; }
"""


def _places(spots: tuple[ShownPlace, ...]) -> str:
    if not spots:
        return "<p>No places recorded.</p>"
    return table(["Place", "Episodes"], [[s.place, str(s.episodes)] for s in spots])


def _places_section(f: Disclosed) -> str:
    """Issue 5's hotspots: places by episodes (used when no partnership section is given)."""
    return f"""<section>
<h2>Hotspots</h2>
<div class="grid">
<div><h3>Most often missing from</h3>{_places(f.missing_from)}</div>
<div><h3>Most often found at</h3>{_places(f.found_at)}</div>
</div>
</section>
"""


def render(
    figures: Disclosed,
    partnership: Partnership | None = None,
    compliance: dict[str, Any] | None = None,
    split: dict[str, Any] | None = None,
) -> str:
    """The page from the disclosed figures (`disclosed.disclose`); with `partnership`, its hotspots and self-reports (and restricted detail);
    with `compliance` (compliance_section.section, already suppressed), compliance over time;
    with `split` (split.section, already suppressed), the two parts side by side."""
    f = figures
    rhi = f.interviews
    title = f"Children missing from home and care: {f.authority}"
    within = w.percent(rhi.within_of_completed)
    cards = "".join(
        [
            card(str(f.episodes), "missing episodes"),
            card(str(f.children), "children"),
            card(w.count(f.repeat_children), "children missing 3 or more times"),
            card(within, f"of interviews done within {w.rhi_deadline(rhi)}"),
        ]
    )
    notice_class = "notice" if f.suppressed else "notice internal"
    restricted_notice = (
        f'<p class="notice internal">{escape(w.RESTRICTED)}</p>\n'
        if partnership is not None and partnership.restricted
        else ""
    )
    lead = "".join(f"<p>{escape(line)}</p>" for line in w.headline(f))
    rejected = (
        f"{f.rejected_events} events in the log were rejected and are not counted "
        "(run <code>missing-protocol check</code> to list them)."
        if f.rejected_events
        else "No events in the log were rejected."
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}, {escape(w.period_text(f))}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>{escape(title)}</h1>
<p class="meta">{escape(w.period_text(f))} (dates in {clock.LONDON} time)</p>
<p class="{notice_class}">{escape(f.notice)}</p>
{restricted_notice}</header>
<section class="headline">
<div class="cards">{cards}</div>
<div class="lead">{lead}</div>
</section>
<section>
<h2>Children by cohort</h2>
<p class="meta">Each child counts once, in the cohort of their latest episode in the period.</p>
{table(["Cohort", "Children", "%"], tables.cohorts(f), tables.cohort_total(f))}
</section>
<section>
<h2>Episodes by month and cohort</h2>
<figure>{charts.by_month(f)}</figure>
{table(tables.MONTH_HEADER, tables.months(f))}
</section>
<section>
<h2>Return home interviews</h2>
<p class="meta">Counted per found episode: {rhi.found_episodes} episodes ended with the child found.
Median time missing {escape(w.length(f.duration.median))}; longest
{escape(w.length(f.duration.longest))}.</p>
<div class="grid">
<figure>{charts.interviews(f)}</figure>
{table(["Stage", "Episodes", "% of found"], tables.interviews(f))}
</div>
</section>
{"" if f.learned is None else html_interviews.section(f.learned)}\
<section>
<h2>Ethnicity and sex of the children</h2>
<div class="grid">
<div>
<figure>{charts.shares("ethnicity", "Children by ethnic group", f.ethnicity)}</figure>
{table(["Ethnic group (DfE)", "Children", "%"], tables.shares(f.ethnicity))}
</div>
<div>
<figure>{charts.shares("sex", "Children by sex", f.sex)}</figure>
{table(["Sex", "Children", "%"], tables.shares(f.sex))}
</div>
</div>
</section>
{_places_section(f) if partnership is None else html_partnership.hotspots(partnership)}\
{"" if partnership is None else html_partnership.self_reports(partnership)}\
{"" if partnership is None or not partnership.restricted else html_partnership.restricted(partnership)}\
{"" if compliance is None else compliance_render.html(compliance)}\
{"" if split is None else split_render.html(split)}\
<footer>
<p>{rejected} Cancelled reports (the child was not in fact missing) are not counted:
{escape(w.count(f.cancelled_reports))}.</p>
<p>Made with missing-protocol. Episodes counted are those reported in the period for which
{escape(f.authority)} is the responsible authority, or the host of a looked-after child placed
here by another authority.</p>
</footer>
</body>
</html>
"""
