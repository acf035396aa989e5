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
import functools
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, Any, TypeVar

import attrs
import cattrs
import pendulum
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError

from missing_protocol import clock
from missing_protocol.episode import Assembly
from missing_protocol.model import (
    EVENT_TYPES,
    ActionKind,
    ApproxTime,
    Ethnicity,
    Event,
    EventError,
    Location,
    PlanAction,
    Reported,
    Source,
)

Parsed = Event | EventError
# The optional `reported` field that carries the SSDA903 MISSING code of an `A` period (away from
# placement without authorisation), so that 903 -> events -> 903 keeps it.
AWAY_FIELD = "ssda903_missing"


class FieldError(ValueError):
    """A value problem inside a hook, carrying the precise (nested) field name."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _strict_str(value: Any, _: type) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a string, got {json.dumps(value)}")
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {json.dumps(value)}")
    return value


_E = TypeVar("_E", bound=enum.Enum)


def _enum_hook(value: Any, cls: type[_E]) -> _E:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise ValueError(f"{json.dumps(value)} is not one of: {allowed}") from None


def _location(value: Any, _: type) -> Location:
    if isinstance(value, str) and value.strip():
        return Location(value.strip())
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        lat, lon = value.get("lat"), value.get("lon")
        for coord in (lat, lon):
            if coord is not None and (
                isinstance(coord, bool) or not isinstance(coord, int | float)
            ):
                raise ValueError("lat and lon must be numbers")
        if (lat is None) != (lon is None):
            raise ValueError("give both lat and lon, or neither")
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError("lat must be within ±90 and lon within ±180")
        return Location(value["name"], lat, lon)
    raise ValueError('expected a place name or {"name": …, "lat": …, "lon": …}')


def _string_list(value: Any, _: type) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    return tuple(value)


def _approx_time(assume_tz: str | None) -> Callable[[Any, type], ApproxTime]:
    # A self-report's times: a bare date is a London day; a date-time follows the `at` policy.
    def hook(value: Any, _: type) -> ApproxTime:
        if isinstance(value, str) and ("T" in value.upper() or " " in value.strip()):
            return clock.parse_instant(value, assume_tz)
        return clock.parse_date(value)

    return hook


def _plan_actions(assume_tz: str | None) -> Callable[[Any, type], tuple[PlanAction, ...]]:
    approx = _approx_time(assume_tz)

    def optional(item: Mapping[str, Any], key: str, field: str, read: Callable[[Any], Any]) -> Any:
        # An action's own `due` and `action_id` (CONTRACT §1); null means not given.
        if item.get(key) is None:
            return None
        try:
            return read(item[key])
        except ValueError as problem:
            raise FieldError(str(problem), field) from None

    def hook(value: Any, _: type) -> tuple[PlanAction, ...]:
        if not isinstance(value, list):
            raise ValueError('expected a list of {"kind": …, "owner": …}')
        actions = []
        for i, item in enumerate(value):
            if not isinstance(item, Mapping):
                raise FieldError('expected {"kind": …, "owner": …}', f"actions[{i}]")
            for key in ("kind", "owner"):
                if key not in item:
                    raise FieldError("required field missing", f"actions[{i}].{key}")
            try:
                kind = _enum_hook(item["kind"], ActionKind)
            except ValueError as problem:
                raise FieldError(str(problem), f"actions[{i}].kind") from None
            try:
                owner = _strict_str(item["owner"], str)
            except ValueError as problem:
                raise FieldError(str(problem), f"actions[{i}].owner") from None
            due = optional(item, "due", f"actions[{i}].due", lambda v: approx(v, object))
            action_id = optional(
                item, "action_id", f"actions[{i}].action_id", lambda v: _strict_str(v, str)
            )
            actions.append(PlanAction(kind, owner, due, action_id))
        return tuple(actions)

    return hook


@functools.cache
def converter(assume_tz: str | None = None) -> cattrs.Converter:
    """A converter whose time hooks apply the naive-time policy of `assume_tz`."""
    conv = cattrs.Converter(detailed_validation=True, forbid_extra_keys=False)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    # StrEnum precedes str in each enum's MRO, so this wins over the str hook.
    conv.register_structure_hook(enum.StrEnum, _enum_hook)
    conv.register_structure_hook(pendulum.DateTime, lambda v, _: clock.parse_instant(v, assume_tz))
    conv.register_structure_hook(pendulum.Date, lambda v, _: clock.parse_date(v))
    conv.register_structure_hook(Ethnicity, lambda v, _: Ethnicity(_strict_str(v, str)))
    conv.register_structure_hook(Location, _location)
    conv.register_structure_hook_func(lambda t: t == tuple[str, ...], _string_list)
    conv.register_structure_hook_func(
        lambda t: t == tuple[PlanAction, ...], _plan_actions(assume_tz)
    )
    conv.register_structure_hook(Source, lambda v, _: v)
    approx = _approx_time(assume_tz)
    conv.register_structure_hook_func(lambda t: t == ApproxTime, approx)
    # Optional (plan_made.due): null never reaches the hook, parse_object drops it first.
    conv.register_structure_hook_func(lambda t: t == ApproxTime | None, approx)
    return conv


def _first_problem(error: BaseException) -> tuple[str | None, str]:
    """The field and message of the first leaf problem in a cattrs validation tree."""
    field: str | None = None
    while isinstance(error, ClassValidationError) and error.exceptions:
        inner = error.exceptions[0]
        for note in getattr(inner, "__notes__", []):
            if hasattr(note, "name"):
                field = note.name
        error = inner
    if isinstance(error, FieldError) and error.field:
        return error.field, str(error)
    if isinstance(error, KeyError):
        return field, "required field missing"
    if isinstance(error, ForbiddenExtraKeysError):
        return None, str(error)
    return field, str(error) or type(error).__name__


def parse_object(
    obj: Any, line: int, file: str | None = None, assume_tz: str | None = None
) -> Parsed:
    """One JSON value -> a typed event, or the error that rejects it."""

    def fail(field: str | None, message: str) -> EventError:
        return EventError(line=line, field=field, message=message, file=file)

    if not isinstance(obj, Mapping):
        return fail(None, f"expected a JSON object, got {type(obj).__name__}")
    etype = obj.get("type")
    if etype is None:
        return fail("type", "required field missing")
    cls = EVENT_TYPES.get(etype) if isinstance(etype, str) else None
    if cls is None:
        return fail(
            "type", f"unknown event type {json.dumps(etype)}; known: {', '.join(EVENT_TYPES)}"
        )
    data = {k: v for k, v in obj.items() if k != "type"}
    data["origin"] = Source(line=line, file=file)
    # A JSON null on an optional field means "not given"; on a required one it is missing.
    for a in attrs.fields(cls):
        if a.name in data and data[a.name] is None:
            if a.default is attrs.NOTHING:
                return fail(a.name, "required field missing (null)")
            del data[a.name]
    try:
        event: Event = converter(assume_tz).structure(data, cls)
    except ClassValidationError as problem:
        return fail(*_first_problem(problem))
    except (ValueError, TypeError) as problem:
        return fail(None, str(problem))
    return event


def _line_of(text: str, offset: int, cache: list[int]) -> int:
    # cache[0] is the last offset counted, cache[1] the line there: one pass over the text.
    start, line = cache
    line += text.count("\n", start, offset)
    cache[:] = [offset, line]
    return line


def _element_end(text: str, pos: int) -> int:
    """Where the array element going on at `pos` ends: the next `,` or `]` at depth 0 (brackets
    inside strings do not count; a stray `}` is part of the element), or the end of the text."""
    depth = 0
    in_string = False
    escaped = False
    for index in range(pos, len(text)):
        char = text[index]
        if in_string:
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


def _array_objects(text: str, file: str | None) -> Iterator[tuple[int, Any] | EventError]:
    """Objects of a JSON array with the line each starts on (for error records)."""
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    counter = [0, 1]
    while True:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text):
            yield EventError(_line_of(text, pos, counter), None, "unterminated JSON array", file)
            return
        if text[pos] == "]":
            # Anything after the array (e.g. one more object) must not vanish unread.
            rest = text[pos + 1 :]
            if rest.strip():
                junk = _line_of(text, len(text) - len(rest.lstrip()), counter)
                yield EventError(junk, None, "unexpected text after the JSON array", file)
            return
        line = _line_of(text, pos, counter)
        try:
            obj, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as problem:
            yield EventError(line, None, f"invalid JSON: {problem.msg}", file)
            # The objects after a bad one must not vanish unread (CONTRACT §1): skip to the end
            # of this element and go on; a break that runs to the end of the file stops here.
            pos = max(_element_end(text, pos), pos + 1)
            if pos >= len(text):
                return
            continue
        bad_bytes = _undecodable(text, pos, end)
        if bad_bytes is not None:
            yield EventError(line, None, f"not UTF-8 text ({bad_bytes})", file)
        else:
            yield line, obj
        pos = end


def read_lines(
    lines: Iterable[str],
    file: str | None = None,
    assume_tz: str | None = None,
    first_line: int = 1,
) -> Iterator[Parsed]:
    """Stream JSON Lines: each non-blank line becomes one event or one error."""
    for number, raw in enumerate(lines, start=first_line):
        text = raw.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as problem:
            yield EventError(
                number, None, f"invalid JSON: {problem.msg} (column {problem.colno})", file
            )
            continue
        yield parse_object(obj, number, file, assume_tz)


def read_array(
    text: str, file: str | None = None, assume_tz: str | None = None
) -> Iterator[Parsed]:
    for item in _array_objects(text, file):
        if isinstance(item, EventError):
            yield item
        else:
            yield parse_object(item[1], item[0], file, assume_tz)


def read_objects(objects: Iterable[Any], assume_tz: str | None = None) -> Iterator[Parsed]:
    """In-memory input (the Python API): dicts, JSON text lines or typed events; line = position."""
    for number, obj in enumerate(objects, start=1):
        if isinstance(obj, EventError) or type(obj) in EVENT_TYPES.values():
            yield obj
        elif isinstance(obj, str | bytes):
            # A JSON text per item, e.g. messages taken off a queue; blank items are skipped.
            text = obj.decode("utf-8", "replace") if isinstance(obj, bytes) else obj
            yield from read_lines([text], None, assume_tz, first_line=number)
        else:
            yield parse_object(obj, number, None, assume_tz)


class UnreadableFile(OSError):
    """A file that cannot be opened or read at all (CLI exit code 2)."""


def read_file(path: str | os.PathLike[str], assume_tz: str | None = None) -> Iterator[Parsed]:
    """A JSON Lines file streamed line by line, or a JSON array file (first character '[')."""
    name = str(path)
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    except OSError as problem:
        raise UnreadableFile(f"{name}: {problem.strerror or problem}") from None
    return _read_open(handle, name, assume_tz)


def _decoded(handle: Any, name: str) -> Iterator[str | EventError]:
    # Bytes are decoded per line so one bad line is one error, not a lost file.
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as problem:
            yield EventError(number, None, f"not UTF-8 text ({problem.reason})", name)


def _read_open(handle: Any, name: str, assume_tz: str | None) -> Iterator[Parsed]:
    with handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        handle.seek(0)
        if head.startswith(b"["):
            # Bytes that are not UTF-8 reject the object they are in, not the whole file.
            text = handle.read().decode("utf-8-sig", "surrogateescape")
            yield from read_array(text, name, assume_tz)
            return
        lines = _decoded(handle, name)
        for number, item in enumerate(lines, start=1):
            if isinstance(item, EventError):
                yield item
            else:
                yield from read_lines([item], name, assume_tz, first_line=number)


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
