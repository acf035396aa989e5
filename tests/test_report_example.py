"""The shipped example year reproduces the published figures (computed here, not stored)."""

from __future__ import annotations

from importlib import resources

import pytest

from missing_protocol import synth
from missing_protocol.formats.events import read_file
from missing_protocol.model import EventError
from missing_protocol.report import PeriodFigures, period_report
from missing_protocol.report.figures import CohortCounts


@pytest.fixture(scope="module")
def example() -> PeriodFigures:
    source = resources.files("missing_protocol") / "data" / "example_year.jsonl"
    with resources.as_file(source) as path:
        parsed = list(read_file(path))
    assert [e for e in parsed if isinstance(e, EventError)] == []
    return period_report(parsed, synth.PERIOD, synth.AUTHORITY)


def percent(n: int, of: int) -> int:
    return round(100 * n / of)


def test_the_example_year_has_no_rejected_events(example: PeriodFigures) -> None:
    assert example.rejected_events == 0


def test_episodes_children_and_cohorts(example: PeriodFigures) -> None:
    assert example.episodes == 806
    assert example.children == 190
    assert example.cohorts == CohortCounts(
        own_looked_after=82, placed_here_by_others=18, from_home=90
    )


def test_ethnicity_and_sex_percentages_when_rounded(example: PeriodFigures) -> None:
    ethnicity = {s.group: percent(s.children, example.children) for s in example.ethnicity}
    assert (ethnicity["Black"], ethnicity["White"], ethnicity["Mixed"], ethnicity["Asian"]) == (
        54,
        19,
        17,
        6,
    )
    sex = {s.group: percent(s.children, example.children) for s in example.sex}
    assert sex["male"] == 56


def test_interview_figures_are_plausible(example: PeriodFigures) -> None:
    rhi = example.interviews
    assert rhi.found_episodes > 0.95 * example.episodes
    assert rhi.offered > 0.85 * rhi.found_episodes  # most offered
    assert 0 < rhi.declined_by_parent < rhi.declined_by_child < 0.2 * rhi.found_episodes
    # Roughly two thirds of the interviews that took place were within 72 hours.
    assert 0.58 < rhi.completed_within_deadline / rhi.completed < 0.72


def test_the_rest_of_the_report_is_plausible(example: PeriodFigures) -> None:
    assert 0.25 * example.children < example.repeat_children < 0.6 * example.children
    assert example.duration.median is not None and example.duration.longest is not None
    assert 2 < example.duration.median.total_seconds() / 3600 < 24
    assert example.cancelled_reports > 0
    assert sum(m.episodes.total for m in example.by_month) == 806
    assert all(m.episodes.total > 30 for m in example.by_month)
    assert any(h.lat is not None for h in example.found_at)
