"""Issue 10 under loads the generator never makes: odd lines routed without a crash, and rules
that read a child's other episodes, discussions, actions or self-reports judged in time linear
in them (a child with thousands of episodes must not cost their square)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from builders import reported
from missing_protocol import engine, profiles
from missing_protocol.check import parse_as_of
from missing_protocol.cli._json import write_check_json

AS_OF = "2026-05-31"


def _engine_json(paths: list[Path], **run: Any) -> str:
    options = engine.Options(parse_as_of(AS_OF), profiles.load("statutory"))
    outcome = engine.run([str(p) for p in paths], options, **run)
    out = io.StringIO()
    write_check_json(out, outcome, options.as_of, options.profile.name)
    return out.getvalue()


# A `type` that is not text (an array, an object) is rejected by the reader like any unknown type.
UNHASHABLE_TYPES = [
    {"type": ["reported"], "episode_id": "E9", "child_id": "C9"},
    {"type": {"kind": "found"}, "episode_id": "E1"},
    {"type": [], "child_id": "C1"},
]


@pytest.mark.parametrize(
    "run",
    [
        {"jobs": 2},  # routed in memory
        {"spill_bytes": 0, "partition_bytes": 200},  # routed in this process, spilled
        {"jobs": 2, "spill_bytes": 0, "partition_bytes": 200},  # routed by the workers
    ],
)
def test_a_line_whose_type_is_not_text_is_rejected_in_any_partitioning(
    tmp_path: Path, run: dict[str, Any]
) -> None:
    """CONTRACT §1 (unknown `type`: a rejected event, never a stop): a `type` given as an array
    or an object is rejected with its line when the log is routed by child, as in one check."""
    lines = [reported("E1", child_id="C1"), *UNHASHABLE_TYPES, reported("E2", child_id="C2")]
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    whole = _engine_json([path])
    answer = json.loads(whole)
    assert answer["counts"]["rejected"] == len(UNHASHABLE_TYPES)
    assert [e["line"] for e in answer["errors"]] == [2, 3, 4]
    assert _engine_json([path], **run) == whole
