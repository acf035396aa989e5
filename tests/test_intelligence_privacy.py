"""Pseudonymisation: a keyed hash in place of child and person ids in every output.

Property: the pseudonymised output has exactly the plain output's figures and structure, with
each id replaced by its HMAC-SHA256 pseudonym, and contains none of the plain ids.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelligence_log import CHILDREN, FROM, LOG, PERSONS, TO, write
from missing_protocol.cli import app
from missing_protocol.intelligence.pseudonymise import (
    PREFIX,
    Pseudonymiser,
    PseudonymKeyError,
    load_key,
)

KEY = b"a shared secret of thirty-two b!"
COMMANDS = [
    ["hotspots", "--from", FROM, "--to", TO],
    ["persons", "--include-intelligence", "--no-suppress"],
    ["self-reports", "--include-intelligence", "--no-suppress", "--as-of", "2026-04-30"],
    ["check", "--include-intelligence", "--as-of", "2026-04-30"],
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


def test_ids_inside_text_are_replaced_as_whole_words() -> None:
    scrub = Pseudonymiser(KEY).scrubber({"C1", "C10"})
    text = scrub.text("child 'C1' and C10, not XC1 or C1-2")
    assert text == f"child '{pseudonym('C1')}' and {pseudonym('C10')}, not XC1 or C1-2"
    assert scrub.data({"child_id": "C1", "n": 3, "list": ["C10"]}) == {
        "child_id": pseudonym("C1"),
        "n": 3,
        "list": [pseudonym("C10")],
    }


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


def _renamed(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, str):
        return mapping.get(value, value)
    if isinstance(value, dict):
        return {k: _renamed(v, mapping) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed(v, mapping) for v in value]
    return value


def _ids(prefix: str, n: int) -> st.SearchStrategy[list[str]]:
    token = st.text(alphabet="ABCDEFGHJMNPRTUVWXYZ0123456789", min_size=5, max_size=8)
    return st.lists(token.map(lambda t: prefix + t), min_size=n, max_size=n, unique=True)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(children=_ids("K", len(CHILDREN)), persons=_ids("Q", len(PERSONS)))
def test_pseudonymised_output_has_the_same_figures_and_no_plain_ids(
    tmp_path: Path, children: list[str], persons: list[str]
) -> None:
    rename = dict(zip((*CHILDREN, *PERSONS), (*children, *persons), strict=True))
    events = [
        {k: rename.get(v, v) if k in ("child_id", "person_id") else v for k, v in e.items()}
        for e in LOG
    ]
    log = write(tmp_path / "log.jsonl", events)
    key = tmp_path / "key"
    key.write_bytes(KEY)
    runner = CliRunner()
    for command in COMMANDS:
        base = [command[0], str(log), *command[1:], "--format", "json"]
        plain = json.loads(runner.invoke(app, base).stdout)
        masked_text = runner.invoke(app, [*base, "--pseudonymise-key", str(key)]).stdout
        masked = json.loads(masked_text)
        assert masked == _renamed(plain, {i: pseudonym(i) for i in rename.values()})
        assert not any(i in masked_text for i in rename.values()), command[0]
        if command[0] != "hotspots":  # hotspots hold no ids at all
            assert masked != plain and PREFIX in masked_text
        text = runner.invoke(app, [*base[:-2], "--pseudonymise-key", str(key)]).stdout
        assert not any(i in text for i in rename.values()), command[0]
