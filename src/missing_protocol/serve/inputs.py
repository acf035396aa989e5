"""What a request may carry, declared once: the handlers read it and the OpenAPI document shows it.

Every problem with a request becomes a `BadRequest` (status + one-line detail), answered as an
RFC 9457 problem document; nothing about a body ever reaches the log.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import anyio
import attrs
import orjson
from starlette.requests import Request

from missing_protocol import clock, profiles
from missing_protocol.check import parse_as_of
from missing_protocol.model import EventError
from missing_protocol.profiles import Profile

T = TypeVar("T")


class BadRequest(Exception):
    """A client's mistake: answered with `status` and `detail`, never a traceback."""

    def __init__(self, status: int, detail: str, parameter: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.parameter = parameter


@attrs.frozen
class QueryParameter:
    name: str
    description: str
    schema: Mapping[str, Any]


AS_OF = QueryParameter(
    "as_of",
    "Judge as of this moment: ISO 8601 date-time (naive means London) or a date (end of that "
    "day in London). Default: now.",
    {"type": "string", "examples": ["2026-03-31", "2026-03-31T23:59:59+01:00"]},
)
PROFILE = QueryParameter(
    "profile",
    "A shipped profile by name (files are not read on a client's say-so).",
    {"type": "string", "enum": list(profiles.SHIPPED), "default": "statutory"},
)
ASSUME_TZ = QueryParameter(
    "assume_tz",
    "Read event times without an offset as local times of this zone (e.g. Europe/London); a "
    "time in its spring gap or autumn fold is still rejected. Default: such times are rejected.",
    {"type": "string", "examples": ["Europe/London"]},
)
ONLY_PROBLEMS = QueryParameter(
    "only_problems",
    "Show only late, overdue and breached findings.",
    {"type": "boolean", "default": False},
)

# The query parameters each operation reads, in the order the OpenAPI document lists them.
CHECK_QUERY = (AS_OF, PROFILE, ASSUME_TZ, ONLY_PROBLEMS)
VALIDATE_QUERY = (AS_OF, PROFILE, ASSUME_TZ)
RULES_QUERY = (AS_OF, PROFILE)

JSON = "application/json"
JSON_LINES = ("application/x-ndjson", "application/jsonl")
CHECK_TYPES = (JSON, *JSON_LINES)
VALIDATE_TYPES = (JSON,)
_BOM = b"\xef\xbb\xbf"
_TRUE = {"true": True, "1": True, "false": False, "0": False}


def query(request: Request, allowed: tuple[QueryParameter, ...]) -> dict[str, Any]:
    """The declared query parameters, checked; an undeclared one is named, not ignored."""
    names = {p.name for p in allowed}
    for key in request.query_params:
        if key not in names:
            known = ", ".join(sorted(names)) or "none"
            raise BadRequest(400, f"unknown query parameter {key!r}; known: {known}", key)
        if len(request.query_params.getlist(key)) > 1:
            # Which of two values was meant is the client's to say, not ours to guess.
            raise BadRequest(400, f"query parameter {key!r} is given more than once", key)
    values: dict[str, Any] = {}
    params = request.query_params
    if AS_OF in allowed:
        values["as_of"] = as_of(params.get("as_of"))
    if PROFILE in allowed:
        values["profile"] = profile(params.get("profile", "statutory"))
    if ASSUME_TZ in allowed:
        values["assume_tz"] = assume_tz(params.get("assume_tz"))
    if ONLY_PROBLEMS in allowed:
        raw = params.get("only_problems", "false").lower()
        if raw not in _TRUE:
            raise BadRequest(400, "only_problems must be true or false", "only_problems")
        values["only_problems"] = _TRUE[raw]
    return values


_SPACED_OFFSET = re.compile(r"\d \d\d(:?\d\d)?$")


def as_of(value: str | None) -> dt.datetime:
    try:
        return parse_as_of(value)
    except ValueError as problem:
        # A '+' sent unencoded in a query string arrives as a space (`+01:00` -> ` 01:00`).
        spaced = value is not None and _SPACED_OFFSET.search(value) is not None
        hint = " (a '+' in a query string is a space: send it as %2B)" if spaced else ""
        raise BadRequest(400, f"as_of: {problem}{hint}", "as_of") from None


def assume_tz(zone: str | None) -> str | None:
    try:
        clock.check_zone(zone)
    except clock.TimeError as problem:
        raise BadRequest(400, str(problem), "assume_tz") from None
    return zone


def profile(name: str) -> Profile:
    if name not in profiles.SHIPPED:
        known = ", ".join(profiles.SHIPPED)
        raise BadRequest(400, f"unknown profile {name!r}; use one of: {known}", "profile")
    return profiles.shipped(name)


def media_type(request: Request, allowed: tuple[str, ...]) -> str:
    declared = request.headers.get("content-type", "")
    kind = declared.split(";", 1)[0].strip().lower()
    if kind not in allowed:
        shown = kind or "none"
        raise BadRequest(415, f"content type {shown} is not accepted; send {' or '.join(allowed)}")
    # A compressed body read as text would be every line rejected as "not UTF-8" (RFC 9110 415).
    coding = request.headers.get("content-encoding", "identity").strip().lower()
    if coding not in ("", "identity"):
        raise BadRequest(415, f"content encoding {coding} is not accepted; send the body as it is")
    return kind


# How long a client may take to send its body: a stalled one (a Content-Length larger than what
# it sends) is answered 408 and its connection freed, not held until the client gives up.
BODY_SECONDS = 60.0


async def body_bytes(request: Request, limit: int, seconds: float | None = None) -> bytes:
    """The body, refused with 413 as soon as it passes `limit` bytes, 408 when it has not all
    come within `seconds` (default BODY_SECONDS)."""
    seconds = BODY_SECONDS if seconds is None else seconds
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadRequest(413, f"body of {declared} bytes is over the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        with anyio.fail_after(seconds):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise BadRequest(413, f"body is over the limit of {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise BadRequest(408, f"body not received within {seconds:g} s") from None
    return b"".join(chunks)


def text_of(body: bytes) -> str:
    """A JSON document's body as UTF-8 text (one document: bytes that are not UTF-8 are a 400)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise BadRequest(400, f"body is not UTF-8 text (byte {problem.start})") from None


def json_document(text: str) -> Any:
    """One JSON document; its problem (with line and column) is the client's to fix.

    Decoded by orjson, as the reader decodes a file: the same values are JSON to both (no NaN,
    no lone surrogate, the same depth and number limits)."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError as problem:
        where = f"line {problem.lineno}, column {problem.colno}"
        raise BadRequest(400, f"invalid JSON: {problem.msg} ({where})") from None


def validate_request(document: Any) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """{"history": [objects], "event": object}: the shape checked, the events left to the reader."""
    if not isinstance(document, dict):
        raise BadRequest(400, 'expected a JSON object {"history": [...], "event": {...}}')
    unknown = sorted(set(document) - {"history", "event"})
    if unknown:
        raise BadRequest(400, f"unknown key {unknown[0]!r}; expected history and event")
    history = document.get("history", [])
    if not isinstance(history, list):
        raise BadRequest(400, "history must be a JSON array of events")
    for index, item in enumerate(history):
        if not isinstance(item, dict):
            raise BadRequest(400, f"history[{index}] must be a JSON object")
    event = document.get("event")
    if not isinstance(event, dict):
        raise BadRequest(400, "event must be a JSON object (the proposed event)")
    return history, event


def check_events(kind: str, body: bytes) -> list[Any]:
    """A check body: a JSON array of events, or JSON Lines (one JSON text per line)."""
    if kind == JSON:
        document = json_document(text_of(body))
        if not isinstance(document, list):
            raise BadRequest(400, "expected a JSON array of events (or send JSON Lines)")
        # The Python API would read a string item as JSON text; in a JSON body it is no event.
        return [
            EventError(line, None, "expected a JSON object, got a string")
            if isinstance(item, str)
            else item
            for line, item in enumerate(document, start=1)
        ]
    # JSON Lines: each line goes to the reader as bytes, which decodes and words a bad line (not
    # JSON, not UTF-8) as it does a file's (CONTRACT §1), and skips blank ones; its position is
    # its line number.
    lines = body.split(b"\n")
    lines[0] = lines[0].removeprefix(_BOM)
    return lines


def judged(work: Callable[[], T]) -> T:
    """Run the library; a value it cannot judge (e.g. a year past 9999 once deadlines are
    added) is the client's problem to fix, not a server error."""
    try:
        return work()
    except (ValueError, OverflowError, RecursionError) as problem:
        raise BadRequest(400, f"the events cannot be judged: {problem}") from None
