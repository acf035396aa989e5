"""Rows spilled to a temporary file and read back: pickled in batches of plain tuples, since one
pickle per row, through attrs' Python-level __getstate__, cost about 4x more (measured)."""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Iterator
from typing import Any

BATCH = 1024


def dump(rows: Iterable[tuple[Any, ...]], path: str) -> str:
    """`rows` written to `path`, batch by batch, as they come."""
    with open(path, "wb") as out:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        if batch:
            pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load(path: str) -> Iterator[Any]:
    """The rows `dump` wrote to `path`, in their order."""
    with open(path, "rb") as handle:
        while True:
            try:
                batch = pickle.load(handle)
            except EOFError:
                return
            yield from batch
