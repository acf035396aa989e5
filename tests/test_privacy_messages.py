"""Pseudonymised runs quote no value from the log in their rejections and warnings.

Design principle "privacy by construction" (HELPERS, docs/intelligence.md "Pseudonymised
output"): pseudonyms replace ids in the data before anything is computed or rendered. CONTRACT §3
errors `{line, field, message}` and warnings: with `--pseudonymise-key` the line and a defined
field stay, the message says what was wrong without the value (an id typed into the wrong field
must not reach a shared output), and an id it must name is the same pseudonym as in the findings.
Without a key every message is as it always was.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from missing_protocol.cli import app
from missing_protocol.formats.events import read_array
from missing_protocol.model import EventError
from missing_protocol.privacy import WITHHELD, Pseudonymiser

KEY = b"a shared secret of thirty-two b!"
AS_OF = "2026-04-30T12:00:00+01:00"
AT = "2026-03-02T10:00:00Z"


def _report(episode: str, child: str, at: str = "2026-03-01T10:00:00Z") -> dict[str, Any]:
    return {
        "type": "reported",
        "episode_id": episode,
        "child_id": child,
        "at": at,
        "missing_from": "care",
        "responsible_authority": "309",
    }


_SELF_REPORT = {
    "type": "self_report",
    "report_id": "LEAKSELF",
    "child_id": "C1",
    "at": AT,
    "away_from": "2026-03-01",
    "away_to": "2026-03-02",
}

# Each kind of message, with a sentinel where a raw value would be echoed: (sentinel, line).
CASES: list[tuple[str, dict[str, Any] | str]] = [
    ("LEAKENUM", {**_report("E2", "C2"), "risk": "LEAKENUM"}),
    ("LEAKTYPE", {"type": "LEAKTYPE", "episode_id": "E1", "at": AT}),
    (
        "LEAKBOOL",
        {"type": "interview_offered", "episode_id": "E1", "at": AT, "independent": "LEAKBOOL"},
    ),
    ("LEAKTIME", {"type": "found", "episode_id": "E1", "at": "LEAKTIME"}),
    ("LEAKDATE", {"type": "child", "child_id": "C1", "born": "LEAKDATE"}),
    ("LEAKETHNIC", {"type": "child", "child_id": "C1", "ethnicity": "LEAKETHNIC"}),
    (
        "LEAKKIND",
        {
            "type": "plan_made",
            "episode_id": "E1",
            "at": AT,
            "actions": [{"kind": "LEAKKIND", "owner": "x"}],
        },
    ),
    ("LEAKPARTY", {"type": "notified", "episode_id": "E1", "at": AT, "party": ["LEAKPARTY"]}),
    (
        "LEAKFIELD",
        {"type": "notified", "episode_id": "E1", "at": AT, "party": "police", "LEAKFIELD": 1},
    ),
    # Lifecycle rejections name the episode, child or self-report: by its pseudonym.
    ("LEAKEPISODE", {"type": "found", "episode_id": "LEAKEPISODE", "at": AT}),
    ("LEAKEARLY", _report("LEAKEARLY", "C3", "2026-03-05T10:00:00Z")),
    ("LEAKEARLY", {"type": "found", "episode_id": "LEAKEARLY", "at": AT}),
    ("LEAKSTATE", _report("LEAKSTATE", "C4")),
    ("LEAKSTATE", {"type": "plan_made", "episode_id": "LEAKSTATE", "at": AT, "actions": []}),
    ("LEAKTWICE", {"type": "child", "child_id": "LEAKTWICE", "born": "2012-01-01"}),
    ("LEAKTWICE", {"type": "child", "child_id": "LEAKTWICE", "born": "2013-01-01"}),
    ("LEAKCHILD", {"type": "strategy_discussion", "child_id": "LEAKCHILD", "at": AT}),
    (
        "LEAKLINK",
        {
            "type": "person_linked",
            "episode_id": "LEAKLINK",
            "person_id": "P1",
            "at": AT,
            "role": "associate",
        },
    ),
    # The same self-report twice: the second is rejected, naming its id.
    ("LEAKSELF", _SELF_REPORT),
    ("LEAKSELF", _SELF_REPORT),
    ("LEAKJSON", '{"type": "found", "episode_id": LEAKJSON}'),
]
SENTINELS = sorted({sentinel for sentinel, _ in CASES})
# Ids a lifecycle rejection names: shown as their pseudonyms with the key.
NAMED_IDS = [
    "LEAKEPISODE",
    "LEAKEARLY",
    "LEAKSTATE",
    "LEAKTWICE",
    "LEAKCHILD",
    "LEAKLINK",
    "LEAKSELF",
]
PERIOD = ["--from", "2026-03-01", "--to", "2026-03-31"]
COMMANDS = [
    ["check", "--include-intelligence", "--as-of", AS_OF],
    ["check", "--include-intelligence", "--as-of", AS_OF, "--jobs", "2"],  # routed, merged
    ["due", "--include-intelligence", "--within", "P30D", "--as-of", "2026-03-01T12:00:00Z"],
    ["report", *PERIOD, "--authority", "309", "--as-of", AS_OF, "--include-intelligence"],
    ["hotspots", *PERIOD],
    ["persons", *PERIOD, "--include-intelligence", "--no-suppress"],
    ["self-reports", *PERIOD, "--include-intelligence", "--no-suppress", "--as-of", AS_OF],
]


def _line(sentinel: str) -> int:
    # The log's line of a case's first line: after the two lines of the clean episode.
    return 3 + next(i for i, (name, _) in enumerate(CASES) if name == sentinel)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    lines = [json.dumps(_report("E1", "C1")), json.dumps({"type": "child", "child_id": "C1"})]
    lines += [line if isinstance(line, str) else json.dumps(line) for _, line in CASES]
    path = tmp_path / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "key"
    path.write_bytes(KEY)
    return path


def _outputs(log: Path, folder: Path, *extra: str) -> dict[str, str]:
    """Every command's stdout and stderr, text and JSON (and the report's HTML page)."""
    seen = {}
    for command in COMMANDS:
        for fmt in ("text", "json"):
            args = [command[0], str(log), *command[1:], "--format", fmt, *extra]
            if command[0] == "report" and fmt == "json":
                args += ["--html", str(folder / "page.html")]
            result = CliRunner().invoke(app, args)
            assert result.exit_code in (0, 1), (args, result.output)
            seen[f"{' '.join(command)} {fmt}"] = result.stdout + result.stderr
    seen["report html"] = (folder / "page.html").read_text("utf-8")
    return seen


def test_no_value_from_the_log_in_any_keyed_output(log: Path, key: Path, tmp_path: Path) -> None:
    """Privacy by construction: with a key, no sentinel (a value typed where an id or a time
    belongs, an unknown type or field name, an id in a lifecycle rejection) reaches stdout,
    stderr, JSON or HTML of check, due, report, hotspots, persons or self-reports."""
    keyed = _outputs(log, tmp_path, "--pseudonymise-key", str(key))
    for name, text in keyed.items():
        for sentinel in SENTINELS:
            assert sentinel not in text, (name, sentinel)


def test_keyed_rejections_keep_line_and_field_and_say_what_was_wrong(log: Path, key: Path) -> None:
    """CONTRACT §3 errors: line and field as without the key, the reason worded without the
    value; ids the lifecycle names are the pseudonyms the findings use."""
    args = ["check", str(log), "--include-intelligence", "--as-of", AS_OF, "--format", "json"]
    plain = json.loads(CliRunner().invoke(app, args).stdout)
    keyed = json.loads(CliRunner().invoke(app, [*args, "--pseudonymise-key", str(key)]).stdout)
    assert [(e["line"], e["field"]) for e in keyed["errors"]] == [
        (e["line"], e["field"]) for e in plain["errors"]
    ]
    said = {e["line"]: e["message"] for e in keyed["errors"]}
    assert said[_line("LEAKENUM")] == "not one of: high, medium, low, no_apparent_risk"
    assert said[_line("LEAKBOOL")] == "expected true or false, got a string"
    assert said[_line("LEAKTIME")] == "not an ISO 8601 date-time"
    assert said[_line("LEAKDATE")] == "not an ISO 8601 date (YYYY-MM-DD)"
    assert said[_line("LEAKETHNIC")] == "not a DfE ethnicity code"
    assert said[_line("LEAKTYPE")].startswith("unknown event type; known: child, reported")
    pseudonym = Pseudonymiser(KEY)
    messages = " ".join(e["message"] for e in keyed["errors"])
    for identifier in NAMED_IDS:
        assert pseudonym(identifier) in messages, identifier
    # An unknown field's name (a warning) is its pseudonym: it may be an id typed as a key.
    assert [w["field"] for w in keyed["warnings"]] == [pseudonym("LEAKFIELD")]


def test_without_a_key_messages_quote_as_they_always_did(log: Path) -> None:
    """Unkeyed output is unchanged: each sentinel is quoted where it was before."""
    args = ["check", str(log), "--include-intelligence", "--as-of", AS_OF, "--format", "json"]
    out = json.loads(CliRunner().invoke(app, args).stdout)
    said = json.dumps([out["errors"], out["warnings"]])
    for sentinel in set(SENTINELS) - {"LEAKJSON"}:  # invalid JSON is never quoted
        assert sentinel in said, sentinel
    risk = next(e for e in out["errors"] if e["field"] == "risk")
    assert risk["message"] == '"LEAKENUM" is not one of: high, medium, low, no_apparent_risk'


def test_a_rejection_no_reader_worded_privately_gets_a_generic_reason() -> None:
    """Privacy by construction: a rejection whose maker gave no wording free of the log's values
    (a table conversion, a caller's own EventError) is shown with a generic reason, field kept."""
    made = EventError(7, "CHILD", "child id 'LEAKROW' appears twice", "t.csv")
    shown = Pseudonymiser(KEY).error(made)
    assert (shown.line, shown.field, shown.message, shown.file) == (7, "CHILD", WITHHELD, "t.csv")


def test_a_lone_surrogate_under_an_unknown_key_is_not_named_with_pseudonyms() -> None:
    """The reader names the key holding text that is not UTF-8 (in a JSON array file); a key no
    event defines is a value from the log, so a pseudonymised run does not name it (field None)."""
    text = '[{"type": "found", "episode_id": "E1", "at": "' + AT + '", "LEAK\\ud800": 1}]'
    (plain,) = read_array(text)
    assert isinstance(plain, EventError) and plain.field == "LEAK\\ud800"
    (keyed,) = Pseudonymiser(KEY).parsed(read_array(text))
    assert isinstance(keyed, EventError)
    assert (keyed.field, keyed.message) == (None, plain.message)


def test_a_903_table_with_a_key_quotes_none_of_its_cells(key: Path, tmp_path: Path) -> None:
    """Privacy by construction for converted tables too: a 903 row's rejection keeps its row and
    column, and quotes no cell (an id typed into MIS_END) when ids are pseudonymised."""
    table = tmp_path / "missing.csv"
    table.write_text(
        "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
        "LEAKROW,14/02/2010,M,01/05/2024,03/05/2024\n"
        "LEAKROW,14/02/2010,M,10/05/2024,LEAKCELL\n"
    )
    args = ["check", "--input-format", "903", "--authority", "309", "--as-of", "2024-06-30"]
    for fmt in ("text", "json"):
        result = CliRunner().invoke(
            app, [*args, str(table), "--format", fmt, "--pseudonymise-key", str(key)]
        )
        assert result.exit_code == 1
        assert "LEAK" not in result.stdout + result.stderr
    keyed = json.loads(result.stdout)
    # Worded by the 903 reader without the cell, not with the generic reason.
    assert [(e["line"], e["field"], e["message"]) for e in keyed["errors"]] == [
        (3, "MIS_END", "not a date (dd/mm/yyyy)")
    ]


def test_ssd_rows_with_a_key_are_worded_without_their_cells(key: Path, tmp_path: Path) -> None:
    """Privacy by construction for the SSD tables: each rejected row keeps its row and column
    and says what is wrong without quoting the cell (a person id typed into a date or a type)."""
    table = tmp_path / "ssd_missing.csv"
    columns = "miss_table_id,miss_person_id,miss_missing_episode_start_date,"
    table.write_text(
        f"{columns}miss_missing_episode_type,miss_missing_episode_end_date\n"
        "M1,LEAKROW,2024-05-01 10:00,M,2024-05-02 10:00\n"
        "M2,LEAKROW,LEAKDATE,M,\n"
        "M3,LEAKROW,2024-05-10 10:00,LEAKTYPE,\n"
        "M1,LEAKROW,2024-05-20 10:00,M,\n"
    )
    args = ["check", "--input-format", "ssd", "--authority", "309", "--as-of", "2024-06-30"]
    plain = CliRunner().invoke(app, [*args, str(table), "--format", "json"])
    assert "LEAKDATE" in plain.stdout and "LEAKTYPE" in plain.stdout  # quoted without a key
    keyed = CliRunner().invoke(
        app, [*args, str(table), "--format", "json", "--pseudonymise-key", str(key)]
    )
    assert keyed.exit_code == 1
    assert "LEAK" not in keyed.stdout + keyed.stderr
    errors = [(e["line"], e["field"], e["message"]) for e in json.loads(keyed.stdout)["errors"]]
    assert errors == [
        (3, "miss_missing_episode_start_date", "not a date or date-time"),
        (4, "miss_missing_episode_type", "not a missing type (M/Missing or A/Away/Absent)"),
        (5, "miss_table_id", "the row id appears twice"),
    ]
