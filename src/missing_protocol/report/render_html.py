"""The report as one self-contained HTML page a councillor can read and print.

Everything is inline (styles and SVG charts), so the page needs no network when it is opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from missing_protocol import clock
from missing_protocol.report import charts, tables
from missing_protocol.report import wording as w
from missing_protocol.report.figures import Hotspot, PeriodFigures
from missing_protocol.report.partnership import Partnership
from missing_protocol.report.suppression import PUBLISHED, Disclosure

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


def _table(
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    total: Sequence[str] = (),
    *,
    left: int = 1,
    html: bool = False,
) -> str:
    """Labels in the first `left` columns, figures right-aligned; an optional bold total row.

    `html`: the body cells are markup already (the caller escaped them).
    """

    def cells(row: Sequence[str], tag: str) -> str:
        out = []
        for i, value in enumerate(row):
            text = value if html and tag == "td" else escape(value)
            kind = "" if i < left else ' class="n"'
            out.append(f"<{tag}{kind}>{text}</{tag}>")
        return "".join(out)

    body = "".join(f"<tr>{cells(r, 'td')}</tr>" for r in rows)
    if total:
        body += f'<tr class="total">{cells(total, "td")}</tr>'
    return f"<table><thead><tr>{cells(head, 'th')}</tr></thead><tbody>{body}</tbody></table>"


def _card(value: str, label: str) -> str:
    return (
        f'<div class="card"><div class="value">{escape(value)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
    )


def _places(spots: tuple[Hotspot, ...], d: Disclosure) -> str:
    if not spots:
        return "<p>No places recorded.</p>"
    return _table(["Place", "Episodes"], [[s.place, w.count(d, s.episodes)] for s in spots])


def _places_section(f: PeriodFigures, d: Disclosure) -> str:
    """Issue 5's hotspots: places by episodes (used when no partnership section is given)."""
    return f"""<section>
<h2>Hotspots</h2>
<div class="grid">
<div><h3>Most often missing from</h3>{_places(f.missing_from, d)}</div>
<div><h3>Most often found at</h3>{_places(f.found_at, d)}</div>
</div>
</section>
"""


def _spot_label(row: dict[str, Any]) -> str:
    if "cell" not in row:
        return escape(row["place"])
    names = ", ".join(row["places"]) or "(no name)"
    return f'{escape(names)}<br><span class="muted">H3 cell {escape(row["cell"])}</span>'


def _spots(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No places recorded.</p>"
    body = [[_spot_label(r), *map(escape, tables.spot_figures(r))] for r in rows]
    return _table(tables.SPOT_HEADER, body, html=True)


def _hotspots(part: Partnership) -> str:
    h = part.hotspots
    t = h["totals"]
    caveat = ""
    if part.previous_partly_covered() and part.records_from is not None:
        caveat = (
            f'<p class="notice">The log\'s records begin on {escape(w.day(part.records_from))}, '
            "so the previous period is only partly on record: its counts are low and the "
            "changes overstate any rise.</p>"
        )
    return f"""<section>
<h2>Hotspots</h2>
<p class="meta">Where children went missing from (episodes reported in the period) and where
they were found (episodes found in the period), with distinct children and the change on the
previous period of the same length ({escape(w.period_days(h["previous_period"]))}, "Before").
{t["missing_from_named"]} of {t["episodes_reported"]} episodes name the place the child went
missing from; {t["found_at_named"]} of {t["episodes_found"]} found episodes name where the child
was found; {t["with_coordinates"]} of these places carry map coordinates.</p>
{caveat}
<div class="grid places">
<div><h3>Most often missing from</h3>{_spots(h["missing_from"]["places"])}</div>
<div><h3>Most often found at</h3>{_spots(h["found_at"]["places"])}</div>
</div>
<h3>By map area</h3>
<p class="meta">Places with coordinates, grouped into hexagonal H3 cells (resolution
{h["resolution"]}), so one spot recorded under different names counts together.</p>
<div class="grid places">
<div><h3>Missing from</h3>{_spots(h["missing_from"]["cells"])}</div>
<div><h3>Found at</h3>{_spots(h["found_at"]["cells"])}</div>
</div>
</section>
"""


def _self_reports(part: Partnership) -> str:
    f = part.self_reports["figures"]
    reasons = f["reasons"]
    reason_rows = tables.reasons(part)
    chart = f"<figure>{charts.reasons(reasons)}</figure>" if reasons else ""
    hidden = f["hidden_missing"]["children_with_no_recorded_episode"]
    return f"""<section>
<h2>Young people's own reports</h2>
<p class="meta">Self-reports young people made in the period (for example through the council's
app), each matched against the child's recorded episodes with a tolerance of
{escape(w.span(part.tolerance))}. A self-report never creates an episode; one that matches
none is followed up within {escape(w.deadline(part.follow_up_within))}.</p>
<div class="grid">
<div>
{
        _table(
            ["Compared with the records", "Self-reports", "Children"],
            tables.self_report_classes(part),
            tables.self_report_total(part),
        )
    }
<p>Young people who self-reported and have no recorded episode at all:
<strong>{escape(w.shown(hidden))}</strong>.</p>
{_table(["Why the records disagree", "Self-reports"], tables.conflicts(part))}
{_table(["Follow-up of unmatched self-reports", "Self-reports"], tables.follow_ups(part))}
</div>
<div>
<h3>Reasons young people gave</h3>
{chart}
{
        _table(["Reason (each counted once per self-report)", "Self-reports"], reason_rows)
        if reason_rows
        else "<p>No reasons given.</p>"
    }
</div>
</div>
</section>
"""


def _lines(items: Sequence[str]) -> str:
    """Several short entries in one cell, one a line (escaped)."""
    return "<br>".join(escape(x) for x in items) or "-"


def _when(first: str | None, last: str | None) -> str:
    start, end = w.iso_day(first), w.iso_day(last)
    return start if start == end else f"{start} to {end}"


def _restricted(part: Partnership) -> str:
    persons = part.persons or {}
    fig = persons.get("figures", {})
    disruptions, prosecutions = fig.get("disruptions", {}), fig.get("prosecutions", {})
    summary = [
        ["Persons of concern", w.shown(fig.get("persons"))],
        ["Children linked", w.shown(fig.get("children_linked"))],
        ["Episodes linked", w.shown(fig.get("episodes_linked"))],
        *([w.words(k).capitalize(), w.shown(v)] for k, v in fig.get("flags", {}).items()),
        ["Disruptions", w.shown(disruptions.get("total"))],
        *(
            [f"\u2013 {w.words(k)}", w.shown(v)]
            for k, v in disruptions.get("by_kind", {}).items()
            if v != 0
        ),
        ["Prosecutions", w.shown(prosecutions.get("total"))],
        *(
            [f"\u2013 {w.words(k)}", w.shown(v)]
            for k, v in prosecutions.get("by_outcome", {}).items()
            if v != 0
        ),
    ]
    people = [
        [
            escape(x["person_id"]),
            _lines([w.words(r) for r in x["roles"]]),
            _lines(x["children"]),
            escape(_when(x["first_link"], x["last_link"])),
            _lines(
                [
                    f"{w.iso_day(e['at'])}: {w.words(e['kind'])} ({e['partner']})"
                    for e in x["disruptions"]
                ]
                + [f"{w.iso_day(e['at'])}: {w.words(e['outcome'])}" for e in x["prosecutions"]]
            ),
            _lines([w.words(g) for g in x["flags"]]),
        ]
        for x in persons.get("persons", [])
    ]
    groups = [
        [str(i), ", ".join(g["children"]), ", ".join(g["persons"]), str(len(g["episodes"]))]
        for i, g in enumerate(persons.get("groups", []), start=1)
    ]
    reports = [
        [
            x["report_id"],
            x["child_id"],
            f"{w.iso_day(x['away_from'])} to {w.iso_day(x['away_to'])}",
            w.words(x["class"]) + (f" ({w.words(x['conflict'])})" if x["conflict"] else ""),
            ", ".join(x["episodes"]) or "-",
            w.words(x["follow_up"]["status"]),
        ]
        for x in part.self_reports.get("self_reports", [])
    ]
    person_head = ["Person", "Role", "Children", "Linked", "Disruption and prosecution", "Flags"]
    report_head = ["Self-report", "Child", "Away", "Class", "Episodes", "Follow-up"]
    return f"""<section class="restricted">
<h2>Restricted: persons of concern</h2>
<p class="meta">Adults linked to the children's episodes, what partners did about them and what
came of it, in time order. "Links after disruption": a linked episode was reported after the
person's first disruption, so contact went on.</p>
<div class="grid">
{_table(["Figure", "Value"], summary)}
<div>
<h3>Children connected through shared persons</h3>
{
        _table(["Group", "Children", "Through", "Episodes"], groups, left=3)
        if groups
        else "<p>No groups.</p>"
    }
</div>
</div>
{
        _table(person_head, people, left=len(person_head), html=True)
        if people
        else "<p>No persons of concern.</p>"
    }
</section>
<section class="restricted">
<h2>Restricted: each self-report</h2>
{
        _table(report_head, reports, left=len(report_head))
        if reports
        else "<p>No self-reports in the period.</p>"
    }
</section>
"""


def render(
    figures: PeriodFigures,
    disclosure: Disclosure = PUBLISHED,
    partnership: Partnership | None = None,
) -> str:
    """The page; with `partnership`, its hotspots and self-reports (and restricted detail)."""
    f, d = figures, disclosure
    rhi = f.interviews
    title = f"Children missing from home and care: {f.authority}"
    within = w.percent(d, rhi.completed_within_deadline, rhi.completed)
    cards = "".join(
        [
            _card(str(f.episodes), "missing episodes"),
            _card(str(f.children), "children"),
            _card(w.count(d, f.repeat_children), "children missing 3 or more times"),
            _card(within, f"of interviews done within {w.rhi_deadline(rhi)}"),
        ]
    )
    notice_class = "notice" if d.suppress else "notice internal"
    restricted_notice = (
        f'<p class="notice internal">{escape(w.RESTRICTED)}</p>\n'
        if partnership is not None and partnership.restricted
        else ""
    )
    lead = "".join(f"<p>{escape(line)}</p>" for line in w.headline(f, d))
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
<p class="{notice_class}">{escape(d.notice)}</p>
{restricted_notice}</header>
<section class="headline">
<div class="cards">{cards}</div>
<div class="lead">{lead}</div>
</section>
<section>
<h2>Children by cohort</h2>
<p class="meta">Each child counts once, in the cohort of their latest episode in the period.</p>
{_table(["Cohort", "Children", "%"], tables.cohorts(f, d), tables.cohort_total(f))}
</section>
<section>
<h2>Episodes by month and cohort</h2>
<figure>{charts.by_month(f, d)}</figure>
{_table(tables.MONTH_HEADER, tables.months(f, d))}
</section>
<section>
<h2>Return home interviews</h2>
<p class="meta">Counted per found episode: {rhi.found_episodes} episodes ended with the child found.
Median time missing {escape(w.length(f.duration.median))}; longest
{escape(w.length(f.duration.longest))}.</p>
<div class="grid">
<figure>{charts.interviews(f, d)}</figure>
{_table(["Stage", "Episodes", "% of found"], tables.interviews(f, d))}
</div>
</section>
<section>
<h2>Ethnicity and sex of the children</h2>
<div class="grid">
<div>
<figure>{charts.shares("ethnicity", "Children by ethnic group", f.ethnicity, f.children, d)}</figure>
{_table(["Ethnic group (DfE)", "Children", "%"], tables.shares(f, f.ethnicity, d))}
</div>
<div>
<figure>{charts.shares("sex", "Children by sex", f.sex, f.children, d)}</figure>
{_table(["Sex", "Children", "%"], tables.shares(f, f.sex, d))}
</div>
</div>
</section>
{_places_section(f, d) if partnership is None else _hotspots(partnership)}\
{"" if partnership is None else _self_reports(partnership)}\
{"" if partnership is None or not partnership.restricted else _restricted(partnership)}\
<footer>
<p>{rejected} Cancelled reports (the child was not in fact missing) are not counted:
{escape(w.count(d, f.cancelled_reports))}.</p>
<p>Made with missing-protocol. Episodes counted are those reported in the period for which
{escape(f.authority)} is the responsible authority, or the host of a looked-after child placed
here by another authority.</p>
</footer>
</body>
</html>
"""
