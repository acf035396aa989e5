"""The shipped example year exported to 903, validated, re-imported: the figures 903 carries hold."""

from __future__ import annotations

import io
from importlib import resources

import attrs
import pytest

from missing_protocol import synth
from missing_protocol.common.period import Cohort, cohort_of
from missing_protocol.episode import Assembly, assemble
from missing_protocol.formats.events import read_file
from missing_protocol.model import Event, EventError
from missing_protocol.report.figures import PeriodFigures, compute
from missing_protocol.ssda903 import (
    CollectionYear,
    read_episodes_903,
    to_tables,
    validate_903,
    write_header_csv,
    write_missing_csv,
)

YEAR = CollectionYear(synth.PERIOD.start.year)


@pytest.fixture(scope="module")
def original() -> Assembly:
    source = resources.files("missing_protocol") / "data" / "example_year.jsonl"
    with resources.as_file(source) as path:
        events: list[Event] = [e for e in read_file(path) if not isinstance(e, EventError)]
    return assemble(events)


@pytest.fixture(scope="module")
def exported(original: Assembly) -> tuple[str, str]:
    export = to_tables(original, authority=synth.AUTHORITY, collection_year=YEAR)
    assert validate_903(export.tables, YEAR) == []
    header, missing = io.StringIO(), io.StringIO()
    write_header_csv(export.tables.header or (), header)
    write_missing_csv(export.tables.missing, missing)
    return header.getvalue(), missing.getvalue()


def _own_looked_after(assembly: Assembly) -> Assembly:
    kept = tuple(
        ep
        for ep in assembly.episodes
        if not ep.is_cancelled and cohort_of(ep, synth.AUTHORITY) is Cohort.OWN_LOOKED_AFTER
    )
    return attrs.evolve(assembly, episodes=kept)


def _carried(figures: PeriodFigures) -> tuple[object, ...]:
    """The figures 903 can carry: counts, children, their sex and ethnicity, months, repeats.

    Not interviews (903 has none) nor durations in hours (903 has dates only)."""
    return (
        figures.episodes,
        figures.children,
        figures.cohorts,
        figures.sex,
        figures.ethnicity,
        figures.repeat_children,
        tuple((m.month, m.episodes.own_looked_after) for m in figures.by_month),
    )


def test_the_export_passes_903_validation_and_reimports_with_the_same_figures(
    original: Assembly, exported: tuple[str, str]
) -> None:
    header, missing = exported
    done = read_episodes_903(
        [("header.csv", io.StringIO(header)), ("missing.csv", io.StringIO(missing))],
        authority=synth.AUTHORITY,
    )
    assert done.errors == ()
    again = assemble(done.events)
    assert again.errors == ()
    own = _own_looked_after(original)
    before = compute(own, synth.PERIOD, synth.AUTHORITY)
    after = compute(again, synth.PERIOD, synth.AUTHORITY)
    assert before.episodes > 100
    assert _carried(after) == _carried(before)
    # A period still open on 31 March is written open, so it is not found in the re-import.
    found_later = sum(
        1
        for ep in own.episodes
        if ep.found and synth.PERIOD.contains(ep.reported_at) and ep.found.at >= synth.PERIOD.end_at
    )
    assert after.duration.found_episodes == before.duration.found_episodes - found_later


def test_a_second_export_is_the_same_table(exported: tuple[str, str]) -> None:
    header, missing = exported
    done = read_episodes_903(
        [("header.csv", io.StringIO(header)), ("missing.csv", io.StringIO(missing))],
        authority=synth.AUTHORITY,
    )
    export = to_tables(assemble(done.events), away=done.away, collection_year=YEAR)
    out = io.StringIO()
    write_missing_csv(export.tables.missing, out)
    assert out.getvalue() == missing
