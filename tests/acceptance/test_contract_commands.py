"""CONTRACT §4: the other commands exist under their fixed names and exit 0 on good input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from contract_cli import (
    child,
    clean_home_episode,
    found,
    reported,
    run,
    write_jsonl,
)


@pytest.fixture
def log(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "log.jsonl",
        [
            child("C1", born="2011-01-01", sex="female", ethnicity="BCRB"),
            *clean_home_episode("E1", "C1"),
            reported("E2", "2026-03-10T10:00:00Z", child_id="C2", missing_from="care"),
            found("E2", "2026-03-11T10:00:00Z"),
        ],
    )


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_rules(fmt: str) -> None:
    """CONTRACT §4: `missing-protocol rules [--profile …] [--format …]` — the catalogue in
    force, for the shipped profiles."""
    for profile in ("statutory", "london"):
        proc = run("rules", "--profile", profile, "--format", fmt)
        assert proc.returncode == 0, proc.stderr
        assert "RHI-72H" in proc.stdout
        if fmt == "json":
            json.loads(proc.stdout)


def test_rules_with_a_toml_profile_shows_its_values(tmp_path: Path) -> None:
    """CONTRACT §4 / PROTOCOL 'Profiles': `rules` prints the catalogue with the values in force."""
    toml = tmp_path / "borough.toml"
    toml.write_text('[parameters]\nnotify_host_within = "PT12H"\n', encoding="utf-8")
    proc = run("rules", "--profile", toml, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert "PT12H" in proc.stdout
    assert run("rules", "--profile", "no-such-profile").returncode == 2


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_report(log: Path, fmt: str) -> None:
    """CONTRACT §4: `missing-protocol report FILE… --from DATE --to DATE [--format text|json]`."""
    proc = run("report", log, "--from", "2026-03-01", "--to", "2026-04-01", "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip()
    if fmt == "json":
        assert isinstance(json.loads(proc.stdout), dict)


def test_report_html(log: Path, tmp_path: Path) -> None:
    """CONTRACT §4: `report … --html OUT` writes the report as HTML."""
    out = tmp_path / "report.html"
    proc = run("report", log, "--from", "2026-03-01", "--to", "2026-04-01", "--html", out)
    assert proc.returncode == 0, proc.stderr
    assert "<html" in out.read_text(encoding="utf-8").lower()


def test_report_several_files(log: Path, tmp_path: Path) -> None:
    """CONTRACT §4: `report FILE…` takes several files as one log."""
    other = write_jsonl(
        tmp_path / "other.jsonl",
        [
            reported("E3", "2026-03-20T10:00:00Z", child_id="C3"),
            found("E3", "2026-03-20T12:00:00Z"),
        ],
    )
    one = run("report", log, "--from", "2026-03-01", "--to", "2026-04-01", "--format", "json")
    two = run(
        "report", log, other, "--from", "2026-03-01", "--to", "2026-04-01", "--format", "json"
    )
    assert one.returncode == two.returncode == 0
    assert json.loads(one.stdout)["episodes"] == 2
    assert json.loads(two.stdout)["episodes"] == 3


def test_report_usage_errors(log: Path, tmp_path: Path) -> None:
    """CONTRACT §3/§4: a missing file or a bad date is a usage error (2)."""
    assert run("report", log, "--from", "2026-03-01").returncode == 2
    assert run("report", log, "--from", "March", "--to", "2026-04-01").returncode == 2
    missing = tmp_path / "absent.jsonl"
    assert run("report", missing, "--from", "2026-03-01", "--to", "2026-04-01").returncode == 2


def test_diagram_mermaid_is_the_default() -> None:
    """CONTRACT §4: `missing-protocol diagram [--format mermaid|dot]` draws the lifecycle."""
    default = run("diagram")
    mermaid = run("diagram", "--format", "mermaid")
    assert default.returncode == mermaid.returncode == 0
    assert default.stdout == mermaid.stdout
    assert "stateDiagram" in mermaid.stdout


def test_diagram_shows_every_state_and_transition() -> None:
    """CONTRACT §2/§4: the diagram has every lifecycle state, in both formats."""
    states = [
        "reported",
        "found",
        "interview_offered",
        "interview_declined",
        "interview_completed",
        "plan_made",
        "report_cancelled",
    ]
    mermaid = run("diagram", "--format", "mermaid").stdout
    dot = run("diagram", "--format", "dot")
    assert dot.returncode == 0
    assert "digraph" in dot.stdout
    for state in states:
        assert state in mermaid
        assert state in dot.stdout
    assert "reported --> report_cancelled" in mermaid
    assert "found --> report_cancelled" not in mermaid
    assert run("diagram", "--format", "svg").returncode == 2


def test_demo(tmp_path: Path) -> None:
    """CONTRACT §4: `missing-protocol demo` runs check and report on the shipped example year."""
    proc = run("demo", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Check" in proc.stdout
    assert "Report" in proc.stdout


def test_report_counts_unknown_sex_and_ethnicity(tmp_path: Path) -> None:
    """CONTRACT §1: without `sex` or `ethnicity` (or without a child record), reports count
    the child as unknown."""
    log = write_jsonl(
        tmp_path / "log.jsonl",
        [
            child("C1", sex="male", ethnicity="WBRI"),
            reported("E1", child_id="C1"),
            reported("E2", child_id="C2"),
            child("C3"),
            reported("E3", child_id="C3"),
        ],
    )
    proc = run(
        "report",
        log,
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-01",
        "--format",
        "json",
        "--no-suppress",
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["children"] == 3
    assert report["sex"]["male"]["children"] == 1
    assert report["sex"]["unknown"]["children"] == 2
    assert report["ethnicity"]["Unknown"]["children"] == 2


def test_report_period_is_from_inclusive_to_exclusive(tmp_path: Path) -> None:
    """CONTRACT §4 `report --from DATE --to DATE` (contract silent on the ends; docs/report.md:
    the period is [from, to) between London midnights)."""
    log = write_jsonl(
        tmp_path / "log.jsonl",
        [
            reported("E1", "2026-03-01T00:30:00Z", child_id="C1"),
            reported("E2", "2026-03-31T12:00:00+01:00", child_id="C2"),
            # 00:30 BST on 1 April: after the period to 31 March.
            reported("E3", "2026-03-31T23:30:00Z", child_id="C3"),
        ],
    )

    def episodes(to: str) -> int:
        proc = run("report", log, "--from", "2026-03-01", "--to", to, "--format", "json")
        assert proc.returncode == 0, proc.stderr
        return int(json.loads(proc.stdout)["episodes"])

    assert episodes("2026-04-01") == 2
    assert episodes("2026-03-31") == 1
