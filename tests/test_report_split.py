"""`report --split-at` (issue 13 point 2) and the compliance section of the report CLI."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pendulum
import pytest
from click.testing import CliRunner, Result

from builders import shipped_schema
from missing_protocol.cli import app
from missing_protocol.report.figures import Period
from missing_protocol.report.split import change, split_period
from relaunch_log import AS_OF, QUARTER, QUARTER_ARGS, RELAUNCH, write_log, write_profile

SCHEMA = shipped_schema("report.schema.json")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    log = write_log(tmp_path / "log.jsonl")
    return str(log), str(write_profile(tmp_path / "relaunch.toml"))


def report_json(*args: str) -> dict:  # type: ignore[type-arg]
    result = run("report", *args, *QUARTER_ARGS, "--as-of", AS_OF, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    return data  # type: ignore[no-any-return]


def test_the_period_splits_into_two_adjacent_parts() -> None:
    before, after = split_period(QUARTER, pendulum.Date(2026, 2, 1))
    assert before == Period(pendulum.Date(2026, 1, 1), pendulum.Date(2026, 2, 1))
    assert after == Period(pendulum.Date(2026, 2, 1), pendulum.Date(2026, 4, 1))
    for outside in (QUARTER.start, QUARTER.end, pendulum.Date(2025, 12, 1)):
        with pytest.raises(ValueError, match="split date"):
            split_period(QUARTER, outside)


def test_a_change_is_hidden_when_either_side_is() -> None:
    assert change(3, 10) == 7 and change(80.0, 72.5) == -7.5
    assert change("c", 10) == "c" and change(10, "c") == "c"
    assert change(None, 50.0) is None


def test_the_report_always_has_compliance_and_a_split_only_when_asked(
    files: tuple[str, str],
) -> None:
    log, _ = files
    data = report_json(log, "--no-suppress")
    assert "split" not in data
    (host,) = [r for r in data["compliance"]["rules"] if r["rule"] == "NOTIFY-HOST"]
    assert (host["total"]["met"], host["total"]["overdue"]) == (2, 1)
    assert data["compliance"]["as_of"].startswith("2026-05-31")


def test_split_at_a_date_gives_both_parts_side_by_side_with_the_change(
    files: tuple[str, str],
) -> None:
    log, profile = files
    data = report_json(log, "--profile", profile, "--split-at", RELAUNCH, "--no-suppress")
    split = data["split"]
    assert split["at"] == RELAUNCH
    assert split["before"]["period"] == {"from": "2026-01-01", "to": RELAUNCH}
    assert split["after"]["period"] == {"from": RELAUNCH, "to": "2026-04-01"}
    before, after = split["before"]["headline"], split["after"]["headline"]
    assert (before["episodes"], after["episodes"]) == (1, 2)
    assert before["episodes"] + after["episodes"] == data["episodes"]
    assert split["change"]["headline"]["episodes"] == 1
    # NOTIFY-HOST: met in January (24 h), late then overdue under the 4-hour version.
    rules = {r["rule"]: r for r in split["before"]["rules"]}
    assert rules["NOTIFY-HOST"]["met_on_time_percent"] == 100.0
    rules = {r["rule"]: r for r in split["after"]["rules"]}
    assert rules["NOTIFY-HOST"]["met_on_time_percent"] == 0.0
    (host,) = [r for r in split["change"]["rules"] if r["rule"] == "NOTIFY-HOST"]
    assert host == {"rule": "NOTIFY-HOST", "fell_due": 1, "met_on_time_points": -100.0}


def test_split_at_version_is_the_first_effective_from_inside_the_period(
    files: tuple[str, str],
) -> None:
    log, profile = files
    data = report_json(log, "--profile", profile, "--split-at", "version")
    assert data["split"]["at"] == RELAUNCH
    assert data["compliance"]["versions"] == [RELAUNCH]
    # Published: each part's one-episode counts are hidden, and so is every change of them.
    assert data["split"]["before"]["headline"]["interviews_completed"] == "c"
    assert data["split"]["change"]["headline"]["interviews_completed"] == "c"


def test_split_text_shows_the_two_parts(files: tuple[str, str]) -> None:
    log, profile = files
    result = run(
        "report", log, *QUARTER_ARGS, "--as-of", AS_OF, "--profile", profile,
        "--split-at", "version",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Before and after 1 Feb 2026" in result.stdout
    assert "Before (1 January 2026 to 31 January 2026)" in result.stdout
    assert "Compliance over time" in result.stdout


def test_split_html_and_csv(files: tuple[str, str], tmp_path: Path) -> None:
    log, profile = files
    html, folder = tmp_path / "r.html", tmp_path / "csv"
    result = run(
        "report", log, *QUARTER_ARGS, "--as-of", AS_OF, "--profile", profile,
        "--split-at", RELAUNCH, "--html", str(html), "--csv", str(folder),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    page = html.read_text("utf-8")
    assert "Compliance over time" in page and "Before and after 1 Feb 2026" in page
    assert page.count("<svg") >= 5
    rows = (folder / "split.csv").read_text("utf-8").splitlines()
    assert rows[0] == "figure,before,after,change"
    assert "episodes,1,2,1" in rows
    assert (folder / "compliance.csv").exists()
    # A later report without --split-at into the same folder leaves no stale split.csv.
    again = run("report", log, *QUARTER_ARGS, "--as-of", AS_OF, "--csv", str(folder))
    assert again.exit_code == 0 and not (folder / "split.csv").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split-at", "version"], "no version coming into force"),
        (["--split-at", "2026-01-01"], "--split-at"),
        (["--split-at", "2026-06-01"], "--split-at"),
        (["--split-at", "July"], "--split-at"),
        (["--as-of", "yesterday"], "--as-of"),
    ],
)
def test_bad_split_or_as_of_exits_2(files: tuple[str, str], args: list[str], message: str) -> None:
    log, _ = files
    result = run("report", log, *QUARTER_ARGS, *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_report_schema_refuses_damaged_compliance_and_split(files: tuple[str, str]) -> None:
    """report.schema.json's `compliance` and `split` (issue 13) check what they describe."""
    log, profile = files
    good = report_json(log, "--profile", profile, "--split-at", "version")
    damages = [
        lambda d: d["compliance"]["rules"][0]["months"][0].__setitem__("met", -1),
        lambda d: d["compliance"]["rules"][0]["months"][0].__setitem__("month", "Jan"),
        lambda d: d["compliance"]["families"][0].__setitem__("family", "other"),
        lambda d: d["compliance"]["owners"][0].pop("rules"),
        lambda d: d["split"]["before"]["headline"].pop("episodes"),
        lambda d: d["split"]["change"]["rules"][0].__setitem__("fell_due", "x"),
        lambda d: d["split"]["after"]["rules"][0].__setitem__("extra", 1),
    ]
    for damage in damages:
        broken = json.loads(json.dumps(good))
        damage(broken)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SCHEMA)
