"""Building blocks of the HTML report: tables, headline cards, several lines in one cell."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def table(
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


def card(value: str, label: str) -> str:
    return (
        f'<div class="card"><div class="value">{escape(value)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
    )


def lines(items: Sequence[str]) -> str:
    """Several short entries in one cell, one a line (escaped)."""
    return "<br>".join(escape(x) for x in items) or "-"
