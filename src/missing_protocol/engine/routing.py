"""Which child partition each line of an event log belongs to, decided in one streaming pass.

Every rule reads one child's events only (their episodes, discussions, self-reports), so a log
can be judged child by child. A `found` or `notified` line names only its episode: it goes where
the episode's `reported` goes. Two lines that must be judged together share a key, and keys are
joined with a union-find: a child with its episodes (`reported`) and its self-reports, so that even
an episode reported twice for two children, or a self-report id used twice, is judged in one place
exactly as in one whole check. A key is a 31-bit CRC of the id and its kind, not the id: the
pass holds 4 bytes a line and an entry a join, not every id of the log (two ids that happen to
share a CRC are only judged in the same partition, which never changes an answer). Lines that
cannot be routed (not JSON, not an object, no usable id) are rejected by the reader on their
own, wherever they are read: they are spread over the partitions by line number, so that a log
of them is judged in bounded memory too.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
import orjson

# The event types whose lines are routed by the child they name, and those routed by episode.
_BY_CHILD = frozenset({"child", "strategy_discussion", "self_report"})
_BY_PERSON = frozenset({"disruption", "prosecution"})
# Router.key of a line the reader rejects on its own (line_key spreads these by line number).
UNROUTED = -1
# Each kind of id hashed from its own seed, so that child "1" and episode "1" are two keys.
_CHILD, _EPISODE, _PERSON, _REPORT = (zlib.crc32(kind) for kind in (b"C", b"E", b"P", b"R"))
_SPREAD = 1 << 16

Line = tuple[int, int, bytes]  # (file index, line number, raw line)
# What a caller counts of the JSON values while they are routed (None: nothing), e.g. the
# report's reports by authority; a top-level function or a frozen value, so a worker gets it.
Tally = Callable[[Any, int, str], "str | None"]


@attrs.frozen
class Routed:
    """A log routed by child: each partition's lines, and what routing learnt on the way."""

    partitions: list[list[Line] | str]  # lines in memory, or a partition file's path
    lines: int
    tallied: Counter[str] = attrs.field(factory=Counter)  # what the Tally counted


# What value_of gives for a line that is not JSON (the reader words why, where it is read).
NOT_JSON: Any = object()


def value_of(raw: bytes) -> Any:
    """A line's JSON value, or NOT_JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return NOT_JSON


def record(index: int, number: int, raw: bytes) -> bytes:
    """One line of a partition file: its file index and line number, then the line itself. A
    last line with no newline gets one here, and its number is negated to say so: the reader
    must see its bytes as they were (a line that is not JSON is worded from them)."""
    if raw.endswith(b"\n"):
        return b"%d %d %s" % (index, number, raw)
    return b"%d -%d %s\n" % (index, number, raw)


def lines_of(source: list[Line] | str) -> Iterator[Line]:
    """A partition's lines, from memory or read back from its file (`record`'s)."""
    if not isinstance(source, str):
        yield from source
        return
    with open(source, "rb") as handle:
        for line in handle:
            index, number, raw = line.split(b" ", 2)
            if number[0] == 45:  # b"-": the newline was added by `record`
                yield int(index), -int(number), raw[:-1]
            else:
                yield int(index), int(number), raw


def line_key(router: Router, obj: Any, number: int) -> int:
    """The routing key of line `number`, whose JSON value is `obj` (value_of's): a line the
    reader rejects on its own may be judged anywhere, so its key (negative) is its number's
    place among _SPREAD (few keys, for a range of such lines keyed in a worker)."""
    key = UNROUTED if obj is NOT_JSON else router.key(obj)
    return -1 - number % _SPREAD if key == UNROUTED else key


def _id(value: Any) -> str | None:
    # The reader's own reading of an id: a string or a whole number, trimmed, not blank.
    if value.__class__ is str:
        return value.strip() or None  # the common case first: one class check per line
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def _key(seed: int, ident: str) -> int:
    return zlib.crc32(ident.encode("utf-8", "surrogatepass"), seed) & 0x7FFFFFFF


class Router:
    """Collects the routing keys of a log's lines and joins the ones judged together."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def _find(self, key: int) -> int:
        parent = self._parent
        root = key
        while parent.get(root, root) != root:
            root = parent[root]
        while key != root:  # path compression keeps later look-ups short
            key, parent[key] = parent[key], root
        return root

    def _join(self, a: int, b: int) -> None:
        ra, rb = self._find(a), self._find(b)
        if ra != rb:
            # The smaller key is the root, so the result never depends on the order of lines.
            low, high = (ra, rb) if ra < rb else (rb, ra)
            self._parent[high] = low

    def joins(self) -> list[tuple[int, int]]:
        """The joins made so far, as pairs that `join_all` replays in another router."""
        return list(self._parent.items())

    def join_all(self, pairs: list[tuple[int, int]]) -> None:
        """Join each pair (keys joined apart, in worker processes, join the same here)."""
        for a, b in pairs:
            self._join(a, b)

    def key(self, obj: Any) -> int:
        """The routing key of one parsed line (its own key; `partition` resolves joins)."""
        if obj.__class__ is not dict and not isinstance(obj, Mapping):
            return UNROUTED
        kind = obj.get("type")
        if kind.__class__ is not str:
            kind = None  # an array or object is unhashable; the reader rejects the line anyway
        if kind in _BY_PERSON:
            person = _id(obj.get("person_id"))
            return _key(_PERSON, person) if person else UNROUTED
        if kind in _BY_CHILD:
            child = _id(obj.get("child_id"))
            if child is None:
                return UNROUTED
            key = _key(_CHILD, child)
            if kind == "self_report":
                report = _id(obj.get("report_id"))
                if report is not None:
                    self._join(key, _key(_REPORT, report))
            return key
        episode = _id(obj.get("episode_id"))
        if episode is None:
            return UNROUTED
        key = _key(_EPISODE, episode)
        if kind == "reported":
            child = _id(obj.get("child_id"))
            if child is not None:
                self._join(_key(_CHILD, child), key)
        return key

    def partition(self, key: int, partitions: int) -> int:
        """The partition of a line's key (line_key's), the same in every process."""
        if key < 0:  # a line judged anywhere: spread by its number
            return (-1 - key) % partitions
        return self._find(key) % partitions
