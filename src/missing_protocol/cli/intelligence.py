"""`missing-protocol hotspots`, `persons` and `self-reports`: partnership intelligence.

Default output is figures with disclosure control; `--include-intelligence` adds person and
self-report detail; `--pseudonymise-key` replaces child, person, episode and self-report ids
everywhere. Rejected events are counted (run `check` to list them) and do not change the exit
code. A large log is read child partition by child partition (report.by_partition.log_parts),
each reduced to its part of the figures, so memory follows a partition, not the log.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import attrs
import click

from missing_protocol import clock
from missing_protocol.check import Counts, parse_as_of
from missing_protocol.cli._app import app, require_extra
from missing_protocol.cli._figures import (
    disclosure,
    no_suppress_option,
    parse_period,
    period_options,
)
from missing_protocol.cli._inputs import readable
from missing_protocol.cli._options import (
    assume_tz_option,
    check_assume_tz,
    chosen_jobs,
    format_option,
    jobs_option,
    load_profile,
)
from missing_protocol.cli._output import echo
from missing_protocol.cli._privacy import (
    Privacy,
    emit,
    include_intelligence_option,
    pseudonymise_option,
)
from missing_protocol.common.period import Period
from missing_protocol.episode import Assembly
from missing_protocol.formats.events import UnreadableFile
from missing_protocol.intelligence import render, render_text
from missing_protocol.intelligence.hotspots import DEFAULT_RESOLUTION, hotspots_from, hotspots_part
from missing_protocol.intelligence.persons import persons_from, persons_part
from missing_protocol.intelligence.self_reports import self_reports_from, self_reports_part
from missing_protocol.report.by_partition import log_parts, no_scope

F = TypeVar("F", bound=Callable[..., Any])


def _common(*, period_required: bool) -> Callable[[F], F]:
    """FILE... --from --to --assume-tz --format --no-suppress --pseudonymise-key --jobs."""
    decorators = [
        click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False)),
        period_options(required=period_required),
        assume_tz_option,
        format_option,
        no_suppress_option,
        pseudonymise_option,
        jobs_option,
    ]

    def apply(func: F) -> F:
        for decorate in reversed(decorators):
            func = decorate(func)
        return func

    return apply


def _period(start: str | None, end: str | None) -> Period | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise click.UsageError("give both --from and --to, or neither")
    return parse_period(start, end)


@attrs.frozen
class _Log:
    part: dict[str, Any]
    counts: Counts


def _read(
    files: tuple[str, ...],
    assume_tz: str | None,
    privacy: Privacy,
    part_of: Callable[[Assembly], dict[str, Any]],
    jobs: int | str,
) -> _Log:
    """The figures' part of the log (merged from child partitions when it is large), with ids
    replaced by pseudonyms before anything is assembled."""
    with readable(files) as (names, _):  # `-` or a pipe, as check takes them
        check_assume_tz(assume_tz)
        try:
            done = log_parts(
                names,
                no_scope,
                lambda log, _, __: part_of(log.assembly),
                assume_tz=assume_tz,
                prepare=privacy.apply,
                jobs=chosen_jobs(jobs, names),
                numbered=True,  # each event keeps its line: ties order as they always did
            )
        except UnreadableFile as problem:
            raise click.UsageError(f"cannot read {problem}") from None
    counts = done.read
    if counts.rejected:
        echo(
            f"missing-protocol: {counts.rejected} rejected events not counted "
            "(run `missing-protocol check` to list them)",
            err=True,
        )
    return _Log(done.part, counts)


@app.command("hotspots")
@_common(period_required=True)
@click.option(
    "--resolution",
    type=click.IntRange(0, 15),
    default=DEFAULT_RESOLUTION,
    show_default=True,
    help="H3 cell resolution for places with coordinates (0 coarse to 15 fine).",
)
@click.option(
    "--top",
    type=click.IntRange(min=0),
    default=0,
    help="Show only the first N rows of each list (0: all).",
)
def hotspots_command(
    files: tuple[str, ...],
    start: str,
    end: str,
    assume_tz: str | None,
    fmt: str,
    no_suppress: bool,
    pseudonymise_key: str | None,
    jobs: int | str,
    resolution: int,
    top: int,
) -> None:
    """Places children went missing from and were found at, by name and H3 cell, with change."""
    require_extra("hotspots", "intelligence", "h3")
    period = _period(start, end)
    assert period is not None  # --from and --to are required here
    privacy = Privacy(pseudonymise_key)
    log = _read(
        files,
        assume_tz,
        privacy,
        partial(hotspots_part, period=period, resolution=resolution),
        jobs,
    )
    spots = hotspots_from(log.part, period, resolution)
    d, limit = disclosure(no_suppress), top or None
    data = render.hotspots_dict(spots, d, counts=log.counts, top=limit)
    emit(fmt, data, render_text.hotspots_text(data))


@app.command("persons")
@_common(period_required=False)
@include_intelligence_option
def persons_command(
    files: tuple[str, ...],
    start: str | None,
    end: str | None,
    assume_tz: str | None,
    fmt: str,
    no_suppress: bool,
    pseudonymise_key: str | None,
    jobs: int | str,
    include_intelligence: bool,
) -> None:
    """Persons of concern: children linked, disruption and prosecution, flags, groups of children."""
    period = _period(start, end)
    privacy = Privacy(pseudonymise_key)
    log = _read(files, assume_tz, privacy, partial(persons_part, period=period), jobs)
    found = persons_from(log.part, period)
    d = disclosure(no_suppress)
    data = render.persons_dict(found, d, detail=include_intelligence, counts=log.counts)
    emit(fmt, data, render_text.persons_text(data))


@app.command("self-reports")
@_common(period_required=False)
@click.option(
    "--as-of", "as_of", default=None, help="Judge follow-up as of this ISO time (default: now)."
)
@click.option(
    "--profile",
    default="statutory",
    show_default=True,
    help="statutory, london, or a TOML file (self_report_tolerance, follow-up deadline).",
)
@include_intelligence_option
def self_reports_command(
    files: tuple[str, ...],
    start: str | None,
    end: str | None,
    assume_tz: str | None,
    fmt: str,
    no_suppress: bool,
    pseudonymise_key: str | None,
    jobs: int | str,
    as_of: str | None,
    profile: str,
    include_intelligence: bool,
) -> None:
    """Young people's self-reports matched to the records: matched, unknown to services, conflicting."""
    period = _period(start, end)
    chosen = load_profile(profile)
    try:
        moment = parse_as_of(as_of)
    except clock.TimeError as problem:
        raise click.UsageError(f"--as-of: {problem}") from None
    privacy = Privacy(pseudonymise_key)
    # Without detail a partition keeps only its figures, never a line per self-report.
    detail = include_intelligence
    part_of = partial(self_reports_part, profile=chosen, as_of=moment, period=period, detail=detail)
    log = _read(files, assume_tz, privacy, part_of, jobs)
    found = self_reports_from(log.part, period)
    d = disclosure(no_suppress)
    name = chosen.name
    data = render.self_reports_dict(
        found, d, as_of=moment, profile=name, detail=detail, counts=log.counts
    )
    emit(fmt, data, render_text.self_reports_text(data))
