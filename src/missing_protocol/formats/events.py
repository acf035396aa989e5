"""The event log (CONTRACT §1): reading JSON Lines (streamed line by line) or a JSON array, and
writing JSON Lines.

Reading: every object becomes a typed event or an EventError naming its line and field; nothing
is dropped and nothing raises. cattrs turns objects into the attrs classes, so a bad field is
named by the class's own attribute. Writing (`write_events`, `event_json`, `assembled_events`)
is the reader's inverse: what it writes reads back as the same events.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, Any

import attrs
import orjson

from missing_protocol import clock
from missing_protocol.episode import Assembly
from missing_protocol.formats.fields import (
    AWAY_FIELD,
    KNOWN_FIELDS,
    Parsed,
    converter,
    parse_object,
    plain_rejection,
)
from missing_protocol.formats.hooks import FieldError
from missing_protocol.model import (
    EVENT_CLASSES,
    Ethnicity,
    Event,
    EventError,
    Location,
    PlanAction,
    Private,
    Reported,
    Source,
)

__all__ = [
    "AWAY_FIELD",
    "FieldError",
    "Parsed",
    "UnreadableFile",
    "assembled_events",
    "converter",
    "event_json",
    "parse_object",
    "read_array",
    "read_file",
    "read_lines",
    "read_objects",
    "write_events",
]


def _line_of(text: str, offset: int, cache: list[int]) -> int:
    # cache[0] is the last offset counted, cache[1] the line there: one pass over the text.
    start, line = cache
    line += text.count("\n", start, offset)
    cache[:] = [offset, line]
    return line


def _element_end(text: str, pos: int) -> int:
    """Where the broken array element at `pos` ends: the next `,` or `]` at depth 0 (brackets
    inside strings do not count; a stray `}` is part of the element), a string running into the
    end of its line (JSON text holds no raw newline, so the element is broken beyond that), or
    the end of the text."""
    depth = 0
    in_string = False
    escaped = False
    for index in range(pos, len(text)):
        char = text[index]
        if in_string:
            if char == "\n":
                return index
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]" and depth > 0:
            depth -= 1
        elif char in ",]" and depth == 0:
            return index
    return len(text)


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _undecodable(text: str, start: int, end: int) -> str | None:
    """Why text[start:end] (decoded with surrogateescape) is not UTF-8, or None when it is."""
    if _ESCAPED_BYTE.search(text, start, end) is None:
        return None
    try:
        text[start:end].encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeDecodeError as problem:
        return problem.reason
    return "invalid byte"  # pragma: no cover - an escaped byte never decodes


def _array_objects(text: str, file: str | None) -> Iterator[tuple[int, int, Any] | EventError]:
    """Objects of a JSON array with the line each starts on (for error records) and its place
    among the elements starting on that line (Source.place).

    Strict about separators, as a JSON parser is: an empty element (`[a,,b]`, a trailing comma)
    is an error record, and an element with no comma before it is rejected, not read, since a
    JSON Lines line holding two objects is rejected too."""
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    counter = [0, 1]
    wanted = True  # an element is due: after `[` or a comma
    first = True
    # Each record's place among those of its line, so that a line's records keep their order.
    last: list[int] = [0, -1]  # the line of the last record, and its place there

    def placed(line: int) -> int:
        last[:] = [line, last[1] + 1 if line == last[0] else 0]
        return last[1]

    def reject(line: int, message: str) -> EventError:
        return plain_rejection(line, None, message, file, placed(line))

    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos >= len(text):
            yield reject(_line_of(text, pos, counter), "unterminated JSON array")
            return
        char = text[pos]
        line = _line_of(text, pos, counter)
        if char == "]":
            if wanted and not first:
                yield reject(line, "invalid JSON: a comma before ']'")
            # Anything after the array (e.g. one more object) must not vanish unread.
            rest = text[pos + 1 :]
            if rest.strip():
                junk = _line_of(text, len(text) - len(rest.lstrip()), counter)
                yield reject(junk, "unexpected text after the JSON array")
            return
        if char == ",":
            if wanted:
                yield reject(line, "invalid JSON: a comma with no element before it")
            wanted, first = True, False
            pos += 1
            continue
        if not wanted:
            # Rejected whole, and skipped: the reader cannot tell where one object was meant to end.
            yield reject(line, "invalid JSON: no comma before this element")
            try:
                pos = decoder.raw_decode(text, pos)[1]
            except (ValueError, RecursionError):
                pos = max(_element_end(text, pos), pos + 1)
            continue
        wanted = first = False
        place = placed(line)
        try:
            obj, end = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as problem:
            # JSONDecodeError, a number past Python's digit limit, or nesting past the stack.
            why = problem.msg if isinstance(problem, json.JSONDecodeError) else "too deeply nested"
            if isinstance(problem, ValueError) and not isinstance(problem, json.JSONDecodeError):
                why = "a number too long to read"
            # The objects after a bad one must not vanish unread (CONTRACT §1): skip to the end
            # of this element and go on; a break that runs to the end of the file says so.
            pos = max(_element_end(text, pos), pos + 1)
            if pos >= len(text):
                why += "; nothing after it could be read"
            yield plain_rejection(line, None, f"invalid JSON: {why}", file, place)
            if pos >= len(text):
                return
            # Broken at a line's end, the next line may begin the next element without a comma.
            wanted = text[pos] == "\n"
            continue
        bad_bytes = _undecodable(text, pos, end)
        if bad_bytes is not None:
            yield plain_rejection(line, None, f"not UTF-8 text ({bad_bytes})", file, place)
        else:
            yield line, place, obj
        pos = end


def _json_error(problem: ValueError) -> str:
    # orjson and json both subclass JSONDecodeError; the column helps find the fault in a line.
    if isinstance(problem, json.JSONDecodeError):
        return f"invalid JSON: {problem.msg} (column {problem.colno})"
    return f"invalid JSON: {problem}"


def _line_object(text: str | bytes, number: int, file: str | None) -> Any:
    """One line's JSON value, or the EventError that rejects the line (never raises)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as problem:
        if isinstance(text, bytes):
            try:
                text.decode("utf-8")
            except UnicodeDecodeError as bad:
                return plain_rejection(number, None, f"not UTF-8 text ({bad.reason})", file)
        return plain_rejection(number, None, _json_error(problem), file)


def read_lines(
    lines: Iterable[str | bytes],
    file: str | None = None,
    assume_tz: str | None = None,
    first_line: int = 1,
) -> Iterator[Parsed]:
    """Stream JSON Lines: each non-blank line becomes one event or one error.

    orjson parses each line: it refuses nesting deeper than 1024 and lone surrogates, each as an
    invalid line (docs/contract.md), and reads a whole number past 64 bits as a float (which an
    id or a count rejects), so no value it gives can crash what comes after.
    """
    for number, raw in enumerate(lines, start=first_line):
        if not raw.strip():
            continue
        obj = _line_object(raw, number, file)
        if isinstance(obj, EventError):
            yield obj
        else:
            yield parse_object(obj, number, file, assume_tz)


def _unprintable(obj: Any) -> str | None:
    """The top-level field of a decoded value holding a lone surrogate (not UTF-8 text), if any."""
    try:
        orjson.dumps(obj)
        return None
    except (TypeError, orjson.JSONEncodeError):
        pass
    if isinstance(obj, Mapping):
        for key, value in obj.items():
            try:
                orjson.dumps({key: value})
            except (TypeError, orjson.JSONEncodeError):
                return str(key).encode("utf-8", "backslashreplace").decode("utf-8")
    return ""


# Every field name some event type defines (a rejection may name it under pseudonyms too).
_DEFINED = frozenset().union(*KNOWN_FIELDS.values())


def _checked_object(
    obj: Any,
    line: int,
    file: str | None,
    assume_tz: str | None,
    origin: Source | None = None,
    place: int = 0,
) -> Parsed:
    # Values decoded by Python's json (arrays, dicts given in memory) may hold what orjson
    # refuses in a line: text that is not UTF-8 (a lone surrogate), integers past 64 bits.
    where = _unprintable(obj)
    if where is not None:
        message = "not UTF-8 text (a lone surrogate) or a number outside 64 bits"
        field = where or None
        # A name no event defines is itself from the log: a pseudonymised run does not show it.
        private = Private(field if field in _DEFINED else None, message)
        return EventError(line, field, message, file, private=private, place=place)
    return parse_object(obj, line, file, assume_tz, origin, place)


def read_array(
    text: str, file: str | None = None, assume_tz: str | None = None, origin: Source | None = None
) -> Iterator[Parsed]:
    for item in _array_objects(text, file):
        if isinstance(item, EventError):
            yield item
        else:
            line, place, obj = item
            yield _checked_object(obj, line, file, assume_tz, origin, place)


def read_objects(objects: Iterable[Any], assume_tz: str | None = None) -> Iterator[Parsed]:
    """In-memory input (the Python API): dicts, JSON text lines or typed events, line = position;
    or log files given as `pathlib` paths, each read as `read_file` reads it."""
    for number, obj in enumerate(objects, start=1):
        if obj.__class__ is dict:
            yield parse_object(obj, number, None, assume_tz)  # the common case: its fast path
        elif obj.__class__ in EVENT_CLASSES or isinstance(obj, EventError):
            yield obj
        elif isinstance(obj, str | bytes):
            # A JSON text per item, e.g. messages taken off a queue; blank items are skipped.
            yield from read_lines([obj], None, assume_tz, first_line=number)
        elif isinstance(obj, os.PathLike):
            # A list of log files (pathlib paths), as the CLI takes several: each read whole.
            yield from read_file(obj, assume_tz)
        else:
            yield _checked_object(obj, number, None, assume_tz)


class UnreadableFile(OSError):
    """A file that cannot be opened or read at all (CLI exit code 2)."""


def read_file(
    path: str | os.PathLike[str], assume_tz: str | None = None, *, numbered: bool = True
) -> Iterator[Parsed]:
    """A JSON Lines file streamed line by line, or a JSON array file (first character '[').

    With `numbered=False` every event read shares one origin, `Source(0, file)`: for answers
    that never show where an event came from (the report's figures), it saves the line number
    and provenance of each, about 100 bytes an event. A rejected line still names its line.
    """
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    except OSError as problem:
        raise UnreadableFile(f"{name}: {problem.strerror or problem}") from None
    return _read_open(handle, name, assume_tz, None if numbered else Source(0, name))


# A file named as JSON Lines is read line by line even when its first line starts with '['.
LINE_SUFFIXES = (".jsonl", ".ndjson")
_BOM = b"\xef\xbb\xbf"


def is_array_file(handle: Any, name: str) -> bool:
    """Whether an open file is read as one JSON array (and not line by line); rewinds it."""
    read = handle.read(4096)
    head = read.lstrip(_BOM + b" \t\r\n")
    while read and not head:  # only white space so far: its first character is further on
        read = handle.read(1 << 16)
        head = read.lstrip(b" \t\r\n")
    handle.seek(0)
    return head.startswith(b"[") and not name.lower().endswith(LINE_SUFFIXES)


def numbered_lines(handle: Any, first: int = 1) -> Iterator[tuple[int, bytes]]:
    """A JSON Lines file's non-blank lines with their numbers (a first-line BOM dropped); `first`
    numbers a part of a file that starts at that line."""
    for number, raw in enumerate(handle, start=first):
        if number == 1 and raw.startswith(_BOM):
            raw = raw[3:]
        if raw.strip():
            yield number, raw


def _read_open(
    handle: Any, name: str, assume_tz: str | None, origin: Source | None
) -> Iterator[Parsed]:
    with handle:
        if is_array_file(handle, name):
            # Bytes that are not UTF-8 reject the object they are in, not the whole file.
            text = handle.read().decode("utf-8-sig", "surrogateescape")
            yield from read_array(text, name, assume_tz, origin)
            return
        for number, raw in numbered_lines(handle):
            obj = _line_object(raw, number, name)
            if isinstance(obj, EventError):
                yield obj
            else:
                yield parse_object(obj, number, name, assume_tz, origin)


# ---- writing the event log (JSON Lines, CONTRACT §1) -------------------------------------------


def _json_value(value: Any) -> Any:
    # The inverse of the converter's hooks: instants in London local time with their offset.
    if isinstance(value, dt.datetime):
        return clock.local(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Ethnicity):
        return value.code
    if isinstance(value, Location):
        if value.lat is None:
            return value.name
        return {"name": value.name, "lat": value.lat, "lon": value.lon}
    if isinstance(value, PlanAction):
        action: dict[str, Any] = {"kind": value.kind.value, "owner": value.owner}
        if value.due is not None:
            action["due"] = _json_value(value.due)
        if value.action_id is not None:
            action["action_id"] = value.action_id
        return action
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


def event_json(
    event: Event, away: frozenset[str] = frozenset(), *, omit_defaults: bool = False
) -> dict[str, Any]:
    """One event as its CONTRACT §1 object; an `A` period's report carries `ssda903_missing`.

    With `omit_defaults`, optional fields left at their default (e.g. `independent: true`) are
    left out, for compact logs.
    """
    record: dict[str, Any] = {"type": event.type}
    for field in attrs.fields(type(event)):
        value = getattr(event, field.name)
        if field.name == "origin" or value is None:
            continue
        if omit_defaults and field.default is not attrs.NOTHING and value == field.default:
            continue
        record[field.name] = _json_value(value)
    if isinstance(event, Reported) and event.episode_id in away:
        record[AWAY_FIELD] = "A"  # MissingType.AWAY
    return record


def assembled_events(assembly: Assembly) -> Iterator[Event]:
    """Children, each episode's accepted events in lifecycle order, discussions, intelligence."""
    yield from assembly.children.values()
    for episode in assembly.episodes:
        yield episode.reported
        for event in (
            episode.found,
            episode.cancelled,
            episode.offered,
            episode.declined,
            episode.completed,
            episode.plan,
        ):
            if event is not None:
                yield event
        yield from episode.actions_completed
        yield from episode.notifications
    for talks in assembly.strategy_discussions.values():
        yield from talks
    kept = assembly.intelligence
    yield from kept.person_links
    yield from kept.disruptions
    yield from kept.prosecutions
    yield from kept.self_reports


def write_events(
    events: Iterable[Event], stream: IO[str], away: frozenset[str] = frozenset()
) -> int:
    """Events as JSON Lines, one object a line (`event_json`); returns the lines written."""
    count = 0
    for event in events:
        stream.write(json.dumps(event_json(event, away), ensure_ascii=False) + "\n")
        count += 1
    return count
