"""The shipped JSON Schemas: schemas/event.schema.json describes exactly what the reader accepts,
and schemas/check-result.schema.json what `check` produces."""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import operator
import types
import typing
from typing import Any

import attrs
import jsonschema
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builders import event_logs, notified, reported, shipped_schema
from missing_protocol import check
from missing_protocol.formats.events import parse_object
from missing_protocol.model import ETHNICITY_GROUPS, EVENT_TYPES, Ethnicity, EventError, Location

EVENT_SCHEMA = shipped_schema("event.schema.json")
RESULT_SCHEMA = shipped_schema("check-result.schema.json")
EVENT = jsonschema.Draft202012Validator(EVENT_SCHEMA)
RESULT = jsonschema.Draft202012Validator(RESULT_SCHEMA)


@pytest.mark.parametrize("loaded", [EVENT_SCHEMA, RESULT_SCHEMA], ids=["event", "check-result"])
def test_the_schemas_are_valid_draft_2020_12(loaded: dict[str, Any]) -> None:
    jsonschema.Draft202012Validator.check_schema(loaded)


# --- The event schema follows the model --------------------------------------------------------

# What each field of an event class holds, from its type annotation.
FieldKind = str | tuple[str, ...]  # a kind name, or the values of a closed set


@attrs.frozen
class Field:
    name: str
    kind: FieldKind
    required: bool
    nullable: bool  # a JSON null means "not given" (Optional fields only)


def _kind(annotation: Any) -> FieldKind:
    if annotation is str:
        return "id"
    if annotation is bool:
        return "bool"
    if annotation is dt.datetime:
        return "instant"
    if annotation is pendulum.Date:
        return "date"
    if annotation is Location:
        return "location"
    if annotation is Ethnicity:
        return "ethnicity"
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(str(m.value) for m in annotation)
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is tuple:
        return "strings" if args[0] is str else "actions"
    if set(args) == {dt.datetime, pendulum.Date}:
        return "approx"
    raise AssertionError(f"no schema kind for {annotation!r}: extend tests/test_schemas.py")


def fields_of(cls: type) -> list[Field]:
    hints = typing.get_type_hints(cls)
    out = []
    for a in attrs.fields(cls):
        if a.name == "origin":
            continue
        annotation = hints[a.name]
        args = typing.get_args(annotation)
        nullable = isinstance(annotation, types.UnionType) and type(None) in args
        if nullable:
            rest = [t for t in args if t is not type(None)]
            # A nullable union (plan_made.due: date or date-time) keeps its other members.
            annotation = functools.reduce(operator.or_, rest)
        out.append(Field(a.name, _kind(annotation), a.default is attrs.NOTHING, nullable))
    return out


FIELDS = {name: fields_of(cls) for name, cls in EVENT_TYPES.items()}


def test_the_event_schema_lists_every_type_the_reader_knows() -> None:
    assert EVENT_SCHEMA["properties"]["type"]["enum"] == list(EVENT_TYPES)
    dispatched = [branch["if"]["properties"]["type"]["const"] for branch in EVENT_SCHEMA["allOf"]]
    assert dispatched == list(EVENT_TYPES)


@pytest.mark.parametrize("etype", list(EVENT_TYPES))
def test_the_event_schema_has_the_fields_of_each_type(etype: str) -> None:
    branch = EVENT_SCHEMA["$defs"][etype]
    fields = FIELDS[etype]
    assert set(branch["properties"]) == {"type", *(f.name for f in fields)}
    assert set(branch["required"]) == {"type", *(f.name for f in fields if f.required)}


def test_the_event_schema_enumerates_the_dfe_ethnicity_codes() -> None:
    codes = EVENT_SCHEMA["$defs"]["child"]["properties"]["ethnicity"]["enum"]
    assert set(codes) == {*ETHNICITY_GROUPS, None}


# --- Schema-valid <=> the reader accepts --------------------------------------------------------
#
# Kept out of the corners where the two differ by design (see the schema's $comment):
# - calendar-invalid dates and times (30 February, hour 24, offset +25:00): the reader refuses
#   them, a pattern cannot; generated dates and times always exist;
# - rarer ISO 8601 spellings Python also parses (20260304T1000Z, 2026-W10-3, hour-only times,
#   comma decimals, offsets with seconds) and values padded with spaces: the reader takes them,
#   the schema describes the usual form; generated values use the usual form;
# - integer-valued numbers such as 309.0 where an id is expected: JSON Schema calls them
#   integers, the reader (which sees a float) refuses them; generated floats are never whole;
# - naive times with --assume-tz: the schema describes the default policy (offset required).

ALPHABET = "abcXYZ019-_ "
blank_free = st.text(ALPHABET, min_size=1, max_size=8).filter(lambda s: s.strip() != "")


def _instant(moment: dt.datetime, seconds: int, sep: str, offset: str) -> str:
    day = moment.strftime("%Y-%m-%d")
    clock = moment.strftime("%H:%M") if seconds == 0 else moment.strftime("%H:%M:%S")
    if seconds == 2:
        clock += f".{moment.microsecond:06d}"
    return f"{day}{sep}{clock}{offset}"


instants = st.builds(
    _instant,
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2040, 12, 31)),
    st.integers(0, 2),
    st.sampled_from(["T", "t", " "]),
    st.sampled_from(["Z", "z", "+00:00", "+01:00", "-05:00", "+0530", "+01", "-00:00"]),
)
dates = st.dates(dt.date(1950, 1, 1), dt.date(2040, 12, 31)).map(dt.date.isoformat)
ids = st.one_of(blank_free, st.integers(-(10**9), 10**9))
coords = st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)
locations = st.one_of(
    blank_free,
    st.fixed_dictionaries({"name": st.text(ALPHABET, max_size=6)}),
    st.fixed_dictionaries(
        {"name": st.text(ALPHABET, max_size=6), "lat": coords[0], "lon": coords[1]}
    ),
    st.fixed_dictionaries({"name": blank_free, "lat": st.none(), "lon": st.none()}),
)


def valid(kind: FieldKind) -> st.SearchStrategy[Any]:
    if isinstance(kind, tuple):
        return st.sampled_from(kind)
    return {
        "id": ids,
        "bool": st.booleans(),
        "instant": instants,
        "date": dates,
        "approx": st.one_of(dates, instants),
        "location": locations,
        "ethnicity": st.sampled_from(sorted(ETHNICITY_GROUPS)),
        "strings": st.lists(st.text(ALPHABET, max_size=5), max_size=3),
        "actions": st.lists(
            st.fixed_dictionaries(
                {"kind": st.sampled_from(["other", "education", "disruption"]), "owner": ids}
            ),
            max_size=2,
        ),
    }[kind]


# Subtly wrong values for each kind (plus the wrong JSON types every kind refuses).
WRONG: dict[str, list[Any]] = {
    "id": ["", "   ", 1.5, True],
    "bool": ["true", 1, 0],
    "instant": [
        "2026-03-04T10:00:00",  # naive: no offset
        "2026-03-04",  # a date, not a date-time
        "04/03/2026 10:00Z",
        "yesterday",
        1772618400,
    ],
    "date": ["2026-03-04T10:00:00Z", "04/03/2026", 20260304, "2026-3-4"],
    "approx": ["2026-03-04T10:00", "04/03/2026", 20260304],
    "location": [
        "",
        "  ",
        5,
        {"lat": 51.5, "lon": -0.1},
        {"name": 5},
        {"name": "Park", "lat": 51.5},
        {"name": "Park", "lat": 51.5, "lon": None},
        {"name": "Park", "lat": 91, "lon": 0},
        {"name": "Park", "lat": 0, "lon": -180.5},
        {"name": "Park", "lat": "51.5", "lon": "0"},
        {"name": "Park", "lat": True, "lon": 1},
    ],
    "ethnicity": ["XXXX", "bcrb", 5, ""],
    "strings": ["cse", [1], [None], {"a": "b"}],
    "actions": [
        {"kind": "other", "owner": "309"},
        [{"kind": "other"}],
        [{"owner": "309"}],
        [{"kind": "lunch", "owner": "309"}],
        [{"kind": "other", "owner": ""}],
        ["other"],
    ],
}
ENUM_WRONG = ["HOME", "not-a-value", 1, ""]
ANY_WRONG = [[], {}, 2.5]


def wrong(kind: FieldKind) -> st.SearchStrategy[Any]:
    examples = ENUM_WRONG if isinstance(kind, tuple) else WRONG[kind]
    return st.sampled_from([*examples, *ANY_WRONG])


@st.composite
def event_objects(draw: st.DrawFn) -> Any:
    """A JSON value for one log line: mostly a valid event, often with one subtle fault."""
    etype = draw(st.sampled_from(list(EVENT_TYPES)))
    obj: dict[str, Any] = {"type": etype}
    for f in FIELDS[etype]:
        if f.required or draw(st.booleans()):
            obj[f.name] = (
                draw(st.none())
                if f.nullable and draw(st.integers(0, 5)) == 0
                else draw(valid(f.kind))
            )
    fault = draw(
        st.sampled_from(
            ["none", "none", "value", "value", "value", "drop", "null", "extra", "type", "shape"]
        )
    )
    field = draw(st.sampled_from(FIELDS[etype]))
    if fault == "value":
        obj[field.name] = draw(wrong(field.kind))
    elif fault == "drop":
        obj.pop(field.name, None)
    elif fault == "null":
        obj[field.name] = None
    elif fault == "extra":
        obj["note"] = draw(st.one_of(st.none(), ids, st.lists(st.integers(), max_size=2)))
    elif fault == "type":
        obj["type"] = draw(st.sampled_from([None, "Reported", "missing", 3, "episode"]))
        if obj["type"] is None and draw(st.booleans()):
            del obj["type"]
    elif fault == "shape":
        return draw(st.sampled_from([[obj], json.dumps(obj), None, 7]))
    return obj


@settings(max_examples=400, deadline=None)
@given(event_objects())
def test_the_event_schema_accepts_exactly_what_the_reader_accepts(obj: Any) -> None:
    parsed = parse_object(obj, 1)
    accepted = not isinstance(parsed, EventError)
    errors = [e.message for e in EVENT.iter_errors(obj)]
    assert (not errors) == accepted, (parsed, errors)


@pytest.mark.parametrize(
    "obj",
    [
        {
            "type": "reported",
            "episode_id": 1,
            "child_id": "C1",
            "at": "2026-10-24T10:00:00+01:00",
            "missing_from": "care",
            "responsible_authority": 309,
            "host_authority": "HRY",
            "risk": "high",
            "location": {"name": "Station", "lat": 51.5, "lon": -0.12},
        },
        {
            "type": "plan_made",
            "episode_id": "E1",
            "at": "2026-03-04T10:00Z",
            "actions": [],
            "due": None,
        },
        {"type": "child", "child_id": "C1", "born": "2010-02-28", "sex": None, "ethnicity": "BCRB"},
    ],
)
def test_typical_events_are_valid_for_both(obj: dict[str, Any]) -> None:
    assert EVENT.is_valid(obj)
    assert not isinstance(parse_object(obj, 1), EventError)


# --- The check-result schema -------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(log=event_logs(), minutes=st.integers(0, 60 * 24 * 200))
def test_check_output_is_valid_for_the_result_schema(
    log: list[dict[str, Any]], minutes: int
) -> None:
    as_of = pendulum.datetime(2026, 3, 20, tz="UTC").add(minutes=minutes)
    data = check(log, as_of=as_of).to_dict()
    RESULT.validate(data)
    RESULT.validate(check(log, as_of=as_of).to_dict(only_problems=True))


def test_rejected_events_are_valid_for_the_result_schema(tmp_path: Any) -> None:
    path = tmp_path / "log.jsonl"
    lines = [reported("E1", "2026-03-02T20:00:00Z"), notified("E9", "2026-03-02T21:00:00Z", "iro")]
    path.write_text("\n".join(json.dumps(e) for e in lines) + "\nnot json\n", "utf-8")
    data = check(path, as_of="2026-03-20").to_dict()
    RESULT.validate(data)
    assert [e["line"] for e in data["errors"]] == [2, 3]
    assert all(e["file"] == str(path) for e in data["errors"])
    in_memory = check([*lines, {"type": "found"}], as_of="2026-03-20").to_dict()
    RESULT.validate(in_memory)
    assert all("file" not in e for e in in_memory["errors"])


@pytest.mark.parametrize(
    "damage",
    [
        lambda d: d["findings"][0].update(status="done"),
        lambda d: d["findings"][0].update(due="2026-03-06 08:00"),
        lambda d: d["findings"][0].pop("responsible"),
        lambda d: d["counts"].update(events=-1),
        lambda d: d.pop("errors"),
    ],
)
def test_the_result_schema_refuses_damaged_output(damage: Any) -> None:
    data = check([reported("E1", "2026-03-02T20:00:00Z")], as_of="2026-03-20").to_dict()
    RESULT.validate(data)
    damage(data)
    assert not RESULT.is_valid(data)
