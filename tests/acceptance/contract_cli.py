"""Helpers for the black-box acceptance tests: run the real console script on logs in tmp_path.

Nothing here imports `missing_protocol`: the tests drive only the public contract
(shared/CONTRACT.md), the console script and its JSON.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

Event = dict[str, Any]


def script() -> str:
    """The `missing-protocol` console script beside the running interpreter, else on PATH."""
    exe = Path(sys.executable).parent / "missing-protocol"
    if exe.exists():
        return str(exe)
    found = shutil.which("missing-protocol")
    assert found, "the missing-protocol console script is not installed"
    return found


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the console script with `args`; never raises on a non-zero exit."""
    return subprocess.run(
        [script(), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def write_jsonl(path: Path, lines: Iterable[Event | str]) -> Path:
    """Write one line per item: an event as JSON, a string as it is (blank lines, bad JSON)."""
    text = "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    path.write_text(text, encoding="utf-8")
    return path


def check(
    files: Sequence[Path], *options: str, as_of: str | None = "2026-12-31"
) -> tuple[int, dict[str, Any]]:
    """`check FILES --format json [--as-of AS_OF] OPTIONS`: the exit code and the parsed JSON."""
    args: list[str | Path] = ["check", *files, "--format", "json"]
    if as_of is not None:
        args += ["--as-of", as_of]
    args += list(options)
    proc = run(*args)
    assert proc.returncode in (0, 1), (proc.returncode, proc.stdout, proc.stderr)
    return proc.returncode, json.loads(proc.stdout)


def check_events(
    tmp_path: Path, events: Iterable[Event | str], *options: str, as_of: str | None = "2026-12-31"
) -> tuple[int, dict[str, Any]]:
    """Write `events` to tmp_path/log.jsonl and check it."""
    return check([write_jsonl(tmp_path / "log.jsonl", events)], *options, as_of=as_of)


def finding(result: Mapping[str, Any], rule: str, episode: str) -> dict[str, Any]:
    """The one finding of `rule` on `episode` (fails if there is none or more than one)."""
    hits = [f for f in result["findings"] if f["rule"] == rule and f["episode_id"] == episode]
    assert len(hits) == 1, (rule, episode, result["findings"])
    return dict(hits[0])


def statuses(result: Mapping[str, Any], episode: str) -> dict[str, str]:
    """Rule id -> status for one episode."""
    return {f["rule"]: f["status"] for f in result["findings"] if f["episode_id"] == episode}


def assert_counts_balance(result: Mapping[str, Any]) -> None:
    """CONTRACT §1: the run reports events = accepted + rejected, one error per rejected event."""
    counts = result["counts"]
    assert counts["events"] == counts["accepted"] + counts["rejected"]
    assert counts["rejected"] == len(result["errors"])


# --- event builders (CONTRACT §1 table) --------------------------------------------------


def child(child_id: str = "C1", **extra: Any) -> Event:
    return {"type": "child", "child_id": child_id, **extra}


def reported(
    episode: str = "E1",
    at: str = "2026-03-02T10:00:00Z",
    *,
    child_id: str = "C1",
    missing_from: str = "home",
    responsible: str | int = "309",
    **extra: Any,
) -> Event:
    return {
        "type": "reported",
        "episode_id": episode,
        "child_id": child_id,
        "at": at,
        "missing_from": missing_from,
        "responsible_authority": responsible,
        **extra,
    }


def found(episode: str = "E1", at: str = "2026-03-02T20:00:00Z", **extra: Any) -> Event:
    return {"type": "found", "episode_id": episode, "at": at, **extra}


def offered(episode: str = "E1", at: str = "2026-03-03T09:00:00Z", **extra: Any) -> Event:
    return {"type": "interview_offered", "episode_id": episode, "at": at, **extra}


def declined(
    episode: str = "E1", at: str = "2026-03-03T12:00:00Z", by: str = "child", **extra: Any
) -> Event:
    return {
        "type": "interview_declined",
        "episode_id": episode,
        "at": at,
        "declined_by": by,
        **extra,
    }


def completed(episode: str = "E1", at: str = "2026-03-04T10:00:00Z", **extra: Any) -> Event:
    return {"type": "interview_completed", "episode_id": episode, "at": at, **extra}


def plan(
    episode: str = "E1",
    at: str = "2026-03-05T10:00:00Z",
    actions: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> Event:
    if actions is None:
        actions = [{"kind": "education", "owner": "309"}]
    return {"type": "plan_made", "episode_id": episode, "at": at, "actions": actions, **extra}


def cancelled(episode: str = "E1", at: str = "2026-03-02T11:00:00Z", **extra: Any) -> Event:
    return {"type": "report_cancelled", "episode_id": episode, "at": at, **extra}


def strategy(child_id: str = "C1", at: str = "2026-03-02T12:00:00Z", **extra: Any) -> Event:
    return {"type": "strategy_discussion", "child_id": child_id, "at": at, **extra}


def notified(
    episode: str = "E1", at: str = "2026-03-02T11:00:00Z", party: str = "police", **extra: Any
) -> Event:
    return {"type": "notified", "episode_id": episode, "at": at, "party": party, **extra}


def clean_home_episode(episode: str = "E1", child_id: str = "C1") -> list[Event]:
    """A child missing from home, found, interviewed in time, plan made: nothing to flag."""
    return [
        reported(episode, child_id=child_id),
        found(episode),
        offered(episode),
        completed(episode),
        plan(episode),
    ]
