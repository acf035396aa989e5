"""A large log's rejected events and warnings in line order, never all held at once.

Each partition's own are already in line order (check._assembled sorts them); a spilled
partition writes them to a file, and the merged stream reads every partition's back together
with heapq.merge, as findings are merged. A log with a rejection or a warning on every line (a
producer's extra field, say) then holds one partition's, not the log's.
"""

from __future__ import annotations

import heapq
import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs

from missing_protocol.engine import spill
from missing_protocol.model import EventError, error_order

# A partition's errors or warnings: in memory, or the path of the file they were spilled to.
Kept = Sequence[EventError] | str

_fields = operator.attrgetter(*(a.name for a in attrs.fields(EventError)))


def spilled(items: Iterable[EventError], path: str) -> str:
    """A partition's errors or warnings written to `path` (the order they come in is kept)."""
    return spill.dump(map(_fields, items), path)


def _read(source: Kept) -> Iterator[EventError]:
    if not isinstance(source, str):
        return iter(source)
    return (
        EventError(*fields[:4], private=fields[4], place=fields[5]) for fields in spill.load(source)
    )


def _reworded(
    first: Callable[[EventError], EventError] | None, then: Callable[[EventError], EventError]
) -> Callable[[EventError], EventError]:
    return then if first is None else lambda error: then(first(error))


@attrs.frozen(eq=False)
class Problems:
    """Errors or warnings of a whole check, in line order: iterate it as often as needed (each
    pass reads the partitions' files afresh); len() and truth need no pass."""

    sources: tuple[Kept, ...] = ()
    size: int = 0
    # What each item becomes on its way out (e.g. a temporary copy's name made the one given).
    worded: Callable[[EventError], EventError] | None = None
    # What must live while they may be read: the run's temporary folder, removed when it goes.
    held: Any = attrs.field(default=None, repr=False)

    def __iter__(self) -> Iterator[EventError]:
        if len(self.sources) == 1:
            merged = _read(self.sources[0])
        else:
            # Stable: equal places keep the partitions' order, as sorting them together would.
            merged = heapq.merge(*map(_read, self.sources), key=error_order)
        return merged if self.worded is None else map(self.worded, merged)

    def __len__(self) -> int:
        return self.size

    def __bool__(self) -> bool:
        return self.size > 0

    def mapped(self, then: Callable[[EventError], EventError]) -> Problems:
        """The same problems, each also passed through `then` on its way out."""
        return attrs.evolve(self, worded=_reworded(self.worded, then))


def problems(items: Problems | Iterable[EventError]) -> Problems:
    """Problems as they are, or ones already in line order held in memory."""
    if isinstance(items, Problems):
        return items
    held: Any = tuple(items)
    return Problems((held,), len(held))
