"""The what-if comparison as text and as one self-contained HTML page, from its shown JSON."""

from __future__ import annotations

from html import escape
from typing import Any

from missing_protocol.common.texttable import table as text_table
from missing_protocol.common.texttable import visible_lines
from missing_protocol.report import wording as w
from missing_protocol.report.compliance_render import share
from missing_protocol.report.html_parts import table as html_table
from missing_protocol.rules import Status

Shown = dict[str, Any]
RESTRICTED = (
    "RESTRICTED: episode-level detail (each duty whose status or owner changes), NOT under "
    "disclosure control. For the people who manage these cases only; do not publish."
)


def _cell(row: Shown, key: str) -> str:
    """`a->b (difference)` for one count of a rule's (or an owner's) tallies."""
    a, b, diff = row["a"][key], row["b"][key], row["difference"][key]
    return f"{w.shown(a)}->{w.shown(b)}" + ("" if diff == 0 else f" ({w.signed(diff)})")


def _share(row: Shown) -> str:
    points = row["difference"]["met_on_time_points"]
    change = (
        ""
        if points in (0, None)
        else f" ({w.signed(points) if isinstance(points, str) else f'{points:+.1f}'})"
    )
    return f"{share(row['a'])}->{share(row['b'])}{change}"


HEADER = ["Judged", *(s.value.replace("_", " ") for s in Status), "% met on time"]


def rows(items: list[Shown], label: Any) -> list[list[str]]:
    return [
        [label(r), _cell(r, "judged"), *(_cell(r, s.value) for s in Status), _share(r)]
        for r in items
    ]


def _title(c: Shown) -> str:
    p = c["profiles"]
    return f"The same log judged under {p['a']} and {p['b']}"


def _scope(c: Shown) -> str:
    where = "every episode in the log" if c["period"] is None else w.period_days(c["period"])
    return (
        f"Episodes: {c['episodes']} ({where}), judged as of {c['as_of']}. Each cell reads "
        f"{c['profiles']['a']}->{c['profiles']['b']} (difference)."
    )


def parameter_lines(c: Shown) -> list[str]:
    p = c["parameters"]
    out = []
    for stretch in p["stretches"]:
        when = "From the start" if stretch["from"] is None else f"From {w.iso_day(stretch['from'])}"
        if not stretch["differences"]:
            out.append(f"{when}: the same parameters.")
        for x in stretch["differences"]:
            out.append(
                f"{when}: {x['parameter']} = {x['a']} ({c['profiles']['a']}), {x['b']} "
                f"({c['profiles']['b']}); read by {', '.join(x['rules']) or 'no rule'}."
            )
    return out


def episode_lines(c: Shown) -> list[str]:
    def side(f: Shown | None) -> str:
        return "no duty" if f is None else f"{w.words(f['status'])} (owner {f['responsible']})"

    return [
        f"{x['episode_id']} (child {x['child_id']}) {x['rule']}: {side(x['a'])} -> {side(x['b'])}"
        for x in c["episodes_changed"]
    ]


def text(c: Shown) -> str:
    title = _title(c)
    out = [title, "=" * len(title), c["notice"]]
    if "episodes_changed" in c:
        out.append(RESTRICTED)
    out += ["", _scope(c), "", "Parameters that differ", *(f"  {x}" for x in parameter_lines(c))]
    out += ["", "By rule", *text_table(["Rule", *HEADER], rows(c["rules"], lambda r: r["rule"]))]
    out += [
        "",
        "By owning authority",
        *text_table(
            ["Owner  rule", *HEADER], rows(c["owners"], lambda r: f"{r['owner']}  {r['rule']}")
        ),
        "",
        f"Duties whose status or owner changes: {w.shown(c['changed_duties'])}",
    ]
    if "episodes_changed" in c:
        out += ["", RESTRICTED, *(f"  {x}" for x in episode_lines(c))]
    return visible_lines(out) + "\n"


def html(c: Shown) -> str:
    # The report's page style; render_html draws charts, so it loads only for an HTML page.
    from missing_protocol.report.render_html import STYLE

    title = _title(c)
    notice = "notice" if c["suppressed"] else "notice internal"
    restricted = "episodes_changed" in c
    episodes = (
        f"""<section class="restricted"><h2>Episodes whose duties change</h2>
<p class="notice internal">{escape(RESTRICTED)}</p>
<ul>{"".join(f"<li>{escape(x)}</li>" for x in episode_lines(c))}</ul></section>"""
        if restricted
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{escape(title)}</title><style>{STYLE}</style></head>
<body>
<header><h1>{escape(title)}</h1>
<p class="{notice}">{escape(c["notice"])}</p>
{f'<p class="notice internal">{escape(RESTRICTED)}</p>' if restricted else ""}
<p class="meta">{escape(_scope(c))}</p></header>
<section><h2>Parameters that differ</h2>
<ul>{"".join(f"<li>{escape(x)}</li>" for x in parameter_lines(c))}</ul></section>
<section><h2>By rule</h2>
{html_table(["Rule", *HEADER], rows(c["rules"], lambda r: r["rule"]))}</section>
<section><h2>By owning authority</h2>
{html_table(["Owner", "Rule", *HEADER], [[r["owner"], *row] for r, row in zip(c["owners"], rows(c["owners"], lambda r: r["rule"]), strict=True)], left=2)}
<p>Duties whose status or owner changes: {escape(w.shown(c["changed_duties"]))}</p></section>
{episodes}
</body>
</html>
"""
