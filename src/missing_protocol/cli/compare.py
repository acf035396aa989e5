"""`missing-protocol compare`: the same log judged under two profiles (what-if, issue 13); a
large log child partition by child partition (report.by_partition.log_parts)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import click

from missing_protocol.cli._app import app, usage_error
from missing_protocol.cli._compliance import parse_moment
from missing_protocol.cli._figures import (
    disclosure,
    no_suppress_option,
    parse_period,
    period_options,
)
from missing_protocol.cli._inputs import readable
from missing_protocol.cli._options import assume_tz_option, chosen_jobs, jobs_option, load_profile
from missing_protocol.cli.report import check_zone
from missing_protocol.common.period import Period
from missing_protocol.engine.processes import TemporaryFolderFull
from missing_protocol.formats.events import UnreadableFile
from missing_protocol.profiles import Profile
from missing_protocol.report import ParsedLog
from missing_protocol.report import compare as comparing
from missing_protocol.report.by_partition import log_parts, no_scope


@app.command("compare")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@click.option(
    "--profile",
    "profile_specs",
    multiple=True,
    metavar="NAME|PATH",
    help="Give it twice: profile A, then profile B (statutory, london or a TOML file).",
)
@click.option("--as-of", "as_of", default=None, metavar="ISO", help="Judge as of this time.")
@period_options(required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="What to print on standard output (html: one self-contained page).",
)
@click.option(
    "--include-episodes",
    is_flag=True,
    help="Also list each duty whose status or owner changes (restricted, not suppressed).",
)
@no_suppress_option
@assume_tz_option
@jobs_option
def compare_command(
    files: tuple[str, ...],
    profile_specs: tuple[str, ...],
    as_of: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    include_episodes: bool,
    no_suppress: bool,
    assume_tz: str | None,
    jobs: int | str,
) -> None:
    """Judge the same log under two profiles: per rule and per owner, the status counts under
    each and the difference, and the parameters that differ.

    Counts of 1 to 5 are shown as `c` unless --no-suppress is given. Exit 0 when the
    comparison was made (rejected events are counted by `check`, not here); 2 on a usage error.
    """
    if len(profile_specs) != 2:
        raise usage_error(f"give --profile exactly twice (A, then B); got {len(profile_specs)}")
    if (start is None) != (end is None):
        raise usage_error("give both --from and --to, or neither (every episode in the log)")
    period = None if start is None or end is None else parse_period(start, end, error=usage_error)
    moment = parse_moment(as_of)
    check_zone(assume_tz)
    a, b = (load_profile(spec) for spec in profile_specs)
    found, rejected = _compared(files, assume_tz, jobs, (moment, a, b, period), include_episodes)
    shown = comparing.section(found, disclosure(no_suppress), include_episodes=include_episodes)
    if fmt == "json":
        click.echo(json.dumps(shown, indent=2))
    elif fmt == "html":
        from missing_protocol.report import compare_render  # matplotlib: only for this command

        click.echo(compare_render.html(shown), nl=False)
    else:
        from missing_protocol.report import compare_render  # matplotlib: only for this command

        click.echo(compare_render.text(shown), nl=False)
    if rejected:
        click.echo(
            f"missing-protocol: {rejected} rejected events not judged "
            "(run `missing-protocol check` to list them)",
            err=True,
        )


# As of when, profile A, profile B, and the period whose episodes are compared (None: all).
_Judged = tuple[dt.datetime, Profile, Profile, Period | None]


def _compared(
    files: tuple[str, ...],
    assume_tz: str | None,
    jobs: int | str,
    judged: _Judged,
    include_episodes: bool,
) -> tuple[comparing.Comparison, int]:
    """The comparison, judged child partition by child partition when the log is large (the
    changed duties are kept only when they are listed), and the count of rejected events."""

    def part_of(log: ParsedLog, _: None, __: int) -> dict[str, Any]:
        return comparing.compare_part(log.assembly, *judged, keep_changed=include_episodes)

    with readable(files) as (names, _):  # `-` or a pipe, as check takes them
        try:
            done = log_parts(
                names, no_scope, part_of, assume_tz=assume_tz, jobs=chosen_jobs(jobs, names)
            )
        except TemporaryFolderFull:
            raise  # said by the command group, as for check
        except (UnreadableFile, OSError) as problem:
            raise usage_error(f"cannot read {problem}") from None
    return comparing.compare_from(done.part, *judged), done.read.rejected
