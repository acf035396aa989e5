"""CONTRACT §3 JSON written as a stream: findings are formatted one at a time as the merged
partitions yield them, so a national log never holds its whole answer in memory. The text is
laid out as `json.dumps(result, indent=2)` lays out the same answer (orjson writes it, and
writes text as UTF-8 rather than escaping it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TextIO

import orjson

from missing_protocol import clock
from missing_protocol.check import error_dict
from missing_protocol.engine import Outcome
from missing_protocol.rules import Finding


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")


def _field(key: str, value: Any) -> str:
    return "  " + _dumps(key) + ": " + _dumps(value).replace("\n", "\n  ")


def _items(stream: TextIO, items: Iterable[dict[str, Any]]) -> bool:
    """Write the items of a `[...]` as json.dumps(indent=2) would; True when any item was written."""
    any_item = False
    for item in items:
        text = _dumps(item).replace("\n", "\n    ")
        stream.write(("," if any_item else "") + "\n    " + text)
        any_item = True
    stream.write("\n  ]" if any_item else "]")
    return any_item


def write_check_json(stream: TextIO, outcome: Outcome, as_of: dt.datetime, profile: str) -> bool:
    """The whole check as JSON; returns whether any finding written is a problem."""
    head = [
        _field("as_of", clock.iso(as_of)),
        _field("profile", profile),
        _field("counts", outcome.counts.to_dict()),
    ]
    stream.write("{\n" + ",\n".join(head) + ",\n" + '  "findings": [')
    problems = False

    def rows(findings: Iterable[Finding]) -> Iterable[dict[str, Any]]:
        nonlocal problems
        for found in findings:
            problems = problems or found.status.is_problem
            yield found.to_dict()

    _items(stream, rows(outcome.findings))
    stream.write(',\n  "errors": [')
    _items(stream, (error_dict(e) for e in outcome.errors))
    if outcome.warnings:  # an optional key (CONTRACT §3), left out when empty
        stream.write(',\n  "warnings": [')
        _items(stream, (error_dict(w) for w in outcome.warnings))
    stream.write("\n}\n")
    return problems
