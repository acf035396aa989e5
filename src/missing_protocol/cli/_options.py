"""Options shared by commands that read event logs, and reading them with clear usage errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from missing_protocol import profiles
from missing_protocol.cli._output import echo
from missing_protocol.formats.events import Parsed, UnreadableFile, read_file
from missing_protocol.profiles import Profile

F = TypeVar("F", bound=Callable[..., Any])


# Options several commands share, so each reads and helps the same way.
assume_tz_option = click.option(
    "--assume-tz",
    "assume_tz",
    default=None,
    metavar="TZ",
    help="Zone for times without an offset, e.g. Europe/London (gap/fold times still rejected).",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="What to print on standard output.",
)


def log_options(func: F) -> F:
    """FILE... --as-of --profile --assume-tz --format (CONTRACT §3)."""
    decorators = [
        click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False)),
        click.option(
            "--as-of", "as_of", default=None, help="Judge as of this ISO time (default: now)."
        ),
        click.option(
            "--profile",
            default="statutory",
            show_default=True,
            help="statutory, london, or a TOML file that overrides parameters.",
        ),
        assume_tz_option,
        format_option,
    ]
    for decorate in reversed(decorators):
        func = decorate(func)
    return func


def load_profile(spec: str) -> Profile:
    try:
        return profiles.load(spec)
    except profiles.ProfileError as problem:
        raise click.UsageError(str(problem)) from None


def input_format_options(func: F) -> F:
    """--input-format events|903|ssd and the --authority that 903 and SSD files do not carry."""
    func = click.option(
        "--authority",
        default=None,
        help="903/SSD input: the responsible authority code (those files do not record it).",
    )(func)
    return click.option(
        "--input-format",
        "input_format",
        type=click.Choice(["events", "903", "ssd"]),
        default="events",
        show_default=True,
        help="events (JSONL/JSON), SSDA903 Header+Missing CSV or 903 XML, or SSD ssd_missing "
        "(+ ssd_person) CSV.",
    )(func)


def open_inputs(
    files: Sequence[str], assume_tz: str | None, input_format: str, authority: str | None
) -> Iterator[Parsed]:
    """Events from the log files, or converted from 903 / SSD tables (losses noted on stderr)."""
    if input_format == "events":
        return open_logs(files, assume_tz)
    if not authority:
        raise click.UsageError(f"--input-format {input_format} needs --authority CODE")
    from missing_protocol import ssd, ssda903

    try:
        if input_format == "903":
            conversion = ssda903.read_episodes_903(files, authority=authority)
        else:
            conversion = ssd.read_episodes_ssd(files, authority=authority)
    except UnreadableFile as problem:
        raise click.UsageError(f"cannot read {problem}") from None
    echo(
        f"{input_format}: rows = converted + rejected: "
        f"{conversion.rows} = {conversion.converted} + {conversion.rejected}",
        err=True,
    )
    for loss in conversion.losses:
        echo(f"  not carried: {loss.message}", err=True)
    return iter(conversion.parsed)


AUTO = "auto"


def _jobs(ctx: click.Context, param: click.Parameter, value: str) -> int | str:
    """`auto` or a whole number of worker processes from 1 to 256."""
    if value == AUTO:
        return value
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if not 1 <= number <= 256:
        raise click.BadParameter(f"{value!r} is not 'auto' or a whole number from 1 to 256")
    return number


def jobs_option(func: F) -> F:
    """--jobs N|auto: children judged in N worker processes (the output is the same for any N)."""
    return click.option(
        "--jobs",
        callback=_jobs,
        # One process unless asked: on a machine busy with other work, or checks run side by
        # side, more workers cost time and memory (measured: docs/scale.md).
        default="1",
        metavar="N|auto",
        show_default=True,
        help="Worker processes; the log is split by child, the output does not change. auto: "
        "one for a log up to 16 MB, else one per core, at most 4.",
    )(func)


def chosen_jobs(jobs: int | str, names: Sequence[str]) -> int:
    """The number of worker processes for `--jobs` (auto: by the log's size and the cores)."""
    from missing_protocol.engine.run import auto_jobs

    return auto_jobs(names) if jobs == AUTO else int(jobs)


def check_assume_tz(assume_tz: str | None) -> None:
    """A usage error (exit 2) for an --assume-tz that names no time zone."""
    if assume_tz is not None:
        from missing_protocol.clock import TimeError, localise

        try:
            import datetime as dt

            localise(dt.datetime(2000, 1, 1, 12), assume_tz)
        except TimeError as problem:
            raise click.UsageError(f"--assume-tz: {problem}") from None


def open_logs(files: Sequence[str], assume_tz: str | None) -> Iterator[Parsed]:
    """Open every file first (an unreadable one is a usage error, exit 2), then stream them."""
    check_assume_tz(assume_tz)
    try:
        readers = [read_file(f, assume_tz) for f in files]
    except UnreadableFile as problem:
        raise click.UsageError(f"cannot read {problem}") from None
    return _chain(readers)


def _chain(readers: list[Iterator[Parsed]]) -> Iterator[Parsed]:
    for reader in readers:
        try:
            yield from reader
        except UnreadableFile as problem:
            raise click.UsageError(f"cannot read {problem}") from None


class LiveCount:
    """What a person watching a long command sees on stderr: the events read so far, then the
    stage it is at (a callable of the count, as `engine.run` and `check_parsed` take it)."""

    def __init__(self, show: Callable[[str], None]) -> None:
        self._show = show

    def __call__(self, count: int) -> None:
        self._show(f"reading events: {count:,}")

    def stage(self, text: str) -> None:
        self._show(text)


@contextmanager
def progress_on_terminal(enabled: bool) -> Iterator[LiveCount | None]:
    """A live count of events read on stderr, only when a person is watching."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("reading events: 0", total=None)
        yield LiveCount(lambda text: bar.update(task, description=text))
