"""Partial figures of groups of whole children, and how two of them merge (pure).

A report's figure is worked out in two steps: a *part* from one assembly (every figure's part
is plain data: counts, counters, lists), then the figure from the parts merged. The whole-log
report is the one-part case, so there is one definition of each figure; a national log is
reported from child partitions, each assembled alone, and only their parts are kept.

Parts merge by the shape of each value, since partitions never share a child or an episode:
whole numbers and Counters add (distinct children and episodes too), lists and arrays join
(the figure sorts them), sets join, tuples merge item by item, dicts key by key, and a `First`
keeps the value with the smaller key (the first in report order, whichever part it came from).
"""

from __future__ import annotations

import array
from collections import Counter
from collections.abc import Iterable
from typing import Any, NamedTuple


class First(NamedTuple):
    """A value that belongs to the first of something (in `key` order) across all parts."""

    key: Any
    value: Any


def merge(a: Any, b: Any) -> Any:
    """Two parts of the same figure as one (see the module's docstring)."""
    if a.__class__ is First:
        return a if a.key <= b.key else b
    if isinstance(a, bool) or a is None:
        raise TypeError(f"cannot merge {a!r}")  # a flag is no count: a part must not hold one
    if isinstance(a, int | float):
        return a + b
    if isinstance(a, Counter):
        out = Counter(a)
        out.update(b)  # unlike `+`, keeps a key counted 0
        return out
    if isinstance(a, dict):
        merged = dict(a)
        for key, value in b.items():
            merged[key] = merge(merged[key], value) if key in merged else value
        return merged
    if isinstance(a, list | array.array):
        return a + b
    if isinstance(a, set | frozenset):
        return a | b
    if isinstance(a, tuple):
        if len(a) != len(b):
            raise ValueError("cannot merge tuples of different lengths")
        return tuple(merge(x, y) for x, y in zip(a, b, strict=True))
    raise TypeError(f"cannot merge {type(a).__name__}")


def merged(parts: Iterable[Any]) -> Any:
    """All parts as one; an error when there is none (a report has at least one partition)."""
    result: Any = None
    for index, part in enumerate(parts):
        result = part if index == 0 else merge(result, part)
    if result is None:
        raise ValueError("no parts to merge")
    return result
