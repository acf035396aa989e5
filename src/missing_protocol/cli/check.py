"""`missing-protocol check` and `missing-protocol due` (CONTRACT §3)."""

from __future__ import annotations

import collections
import datetime as dt
import itertools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping

import attrs
import click

from missing_protocol import clock, engine
from missing_protocol.check import CheckResult, Counts, check_parsed, error_dict, parse_as_of
from missing_protocol.cli._app import app
from missing_protocol.cli._inputs import readable, relabelled
from missing_protocol.cli._json import write_check_json, write_due_json
from missing_protocol.cli._options import (
    check_assume_tz,
    chosen_jobs,
    input_format_options,
    jobs_option,
    load_profile,
    log_options,
    open_inputs,
    progress_on_terminal,
)
from missing_protocol.cli._output import echo, reader_left
from missing_protocol.cli._privacy import Privacy, include_intelligence_option, pseudonymise_option
from missing_protocol.cli._return903 import check_903_return, row_findings_text
from missing_protocol.common.texttable import visible_lines
from missing_protocol.engine import Options, Outcome
from missing_protocol.engine.findings import describer
from missing_protocol.episode import Episode
from missing_protocol.formats.events import UnreadableFile
from missing_protocol.model import EventError
from missing_protocol.profiles import Profile
from missing_protocol.rules import REGISTRY, Finding, Status
from missing_protocol.rules.registry import PROBLEMS


@attrs.frozen
class LogArgs:
    """What `check` and `due` are told about the log to judge (the `log_options`)."""

    files: tuple[str, ...]
    as_of: str | None
    profile: str
    assume_tz: str | None
    fmt: str
    include_intelligence: bool = False


def _moment(as_of: str | None) -> dt.datetime:
    try:
        return parse_as_of(as_of)
    except clock.TimeError as problem:
        raise click.UsageError(f"--as-of: {problem}") from None


def _run(
    log: LogArgs,
    *,
    privacy: Privacy | None = None,
    input_format: str = "events",
    authority: str | None = None,
    collection_year: str | None = None,
) -> CheckResult:
    chosen = load_profile(log.profile)
    if collection_year is not None:
        if privacy is not None and privacy.active:
            # Pseudonyms are applied to parsed events; a return is validated on its own rows.
            raise click.UsageError("--pseudonymise-key does not apply to --collection-year")
        return check_903_return(
            log.files,
            collection_year,
            input_format=input_format,
            authority=authority,
            as_of=log.as_of,
            profile=chosen,
        )
    moment = _moment(log.as_of)
    parsed = open_inputs(log.files, log.assume_tz, input_format, authority)
    if privacy is not None:
        parsed = privacy.apply(parsed)
    with progress_on_terminal(log.fmt == "text") as progress:
        return check_parsed(
            parsed,
            as_of=moment,
            profile=chosen,
            progress=progress,
            include_intelligence=log.include_intelligence,
        )


def _engine(
    log: LogArgs,
    jobs: int | str,
    keep: frozenset[Status] | None,
    privacy: Privacy,
    describe: Callable[[Episode], str] | None = None,
    tally: bool = False,
) -> tuple[Outcome, dt.datetime, Profile]:
    chosen = load_profile(log.profile)
    moment = _moment(log.as_of)
    check_assume_tz(log.assume_tz)
    options = Options(
        moment,
        chosen,
        log.assume_tz,
        log.include_intelligence,
        keep,
        privacy.pseudonymiser,
        describe,
        tally,
    )
    try:
        with progress_on_terminal(log.fmt == "text") as progress:
            workers = chosen_jobs(jobs, log.files)
            stage = None if progress is None else progress.stage
            outcome = engine.run(log.files, options, jobs=workers, progress=progress, stage=stage)
            return outcome, moment, chosen
    except UnreadableFile as problem:
        raise click.UsageError(f"cannot read {problem}") from None


def _options_first(as_of: str | None, profile: str, assume_tz: str | None) -> None:
    # A bad option is said at once, before a log on standard input is waited for and read.
    _moment(as_of)
    load_profile(profile)
    check_assume_tz(assume_tz)


def _short(moment: dt.datetime | None) -> str:
    return clock.local(moment).format("YYYY-MM-DD HH:mm zz") if moment else "-"


def _row(f: Finding) -> str:
    width = max(len(rule_id) for rule_id in REGISTRY)
    return (
        f"  {f.status.value:<12} {f.rule:<{width}} due {_short(f.due):<22} "
        f"{f.responsible or '-':<8} {f.message}"
    )


def episode_heading(episode: Episode) -> str:
    """The heading of an episode's findings in the text output (the engine's `describe`)."""
    return (
        f"episode {episode.episode_id} (child {episode.child_id}, "
        f"reported {_short(episode.reported_at)}, {episode.reported.missing_from.value})"
    )


def _heading(f: Finding, said: str | None) -> str:
    if said is not None:
        return said
    if f.episode_id is None:
        # Findings on a young person's self-report (only with --include-intelligence).
        return f"self-reports of child {f.child_id}"
    return f"episode {f.episode_id} (child {f.child_id})"


def text_lines(
    described: Iterable[tuple[Finding, str | None]],
    errors: Iterable[EventError],
    counts: Counts,
    as_of: dt.datetime,
    profile: str,
    *,
    show_all: bool,
    statuses: Mapping[str, int],
) -> Iterator[str]:
    """One line per problem (or per finding with --all), grouped by episode, then a summary of
    every finding by status (`statuses`, shown or not)."""
    current: tuple[str | None, str | None] | None = None
    for f, said in described:
        if not (show_all or f.status.is_problem) or f.line is not None:
            continue  # a table row's finding is listed by row_findings_text
        if (f.episode_id, f.child_id) != current:
            current = (f.episode_id, f.child_id)
            yield _heading(f, said)
        yield _row(f)
    first = True
    for e in errors:
        if first:
            yield "rejected events"
            first = False
        where = f"{e.file}:{e.line}" if e.file else f"line {e.line}"
        yield f"  {where}  {e.field or '-'}: {e.message}"
    tallied = ", ".join(f"{statuses.get(s.value, 0)} {s.value}" for s in Status)
    yield (
        f"as of {clock.iso(as_of)} ({profile}): {counts.events} events, {counts.accepted} "
        f"accepted, {counts.rejected} rejected, {counts.episodes} episodes, {counts.children} "
        f"children; findings: {tallied}"
    )


def render_text(result: CheckResult, *, show_all: bool) -> str:
    """One line per problem (or per finding with --all), grouped by episode, then a summary."""
    said = describer(result.assembly, episode_heading)
    lines = row_findings_text(result.findings)  # DfE 903 findings, by file and line
    pairs = ((f, said(f)) for f in result.findings)
    common = (result.errors, result.counts, result.as_of, result.profile)
    lines += text_lines(pairs, *common, show_all=show_all, statuses=result.by_status())
    return visible_lines(lines)


def _echo_lines(lines: Iterator[str], unread: Iterator[object]) -> None:
    """Written as they come, a thousand lines at a time: the text of a large log is never held.
    Once the reader has gone (`| head`), `unread` (what `lines` are made from) is only judged to
    its end, for the summary's counts and the exit code, and nothing more is formatted."""
    while chunk := list(itertools.islice(lines, 1000)):
        echo(visible_lines(chunk))
        if reader_left(sys.stdout):
            collections.deque(unread, maxlen=0)
            return


@app.command("check")
@log_options
@click.option(
    "--only-problems", is_flag=True, help="Show only late, overdue and breached findings."
)
@click.option(
    "--all", "show_all", is_flag=True, help="Text: list every finding, not only problems."
)
@include_intelligence_option
@pseudonymise_option
@input_format_options
@click.option(
    "--collection-year",
    default=None,
    metavar="YYYY/YY",
    help="903 input: also run the DfE validation rules for this year (e.g. 2024/25); without "
    "--authority, only those.",
)
@jobs_option
def check_command(
    files: tuple[str, ...],
    as_of: str | None,
    profile: str,
    assume_tz: str | None,
    fmt: str,
    only_problems: bool,
    show_all: bool,
    include_intelligence: bool,
    pseudonymise_key: str | None,
    input_format: str,
    authority: str | None,
    collection_year: str | None,
    jobs: int | str,
) -> None:
    """Check event logs against the protocol; exit 1 on any problem or rejected event.

    FILE may be `-` (standard input) or a pipe."""
    privacy = Privacy(pseudonymise_key)
    _options_first(as_of, profile, assume_tz)
    with readable(files) as (names, given):
        log = LogArgs(tuple(names), as_of, profile, assume_tz, fmt, include_intelligence)
        # An event log goes through the engine; tables (903, SSD) and a 903 return do not.
        events = input_format == "events" and collection_year is None
        if events:
            # The engine: routed by child, judged in `jobs` processes, streamed in bounded memory.
            # Text keeps only the findings it shows (its summary counts them all, by status),
            # each episode's heading said in its partition.
            text = fmt != "json"
            shown = not only_problems and (show_all or not text)
            keep = None if shown else PROBLEMS
            heading = episode_heading if text else None
            outcome, moment, chosen = _engine(log, jobs, keep, privacy, heading, tally=text)
            outcome = relabelled(outcome, given)
            if text:
                common = (outcome.errors, outcome.counts, moment, chosen.name)
                statuses = outcome.statuses
                lines = text_lines(outcome.described, *common, show_all=shown, statuses=statuses)
                _echo_lines(lines, outcome.described)
                problems = any(statuses[s.value] for s in PROBLEMS)
            else:
                problems = write_check_json(sys.stdout, outcome, moment, chosen.name)
            sys.exit(1 if problems or outcome.errors else 0)
        result = relabelled(
            _run(
                log,
                privacy=privacy,
                input_format=input_format,
                authority=authority,
                collection_year=collection_year,
            ),
            given,
        )
    if fmt == "json":
        payload = result.to_dict(only_problems=only_problems)
        echo(json.dumps(payload, indent=2))
    else:
        echo(render_text(result, show_all=show_all and not only_problems))
    sys.exit(result.exit_code)


def due_within(
    findings: Iterable[Finding], as_of: dt.datetime, within: clock.Duration
) -> list[Finding]:
    """Pending duties falling due between as_of and as_of + within, soonest first."""
    horizon = within.after(as_of)
    soon = [f for f in findings if f.status is Status.PENDING and f.due and f.due <= horizon]
    order = list(REGISTRY)
    return sorted(soon, key=lambda f: (f.due, order.index(f.rule), f.episode_id or ""))


def _due(worklist: Callable[[], list[Finding]]) -> list[Finding]:
    """The worklist; a window whose end falls past the accepted years is a usage error."""
    try:
        return worklist()
    except clock.TimeError as problem:
        raise click.UsageError(f"--within: {problem}") from None


@app.command("due")
@log_options
@click.option(
    "--within",
    default="PT24H",
    show_default=True,
    help="Window ahead of --as-of (ISO 8601 or 'N working days').",
)
@include_intelligence_option
@pseudonymise_option
@jobs_option
def due_command(
    files: tuple[str, ...],
    as_of: str | None,
    profile: str,
    assume_tz: str | None,
    fmt: str,
    within: str,
    include_intelligence: bool,
    pseudonymise_key: str | None,
    jobs: int | str,
) -> None:
    """The worklist: every pending duty falling due in the window, soonest first, with its owner."""
    try:
        window = clock.parse_duration(within)
    except clock.TimeError as problem:
        raise click.UsageError(f"--within: {problem}") from None
    privacy = Privacy(pseudonymise_key)
    _options_first(as_of, profile, assume_tz)
    with readable(files) as (names, given):
        log = LogArgs(tuple(names), as_of, profile, assume_tz, fmt, include_intelligence)
        # The engine: only pending duties are kept from each partition (`--jobs` as for check).
        outcome, moment, chosen = _engine(log, jobs, frozenset({Status.PENDING}), privacy)
        outcome = relabelled(outcome, given)
        duties = _due(lambda: due_within(outcome.findings, moment, window))
        profile_name, counts, errors = chosen.name, outcome.counts, outcome.errors
    if fmt == "json":
        head = {
            "as_of": clock.iso(moment),
            "within": str(window),
            "profile": profile_name,
            "counts": counts.to_dict(),
        }
        rows = (f.to_dict() for f in duties)
        write_due_json(sys.stdout, head, rows, (error_dict(e) for e in errors))
        return
    lines = [
        f"{_short(f.due):<22} {f.responsible or '-':<8} {f.rule:<18} {f.episode_id or 'self-report'} ({f.child_id})  {f.message}"
        for f in duties
    ]
    lines.append(
        f"{len(duties)} duties due within {window} of {clock.iso(moment)}"
        + (f"; {len(errors)} rejected events" if errors else "")
    )
    echo(visible_lines(lines))
