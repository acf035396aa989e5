"""Intelligence outputs as plain text (pure): the JSON-ready values of `render` laid out.

Each function takes only those values (disclosure control applied, `c` in place of a hidden
count), never the raw figures: whatever the JSON hides, or leaves out as restricted detail, the
text cannot show.
"""

from __future__ import annotations

import itertools
from typing import Any

from missing_protocol.common.suppression import Shown
from missing_protocol.common.texttable import table, visible_lines
from missing_protocol.intelligence.hotspots import PlaceKind

_KIND_TITLES = {PlaceKind.MISSING_FROM: "Missing from", PlaceKind.FOUND_AT: "Found at"}


def _signed(value: Shown) -> str:
    return f"{value:+d}" if isinstance(value, int) else str(value)


def _spot_table(title: str, rows: list[dict[str, Any]], *, cells: bool) -> list[str]:
    lines = ["", title, "-" * len(title)]
    if not rows:
        return [*lines, "  (none)"]
    header = ["Cell" if cells else "Place", "Episodes", "Children", "Before", "Change"]
    body = [
        [
            f"{r['cell']} ({', '.join(r['places'])})" if cells else r["place"],
            str(r["episodes"]),
            str(r["children"]),
            str(r["previous_episodes"]),
            _signed(r["change"]),
        ]
        for r in rows
    ]
    return lines + table(header, body)


def hotspots_text(data: dict[str, Any]) -> str:
    """The text of `render.hotspots_dict`'s value."""
    p, q = data["period"], data["previous_period"]
    lines = [
        f"Hotspots {p['from']} to {p['to']} (exclusive), against {q['from']} to {q['to']}; "
        f"H3 resolution {data['resolution']}",
        data["notice"],
    ]
    t = data["totals"]
    lines.append(
        f"{t['episodes_reported']} episodes reported ({t['missing_from_named']} with a place), "
        f"{t['episodes_found']} found ({t['found_at_named']} with a place), "
        f"{t['with_coordinates']} places with coordinates"
    )
    for kind, cells in itertools.product(PlaceKind, (False, True)):
        title = f"{_KIND_TITLES[kind]}: {'H3 cells' if cells else 'places'}"
        lines += _spot_table(title, data[kind.value]["cells" if cells else "places"], cells=cells)
    return visible_lines(lines) + "\n"


def _figure_lines(figures: dict[str, Any], indent: str = "  ") -> list[str]:
    lines = []
    for name, value in figures.items():
        label = name.replace("_", " ")
        if isinstance(value, dict):
            lines.append(f"{indent}{label}:")
            lines += _figure_lines(value, indent + "  ")
        else:
            lines.append(f"{indent}{label}: {value}")
    return lines


def persons_text(data: dict[str, Any]) -> str:
    """The text of `render.persons_dict`'s value (with its detail when that holds it)."""
    when = data["period"]
    title = "Persons of concern" + (f" {when['from']} to {when['to']} (exclusive)" if when else "")
    lines = [title, data["notice"], *_figure_lines(data["figures"])]
    if "persons" not in data:
        lines.append("(person and group detail is restricted: add --include-intelligence)")
        return visible_lines(lines) + "\n"
    for x in data["persons"]:
        flags = f" [{', '.join(x['flags'])}]" if x["flags"] else ""
        lines += [
            "",
            f"person {x['person_id']}{flags}",
            f"  roles: {', '.join(x['roles']) or '-'}",
            f"  children: {', '.join(x['children']) or '-'}; episodes: {', '.join(x['episodes']) or '-'}",
            f"  links: {x['links']}, first {x['first_link'] or '-'}, last {x['last_link'] or '-'}",
            f"  places: {', '.join(x['places']) or '-'}",
        ]
        for e in x["disruptions"]:
            lines.append(f"  disruption {e['at']}: {e['kind']} by {e['partner']}")
        for e in x["prosecutions"]:
            lines.append(f"  prosecution {e['at']}: {e['outcome']}")
        if x["links_after_disruption"]:
            lines.append(f"  episodes after disruption: {', '.join(x['links_after_disruption'])}")
    for i, g in enumerate(data["groups"], start=1):
        lines += [
            "",
            f"group {i}: children {', '.join(g['children'])}",
            f"  through persons {', '.join(g['persons'])}; episodes {', '.join(g['episodes'])}",
        ]
    return visible_lines(lines) + "\n"


def self_reports_text(data: dict[str, Any]) -> str:
    """The text of `render.self_reports_dict`'s value (with each report when it holds them)."""
    when = data["period"]
    title = "Self-reports" + (f" {when['from']} to {when['to']} (exclusive)" if when else "")
    figures = dict(data["figures"])
    reasons = figures.pop("reasons")
    lines = [
        f"{title}; follow-up as of {data['as_of']} ({data['profile']})",
        data["notice"],
        *_figure_lines(figures),
    ]
    lines.append("  reasons given:")
    lines += [f"    {r['reason']}: {r['self_reports']}" for r in reasons] or ["    (none)"]
    if "self_reports" not in data:
        lines.append("(each self-report is restricted detail: add --include-intelligence)")
        return visible_lines(lines) + "\n"
    lines.append("")
    for x in data["self_reports"]:
        f = x["follow_up"]
        seen = f" episodes {', '.join(x['episodes'])}" if x["episodes"] else ""
        why = f" ({x['conflict']})" if x["conflict"] else ""
        lines.append(
            f"{x['report_id']}  child {x['child_id']}  away {x['away_from']} to {x['away_to']}  "
            f"{x['class']}{why}{seen}; follow-up {f['status']}"
            + (f", due {f['due']}, {f['responsible']}" if f["due"] else "")
        )
    return visible_lines(lines) + "\n"
