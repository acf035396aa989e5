"""Pseudonyms for sharing outputs between partners: a keyed hash in place of the data's ids.

HMAC-SHA256 with a secret key held in a file: the same id always gives the same pseudonym under
one key, so partners holding the key can join their outputs, while without it an id cannot be
worked back from its pseudonym (ids such as C1, C2, ... are easy to guess, which is why the hash
is keyed and not plain SHA-256).

Applied to the data, not the text: every parsed event's `child_id`, `person_id`, `episode_id` and
self-report `report_id` is replaced
before episodes are assembled, so no figure, finding or renderer ever holds a plain id, and no
escaping, quoting or look-alike text (a child whose id is `2026`) can leak or corrupt an output.

A rejected line is the data too: its message may quote a value from the log (an id typed into
the wrong field), so it is replaced by the wording its reader gave without any value
(`EventError.private`), or by a generic reason where none was given; an unknown field's name
(a warning) is replaced by its pseudonym. Rejections made after this (the lifecycle's) name
only pseudonymised ids.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs

from missing_protocol.model import Event, EventError, Private

# 16 bytes (128 bits) is the least a guessing attacker cannot search.
MIN_KEY_BYTES = 16
PREFIX = "px-"
HEX_DIGITS = 20
# The event fields that are ids; every other field is left as it is. Episode and self-report ids
# are often built from the child's (the 903 and SSD conversions write `C1/2024-05-01`).
ID_FIELDS = ("child_id", "person_id", "episode_id", "report_id")
# What a rejection says when its maker gave no wording free of the log's values.
WITHHELD = "rejected: the reason would quote a value from the input, not shown with pseudonyms"


class PseudonymKeyError(ValueError):
    """A key file that cannot be used (unreadable, or too short to keep ids secret)."""


@attrs.frozen
class Pseudonymiser:
    key: bytes = attrs.field(repr=False)
    # Logs name the same child many times: hash each id once.
    _seen: dict[str, str] = attrs.field(factory=dict, init=False, repr=False, eq=False)

    def __call__(self, identifier: str) -> str:
        known = self._seen.get(identifier)
        if known is None:
            digest = hmac.new(self.key, identifier.encode("utf-8", "surrogatepass"), hashlib.sha256)
            known = self._seen[identifier] = PREFIX + digest.hexdigest()[:HEX_DIGITS]
        return known

    def event(self, event: Event) -> Event:
        """The event with its ids (child, person, episode, self-report) replaced by pseudonyms."""
        changes: dict[str, Any] = {
            name: self(value)
            for name in ID_FIELDS
            if isinstance(value := getattr(event, name, None), str)
        }
        origin = event.origin
        if origin.unknown:  # a field name no event defines may be an id typed as a key
            changes["origin"] = origin._replace(unknown=tuple(map(self, origin.unknown)))
        return attrs.evolve(event, **changes) if changes else event

    def error(self, error: EventError) -> EventError:
        """The rejection worded with no value from the log (line and file as they are)."""
        private = error.private or Private(error.field, WITHHELD)
        return attrs.evolve(error, field=private.field, message=private.message)

    def parsed(self, items: Iterable[Event | EventError]) -> Iterator[Event | EventError]:
        """A parsed stream with every event pseudonymised and every rejection worded so."""
        for item in items:
            yield self.error(item) if isinstance(item, EventError) else self.event(item)


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
