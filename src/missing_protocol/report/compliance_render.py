"""The compliance section as text lines, CSV tables and HTML, from the shown (suppressed) data."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from html import escape
from typing import Any

from missing_protocol.report import wording as w
from missing_protocol.report.compliance_section import Shown, family_label
from missing_protocol.report.html_parts import table as html_table
from missing_protocol.report.texttable import table as text_table
from missing_protocol.rules import Status

STATUS_HEADER = ["Judged", "Met", "Late", "Pending", "Overdue", "Breached", "Not required"]
SHARE = "% met on time"
CSV_COLUMNS = [
    "owner",
    "rule",
    "family",
    "month",
    "judged",
    *(s.value for s in Status),
    "fell_due",
    "met_on_time_percent",
]


def share(cell: Shown) -> str:
    value = cell["met_on_time_percent"]
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value:.0f}%"


def short_month(month: str) -> str:
    year, number = month.split("-")
    return f"{dt.date(int(year), int(number), 1):%b %y}"


def _counts(cell: Shown) -> list[str]:
    return [w.shown(cell["judged"]), *(w.shown(cell[s.value]) for s in Status)]


def month_rows(c: Shown) -> list[list[str]]:
    """Each rule, then each family: the share met on time per month and over the period."""
    rows = [[s["rule"], *(share(m) for m in s["months"]), share(s["total"])] for s in c["rules"]]
    rows += [
        [family_label(s["family"]), *(share(m) for m in s["months"]), share(s["total"])]
        for s in c["families"]
    ]
    return rows


def rule_rows(c: Shown) -> list[list[str]]:
    return [[s["rule"], *_counts(s["total"]), share(s["total"])] for s in c["rules"]]


def owner_rows(c: Shown) -> list[list[str]]:
    return [
        [o["owner"], s["rule"], *_counts(s["total"]), share(s["total"])]
        for o in c["owners"]
        for s in o["rules"]
    ]


def intro(c: Shown) -> str:
    versions = ", ".join(w.iso_day(v) for v in c["versions"])
    changed = f" A new version of the profile came into force on {versions}." if versions else ""
    return (
        f"Duties of the period's episodes, judged as of {c['as_of']} under profile "
        f"{c['profile']} (each episode by the version in force at its report), counted in the "
        "month the episode was reported. The share met on time is of the duties that fell due "
        f"(met, late, overdue or breached).{changed}"
    )


def text(c: Shown) -> list[str]:
    title = "Compliance over time (share of duties met on time)"
    header = ["Rule", *(short_month(m) for m in c["months"]), "Period"]
    return [
        "",
        title,
        "=" * len(title),
        *textwrap.wrap(intro(c), 96, initial_indent="  ", subsequent_indent="  "),
        *text_table(header, month_rows(c)),
        "",
        *text_table(["Rule", *STATUS_HEADER, SHARE], rule_rows(c)),
        "",
        "  By owning authority (over the period; each month in the JSON and CSV):",
        *text_table(
            ["Owner  rule", *STATUS_HEADER, SHARE],
            [[f"{r[0]}  {r[1]}", *r[2:]] for r in owner_rows(c)],
        ),
    ]


def _csv_rows(owner: str, series: Shown, key: str) -> list[list[Any]]:
    rule = series[key] if key == "rule" else ""
    family = series["family"]
    cells = [*({"month": m["month"], **m} for m in series["months"])]
    cells.append({**series["total"], "month": "total"})
    return [[owner, rule, family, *(cell[k] for k in CSV_COLUMNS[3:])] for cell in cells]


def csv_table(c: Shown) -> list[Sequence[Any]]:
    """compliance.csv: every rule and family (owner `all`), then each owner's rules."""
    rows: list[Sequence[Any]] = [CSV_COLUMNS]
    for s in c["rules"]:
        rows += _csv_rows("all", s, "rule")
    for s in c["families"]:
        rows += _csv_rows("all", s, "family")
    for o in c["owners"]:
        for s in o["rules"]:
            rows += _csv_rows(o["owner"], s, "rule")
    return rows


def html(c: Shown) -> str:
    from missing_protocol.report import compliance_chart  # matplotlib only for the page

    header = ["Rule", *(short_month(m) for m in c["months"]), "Period"]
    return f"""<section class="compliance">
<h2>Compliance over time</h2>
<p class="meta">{escape(intro(c))}</p>
<figure>{compliance_chart.share_by_month(c)}</figure>
{html_table(header, month_rows(c))}
<h3>Duties by rule over the period</h3>
{html_table(["Rule", *STATUS_HEADER, SHARE], rule_rows(c))}
<h3>By owning authority</h3>
{html_table(["Owner", "Rule", *STATUS_HEADER, SHARE], owner_rows(c), left=2)}
</section>
"""
