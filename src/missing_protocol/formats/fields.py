"""One JSON object -> one typed event (CONTRACT §1), or the error that names its field.

Two ways to the same event, derived from the model's attrs fields:
- the reference: a cattrs converter with detailed validation, whose error tree names the field;
- the fast path: for each event class a builder generated from the same field types and hooks
  (formats.hooks), which returns the event when every value has its plain, common shape and
  otherwise gives up, so the reference decides (and words the error). Hypothesis proves the two
  equal (tests/test_engine_equality.py, tests/test_reader_fast_actions.py).
Unknown field names are kept on the event's origin, for `warnings` (CONTRACT §3).
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import sys
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError

from missing_protocol import clock
from missing_protocol.formats.hooks import (
    _TEXTS,
    _TEXTS_HELD,
    FieldError,
    _enum_hook,
    _hooks,
    _shown,
    _strict_bool,
    _strict_str,
    json_kind,
    shared,
    unquoted,
)
from missing_protocol.model import (
    EVENT_TYPES,
    ActionKind,
    ApproxTime,
    Event,
    EventError,
    PlanAction,
    Private,
    Reported,
    Source,
)

Parsed = Event | EventError
# The optional `reported` field that carries the SSDA903 MISSING code of an `A` period (away from
# placement without authorisation), so that 903 -> events -> 903 keeps it.
AWAY_FIELD = "ssda903_missing"


@functools.cache
def converter(assume_tz: str | None = None) -> cattrs.Converter:
    """The reference: a converter whose time hooks apply the naive-time policy of `assume_tz`."""
    conv = cattrs.Converter(detailed_validation=True, forbid_extra_keys=False)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    # StrEnum precedes str in each enum's MRO, so this wins over the str hook.
    conv.register_structure_hook(enum.StrEnum, _enum_hook)
    for kind, hook in _hooks(assume_tz).items():
        conv.register_structure_hook_func(_matcher(kind), hook)
    conv.register_structure_hook(Source, lambda v, _: v)
    return conv


def _matcher(kind: Any) -> Callable[[Any], bool]:
    # Unions and generic aliases are not classes: they are matched by equality.
    return lambda t: bool(t == kind)


def _first_problem(error: BaseException) -> tuple[str | None, str, str | None]:
    """The field, message and message without values (`unquoted`) of the first leaf problem in
    a cattrs validation tree."""
    field: str | None = None
    while isinstance(error, ClassValidationError) and error.exceptions:
        inner = error.exceptions[0]
        for note in getattr(inner, "__notes__", []):
            if hasattr(note, "name"):
                field = note.name
        error = inner
    if isinstance(error, FieldError) and error.field:
        return error.field, str(error), error.withheld
    if isinstance(error, KeyError):
        return field, "required field missing", "required field missing"
    if isinstance(error, ForbiddenExtraKeysError):
        return None, str(error), None
    return field, str(error) or type(error).__name__, unquoted(error)


def rejection(
    line: int,
    field: str | None,
    message: str,
    file: str | None,
    withheld: str | None,
    place: int = 0,
) -> EventError:
    """A rejected event; `withheld` is its message worded without any value from the log (None:
    not vetted), which is what a pseudonymised run shows (privacy)."""
    private = None if withheld is None else Private(field, withheld)
    return EventError(line, field, message, file, private=private, place=place)


def plain_rejection(
    line: int, field: str | None, message: str, file: str | None, place: int = 0
) -> EventError:
    """A rejected event whose message quotes nothing from the log."""
    return rejection(line, field, message, file, message, place)


# ---- the fast path ------------------------------------------------------------------------------

_GIVE_UP = object()


def _fast_hook(hook: Callable[[Any, type], Any]) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        try:
            return hook(value, object)
        except (ValueError, TypeError):
            return _GIVE_UP

    return convert


_ACTION_KINDS = {kind.value: kind for kind in ActionKind}


# A plan's actions recur across a log (the same services own the same kinds of action).
_PLANS: dict[tuple[tuple[str, str], ...], tuple[PlanAction, ...]] = {}


def _actions(shape: tuple[tuple[str, str], ...]) -> tuple[PlanAction, ...]:
    return tuple(
        PlanAction(_ACTION_KINDS[kind], _TEXTS.setdefault(name, name), None, None)
        for kind, name in shape
    )


def _plain_actions(value: Any) -> tuple[PlanAction, ...] | None:
    """The common shape, `[{"kind": …, "owner": …}, …]` with known kinds and plain owners, read
    directly (the fast path); None for anything else, which the hook reads and words."""
    if value.__class__ is not list:
        return None
    key = []
    for item in value:
        if item.__class__ is not dict or len(item) != 2:
            return None
        kind, owner = item.get("kind"), item.get("owner")
        if kind.__class__ is not str or owner.__class__ is not str or kind not in _ACTION_KINDS:
            return None
        name = owner.strip()
        if not name:
            return None
        key.append((kind, name))
    return shared(_PLANS, tuple(key), _actions)


def _fast_actions(hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
    # A plan's actions in their common shape are read directly; any other, by the hook.
    def convert(value: Any) -> Any:
        plain = _plain_actions(value)
        return hook(value) if plain is None else plain

    return convert


def _is_optional(kind: Any) -> bool:
    args: tuple[Any, ...] = getattr(kind, "__args__", ())
    return len(args) == 2 and args[1] is type(None) and kind != ApproxTime | None


# One line of generated code per shape of field: each takes `v` (the raw value, None when absent)
# and sets `a{i}`, or returns None so that the reference decides. `{d}` is the field's default.
_REQUIRED = "    if v is None:\n        return None\n"
_OPTIONAL = "    if v is None:\n        a{i} = D{i}\n    else:\n"
_SHAPES = {
    "str": "if v.__class__ is not str:\n    return None\na{i} = v.strip()\nif not a{i}:\n    return None\na{i} = share(a{i}, a{i})\n",
    "bool": "if v is not True and v is not False:\n    return None\na{i} = v\n",
    "enum": "a{i} = C{i}.get(v) if v.__class__ is str else None\nif a{i} is None:\n    return None\n",
    "instant": "a{i} = instant(v) if v.__class__ is str else None\nif a{i} is None:\n    return None\n",
    "hook": "a{i} = C{i}(v)\nif a{i} is GIVE_UP:\n    return None\n",
}


def _builder(cls: type[Any], assume_tz: str | None) -> Callable[[Mapping[str, Any], Source], Any]:
    """Generate the fast builder of `cls` from its attrs fields (as cattrs generates its own)."""
    attrs.resolve_types(cls)
    hooks = _hooks(assume_tz)
    scope: dict[str, Any] = {
        "cls": cls,
        "GIVE_UP": _GIVE_UP,
        "instant": clock.instant_or_none,
        "share": _TEXTS.setdefault,
    }
    lines = ["def build(obj, origin):", "    get = obj.get"]
    names = []
    for i, field in enumerate(a for a in attrs.fields(cls) if a.name != "origin"):
        kind = field.type
        plain = kind.__args__[0] if _is_optional(kind) else kind
        if plain is str:
            shape = "str"
        elif plain is bool:
            shape = "bool"
        elif isinstance(plain, type) and issubclass(plain, enum.Enum):
            shape, scope[f"C{i}"] = "enum", {m.value: m for m in plain}
        elif plain is dt.datetime and assume_tz is None:
            shape = "instant"  # with --assume-tz a naive time is read by the reference path
        elif kind == tuple[PlanAction, ...]:
            shape, scope[f"C{i}"] = "hook", _fast_actions(_fast_hook(hooks[kind]))
        else:
            shape, scope[f"C{i}"] = "hook", _fast_hook(hooks[kind if kind in hooks else plain])
        lines.append(f"    v = get({field.name!r})")
        body = _SHAPES[shape].format(i=i)
        if field.default is attrs.NOTHING:
            lines.append(_REQUIRED.rstrip("\n"))
            indent = "    "
        else:
            scope[f"D{i}"] = field.default
            lines.append(_OPTIONAL.format(i=i).rstrip("\n"))
            indent = "        "
        lines += [indent + line for line in body.rstrip("\n").split("\n")]
        names.append(f"a{i}")
    lines.append(f"    return cls({', '.join(names)}, origin=origin)")
    exec("\n".join(lines), scope)
    build: Callable[[Mapping[str, Any], Source], Any] = scope["build"]
    return build


_BUILDERS: dict[tuple[str, str | None], Callable[[Mapping[str, Any], Source], Any]] = {}


def _fast(cls: type[Any], obj: Mapping[str, Any], origin: Source, assume_tz: str | None) -> Any:
    key = (cls.type, assume_tz)
    build = _BUILDERS.get(key)
    if build is None:
        build = _BUILDERS[key] = _builder(cls, assume_tz)
    return build(obj, origin)


def _known(cls: type[Any]) -> frozenset[str]:
    names = {a.name for a in attrs.fields(cls) if a.name != "origin"} | {"type"}
    if cls is Reported:
        names.add(AWAY_FIELD)
    return frozenset(names)


# The field names each event type defines; any other name in an object is warned about.
KNOWN_FIELDS: dict[str, frozenset[str]] = {name: _known(cls) for name, cls in EVENT_TYPES.items()}


# A Source built without the named tuple's Python-level __new__ (measured: 0.4 -> 0.15 µs),
# for the one made per line read.
_new_source: Callable[[type[Source], tuple[int, str | None, tuple[str, ...], int]], Source] = (
    tuple.__new__
)


def parse_object(
    obj: Any,
    line: int,
    file: str | None = None,
    assume_tz: str | None = None,
    origin: Source | None = None,
    place: int = 0,
) -> Parsed:
    """One JSON value -> a typed event, or the error that rejects it.

    `origin`, when given, is the event's provenance instead of its own line (one shared value,
    for answers that never show where an event came from); an error still names `line`.
    `place`: the object's place among those starting on its line (Source.place)."""
    # The common case first, with no closure, abc check or set built (once per line read).
    if obj.__class__ is dict:
        if len(_TEXTS) > _TEXTS_HELD:
            _TEXTS.clear()
        etype = obj.get("type")
        cls = EVENT_TYPES.get(etype) if etype.__class__ is str else None
        if cls is not None and obj.keys() <= KNOWN_FIELDS[cls.type]:
            where = origin or _new_source(Source, (line, file, (), place))
            event = _fast(cls, obj, where, assume_tz)
            if event is not None:
                return event  # type: ignore[no-any-return]
    return _checked_object(obj, line, file, assume_tz, origin, place)


def _checked_object(
    obj: Any, line: int, file: str | None, assume_tz: str | None, given: Source | None, place: int
) -> Parsed:
    def fail(field: str | None, message: str, withheld: str | None) -> EventError:
        return rejection(line, field, message, file, withheld, place)

    if not isinstance(obj, Mapping):
        said = f"expected a JSON object, got {json_kind(obj)}"
        return fail(None, said, said)
    etype = obj.get("type")
    if etype is None:
        return fail("type", "required field missing", "required field missing")
    cls = EVENT_TYPES.get(etype) if isinstance(etype, str) else None
    if cls is None:
        known = f"known: {', '.join(EVENT_TYPES)}"
        return fail(
            "type", f"unknown event type {_shown(etype)}; {known}", f"unknown event type; {known}"
        )
    unknown = obj.keys() - KNOWN_FIELDS[cls.type]
    origin = given or Source(line, file, tuple(sorted(map(str, unknown))), place)
    event = _fast(cls, obj, origin, assume_tz)
    if event is not None:
        return event  # type: ignore[no-any-return]
    return _reference(cls, obj, origin, fail, assume_tz)


def _reference(
    cls: type[Event],
    obj: Mapping[str, Any],
    origin: Source,
    fail: Callable[[str | None, str, str | None], EventError],
    assume_tz: str | None,
) -> Parsed:
    data = {k: v for k, v in obj.items() if k != "type"}
    data["origin"] = origin
    # A JSON null on an optional field means "not given"; on a required one it is missing.
    for a in attrs.fields(cls):
        if a.name in data and data[a.name] is None:
            if a.default is attrs.NOTHING:
                said = "required field missing (null)"
                return fail(a.name, said, said)
            del data[a.name]
    outer = sys.exception()  # a caller's exception being handled: not ours to touch
    try:
        event: Event = converter(assume_tz).structure(data, cls)
    except ClassValidationError as problem:
        rejected = fail(*_first_problem(problem))
        _untraced(problem, outer)
        return rejected
    except (ValueError, TypeError, RecursionError) as problem:
        rejected = fail(None, str(problem) or type(problem).__name__, unquoted(problem))
        _untraced(problem, outer)
        return rejected
    return event


def _untraced(problem: BaseException, outer: BaseException | None) -> None:
    """Each exception of a rejection's tree let go of its traceback: its frames hold the tree
    again (a cycle), which with the collector paused (check.paused_gc) kept about 3.5 KB a
    rejected line until the end of the run (3 GB for a log with every line rejected). The
    exception a caller was handling (`outer`, the tree's context) keeps its own."""
    waiting: list[BaseException | None] = [problem]
    seen: set[int] = {id(outer)}
    while waiting:
        error = waiting.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        error.__traceback__ = None
        if isinstance(error, BaseExceptionGroup):
            waiting.extend(error.exceptions)
        waiting += (error.__context__, error.__cause__)


def reference_object(
    obj: Any, line: int, file: str | None = None, assume_tz: str | None = None
) -> Parsed:
    """`parse_object` by the reference converter alone (for the equality property)."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("type"), str):
        return parse_object(obj, line, file, assume_tz)
    cls = EVENT_TYPES.get(obj["type"])
    if cls is None:
        return parse_object(obj, line, file, assume_tz)
    unknown = obj.keys() - KNOWN_FIELDS[cls.type]
    origin = Source(line, file, tuple(sorted(map(str, unknown)))) if unknown else Source(line, file)

    def fail(field: str | None, message: str, withheld: str | None) -> EventError:
        return rejection(line, field, message, file, withheld)

    return _reference(cls, obj, origin, fail, assume_tz)
