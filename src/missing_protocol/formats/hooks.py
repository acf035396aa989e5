"""The value hooks of the reader (CONTRACT §1 field types), shared by both ways to an event.

Each hook takes a JSON value and returns the typed value, or raises ValueError (FieldError with
the precise nested field) whose message the rejected event carries. The reference converter
(cattrs) and the fast path's generated builders call the same hooks (formats.fields).
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pendulum

from missing_protocol import clock
from missing_protocol.model import (
    ActionKind,
    ApproxTime,
    Ethnicity,
    Location,
    PlanAction,
)


class FieldError(ValueError):
    """A value problem inside a hook, carrying the precise (nested) field name, and its message
    worded without the value it quotes (`withheld`; the message itself when it quotes none)."""

    def __init__(self, message: str, field: str | None = None, withheld: str | None = None):
        super().__init__(message)
        self.field = field
        self.withheld = message if withheld is None else withheld

    @classmethod
    def at(cls, problem: ValueError, field: str) -> FieldError:
        """`problem` said of the nested `field`."""
        return cls(str(problem), field, unquoted(problem))


def unquoted(problem: BaseException) -> str | None:
    """`problem`'s message as a pseudonymised run shows it, worded by the hook or clock function
    that raised it without any value from the log; None for any other problem (not vetted)."""
    if isinstance(problem, FieldError):
        return problem.withheld
    if isinstance(problem, clock.TimeError):
        return str(problem) if problem.withheld is None else problem.withheld
    return None


def _strict_str(value: Any, _: type) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        if isinstance(value, float) and value.is_integer() and abs(value) >= 2**63:
            # orjson reads a whole number past 64 bits as a float: say so, not "got 1.2e+29".
            raise FieldError("a number outside 64 bits: give a long id as a string")
        # Its kind, not the value: an id sent as ["C1"] must not reach a pseudonymised output.
        raise FieldError(f"expected a string, got {json_kind(value)}")
    text = str(value).strip()
    if not text:
        raise FieldError("must not be empty")
    return text


def _shown(value: Any) -> str:
    # A value echoed in a message is cut short: a huge or deeply nested one must not flood it.
    try:
        text = json.dumps(value)
    except (ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def json_kind(value: Any) -> str:
    """What a decoded JSON value is, in JSON's words (an error says "got null", not NoneType)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        said = "expected true or false, got "
        raise FieldError(said + _shown(value), withheld=said + json_kind(value))
    return value


_E = TypeVar("_E", bound=enum.Enum)


def _enum_hook(value: Any, cls: type[_E]) -> _E:
    try:
        return cls(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(m.value) for m in cls)
        raise FieldError(
            f"{_shown(value)} is not one of: {allowed}", None, f"not one of: {allowed}"
        ) from None


# Texts recur across a log (an episode's id on each of its events, authority codes, providers,
# owners, reasons): the reader keeps one copy of each, which saves about a fifth of a log's
# memory (measured). Bounded, so that it never grows with the log: emptied when full.
_TEXTS: dict[str, str] = {}
_TEXTS_HELD = 1 << 16

_K = TypeVar("_K")
_V = TypeVar("_V")


def shared(table: dict[_K, _V], key: _K, make: Callable[[_K], _V], held: int = 4096) -> _V:
    """`table`'s value for `key`, made once: a frozen value that recurs across a log (a place,
    a list of reasons, a plan's actions) is shared, which saves its memory on every line.
    Bounded, so that it never grows with the log: emptied when it holds `held`."""
    value = table.get(key)
    if value is None:
        if len(table) >= held:
            table.clear()
        value = table[key] = make(key)
    return value


def _place(name: str) -> Location:
    return Location(name.strip())


_PLACES: dict[str, Location] = {}


def _location(value: Any, _: type) -> Location:
    if value.__class__ is str and value.strip():
        return shared(_PLACES, value, _place)
    if isinstance(value, str) and value.strip():
        return Location(value.strip())
    if isinstance(value, Mapping) and isinstance(value.get("name"), str):
        if not value["name"].strip():
            raise FieldError("a place's name must not be blank")
        lat, lon = value.get("lat"), value.get("lon")
        for coord in (lat, lon):
            if coord is not None and (
                isinstance(coord, bool) or not isinstance(coord, int | float)
            ):
                raise FieldError("lat and lon must be numbers")
        if (lat is None) != (lon is None):
            raise FieldError("give both lat and lon, or neither")
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise FieldError("lat must be within ±90 and lon within ±180")
        # Trimmed as a name given as text is, so both spellings of one place meet.
        return Location(value["name"].strip(), lat, lon)
    raise FieldError('expected a place name or {"name": …, "lat": …, "lon": …}')


_TEXT_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _texts(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple([_TEXTS.setdefault(v, v) for v in values])


def _string_list(value: Any, _: type) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError("expected a list of strings")
    if not all(v.__class__ is str for v in value):
        return tuple(value)  # a str subclass given in memory keeps its own class: not shared
    return shared(_TEXT_LISTS, tuple(value), _texts)  # an interview's reasons, risks


def _approx_time(assume_tz: str | None) -> Callable[[Any, type], ApproxTime]:
    # A self-report's times: a bare date is a London day; a date-time follows the `at` policy.
    def hook(value: Any, _: type) -> ApproxTime:
        text = _time_text(value, "date or date-time")
        if "T" in text.upper() or " " in text.strip():
            return clock.parse_instant(text, assume_tz)
        return clock.parse_date(text)

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
            raise FieldError.at(problem, field) from None

    def hook(value: Any, _: type) -> tuple[PlanAction, ...]:
        if not isinstance(value, list):
            raise FieldError('expected a list of {"kind": …, "owner": …}')
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
                raise FieldError.at(problem, f"actions[{i}].kind") from None
            try:
                owner = _strict_str(item["owner"], str)
            except ValueError as problem:
                raise FieldError.at(problem, f"actions[{i}].owner") from None
            due = optional(item, "due", f"actions[{i}].due", lambda v: approx(v, object))
            action_id = optional(
                item, "action_id", f"actions[{i}].action_id", lambda v: _strict_str(v, str)
            )
            actions.append(PlanAction(kind, owner, due, action_id))
        return tuple(actions)

    return hook


def _ethnicity(value: Any, _: type) -> Ethnicity:
    try:
        return Ethnicity(_strict_str(value, str))
    except FieldError:
        raise
    except ValueError as problem:  # the model's check quotes the code it refuses
        raise FieldError(str(problem), withheld="not a DfE ethnicity code") from None


def _time_text(value: Any, what: str) -> str:
    # A time given as another JSON value is named in JSON's words ("got a number", not "got int").
    if not isinstance(value, str):
        raise FieldError(f"expected an ISO 8601 {what} string, got {json_kind(value)}")
    return value


def _instant(assume_tz: str | None) -> Callable[[Any, type], dt.datetime]:
    return lambda v, _: clock.parse_instant(_time_text(v, "date-time"), assume_tz)


def _hooks(assume_tz: str | None) -> dict[Any, Callable[[Any, type], Any]]:
    """The hook of each field type that is not a str, bool or enum: shared by both paths."""
    approx = _approx_time(assume_tz)
    return {
        dt.datetime: _instant(assume_tz),
        pendulum.Date: lambda v, _: clock.parse_date(_time_text(v, "date")),
        Ethnicity: _ethnicity,
        Location: _location,
        tuple[str, ...]: _string_list,
        tuple[PlanAction, ...]: _plan_actions(assume_tz),
        ApproxTime: approx,
        ApproxTime | None: approx,
    }
