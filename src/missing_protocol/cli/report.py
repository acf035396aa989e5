"""`missing-protocol report`: the period report for scrutiny, as text or JSON, HTML and CSV."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs
import click

from missing_protocol import clock
from missing_protocol.cli._app import app, require_extra, usage_error
from missing_protocol.cli._compliance import (
    as_of_option,
    parse_moment,
    split_at_option,
    split_date,
)
from missing_protocol.cli._figures import (
    disclosure,
    no_suppress_option,
    parse_period,
    period_options,
)
from missing_protocol.cli._inputs import readable
from missing_protocol.cli._options import (
    LiveCount,
    assume_tz_option,
    chosen_jobs,
    format_option,
    jobs_option,
    load_profile,
    progress_on_terminal,
)
from missing_protocol.cli._output import ENCODING, ERRORS, echo
from missing_protocol.cli._privacy import (
    Privacy,
    emit,
    include_intelligence_option,
    pseudonymise_option,
)
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import Disclosure
from missing_protocol.common.texttable import visible
from missing_protocol.engine.processes import TemporaryFolderFull
from missing_protocol.formats.events import Parsed, UnreadableFile, read_file
from missing_protocol.profiles import Profile
from missing_protocol.report import (
    ParsedLog,
    PeriodFigures,
    compute,
    render_csv,
    render_json,
    render_text,
)
from missing_protocol.report.by_partition import chained, report_log
from missing_protocol.report.disclosed import Disclosed, disclose
from missing_protocol.report.interviews import learned
from missing_protocol.report.partnership import Partnership, partnership
from missing_protocol.report.parts import Scope, Sections, report_from


def check_zone(assume_tz: str | None) -> None:
    try:
        clock.check_zone(assume_tz, "--assume-tz")
    except clock.TimeError as problem:
        raise usage_error(str(problem)) from None


def read_all(
    files: Iterable[str], assume_tz: str | None, progress: LiveCount | None = None
) -> Iterator[Parsed]:
    """Every file's events and errors, streamed; an unreadable file is a usage error (exit 2)."""
    try:
        # Open every file before reading any, so a missing file fails fast. Figures never show
        # where an event came from: its events share one origin a file (about 100 B an event).
        streams = [read_file(name, assume_tz, numbered=False) for name in files]
    except (UnreadableFile, OSError) as problem:
        raise usage_error(f"cannot read {problem}") from None
    return _streamed(streams, progress)


def _streamed(streams: list[Iterator[Parsed]], progress: LiveCount | None) -> Iterator[Parsed]:
    try:
        yield from chained(streams, progress)
    except (UnreadableFile, OSError) as problem:
        raise usage_error(f"cannot read {problem}") from None


def _stage(progress: LiveCount | None, text: str) -> None:
    if progress is not None:
        progress.stage(text)


def busiest(seen: Counter[str]) -> str | None:
    return min(seen, key=lambda a: (-seen[a], a)) if seen else None


def build_report(
    log: ParsedLog,
    period: Period,
    authority: str,
    disclosure: Disclosure,
    profile: Profile,
    *,
    include_intelligence: bool = False,
) -> tuple[PeriodFigures, Partnership]:
    """The report's figures and its partnership section, for one period, authority and profile."""
    figures = compute(
        log.assembly, period, authority, profile=profile, rejected_events=log.rejected
    )
    figures = attrs.evolve(figures, learned=learned(log.assembly, period, authority, profile))
    part = partnership(
        log.assembly,
        period,
        disclosure,
        authority=authority,
        profile=profile,
        include_intelligence=include_intelligence,
    )
    return figures, part


def check_outputs(html_out: str | None, csv_dir: str | None) -> None:
    """Outputs that can never be written are usage errors before the report is worked out (not
    after it has gone to standard output); `-` is standard output, which the report holds.
    Missing folders are created here, as `convert` creates its OUT's, so one that cannot be is
    said first too."""
    if html_out is not None and (html_out == "-" or Path(html_out).is_dir()):
        raise usage_error(f"--html {html_out}: give the path of a file to write the page to")
    if csv_dir is not None and (
        csv_dir == "-" or (Path(csv_dir).exists() and not Path(csv_dir).is_dir())
    ):
        raise usage_error(f"--csv {csv_dir}: give a folder to write the tables in")
    for option, folder in (("--html", html_out and Path(html_out).parent), ("--csv", csv_dir)):
        if not folder or Path(folder).is_dir():
            continue
        try:
            Path(folder).mkdir(parents=True)
        except OSError as problem:
            why = problem.strerror or str(problem)
            raise usage_error(f"{option}: cannot create the folder {folder}: {why}") from None


def write_outputs(
    figures: Disclosed,
    html_out: str | None,
    csv_dir: str | None,
    part: Partnership | None = None,
    sections: Sections | None = None,
) -> list[str]:
    """Write the HTML page and CSV tables asked for; returns what was written, for the user."""
    notes = []
    if html_out:
        from missing_protocol.report import render_html  # matplotlib loads only when needed

        path = Path(html_out)
        page = render_html.render(figures, part, **(sections or {}))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(page, encoding=ENCODING, errors=ERRORS)
        except OSError as problem:
            raise usage_error(f"cannot write {path}: {problem.strerror or problem}") from None
        notes.append(f"HTML report written to {path}")
    if csv_dir:
        try:
            written = render_csv.write(figures, csv_dir, part, **(sections or {}))
        except OSError as problem:
            raise usage_error(
                f"cannot write CSV to {csv_dir}: {problem.strerror or problem}"
            ) from None
        notes.append(f"{len(written)} CSV tables written to {csv_dir}")
    return notes


@app.command("report")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@period_options(required=True)
@click.option(
    "--authority",
    metavar="CODE",
    help="The reporting authority. Default: the responsible authority of most reports in the log.",
)
@format_option
@click.option("--html", "html_out", metavar="OUT", help="Also write a self-contained HTML report.")
@click.option("--csv", "csv_dir", metavar="DIR", help="Also write the tables as CSV files in DIR.")
@no_suppress_option
@assume_tz_option
@click.option(
    "--profile",
    default="statutory",
    show_default=True,
    metavar="NAME|PATH",
    help="statutory, london, or a TOML file: its rhi_within (in force at each report) judges "
    "interviews done in time, its self_report_tolerance matches self-reports; every rule of "
    "compliance over time is judged by it.",
)
@include_intelligence_option
@pseudonymise_option
@as_of_option
@split_at_option
@jobs_option
def report_command(
    files: tuple[str, ...],
    start: str,
    end: str,
    authority: str | None,
    fmt: str,
    html_out: str | None,
    csv_dir: str | None,
    no_suppress: bool,
    assume_tz: str | None,
    profile: str,
    include_intelligence: bool,
    pseudonymise_key: str | None,
    as_of: str | None,
    split_at: str | None,
    jobs: int | str,
) -> None:
    """The period report for scrutiny: episodes and children in [--from, --to), by cohort.

    FILE may be `-` (standard input) or a pipe.

    Counts of 1 to 5 are shown as `c` in every output unless --no-suppress is given.
    Hotspots and self-report figures are included; persons of concern and each self-report
    only with --include-intelligence. Compliance over time judges the protocol rules as of
    --as-of; --split-at adds the two parts of the period side by side. Rejected events are
    counted and reported but do not stop the report (exit 0).
    """
    # The partnership section places hotspots in H3 cells; the HTML page draws charts.
    require_extra("report", "report", "h3", *(["matplotlib"] if html_out else []))
    check_outputs(html_out, csv_dir)
    period = parse_period(start, end, error=usage_error)
    moment = parse_moment(as_of)
    check_zone(assume_tz)
    chosen_profile = load_profile(profile)
    split = split_date(split_at, chosen_profile, period)
    privacy = Privacy(pseudonymise_key)
    shown = disclosure(no_suppress)
    # A national log takes a while: a person watching sees the count read, then each stage.
    with progress_on_terminal(fmt == "text") as progress:

        def scope_of(reports: Counter[str]) -> Scope:
            chosen = authority or busiest(reports)
            if chosen is None:
                raise usage_error(
                    "no reports in the log, so no authority to report for: pass --authority"
                )
            _stage(progress, "working out the figures and judging compliance over time")
            return Scope(period, chosen, chosen_profile, moment, split, include_intelligence)

        try:
            # Read, counted and folded in one stream, whole or by child partition (a large
            # log): the log is never held as a list beside the assembly.
            with readable(files) as (names, _):  # `-` or a pipe: copied to be read again
                scope, merged_part = report_log(
                    names,
                    scope_of,
                    assume_tz=assume_tz,
                    prepare=privacy.apply,
                    jobs=chosen_jobs(jobs, names),
                    progress=progress,
                    stage=None if progress is None else progress.stage,
                )
        except TemporaryFolderFull:
            raise  # said by the command group, as for check
        except (UnreadableFile, OSError) as problem:
            raise usage_error(f"cannot read {problem}") from None
        figures, part, sections = report_from(merged_part, scope, shown)
        chosen = scope.authority
    if authority is None:
        echo(
            f"missing-protocol: reporting for {visible(chosen)} (most reports in the log)", err=True
        )
    # Disclosure control before any renderer: they get `c`, never a hidden number.
    published = disclose(figures, shown)
    emit(
        fmt,
        render_json.to_dict(published, part, **sections),
        render_text.render(published, part, **sections),
    )
    for note in write_outputs(published, html_out, csv_dir, part, sections=sections):
        echo(f"missing-protocol: {note}", err=True)
    if figures.rejected_events:
        echo(
            f"missing-protocol: {figures.rejected_events} rejected events not counted "
            "(run `missing-protocol check` to list them)",
            err=True,
        )
