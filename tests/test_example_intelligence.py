"""The shipped example year's partnership intelligence (issue 6) is plausible and shows in every
intelligence command with non-zero figures, computed here from the shipped events."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from missing_protocol import profiles, synth
from missing_protocol.cli import app
from missing_protocol.episode import Assembly, assemble
from missing_protocol.formats.events import read_file
from missing_protocol.intelligence.hotspots import PlaceKind, hotspots
from missing_protocol.intelligence.persons import PersonFlag, persons_of_concern
from missing_protocol.intelligence.self_reports import self_reports
from missing_protocol.matching import Conflict, MatchClass
from missing_protocol.model import DisruptionKind, EventError

YEAR = ["--from", "2025-04-01", "--to", "2026-04-01"]


@pytest.fixture(scope="module")
def shipped() -> Path:
    source = resources.files("missing_protocol") / "data" / "example_year.jsonl"
    with resources.as_file(source) as path:
        return Path(path)


@pytest.fixture(scope="module")
def assembly(shipped: Path) -> Assembly:
    parsed = list(read_file(shipped))
    assert [e for e in parsed if isinstance(e, EventError)] == []
    built = assemble([e for e in parsed if not isinstance(e, EventError)])
    assert built.errors == ()
    return built


def test_a_person_linked_to_several_children_at_two_hotspots_goes_on_after_disruption(
    assembly: Assembly,
) -> None:
    found = persons_of_concern(assembly, synth.PERIOD)
    top_found_at = {
        h.label
        for h in hotspots(assembly, synth.PERIOD).of(PlaceKind.FOUND_AT)
        if h.current.episodes >= 10
    }
    key = [
        p
        for p in found.persons
        if len(p.children) >= 3
        and len(top_found_at & set(p.places)) >= 2
        and PersonFlag.LINKS_AFTER_DISRUPTION in p.flags
    ]
    assert key, [(p.person_id, p.children, p.places, p.flags) for p in found.persons]
    assert 3 <= len(found.persons) <= 12  # a few persons of concern
    assert any(len(g.children) >= 3 for g in found.groups)
    kinds = {d.kind for d in found.disruptions}
    assert {
        DisruptionKind.WARNING_NOTICE,
        DisruptionKind.CLOSURE_ORDER,
        DisruptionKind.ARREST,
    } <= kinds
    assert any(d.location is not None and d.location.lat is not None for d in found.disruptions)
    assert len({x.outcome for x in found.prosecutions}) >= 2


def test_most_self_reports_match_some_are_hidden_and_one_or_two_conflict(
    assembly: Assembly,
) -> None:
    found = self_reports(assembly, profiles.load("statutory"), synth.PERIOD.end_at, synth.PERIOD)
    matched = found.by_class(MatchClass.MATCHED).reports
    unknown = found.by_class(MatchClass.UNKNOWN_TO_SERVICES).reports
    conflicting = found.by_class(MatchClass.CONFLICTING).reports
    assert matched > found.total / 2
    assert 5 < unknown < matched
    assert 1 <= conflicting <= 2
    assert (
        found.conflicts()[Conflict.REPORT_CANCELLED] + found.conflicts()[Conflict.DATES_DISAGREE]
        == conflicting
    )
    assert found.children_without_any_episode >= 1
    assert len(found.reasons()) >= 5
    assert any(
        line.match.report.location is not None and line.match.report.location.lat is not None
        for line in found.lines
    )


def run_json(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(app, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    assert data["counts"]["rejected"] == 0
    return data


def test_the_intelligence_commands_show_non_zero_figures_on_the_shipped_year(
    shipped: Path,
) -> None:
    spots = run_json("hotspots", str(shipped), *YEAR)
    assert spots["totals"]["episodes_reported"] == 806
    assert spots["totals"]["with_coordinates"] > 0
    for kind in ("missing_from", "found_at"):
        assert spots[kind]["places"] and spots[kind]["cells"]
        assert spots[kind]["places"][0]["episodes"] > 5

    people = run_json("persons", str(shipped), *YEAR)["figures"]
    assert people["persons"] > 0 and people["children_linked"] > people["persons"]
    assert people["disruptions"]["total"] > 0
    assert people["prosecutions"]["total"] > 0
    assert people["groups"]["groups"] != 0

    accounts = run_json("self-reports", str(shipped), *YEAR, "--as-of", synth.EXAMPLE_AS_OF)[
        "figures"
    ]
    assert accounts["self_reports"] > 0
    assert accounts["classes"]["matched"]["self_reports"] > 5
    assert accounts["hidden_missing"]["self_reports"] > 5
    assert accounts["reasons"][0]["self_reports"] > 5
