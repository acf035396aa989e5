"""CONTRACT §3 JSON written as a stream: findings are formatted one at a time as the merged
partitions yield them, so a national log never holds its whole answer in memory. The text is
laid out as `json.dumps(result, indent=2)` lays out the same answer (orjson writes it, and
writes text as UTF-8 rather than escaping it)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from json.encoder import encode_basestring_ascii as _escaped
from typing import Any, TextIO

import orjson

from missing_protocol import clock
from missing_protocol.check import error_dict
from missing_protocol.cli._output import reader_left
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
            if not reader_left(stream):  # once it has gone, only the exit code is still wanted
                yield found.to_dict()

    _items(stream, rows(outcome.findings))
    if reader_left(stream):
        return problems
    stream.write(',\n  "errors": [')
    _items(stream, (error_dict(e) for e in outcome.errors))
    if outcome.warnings:  # an optional key (CONTRACT §3), left out when empty
        stream.write(',\n  "warnings": [')
        _items(stream, (error_dict(w) for w in outcome.warnings))
    stream.write("\n}\n")
    return problems


def _json_items(stream: TextIO, items: Iterable[dict[str, Any]]) -> None:
    """`_items`, laid out and escaped by the json module (ASCII), as `json.dumps` writes them."""
    any_item = False
    for item in items:
        stream.write(("," if any_item else "") + "\n    " + _json_item(item))
        any_item = True
    stream.write("\n  ]" if any_item else "]")


def _json_item(item: dict[str, Any]) -> str:
    """One item of a top-level list as `json.dumps(..., indent=2)` lays it out. A flat one is
    built from its keys and values: the json module's indented encoder makes reference cycles
    on each call, which the CLI's paused collector keeps (1.6 GiB for a million errors)."""
    if not item or any(isinstance(v, dict | list | tuple) for v in item.values()):
        return json.dumps(item, indent=2).replace("\n", "\n    ")
    inner = ",\n      ".join(f"{_ascii(k)}: {_ascii(v)}" for k, v in item.items())
    return "{\n      " + inner + "\n    }"


def _ascii(value: Any) -> str:
    # The json module's own escaping (C) for the common cases, json.dumps for the rest.
    if value.__class__ is str:
        return _escaped(value)
    return "null" if value is None else json.dumps(value)


def write_due_json(
    stream: TextIO,
    head: dict[str, Any],
    due: Iterable[dict[str, Any]],
    errors: Iterable[dict[str, Any]],
) -> None:
    """`due`'s JSON, byte for byte `json.dumps({**head, "due": ..., "errors": ...}, indent=2)`,
    written item by item: a log of a million rejected lines never becomes one text in memory
    (it took 1.6 GiB)."""
    fields = [
        f"  {json.dumps(k)}: " + json.dumps(v, indent=2).replace("\n", "\n  ")
        for k, v in head.items()
    ]
    stream.write("{\n" + ",\n".join(fields) + ',\n  "due": [')
    _json_items(stream, due)
    stream.write(',\n  "errors": [')
    _json_items(stream, errors)
    stream.write("\n}\n")
