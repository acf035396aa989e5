"""Options shared by commands that read event logs, and reading them with clear usage errors."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click

from missing_protocol import profiles
from missing_protocol.formats.events import Parsed, UnreadableFile, read_file
from missing_protocol.profiles import Profile

F = TypeVar("F", bound=Callable[..., Any])


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
        click.option(
            "--assume-tz",
            "assume_tz",
            default=None,
            help="Zone for times without an offset, e.g. Europe/London (gap/fold times still rejected).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(["text", "json"]),
            default="text",
            show_default=True,
        ),
    ]
    for decorate in reversed(decorators):
        func = decorate(func)
    return func


def load_profile(spec: str) -> Profile:
    try:
        return profiles.load(spec)
    except profiles.ProfileError as problem:
        raise click.UsageError(str(problem)) from None


def open_logs(files: Sequence[str], assume_tz: str | None) -> Iterator[Parsed]:
    """Open every file first (an unreadable one is a usage error, exit 2), then stream them."""
    if assume_tz is not None:
        from missing_protocol.clock import TimeError, localise

        try:
            import datetime as dt

            localise(dt.datetime(2000, 1, 1, 12), assume_tz)
        except TimeError as problem:
            raise click.UsageError(f"--assume-tz: {problem}") from None
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


@contextmanager
def progress_on_terminal(enabled: bool) -> Iterator[Callable[[int], None] | None]:
    """A live count of events read on stderr, only when a person is watching."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("reading events: {task.completed:,}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("read", total=None)
        yield lambda n: bar.update(task, completed=n)
