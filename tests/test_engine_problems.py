"""Issue 10 point 3 (the output of any partitioning is one check's, byte for byte) for rejected
events and warnings: merged back from partitions, in memory or spilled, they come out exactly
as sorting them all together would give them (CONTRACT §3 `errors`, `warnings`, in line order)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from missing_protocol.engine.problems import Problems, spilled
from missing_protocol.model import EventError, Private, error_order

errors = st.builds(
    EventError,
    line=st.integers(1, 6),
    field=st.sampled_from([None, "at", "episode_id"]),
    message=st.text(max_size=5),
    # Two files, the same name given twice, or none (in memory): ties keep the partitions' order.
    file=st.sampled_from([None, "a.jsonl", "b.jsonl"]),
    private=st.none() | st.builds(Private, st.none(), st.just("withheld")),
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.lists(st.lists(errors, max_size=8), max_size=5), spill=st.lists(st.booleans()))
def test_partitions_problems_merge_as_one_sort_of_them_all(
    tmp_path: Path, parts: list[list[EventError]], spill: list[bool]
) -> None:
    sources: list[list[EventError] | str] = []
    for index, part in enumerate(parts):
        ordered = sorted(part, key=error_order)  # as each partition gives them
        if index < len(spill) and spill[index]:
            sources.append(spilled(ordered, str(tmp_path / f"{index}-{len(part)}.errors")))
        else:
            sources.append(ordered)
    size = sum(map(len, parts))
    merged = Problems(tuple(sources), size)
    expected = sorted((e for part in parts for e in part), key=error_order)
    for _ in range(2):  # read as often as needed
        got = list(merged)
        assert got == expected
        assert [e.private for e in got] == [e.private for e in expected]  # eq=False field
    assert len(merged) == size and bool(merged) == (size > 0)
    renamed = merged.mapped(lambda e: EventError(e.line, e.field, e.message.upper(), e.file))
    assert [e.message for e in renamed] == [e.message.upper() for e in expected]
