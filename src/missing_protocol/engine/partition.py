"""Judging one partition of a log (a set of whole children): the unit of `--jobs`, Dask and Spark.

`judge` is the one path from parsed events to counts, errors, warnings and keyed findings: the
whole-log `check` is a single partition of it, and partitions judged apart merge back into the
same answer (keys order the findings, counts add up).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from missing_protocol import clock
from missing_protocol.check import FindingKey, error_dict, judge
from missing_protocol.formats.fields import parse_object
from missing_protocol.model import EVENT_TYPES
from missing_protocol.profiles import Profile
from missing_protocol.rules import Status

# ---- the public per-partition entry point (Dask map_partitions, Spark applyInPandas) ----------


def _records(events: Any, key: str) -> Iterable[tuple[int, Mapping[str, Any]]]:
    """(position, object) from a pandas DataFrame or an iterable of dicts.

    A DataFrame holds every event type in one table, so a cell a type does not use is empty
    (NaN or None) and is dropped; the partitioning column is kept only where the type defines it.
    """
    if hasattr(events, "to_dict") and hasattr(events, "columns"):
        rows: Iterable[Mapping[str, Any]] = events.to_dict("records")
    else:
        rows = events
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, Mapping):
            yield number, row
            continue
        kind_name = row.get("type")
        kind = EVENT_TYPES.get(kind_name) if isinstance(kind_name, str) else None
        fields = attrs.fields_dict(kind) if kind is not None else {}
        yield (
            number,
            {
                name: value
                for name, value in row.items()
                if not _blank(value) and (name != key or name in fields)
            },
        )


def _blank(value: Any) -> bool:
    # None, NaN, and pandas' missing markers (pd.NA, NaT) mean "no value in this cell".
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NAType", "NaTType")


@attrs.frozen
class PartitionCheck:
    """One partition's answer as plain rows: CONTRACT §3 findings, counts, errors, warnings."""

    findings: tuple[dict[str, Any], ...]
    counts: dict[str, int]
    errors: tuple[dict[str, Any], ...]
    warnings: tuple[dict[str, Any], ...]


def order_text(key: FindingKey) -> str:
    """A finding's place in a whole check's output, as text that sorts the same way."""
    kind, moment, *rest = key
    # Shifted so that instants before 1970 (negative timestamps) still sort as text.
    # Whole numbers (a rule's place in the catalogue, an action's in its plan) padded, so that
    # the 11th rule sorts after the 2nd as text too.
    parts = (f"{part:06d}" if isinstance(part, int) else str(part) for part in rest)
    return f"{kind}|{moment + 4e9:021.6f}|" + "|".join(parts)


def check_partition(
    events: Any,
    *,
    as_of: str | dt.datetime,
    profile: str | Profile = "statutory",
    include_intelligence: bool = False,
    only_problems: bool = False,
    assume_tz: str | None = None,
    key: str = "child_id",
) -> PartitionCheck:
    """Check the events of a set of whole children: a pandas DataFrame or an iterable of dicts.

    For distributed engines: partition the log by child (`key`, every event of a child's
    episodes carrying it), call this on each partition, concatenate the findings and add the
    counts with `merge_counts`. Each finding row has the CONTRACT §3 fields plus `order`, which
    sorts the rows of all partitions into the order `check` gives.
    """
    from missing_protocol import profiles
    from missing_protocol.check import parse_as_of

    chosen = profiles.load(profile)
    clock.check_zone(assume_tz)
    parsed = (parse_object(obj, n, None, assume_tz) for n, obj in _records(events, key))
    keep = frozenset(s for s in Status if s.is_problem) if only_problems else None
    judged = judge(
        parsed, parse_as_of(as_of), chosen, include_intelligence=include_intelligence, keep=keep
    )
    rows = tuple({**f.to_dict(), "order": order_text(k)} for k, f in judged.findings)
    return PartitionCheck(
        findings=rows,
        counts=judged.counts.to_dict(),
        errors=tuple(error_dict(e) for e in judged.errors),
        warnings=tuple(error_dict(w) for w in judged.warnings),
    )


FINDING_COLUMNS = (
    "rule",
    "status",
    "episode_id",
    "child_id",
    "responsible",
    "due",
    "done",
    "message",
    "source",
    "order",
)
COUNT_COLUMNS = ("events", "accepted", "rejected", "episodes", "children")


def findings_frame(events: Any, **options: Any) -> Any:
    """`check_partition`'s findings as a pandas DataFrame (for map_partitions/applyInPandas)."""
    import pandas as pd

    rows = check_partition(events, **options).findings
    return pd.DataFrame(list(rows), columns=list(FINDING_COLUMNS))


def counts_frame(events: Any, **options: Any) -> Any:
    """`check_partition`'s counts as a one-row pandas DataFrame."""
    import pandas as pd

    counts = check_partition(events, **options).counts
    return pd.DataFrame([counts], columns=list(COUNT_COLUMNS))


def merge_counts(parts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    """Add partial counts (partitions hold whole children, so every count adds up)."""
    total = dict.fromkeys(COUNT_COLUMNS, 0)
    for part in parts:
        for name in COUNT_COLUMNS:
            total[name] += int(part[name])
    return total
