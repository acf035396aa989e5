"""Issue 10 point 4: the per-partition function under Dask's local scheduler gives `check`'s answer.

The code run here is the Python block of docs/scale.md itself, so the page cannot drift from
what is tested.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

pd = pytest.importorskip("pandas", reason="the dask extra (installed by the test extra)")
pytest.importorskip("dask.dataframe", reason="the dask extra (installed by the test extra)")

from missing_protocol import check  # noqa: E402
from missing_protocol.engine import check_partition, merge_counts  # noqa: E402

PAGE = Path(__file__).resolve().parent.parent / "docs" / "scale.md"


def _page_code() -> dict[str, Any]:
    # The page's Dask block (the one that imports dask; the page has other Python too).
    (code,) = [
        block
        for block in re.findall(r"```python\n(.*?)```", PAGE.read_text("utf-8"), flags=re.S)
        if "import dask" in block
    ]
    namespace: dict[str, Any] = {}
    exec(compile(code, str(PAGE), "exec"), namespace)
    return namespace


def _example_events() -> list[dict[str, Any]]:
    text = resources.files("missing_protocol").joinpath("data/example_year.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_dask_map_partitions_gives_the_findings_and_counts_of_check() -> None:
    """CONTRACT §3 findings (finding for finding, in order) and counts, from 4 Dask partitions."""
    page = _page_code()
    events = _example_events()
    frame = pd.DataFrame(events)
    findings, counts = page["check_with_dask"](frame, partitions=4)
    expected = check(events, as_of=page["AS_OF"]).to_dict()
    assert counts == expected["counts"]
    rows = findings.drop(columns="order").astype(object).where(findings.notna(), None)
    assert rows.to_dict("records") == expected["findings"]


def test_check_partition_on_dicts_and_merge_counts() -> None:
    """The same function takes an iterable of dicts; counts of disjoint children add up."""
    events = _example_events()
    children = sorted({e["child_id"] for e in events if e["type"] == "reported"})
    first = set(children[: len(children) // 2])
    owner = {e["episode_id"]: e["child_id"] for e in events if e["type"] == "reported"}

    def part(e: dict[str, Any]) -> bool:
        return (e.get("child_id") or owner.get(e.get("episode_id", ""), "")) in first

    a = check_partition([e for e in events if part(e)], as_of="2026-05-31", only_problems=True)
    b = check_partition([e for e in events if not part(e)], as_of="2026-05-31", only_problems=True)
    whole = check(events, as_of="2026-05-31").to_dict(only_problems=True)
    assert merge_counts([a.counts, b.counts]) == whole["counts"]
    rows = sorted([*a.findings, *b.findings], key=lambda r: r["order"])
    assert [{k: v for k, v in r.items() if k != "order"} for r in rows] == whole["findings"]
