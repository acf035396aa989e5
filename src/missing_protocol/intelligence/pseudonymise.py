"""Pseudonyms for sharing outputs between partners: a keyed hash in place of child and person ids.

HMAC-SHA256 with a secret key held in a file: the same id always gives the same pseudonym under
one key, so partners holding the key can join their outputs, while without it an id cannot be
worked back from its pseudonym (ids such as C1, C2, ... are easy to guess, which is why the hash
is keyed and not plain SHA-256).

Applied to a whole output at the end: every string equal to a known id is replaced, and a known
id standing as a word inside a longer string (a message) is replaced too, so no output has to
remember which fields hold ids.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from missing_protocol.episode import Assembly
from missing_protocol.formats.events import Parsed
from missing_protocol.model import Event, EventError

# 16 bytes (128 bits) is the least a guessing attacker cannot search.
MIN_KEY_BYTES = 16
PREFIX = "px-"
HEX_DIGITS = 20


class PseudonymKeyError(ValueError):
    """A key file that cannot be used (unreadable, or too short to keep ids secret)."""


@attrs.frozen
class Pseudonymiser:
    key: bytes = attrs.field(repr=False)

    def __call__(self, identifier: str) -> str:
        digest = hmac.new(self.key, identifier.encode("utf-8"), hashlib.sha256).hexdigest()
        return PREFIX + digest[:HEX_DIGITS]

    def scrubber(self, identifiers: Iterable[str]) -> Scrubber:
        ids = frozenset(i for i in identifiers if i)
        return Scrubber({i: self(i) for i in ids})


def _word(ids: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so "C10" is replaced whole rather than as "C1" followed by "0".
    ordered = sorted(ids, key=lambda i: (-len(i), i))
    if not ordered:
        return None
    alternatives = "|".join(re.escape(i) for i in ordered)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


@attrs.frozen
class Scrubber:
    """Replaces the known ids in any JSON-like value or text."""

    mapping: dict[str, str]
    _pattern: re.Pattern[str] | None = attrs.field(init=False, repr=False, eq=False)

    @_pattern.default
    def _compile(self) -> re.Pattern[str] | None:
        return _word(self.mapping)

    def text(self, value: str) -> str:
        if value in self.mapping:
            return self.mapping[value]
        if self._pattern is None:
            return value
        return self._pattern.sub(lambda m: self.mapping[m.group(0)], value)

    def data(self, value: Any) -> Any:
        """A copy of a JSON-like value (dicts, lists, strings, numbers) with ids replaced."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


def identifiers(assembly: Assembly) -> frozenset[str]:
    """Every child and person id among the accepted events of a log."""
    intel = assembly.intelligence
    return frozenset(
        {e.child_id for e in assembly.episodes}
        | set(assembly.children)
        | set(assembly.strategy_discussions)
        | {r.child_id for r in intel.self_reports}
        | {link.person_id for link in intel.person_links}
        | {d.person_id for d in intel.disruptions}
        | {p.person_id for p in intel.prosecutions}
    )


def event_identifiers(event: Event) -> tuple[str, ...]:
    """The child and person ids one event carries, accepted or not (rejections name them too)."""
    found = (getattr(event, "child_id", None), getattr(event, "person_id", None))
    return tuple(i for i in found if isinstance(i, str))


def collecting(parsed: Iterable[Parsed], into: set[str]) -> Iterator[Parsed]:
    """Pass a parsed stream through unchanged, noting every id seen in `into` on the way."""
    for item in parsed:
        if not isinstance(item, EventError):
            into.update(event_identifiers(item))
        yield item


def load_key(path: str | os.PathLike[str]) -> Pseudonymiser:
    """Read a key file (any bytes; a trailing newline is not part of the key)."""
    try:
        key = Path(path).read_bytes().rstrip(b"\r\n")
    except OSError as problem:
        raise PseudonymKeyError(
            f"cannot read key file {os.fspath(path)}: {problem.strerror}"
        ) from None
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymKeyError(
            f"key file {os.fspath(path)} holds {len(key)} bytes; use at least {MIN_KEY_BYTES} "
            "(e.g. head -c 32 /dev/urandom > key)"
        )
    return Pseudonymiser(key)
