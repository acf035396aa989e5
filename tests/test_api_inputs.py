"""CONTRACT §3 `check(events, ...)` and docs/embedding.md `validate(history, proposed, ...)`:
a caller who passes one event (a dict) or raw bytes where a log is expected gets a TypeError
saying so, not one "invalid JSON" rejected event per key or per byte (contract silent: what a
user of an embeddable library expects, written in docs/contract.md)."""

from __future__ import annotations

from typing import Any

import pytest

from missing_protocol import check, validate

REPORTED = {
    "type": "reported",
    "episode_id": "E1",
    "child_id": "C1",
    "at": "2026-03-02T20:00:00Z",
    "missing_from": "home",
    "responsible_authority": "309",
}
FOUND = {"type": "found", "episode_id": "E1", "at": "2026-03-03T08:00:00Z"}


@pytest.mark.parametrize("events", [REPORTED, b'{"type": "child", "child_id": "C1"}\n'])
def test_check_refuses_one_event_or_bytes_as_a_log(events: Any) -> None:
    with pytest.raises(TypeError, match="events"):
        check(events, as_of="2026-04-01")


@pytest.mark.parametrize("history", [REPORTED, "log.jsonl", b"{}"])
def test_validate_refuses_one_event_text_or_bytes_as_a_history(history: Any) -> None:
    with pytest.raises(TypeError, match="history"):
        validate(history, FOUND, as_of="2026-04-01")


def test_a_list_of_events_and_a_path_are_still_logs(tmp_path: Any) -> None:
    assert check([REPORTED], as_of="2026-04-01").counts.accepted == 1
    assert validate([REPORTED], FOUND, as_of="2026-04-01").accepted
    log = tmp_path / "log.jsonl"
    log.write_text('{"type": "child", "child_id": "C1"}\n', encoding="utf-8")
    assert check(str(log), as_of="2026-04-01").counts.accepted == 1
