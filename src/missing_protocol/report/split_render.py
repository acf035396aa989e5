"""The before-and-after section as text, HTML and CSV, from the shown (suppressed) split data."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from missing_protocol.report import wording as w
from missing_protocol.report.compliance_render import share
from missing_protocol.report.compliance_section import family_label
from missing_protocol.report.html_parts import table as html_table
from missing_protocol.report.split import HEADLINE
from missing_protocol.report.texttable import table as text_table

Shown = dict[str, Any]
RULE_HEADER = ["Rule", "Fell due before", "Before", "Fell due after", "After", "Change (points)"]


def _value(value: Any, key: str) -> str:
    if isinstance(value, float) and key.endswith("percent"):
        return f"{value:.0f}%"
    return w.shown(value)


def _change(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:+.1f}" if value else "0"
    return w.signed(value)


def headline_rows(s: Shown) -> list[list[str]]:
    b, a, c = s["before"]["headline"], s["after"]["headline"], s["change"]["headline"]
    return [
        [label, _value(b[k], k), _value(a[k], k), _change(c[k])] for k, label in HEADLINE.items()
    ]


def _rows(s: Shown, group: str, key: str, label: Any) -> list[list[str]]:
    rows = []
    for b, a, c in zip(s["before"][group], s["after"][group], s["change"][group], strict=True):
        rows.append(
            [
                label(b[key]),
                w.shown(b["fell_due"]),
                share(b),
                w.shown(a["fell_due"]),
                share(a),
                _change(c["met_on_time_points"]),
            ]
        )
    return rows


def rule_rows(s: Shown) -> list[list[str]]:
    return _rows(s, "rules", "rule", str) + _rows(s, "families", "family", family_label)


def headers(s: Shown) -> list[str]:
    return [
        "Figure",
        f"Before ({w.period_days(s['before']['period'])})",
        f"After ({w.period_days(s['after']['period'])})",
        "Change",
    ]


def text(s: Shown) -> list[str]:
    title = f"Before and after {w.iso_day(s['at'])}"
    return [
        "",
        title,
        "=" * len(title),
        *text_table(headers(s), headline_rows(s)),
        "",
        "  Duties met on time (% of those that fell due), before and after:",
        *text_table(RULE_HEADER, rule_rows(s)),
    ]


def html(s: Shown) -> str:
    return f"""<section class="split">
<h2>Before and after {escape(w.iso_day(s["at"]))}</h2>
{html_table(headers(s), headline_rows(s))}
<h3>Duties met on time, before and after</h3>
{html_table(RULE_HEADER, rule_rows(s))}
</section>
"""


def csv_table(s: Shown) -> list[Sequence[Any]]:
    """split.csv: each headline figure and each rule's share, before, after and the change."""
    rows: list[Sequence[Any]] = [["figure", "before", "after", "change"]]
    b, a, c = s["before"], s["after"], s["change"]
    rows += [[k, b["headline"][k], a["headline"][k], c["headline"][k]] for k in HEADLINE]
    for group, key in (("rules", "rule"), ("families", "family")):
        for rb, ra, rc in zip(b[group], a[group], c[group], strict=True):
            name = f"met_on_time_percent.{rb[key]}"
            rows.append(
                [
                    name,
                    rb["met_on_time_percent"],
                    ra["met_on_time_percent"],
                    rc["met_on_time_points"],
                ]
            )
    return rows
