"""The example year's local profile (issue 13 point 5): Harryford relaunched on 1 July 2025.

The profile ships with the example (package data); `demo` shows the before/after line; the
published figures of the example year are the same whichever of the two profiles is used.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import pendulum
import pytest
from click.testing import CliRunner

from missing_protocol import clock, profiles, synth
from missing_protocol.cli import app
from missing_protocol.cli.demo import example_events, example_profile
from missing_protocol.profiles import RhiOwnerOutOfArea
from missing_protocol.report import ParsedLog, assemble_parsed, compute


@pytest.fixture(scope="module")
def log() -> ParsedLog:
    return assemble_parsed(example_events())


def test_the_profile_ships_with_a_version_from_1_july_2025() -> None:
    harryford = example_profile()
    assert harryford.name == "harryford"
    (first, relaunch) = harryford.versions
    assert first.parameters == profiles.load("statutory").versions[0].parameters
    assert relaunch.effective_from == pendulum.Date(2025, 7, 1)
    assert relaunch.parameters.notify_host_within == clock.Elapsed(4 * 3600)
    assert relaunch.parameters.notify_responsible_within == clock.Elapsed(4 * 3600)
    assert relaunch.parameters.rhi_owner_out_of_area is RhiOwnerOutOfArea.HOST


def test_the_published_figures_do_not_change_under_the_local_profile(log: ParsedLog) -> None:
    """The report's figures (806 episodes, 374 interviews within 72 hours...) are the same."""
    statutory = compute(
        log.assembly, synth.PERIOD, synth.AUTHORITY, profile=profiles.load("statutory")
    )
    local = compute(log.assembly, synth.PERIOD, synth.AUTHORITY, profile=example_profile())
    assert attrs.evolve(local, profile="statutory") == statutory
    assert (local.episodes, local.interviews.completed_within_deadline) == (806, 374)


def test_demo_shows_the_before_and_after_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    line = next(x for x in result.stdout.splitlines() if "Protocol relaunched" in x)
    assert "on 1 Jul 2025 (profile harryford)" in line
    for family in ("return home interviews", "notifications", "strategy discussions"):
        assert f"{family} " in line and "% -> " in line
    # The published headline stays that of the example year.
    assert "806 missing episodes involving 190 children" in result.stdout
    page = (tmp_path / "report.html").read_text("utf-8")
    assert "Compliance over time" in page and "profile version from 1 Jul 2025" in page
    assert "Before and after 1 Jul 2025" in page
