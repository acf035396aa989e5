"""CONTRACT §3: the Python `check()` gives the same JSON (`.to_dict()`) as the console script.

Run in a fresh interpreter (subprocess) so that this suite stays black-box.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from contract_cli import check, completed, found, offered, reported, write_jsonl

SNIPPET = """
import json, sys
from missing_protocol import check
path, as_of = sys.argv[1], sys.argv[2]
events = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
result = check(events, as_of=as_of, profile="statutory", assume_tz=None)
assert len(result.findings) == len(result.to_dict()["findings"])
assert len(result.errors) == len(result.to_dict()["errors"])
print(json.dumps({"in_memory": result.to_dict(), "from_path": check(path, as_of=as_of).to_dict()}))
"""


def test_api_to_dict_matches_the_cli(tmp_path: Path) -> None:
    """CONTRACT §3: `missing_protocol.check(events, *, as_of, profile, assume_tz)` returns a
    CheckResult with .findings, .errors, .counts and .to_dict() giving the CLI's JSON."""
    log = write_jsonl(
        tmp_path / "log.jsonl",
        [
            reported("E1"),
            found("E1"),
            offered("E1"),
            completed("E1", independent=False),
            offered("E404"),
        ],
    )
    _, cli = check([log], as_of="2026-04-30")
    proc = subprocess.run(
        [sys.executable, "-c", SNIPPET, str(log), "2026-04-30"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    api = json.loads(proc.stdout)
    in_memory = api["in_memory"]
    assert in_memory["counts"] == cli["counts"]
    assert in_memory["findings"] == cli["findings"]
    assert in_memory["as_of"] == cli["as_of"]
    assert in_memory["profile"] == cli["profile"]
    # In-memory input has no file; the line is the position in the iterable (docs/contract.md).
    assert [(e["line"], e["field"]) for e in in_memory["errors"]] == [(5, "episode_id")]
    assert "file" not in in_memory["errors"][0]
    assert set(api["from_path"]) == set(cli)
    assert api["from_path"]["findings"] == cli["findings"]
    assert api["from_path"]["errors"] == [
        {**e, "file": str(log)} if "file" in e else e for e in cli["errors"]
    ]
