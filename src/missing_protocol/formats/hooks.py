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
    """A value problem inside a hook, carrying the precise (nested) field name."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _strict_str(value: Any, _: type) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a string, got {_shown(value)}")
    text = str(value).strip()
    if not text:
        raise ValueError("must not be empty")
    return text


def _shown(value: Any) -> str:
    # A value echoed in a message is cut short: a huge or deeply nested one must not flood it.
    try:
        text = json.dumps(value)
    except (ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_shown(value)}")
    return value


_E = TypeVar("_E", bound=enum.Enum)


def _enum_hook(value: Any, cls: type[_E]) -> _E:
    try:
        return cls(value)
    except (ValueError, TypeError):
        allowed = ", ".join(str(m.value) for m in cls)
        raise ValueError(f"{_shown(value)} is not one of: {allowed}") from None


# Texts recur across a log (an episode's id on each of its events, authority codes, providers,
# owners, reasons): the reader keeps one copy of each, which saves about a fifth of a log's
# memory (measured). Bounded, so that it never grows with the log: emptied when full.
_TEXTS: dict[str, str] = {}
_TEXTS_HELD = 1 << 16

# Place names recur across a log (a home, a station): each is made once and shared (frozen
# values), which saves a Location per line and its memory. Bounded: cleared when full.
_PLACES: dict[str, Location] = {}
_PLACES_HELD = 4096


def _location(value: Any, _: type) -> Location:
    if value.__class__ is str:
        place = _PLACES.get(value)
        if place is not None:
            return place
        if value.strip():
            if len(_PLACES) >= _PLACES_HELD:
                _PLACES.clear()
            place = _PLACES[value] = Location(value.strip())
            return place
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


# Lists of texts recur too (an interview's reasons, risks): each is kept once, bounded.
_TEXT_LISTS: dict[tuple[str, ...], tuple[str, ...]] = {}


def _string_list(value: Any, _: type) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of strings")
    if not all(v.__class__ is str for v in value):
        return tuple(value)  # a str subclass given in memory keeps its own class: not shared
    texts = tuple(value)
    shared = _TEXT_LISTS.get(texts)
    if shared is None:
        if len(_TEXT_LISTS) >= _TEXTS_HELD:
            _TEXT_LISTS.clear()
        shared = _TEXT_LISTS[texts] = tuple([_TEXTS.setdefault(v, v) for v in texts])
    return shared


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


def _instant(assume_tz: str | None) -> Callable[[Any, type], dt.datetime]:
    return lambda v, _: clock.parse_instant(v, assume_tz)


def _hooks(assume_tz: str | None) -> dict[Any, Callable[[Any, type], Any]]:
    """The hook of each field type that is not a str, bool or enum: shared by both paths."""
    approx = _approx_time(assume_tz)
    return {
        dt.datetime: _instant(assume_tz),
        pendulum.Date: lambda v, _: clock.parse_date(v),
        Ethnicity: lambda v, _: Ethnicity(_strict_str(v, str)),
        Location: _location,
        tuple[str, ...]: _string_list,
        tuple[PlanAction, ...]: _plan_actions(assume_tz),
        ApproxTime: approx,
        ApproxTime | None: approx,
    }
