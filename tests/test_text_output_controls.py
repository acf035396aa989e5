"""Text output shows control characters from the log as escapes (terminal escape injection).

Output safety (docs/contract.md "Text output"): a value from the log (an id, an authority, a
place, an unknown type echoed in a rejection's message) that holds an escape sequence
(`\\x1b[2J` clears the screen), a carriage return (overwrites the line) or a line break (forges a
line) reaches no terminal raw: every text renderer shows C0 and C1 controls escaped (`\\x1b`,
`\\r`, `\\n`, `\\u0085`), stdout and stderr alike. JSON is unchanged (its encoder escapes them).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from missing_protocol.cli import app
from missing_protocol.common.texttable import table, visible, visible_lines

ESC = "\x1b[2J"
CHILD = f"C{ESC}1"
EPISODE = "E\r1"
PLACE = "Park\nRoad\x85 Street"
AUTHORITY = "30\x1b]0;pwned\x079"
AT = "2026-03-01T10:00:00Z"
AS_OF = "2026-04-30T12:00:00+01:00"
# Any C0 control but the line break, DEL, or C1 control: what must never be printed raw.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")
PERIOD = ["--from", "2026-03-01", "--to", "2026-04-01"]


@pytest.fixture
def log(tmp_path: Path) -> Path:
    events = [
        {"type": "child", "child_id": CHILD, "born": "2012-01-01"},
        {
            "type": "reported",
            "episode_id": EPISODE,
            "child_id": CHILD,
            "at": AT,
            "missing_from": "care",
            "responsible_authority": AUTHORITY,
            "location": PLACE,
        },
        {"type": "found", "episode_id": EPISODE, "at": "2026-03-02T10:00:00Z", "location": PLACE},
        # Rejections whose messages carry the values: an unknown type, a lifecycle refusal.
        {"type": f"found{ESC}", "episode_id": EPISODE, "at": AT},
        {"type": "plan_made", "episode_id": EPISODE, "at": AT, "actions": []},
        {"type": "found", "episode_id": f"X{ESC}", "at": AT},
        {
            "type": "self_report",
            "report_id": f"R{ESC}",
            "child_id": CHILD,
            "at": AT,
            "away_from": "2026-03-01",
            "away_to": "2026-03-02",
            "location": PLACE,
        },
    ]
    path = tmp_path / "log.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
    return path


def _commands(log: Path, tmp_path: Path) -> list[list[str]]:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"type": "interview_offered", "episode_id": EPISODE, "at": AT}))
    logged = [str(log)]
    return [
        ["check", *logged, "--all", "--include-intelligence", "--as-of", AS_OF],
        ["check", *logged, "--as-of", AS_OF, "--jobs", "2"],
        ["due", *logged, "--within", "P30D", "--as-of", "2026-03-01T11:00:00Z"],
        # Without --authority, stderr names the authority chosen from the log.
        ["report", *logged, *PERIOD, "--as-of", AS_OF, "--include-intelligence", "--no-suppress"],
        ["hotspots", *logged, *PERIOD, "--no-suppress"],
        ["persons", *logged, "--include-intelligence", "--no-suppress"],
        ["self-reports", *logged, "--include-intelligence", "--no-suppress", "--as-of", AS_OF],
        [
            "compare",
            *logged,
            "--profile",
            "statutory",
            "--profile",
            "london",
            "--as-of",
            AS_OF,
            "--include-episodes",
            "--no-suppress",
        ],
        ["validate", *logged, "--event", str(event), "--as-of", AS_OF],
        # Written to a folder, the conversion's rejections and losses are listed on stdout.
        ["convert", "--from", "events", "--to", "ssd", *logged, str(tmp_path / "ssd")],
    ]


def test_no_raw_control_character_in_any_text_output(log: Path, tmp_path: Path) -> None:
    """Every text output (stdout and stderr) of check, due, report, the intelligence commands,
    compare, validate and convert holds no control character but its own line breaks, and shows each
    value's escape sequence as text."""
    shown = ""
    for args in _commands(log, tmp_path):
        result = CliRunner().invoke(app, args)
        assert result.exit_code in (0, 1), (args, result.output)
        for stream in (result.stdout, result.stderr):
            assert not RAW_CONTROL.search(stream), (args, RAW_CONTROL.findall(stream))
        shown += result.stdout + result.stderr
    assert "C\\x1b[2J1" in shown  # the child's id, escaped
    assert "E\\r1" in shown  # the episode's id: its carriage return cannot overwrite the line
    assert "Park\\nRoad\\u0085 Street" in shown  # a place: its line break does not break the line
    assert "reporting for 30\\x1b]0;pwned\\x079" in shown  # stderr, the authority from the log


def test_json_output_is_unchanged(log: Path) -> None:
    """JSON keeps the values as they are (its encoder escapes controls): they read back equal."""
    args = ["check", str(log), "--all", "--as-of", AS_OF, "--format", "json"]
    out = json.loads(CliRunner().invoke(app, args).stdout)
    assert {f["child_id"] for f in out["findings"]} == {CHILD}
    assert {f["episode_id"] for f in out["findings"]} == {EPISODE}


def test_a_line_break_inside_a_value_keeps_its_line() -> None:
    """The one helper: each line's controls escaped, then the lines joined; table cells are
    escaped before they are measured, so columns still align."""
    assert visible("a\x1b[2J\r\n\t\x85\x7f\x00é") == "a\\x1b[2J\\r\\n\\t\\u0085\\x7f\\x00é"
    assert visible_lines(["one\ntwo", "three"]) == "one\\ntwo\nthree"
    header, _, row = table(["Place", "Episodes"], [["Park\nRoad", "3"]])
    assert row == "  Park\\nRoad         3"
    assert len(header) == len(row)


@given(st.text())
def test_visible_escapes_every_control_character_and_nothing_else(text: str) -> None:
    """The printable short cut gives what escaping each character gives, on any text."""
    from missing_protocol.common.texttable import _ESCAPES

    shown = visible(text)
    assert shown == text.translate(_ESCAPES)
    assert RAW_CONTROL.search(shown) is None and "\n" not in shown
