"""The HTML report's partnership sections: hotspots, young people's own reports, and the
restricted detail (persons of concern, each self-report) when intelligence was included."""

from __future__ import annotations

from html import escape
from typing import Any

from missing_protocol.report import charts, tables
from missing_protocol.report import wording as w
from missing_protocol.report.html_parts import lines, table
from missing_protocol.report.partnership import Partnership


def _spot_label(row: dict[str, Any]) -> str:
    if "cell" not in row:
        return escape(row["place"])
    names = ", ".join(row["places"]) or "(no name)"
    return f'{escape(names)}<br><span class="muted">H3 cell {escape(row["cell"])}</span>'


def _spots(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "<p>No places recorded.</p>"
    body = [[_spot_label(r), *map(escape, tables.spot_figures(r))] for r in rows]
    return table(tables.SPOT_HEADER, body, html=True)


def hotspots(part: Partnership) -> str:
    """Places and H3 cells of both kinds, with children and the change on the period before."""
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


def self_reports(part: Partnership) -> str:
    """The self-report figures: classes, conflicts, follow-up, and a chart of the reasons."""
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
        table(
            ["Compared with the records", "Self-reports", "Children"],
            tables.self_report_classes(part),
            tables.self_report_total(part),
        )
    }
<p>Young people who self-reported and have no recorded episode at all:
<strong>{escape(w.shown(hidden))}</strong>.</p>
{table(["Why the records disagree", "Self-reports"], tables.conflicts(part))}
{table(["Follow-up of unmatched self-reports", "Self-reports"], tables.follow_ups(part))}
</div>
<div>
<h3>Reasons young people gave</h3>
{chart}
{
        table(["Reason (each counted once per self-report)", "Self-reports"], reason_rows)
        if reason_rows
        else "<p>No reasons given.</p>"
    }
</div>
</div>
</section>
"""


def _when(first: str | None, last: str | None) -> str:
    start, end = w.iso_day(first), w.iso_day(last)
    return start if start == end else f"{start} to {end}"


def restricted(part: Partnership) -> str:
    """Persons of concern and each self-report: only when intelligence was included."""
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
            lines([w.words(r) for r in x["roles"]]),
            lines(x["children"]),
            escape(_when(x["first_link"], x["last_link"])),
            lines(
                [
                    f"{w.iso_day(e['at'])}: {w.words(e['kind'])} ({e['partner']})"
                    for e in x["disruptions"]
                ]
                + [f"{w.iso_day(e['at'])}: {w.words(e['outcome'])}" for e in x["prosecutions"]]
            ),
            lines([w.words(g) for g in x["flags"]]),
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
{table(["Figure", "Value"], summary)}
<div>
<h3>Children connected through shared persons</h3>
{
        table(["Group", "Children", "Through", "Episodes"], groups, left=3)
        if groups
        else "<p>No groups.</p>"
    }
</div>
</div>
{
        table(person_head, people, left=len(person_head), html=True)
        if people
        else "<p>No persons of concern.</p>"
    }
</section>
<section class="restricted">
<h2>Restricted: each self-report</h2>
{
        table(report_head, reports, left=len(report_head))
        if reports
        else "<p>No self-reports in the period.</p>"
    }
</section>
"""
