"""The hotspots, persons and self-reports commands end to end: JSON valid against the package's
schemas in every mode, text output, and usage errors (exit 2)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from intelligence_log import FROM, LOG, TO, write
from missing_protocol.cli import app

PERIOD = ["--from", FROM, "--to", TO]


def schema(name: str) -> dict[str, Any]:
    text = (resources.files("missing_protocol") / "schemas" / f"{name}.schema.json").read_text(
        "utf-8"
    )
    loaded: dict[str, Any] = json.loads(text)
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("intel") / "log.jsonl")


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("key") / "key"
    path.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    return path


MODES = [
    [],
    ["--no-suppress"],
    ["--include-intelligence"],
    ["--no-suppress", "--include-intelligence"],
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("pseudonymise", [False, True])
@pytest.mark.parametrize(
    ("command", "extra"),
    [
        ("hotspots", PERIOD),
        ("persons", PERIOD),
        ("persons", []),
        ("self-reports", [*PERIOD, "--as-of", "2026-04-30"]),
    ],
)
def test_json_validates(
    log: Path, key: Path, command: str, extra: list[str], mode: list[str], pseudonymise: bool
) -> None:
    if command == "hotspots" and "--include-intelligence" in mode:
        mode = [m for m in mode if m != "--include-intelligence"]
    args = [command, str(log), *extra, *mode, "--format", "json"]
    if pseudonymise:
        args += ["--pseudonymise-key", str(key)]
    result = run(*args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, schema(command))
    detail = "--include-intelligence" in mode
    assert ("persons" in data) is (command == "persons" and detail)
    assert ("self_reports" in data) is (command == "self-reports" and detail)
    assert data["suppressed"] is ("--no-suppress" not in mode)


def test_text_outputs(log: Path) -> None:
    hot = run("hotspots", str(log), *PERIOD, "--no-suppress")
    assert hot.exit_code == 0 and "Station Road Park" in hot.stdout and "H3 cells" in hot.stdout
    persons = run("persons", str(log), *PERIOD, "--include-intelligence", "--no-suppress")
    assert "person P1 [linked_to_multiple_children, links_after_disruption]" in persons.stdout
    reports = run("self-reports", str(log), "--as-of", "2026-04-30", "--include-intelligence")
    assert "R2  child C9" in reports.stdout and "unknown_to_services" in reports.stdout


def test_resolution_changes_the_cells(log: Path) -> None:
    fine = json.loads(run("hotspots", str(log), *PERIOD, "--format", "json").stdout)
    coarse = json.loads(
        run("hotspots", str(log), *PERIOD, "--format", "json", "--resolution", "4").stdout
    )
    assert len(fine["missing_from"]["cells"]) == 2
    assert len(coarse["missing_from"]["cells"]) == 1 and coarse["resolution"] == 4


def test_rejected_events_are_counted_not_fatal(tmp_path: Path) -> None:
    log = write(tmp_path / "bad.jsonl", [*LOG, {"type": "person_linked", "episode_id": "E404"}])
    result = run("persons", str(log), "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["counts"]["rejected"] == 1
    assert "1 rejected events" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["hotspots", "{log}"],  # --from and --to are required
        ["hotspots", "{log}", *PERIOD, "--resolution", "16"],
        ["hotspots", "{log}", "--from", "2026-04-01", "--to", "2026-03-01"],
        ["persons", "{log}", "--from", FROM],
        ["self-reports", "{log}", "--as-of", "soon"],
        ["persons", "{log}", "--pseudonymise-key", "{short}"],
        ["persons", "{log}", "--pseudonymise-key", "{missing}"],
        ["persons", "{missing}"],
    ],
)
def test_usage_errors_exit_2(log: Path, tmp_path: Path, args: list[str]) -> None:
    short = tmp_path / "short.key"
    short.write_bytes(b"tiny")
    names = {"log": str(log), "short": str(short), "missing": str(tmp_path / "nope")}
    result = run(*(a.format(**names) for a in args))
    assert result.exit_code == 2, result.output
