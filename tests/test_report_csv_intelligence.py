"""`report --csv DIR`: the intelligence tables, on the hand-made log, under disclosure control.

The published tables (hotspots by place and by H3 cell, self-report classes and reasons, the
section's summary) are always written; the restricted ones (persons, their actions, groups of
children, each self-report) only with --include-intelligence, pseudonymised with the key.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pendulum
import pytest
from click.testing import CliRunner, Result

from intelligence_log import CHILDREN, LOG, PERSONS, build, self_report
from intelligence_log import write as write_log
from missing_protocol.cli import app
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED, Disclosure
from missing_protocol.report import compute, render_csv
from missing_protocol.report.disclosed import disclose
from missing_protocol.report.partnership import partnership

MARCH = Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 4, 1))
ARGS = ["--from", "2026-03-01", "--to", "2026-04-01", "--authority", "309"]
PUBLISHED_TABLES = {
    "intelligence_summary.csv",
    "hotspot_places.csv",
    "hotspot_cells.csv",
    "self_report_classes.csv",
    "self_report_reasons.csv",
}
RESTRICTED_TABLES = {"persons.csv", "person_actions.csv", "person_groups.csv", "self_reports.csv"}
# Four more young people unknown to services, each giving "friends": 7 unknown, 6 "friends".
MORE = [
    self_report(
        f"R{n}", f"C2{n}", "2026-03-18T10:00:00Z", "2026-03-15", "2026-03-16", reasons=["friends"]
    )
    for n in range(7, 11)
]


def tables(
    disclosure: Disclosure, *, restricted: bool = False, extra: list[dict[str, Any]] | None = None
) -> dict[str, list[list[str]]]:
    """Every CSV file's rows as a spreadsheet reads them back (all cells text)."""
    events = [*LOG, *(extra or [])]
    assembly = build(events)
    figures = compute(assembly, MARCH, "309")
    part = partnership(
        assembly, MARCH, disclosure, authority="309", include_intelligence=restricted
    )
    return {
        name: list(csv.reader(io.StringIO(render_csv.render(rows))))
        for name, rows in render_csv.tables(disclose(figures, disclosure), part).items()
    }


def figures(rows: list[list[str]]) -> dict[str, str]:
    assert rows[0] == ["figure", "value"]
    return dict((r[0], r[1]) for r in rows[1:])


def ids_in(path: Path) -> set[str]:
    """The plain child and person ids standing in any cell of a CSV file (lists split)."""
    rows = csv.reader(io.StringIO(path.read_text("utf-8")))
    cells = {part for row in rows for cell in row for part in cell.split("; ")}
    return cells & {*CHILDREN, *PERSONS}


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_hotspot_places_and_cells_of_both_kinds() -> None:
    got = tables(INTERNAL)
    assert got["hotspot_places.csv"] == [
        ["kind", "place", "episodes", "children", "previous_episodes", "change"],
        ["missing_from", "Station Road Park", "3", "3", "1", "2"],
        ["missing_from", "Home", "1", "1", "0", "1"],
        ["missing_from", "Market Square", "1", "1", "0", "1"],
        ["found_at", "Market Square", "3", "3", "0", "3"],
        ["found_at", "Home", "1", "1", "0", "1"],
        ["found_at", "Station Road Park", "1", "1", "0", "1"],
    ]
    cells = got["hotspot_cells.csv"]
    assert cells[0] == [
        "kind",
        "cell",
        "lat",
        "lon",
        "places",
        "episodes",
        "children",
        "previous_episodes",
        "change",
    ]
    # Both spellings of the park meet in one cell; "Home" has no coordinates, so no cell.
    assert [(r[0], r[4], r[5], r[8]) for r in cells[1:]] == [
        ("missing_from", "Station Road Park", "3", "2"),
        ("missing_from", "Market Square", "1", "1"),
        ("found_at", "Market Square", "3", "3"),
        ("found_at", "Station Road Park", "1", "1"),
    ]
    assert all(r[1].endswith("fffff") and float(r[2]) > 51 for r in cells[1:])


def test_self_report_classes_and_reasons() -> None:
    got = tables(INTERNAL)
    assert got["self_report_classes.csv"] == [
        ["class", "self_reports", "percent", "children"],
        ["matched", "1", "16.7", "1"],
        ["unknown_to_services", "3", "50.0", "3"],
        ["conflicting", "2", "33.3", "1"],
        ["total", "6", "100.0", "5"],
    ]
    assert got["self_report_reasons.csv"] == [
        ["reason", "self_reports", "percent"],
        ["argument at home", "2", "33.3"],
        ["friends", "2", "33.3"],
    ]


def test_the_summary_names_each_figure_by_its_json_path_and_states_no_suppression() -> None:
    summary = figures(tables(INTERNAL)["intelligence_summary.csv"])
    assert summary["suppressed"] == "false"
    assert summary["notice"].startswith("NOT SUPPRESSED")
    assert summary["restricted"] == "false" and "restricted_notice" not in summary
    assert summary["records_from"] == "2026-02-10"
    assert summary["previous_period_partly_on_record"] == "true"
    assert summary["hotspot_figures.previous_period.from"] == "2026-01-29"
    assert summary["hotspot_figures.resolution"] == "8"
    assert summary["hotspot_figures.totals.episodes_reported"] == "5"
    assert summary["self_reports.figures.hidden_missing.children_with_no_recorded_episode"] == "1"
    assert summary["self_reports.figures.conflicts.dates_disagree"] == "1"
    assert summary["self_reports.figures.follow_up.overdue"] == "2"
    assert not any(k.startswith("persons.") for k in summary)


def test_published_tables_hide_counts_of_one_to_five_and_their_percentages() -> None:
    got = tables(PUBLISHED)
    places = got["hotspot_places.csv"]
    assert {tuple(r[2:]) for r in places[1:]} <= {("c", "c", "c", "c"), ("c", "c", "0", "c")}
    assert all(
        r[5:] in (["c", "c", "c", "c"], ["c", "c", "0", "c"]) for r in got["hotspot_cells.csv"][1:]
    )
    assert got["self_report_classes.csv"][1:] == [
        ["matched", "c", "c", "c"],
        ["unknown_to_services", "c", "c", "c"],
        ["conflicting", "c", "c", "c"],
        ["total", "6", "100.0", "5"],  # totals stay
    ]
    # Rare reasons are the young people's own words: pooled, never listed one by one.
    assert got["self_report_reasons.csv"][1:] == [
        ["other reasons (each given in 1 to 5 self-reports)", "c", "c"]
    ]
    summary = figures(got["intelligence_summary.csv"])
    assert summary["suppressed"] == "true" and summary["notice"].startswith("Disclosure control")
    assert summary["hotspot_figures.totals.episodes_reported"] == "5"
    assert summary["self_reports.figures.self_reports"] == "6"
    assert summary["self_reports.figures.conflicts.dates_disagree"] == "c"
    assert summary["self_reports.figures.conflicts.episode_open"] == "0"
    assert not RESTRICTED_TABLES & set(got)


def test_published_counts_over_five_show_with_their_percentages() -> None:
    got = tables(PUBLISHED, extra=MORE)
    assert got["self_report_classes.csv"][1:] == [
        ["matched", "c", "c", "c"],
        ["unknown_to_services", "7", "70.0", "7"],
        ["conflicting", "c", "c", "c"],
        ["total", "10", "100.0", "9"],
    ]
    assert got["self_report_reasons.csv"][1:] == [
        ["friends", "6", "60.0"],
        ["other reasons (each given in 1 to 5 self-reports)", "c", "c"],
    ]
    summary = figures(got["intelligence_summary.csv"])
    assert summary["self_reports.figures.hidden_missing.self_reports"] == "7"


def test_restricted_tables_only_with_intelligence() -> None:
    assert not RESTRICTED_TABLES & set(tables(INTERNAL))
    got = tables(PUBLISHED, restricted=True)
    assert set(got) >= RESTRICTED_TABLES
    summary = figures(got["intelligence_summary.csv"])
    assert summary["restricted"] == "true" and summary["restricted_notice"].startswith("RESTRICTED")
    assert summary["persons.figures.persons"] == "4"
    assert summary["persons.figures.flags.links_after_disruption"] == "c"
    persons = {r[0]: r for r in got["persons.csv"][1:]}
    assert got["persons.csv"][0][:4] == ["person_id", "roles", "children", "episodes"]
    assert set(persons) == set(PERSONS)
    # P1: three children across both hotspots, contact going on after a warning notice.
    p1 = dict(zip(got["persons.csv"][0], persons["P1"], strict=True))
    assert p1["children"] == "C1; C2; C3"
    assert p1["places"] == "Market Square; Station Road Park"
    assert p1["flags"] == "linked_to_multiple_children; links_after_disruption"
    assert p1["links_after_disruption"] == "E2; E3"
    assert got["person_actions.csv"] == [
        ["person_id", "at", "action", "kind", "partner", "location"],
        [
            "P1",
            "2026-03-04T12:00:00+00:00",
            "disruption",
            "warning_notice",
            "police",
            "Station Road Park",
        ],
        ["P1", "2026-03-25T10:00:00+00:00", "prosecution", "charged", "", ""],
        ["P2", "2026-03-15T10:00:00+00:00", "disruption", "closure_order", "council", ""],
        ["P4", "2026-03-01T10:00:00+00:00", "disruption", "arrest", "police", ""],
    ]
    assert got["person_groups.csv"] == [
        ["group", "children", "persons", "episodes"],
        ["1", "C1; C2; C3; C5", "P1; P3; P4", "E0; E1; E2; E3; E5"],
    ]
    head, *reports = got["self_reports.csv"]
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in reports}
    assert set(rows) == {"R1", "R2", "R3", "R4", "R5", "R6"}
    assert rows["R2"]["class"] == "unknown_to_services" and rows["R2"]["child_id"] == "C9"
    assert rows["R2"]["reasons"] == "argument at home; friends"
    assert rows["R2"]["follow_up_status"] == "overdue"
    assert (rows["R4"]["conflict"], rows["R4"]["episodes"]) == ("dates_disagree", "E3")
    assert rows["R1"]["follow_up_due"] == ""


def test_cli_writes_the_tables_and_restricted_ones_only_when_asked(tmp_path: Path) -> None:
    log, folder = write_log(tmp_path / "log.jsonl"), tmp_path / "csv"
    restricted = run("report", str(log), *ARGS, "--csv", str(folder), "--include-intelligence")
    assert restricted.exit_code == 0, restricted.output
    assert {p.name for p in folder.iterdir()} >= PUBLISHED_TABLES | RESTRICTED_TABLES
    assert "24 CSV tables written" in restricted.stderr  # 18, and 6 of issue 14
    # A published run into the same folder leaves no restricted table behind from the last one.
    published = run("report", str(log), *ARGS, "--csv", str(folder))
    assert published.exit_code == 0, published.output
    names = {p.name for p in folder.iterdir()}
    assert names >= PUBLISHED_TABLES and not RESTRICTED_TABLES & names
    assert not any(ids_in(path) for path in folder.iterdir())
    internal = run("report", str(log), *ARGS, "--csv", str(folder), "--no-suppress")
    assert internal.exit_code == 0
    summary = (folder / "intelligence_summary.csv").read_text("utf-8")
    assert "suppressed,false" in summary and "NOT SUPPRESSED" in summary


@pytest.mark.parametrize("restricted", [False, True])
def test_pseudonymise_key_replaces_the_ids_in_every_csv_table(
    tmp_path: Path, restricted: bool
) -> None:
    log, key = write_log(tmp_path / "log.jsonl"), tmp_path / "key"
    key.write_bytes(b"0123456789abcdef0123456789abcdef\n")
    extra = ["--include-intelligence"] if restricted else []
    plain, masked = tmp_path / "plain", tmp_path / "masked"
    run("report", str(log), *ARGS, *extra, "--csv", str(plain))
    result = run(
        "report", str(log), *ARGS, *extra, "--csv", str(masked), "--pseudonymise-key", str(key)
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in plain.iterdir()) == sorted(p.name for p in masked.iterdir())
    if restricted:
        assert ids_in(plain / "persons.csv") == {*PERSONS, "C1", "C2", "C3", "C4", "C5"}
    for path in masked.iterdir():
        assert not ids_in(path), path.name
        if path.name in PUBLISHED_TABLES:  # figures and places only: nothing to replace
            assert path.read_text("utf-8") == (plain / path.name).read_text("utf-8")
    if restricted:
        persons = (masked / "persons.csv").read_text("utf-8")
        assert persons.count("px-") >= 4 + 3  # four persons, P1's three children at least
        assert len((masked / "self_reports.csv").read_text("utf-8").splitlines()) == 7
