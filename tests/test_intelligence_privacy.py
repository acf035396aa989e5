"""Pseudonymisation (CONTRACT: --pseudonymise-key; issue 15 point 1): ids replaced in the data.

Property: for any ids, however awkward (digits only and equal to a year or a count, `& < > " '`,
spaces, any unicode), every command's output in every format with a key is byte for byte the
unkeyed output of the same log with each id replaced by its pseudonym beforehand. So figures are
unchanged, no plain id is left in an id's place, and text that merely looks like an id (the year
2026 when a child's id is 2026) is left alone.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

import pendulum
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from intelligence_log import CHILDREN, FROM, LOG, PERSONS, TO, write
from missing_protocol.cli import app
from missing_protocol.model import Disruption, DisruptionKind, Partner, Reported
from missing_protocol.privacy import PREFIX, Pseudonymiser, PseudonymKeyError, load_key

KEY = b"a shared secret of thirty-two b!"
AS_OF = "2026-04-30T12:00:00+01:00"
# Every command that prints ids or figures, in each of its formats (CSV and HTML by report).
INTEL = ["--include-intelligence"]
COMMANDS = [
    ["check", "--include-intelligence", "--all", "--as-of", AS_OF],
    ["due", "--include-intelligence", "--within", "P30D", "--as-of", "2026-03-02T00:00:00Z"],
    ["report", "--from", FROM, "--to", TO, "--authority", "309", "--as-of", AS_OF, *INTEL],
    ["hotspots", "--from", FROM, "--to", TO],
    ["persons", "--include-intelligence", "--no-suppress"],
    ["self-reports", "--include-intelligence", "--no-suppress", "--as-of", AS_OF],
]


def pseudonym(identifier: str) -> str:
    # Written out independently of the library: HMAC-SHA256, hex, truncated, prefixed.
    digest = hmac.new(KEY, identifier.encode(), hashlib.sha256).hexdigest()
    return PREFIX + digest[:20]


def test_same_id_same_pseudonym_and_the_key_matters() -> None:
    p = Pseudonymiser(KEY)
    assert p("C1") == p("C1") == pseudonym("C1")
    assert p("C1") != p("C2")
    assert Pseudonymiser(b"another key, also long enough!!")("C1") != p("C1")


def test_events_get_pseudonyms_in_their_id_fields_only() -> None:
    at = pendulum.datetime(2026, 3, 1, tz="UTC")
    p = Pseudonymiser(KEY)
    # The episode id too: the 903 conversion builds it from the child's (`C1/2024-05-01`).
    report = Reported("2026/2026-03-01", "2026", at, "home", "309")  # type: ignore[arg-type]
    expected = Reported(pseudonym("2026/2026-03-01"), pseudonym("2026"), at, "home", "309")  # type: ignore[arg-type]
    assert p.event(report) == expected
    act = Disruption("P1", at, DisruptionKind.WARNING_NOTICE, Partner.POLICE)
    assert p.event(act) == Disruption(pseudonym("P1"), at, act.kind, act.partner)


def test_key_files(tmp_path: Path) -> None:
    good = tmp_path / "key"
    good.write_bytes(KEY + b"\n")  # a trailing newline is not part of the key
    assert load_key(good)("P1") == pseudonym("P1")
    short = tmp_path / "short"
    short.write_bytes(b"123\n")
    with pytest.raises(PseudonymKeyError, match="at least 16"):
        load_key(short)
    with pytest.raises(PseudonymKeyError, match="cannot read"):
        load_key(tmp_path / "missing")


def outputs(log: Path, folder: Path, *extra: str) -> dict[str, str]:
    """Every command's output, text and JSON, and the report's HTML page and CSV tables."""
    runner, out = CliRunner(), {}
    for command in COMMANDS:
        for fmt in ("text", "json"):
            args = [command[0], str(log), *command[1:], "--format", fmt, *extra]
            if command[0] == "report" and fmt == "json":
                args += ["--html", str(folder / "page.html"), "--csv", str(folder / "csv")]
            result = runner.invoke(app, args)
            assert result.exit_code in (0, 1), (args, result.output)
            out[f"{command[0]} {fmt}"] = result.stdout
    out["report html"] = (folder / "page.html").read_text("utf-8")
    for table in sorted((folder / "csv").iterdir()):
        out[f"report {table.name}"] = table.read_text("utf-8")
    return out


ID_FIELDS = ("child_id", "person_id", "episode_id", "report_id")


def renamed(events: list[dict[str, Any]], rename: dict[str, str]) -> list[dict[str, Any]]:
    return [{k: rename.get(v, v) if k in ID_FIELDS else v for k, v in e.items()} for e in events]


# Ids as 903 and real systems give them, and ones built to collide with the output's own text.
LOOK_ALIKE = st.sampled_from(["2026", "2025", "1", "3", "03", "100", "c", "309", "E1", "px-1"])
AWKWARD = st.text(alphabet="&<>\"' 0123456789aZé中𝔘", min_size=1, max_size=6)
UNICODE = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")),
    min_size=1,
    max_size=5,
)
# The reader strips an id's surrounding spaces, so the id is the stripped text.
ID = st.one_of(LOOK_ALIKE, st.from_regex(r"\A[0-9]{1,6}\Z"), AWKWARD, UNICODE).filter(
    lambda i: i == i.strip() != ""
)


# Each example runs every command twice (HTML charts included): few examples, no shrinking.
@settings(
    max_examples=3,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(ids=st.lists(ID, min_size=len(CHILDREN) + len(PERSONS), unique=True, max_size=10))
def test_keyed_output_is_the_output_of_the_log_with_ids_replaced(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str]
) -> None:
    rename = dict(zip((*CHILDREN, *PERSONS), ids, strict=False))
    events = renamed(LOG, rename)
    work = tmp_path_factory.mktemp("run")
    key = work / "key"
    key.write_bytes(KEY)
    keyed = outputs(
        write(work / "log.jsonl", events), work / "keyed", "--pseudonymise-key", str(key)
    )
    every_id = {e[k] for e in events for k in ID_FIELDS if k in e}
    mapped_log = renamed(events, {i: pseudonym(i) for i in every_id})
    expected = outputs(write(work / "mapped.jsonl", mapped_log), work / "plain")
    assert keyed.keys() == expected.keys()
    for name, text in keyed.items():
        assert text == expected[name], name
        # A plain id appears only where the same text stands in the output of pseudonyms.
        for plain in ids:
            assert text.count(plain) == expected[name].count(plain), (name, plain)


def test_a_child_whose_id_is_a_year_leaves_the_dates_alone(tmp_path: Path) -> None:
    # Issue 15: with child 2026, the text scrubber printed "31 January px-3f745a91…".
    key = tmp_path / "key"
    key.write_bytes(KEY)
    log = write(
        tmp_path / "log.jsonl",
        renamed(LOG, {c: c for c in CHILDREN} | {"C1": "2026"} | {p: p for p in PERSONS}),
    )
    args = ["report", str(log), "--from", FROM, "--to", TO, "--pseudonymise-key", str(key)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 March 2026" in result.stdout and "31 March 2026" in result.stdout
    assert f"March {PREFIX}" not in result.stdout


@pytest.mark.parametrize("plain", ["C&1", "C<1>", 'C"1', "C'1"])
def test_ids_that_html_and_csv_would_escape_do_not_survive(tmp_path: Path, plain: str) -> None:
    # Issue 15: an id holding & < > " ' was escaped before the scrub, so it survived in HTML/CSV.
    key = tmp_path / "key"
    key.write_bytes(KEY)
    log = write(
        tmp_path / "log.jsonl",
        renamed(LOG, {c: c for c in CHILDREN} | {"C1": plain} | {p: p for p in PERSONS}),
    )
    args = ["report", str(log), "--from", FROM, "--to", TO, "--include-intelligence"]
    html, csv = tmp_path / "page.html", tmp_path / "csv"
    result = CliRunner().invoke(
        app, [*args, "--pseudonymise-key", str(key), "--html", str(html), "--csv", str(csv)]
    )
    assert result.exit_code == 0, result.output
    written = [html.read_text("utf-8"), *(p.read_text("utf-8") for p in csv.iterdir())]
    escaped = {plain, plain.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}
    escaped |= {plain.replace('"', '""'), plain.replace('"', "&quot;").replace("'", "&#x27;")}
    for text in [result.stdout, *written]:
        assert not any(form in text for form in escaped)
    assert pseudonym(plain) in html.read_text("utf-8")


@pytest.mark.parametrize("command", [c for c in COMMANDS if c[0] in ("check", "due")])
def test_episode_ids_built_from_a_child_id_do_not_give_it_away(
    tmp_path: Path, command: list[str]
) -> None:
    # Issue 15 "no plain id anywhere in the output": the 903 and SSD conversions name an episode
    # after its child (`C1/2024-05-01`), so episode and self-report ids are pseudonymised too.
    key = tmp_path / "key"
    key.write_bytes(KEY)
    secret = "Child-4711"
    events = [
        {**e, "episode_id": f"{secret}/{e['episode_id']}"} if "episode_id" in e else e
        for e in renamed(LOG, {"C1": secret})
    ]
    events = [{**e, "report_id": f"{secret}-R"} if "report_id" in e else e for e in events]
    log = write(tmp_path / "log.jsonl", events)
    args = [command[0], str(log), *command[1:], "--format", "json", "--pseudonymise-key", str(key)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code in (0, 1), result.output
    assert secret.encode() not in result.stdout_bytes
    assert pseudonym(f"{secret}/E1") in result.stdout


@pytest.mark.parametrize("value", [["Child-4711"], {"id": "Child-4711"}, 4711.5])
def test_an_id_given_in_the_wrong_shape_is_not_echoed_in_its_error(
    tmp_path: Path, value: Any
) -> None:
    # Issue 15 "no plain id anywhere in the output" (docs/intelligence.md: the reader's error
    # "names a field and never quotes an id"): an id sent as an array, an object or a fraction
    # is rejected, and the error says what kind of value came, not the value itself.
    key = tmp_path / "key"
    key.write_bytes(KEY)
    events = [*LOG, {**LOG[0], "child_id": value}, {**LOG[0], "episode_id": value}]
    log = write(tmp_path / "log.jsonl", events)
    for fmt in ("text", "json"):
        args = [
            "check",
            str(log),
            "--format",
            fmt,
            "--as-of",
            AS_OF,
            "--pseudonymise-key",
            str(key),
        ]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.output
        assert "expected a string" in result.stdout
        assert "4711" not in result.stdout
