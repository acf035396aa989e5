"""The report as plain text for a terminal or an email: headline sentences, then tables."""

from __future__ import annotations

from typing import Any

from missing_protocol import clock
from missing_protocol.common.suppression import ShownPlace
from missing_protocol.common.texttable import table, visible_lines
from missing_protocol.report import compliance_render, interviews_tables, split_render, tables
from missing_protocol.report import wording as w
from missing_protocol.report.disclosed import Disclosed
from missing_protocol.report.partnership import Partnership


def _section(title: str) -> list[str]:
    return ["", title, "=" * len(title)]


def _places(title: str, spots: tuple[ShownPlace, ...]) -> list[str]:
    if not spots:
        return [*_section(title), "  (no places recorded)"]
    return [
        *_section(title),
        *table(["Place", "Episodes"], [[s.place, str(s.episodes)] for s in spots]),
    ]


def _spots(title: str, rows: list[dict[str, Any]]) -> list[str]:
    if not rows:
        return ["", title, "  (none)"]
    body = [
        [
            f"{', '.join(r['places'])} ({r['cell']})" if "cell" in r else r["place"],
            *tables.spot_figures(r),
        ]
        for r in rows
    ]
    return ["", title, *table(tables.SPOT_HEADER, body)]


def _hotspots(part: Partnership) -> list[str]:
    h = part.hotspots
    t = h["totals"]
    lines = [
        *_section(f"Hotspots (Before: {w.period_days(h['previous_period'])})"),
        f"  {t['missing_from_named']} of {t['episodes_reported']} episodes name the place the "
        f"child went missing from; {t['found_at_named']} of {t['episodes_found']} found episodes "
        f"name where; {t['with_coordinates']} of these places have coordinates.",
    ]
    if part.previous_partly_covered() and part.records_from is not None:
        lines.append(
            f"  The log's records begin on {w.day(part.records_from)}: the previous period is "
            "only partly on record, so the changes overstate any rise."
        )
    cells = f"H3 cells, resolution {h['resolution']}"
    return [
        *lines,
        *_spots("Places most often missing from", h["missing_from"]["places"]),
        *_spots("Places most often found at", h["found_at"]["places"]),
        *_spots(f"Map areas missing from ({cells})", h["missing_from"]["cells"]),
        *_spots(f"Map areas found at ({cells})", h["found_at"]["cells"]),
    ]


def _self_reports(part: Partnership) -> list[str]:
    f = part.self_reports["figures"]
    classes = [*tables.self_report_classes(part), tables.self_report_total(part)]
    hidden = f["hidden_missing"]["children_with_no_recorded_episode"]
    reasons = tables.reasons(part)
    return [
        *_section("Young people's own reports (self-reports)"),
        f"  Matched against recorded episodes with a tolerance of {w.span(part.tolerance)}; "
        f"an unmatched one is followed up within {w.deadline(part.follow_up_within)}.",
        *table(["Compared with the records", "Self-reports", "Children"], classes),
        f"  Young people with no recorded episode at all: {w.shown(hidden)}",
        "",
        *table(["Why the records disagree", "Self-reports"], tables.conflicts(part)),
        "",
        *table(["Follow-up of unmatched self-reports", "Self-reports"], tables.follow_ups(part)),
        "",
        *(
            table(["Reason (once per self-report)", "Self-reports"], reasons)
            if reasons
            else ["  (no reasons given)"]
        ),
    ]


def _restricted(part: Partnership) -> list[str]:
    persons = part.persons or {}
    lines = [*_section("RESTRICTED: persons of concern")]
    for x in persons.get("persons", []):
        flags = f" [{', '.join(w.words(g) for g in x['flags'])}]" if x["flags"] else ""
        lines += [
            f"  {x['person_id']} ({', '.join(w.words(r) for r in x['roles'])}){flags}",
            f"    children {', '.join(x['children'])}; {len(x['episodes'])} episodes; linked "
            f"{w.iso_day(x['first_link'])} to {w.iso_day(x['last_link'])}",
        ]
        for e in x["disruptions"]:
            lines.append(f"    {w.iso_day(e['at'])} {w.words(e['kind'])} ({e['partner']})")
        for e in x["prosecutions"]:
            lines.append(f"    {w.iso_day(e['at'])} {w.words(e['outcome'])}")
    for i, g in enumerate(persons.get("groups", []), start=1):
        lines.append(
            f"  group {i}: children {', '.join(g['children'])} through {', '.join(g['persons'])}"
        )
    lines += _section("RESTRICTED: each self-report")
    for x in part.self_reports.get("self_reports", []):
        why = f" ({w.words(x['conflict'])})" if x["conflict"] else ""
        lines.append(
            f"  {x['report_id']}  child {x['child_id']}  away {w.iso_day(x['away_from'])} to "
            f"{w.iso_day(x['away_to'])}  {w.words(x['class'])}{why}; follow-up "
            f"{w.words(x['follow_up']['status'])}"
        )
    return lines


def render(
    figures: Disclosed,
    partnership: Partnership | None = None,
    compliance: dict[str, Any] | None = None,
    split: dict[str, Any] | None = None,
) -> str:
    """The text report from the disclosed figures (`disclosed.disclose`); with `partnership`, its hotspots and self-reports (and restricted detail);
    with `compliance` (compliance_section.section, already suppressed), compliance over time;
    with `split` (split.section, already suppressed), the two parts side by side."""
    f = figures
    restricted = partnership is not None and partnership.restricted
    out = [
        f"Children missing from home and care: {f.authority}",
        f"Period: {w.period_text(f)} ({clock.LONDON})",
        f.notice,
        *([w.RESTRICTED] if restricted else []),
        "",
        *w.headline(f),
        *_section("Headline figures"),
        *table(
            ["Figure", "Value"],
            [
                ["Missing episodes", str(f.episodes)],
                ["Children", str(f.children)],
                ["Children with 3 or more episodes", w.count(f.repeat_children)],
                ["Median time missing", w.length(f.duration.median)],
                ["Longest time missing", w.length(f.duration.longest)],
                ["Still missing at the end of the log", w.count(f.duration.still_missing)],
            ],
        ),
        *_section("Children by cohort (the cohort of each child's latest episode)"),
        *table(["Cohort", "Children", "%"], [*tables.cohorts(f), tables.cohort_total(f)]),
        *_section("Ethnicity (DfE major group)"),
        *table(["Group", "Children", "%"], tables.shares(f.ethnicity)),
        *_section("Sex"),
        *table(["Sex", "Children", "%"], tables.shares(f.sex)),
        *_section("Return home interviews (per found episode)"),
        *table(["Stage", "Episodes", "% of found"], tables.interviews(f)),
        *_section("Episodes by month and cohort"),
        *table(tables.MONTH_HEADER, tables.months(f)),
        *([] if f.learned is None else interviews_tables.text(f.learned)),
        *(
            _places("Places most often missing from", f.missing_from)
            + _places("Places most often found at", f.found_at)
            if partnership is None
            else _hotspots(partnership) + _self_reports(partnership)
        ),
        *(_restricted(partnership) if partnership is not None and restricted else []),
        *(compliance_render.text(compliance) if compliance is not None else []),
        *(split_render.text(split) if split is not None else []),
        *_section("Data"),
        f"  Cancelled reports (not in fact missing, not counted above): {w.count(f.cancelled_reports)}",
        f"  Rejected events: {f.rejected_events}"
        + (
            " (not counted; run `missing-protocol check` to list them)" if f.rejected_events else ""
        ),
    ]
    return visible_lines(out) + "\n"
