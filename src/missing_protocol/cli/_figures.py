"""Options of the commands that print figures (report, hotspots, persons, self-reports):
the period [--from, --to) and disclosure control (--no-suppress), declared and read once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from missing_protocol import clock
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED, Disclosure

F = TypeVar("F", bound=Callable[..., Any])


def period_options(*, required: bool) -> Callable[[F], F]:
    """--from and --to (dates, the period [from, to)); optional ones default to all time."""
    start = click.option(
        "--from",
        "start",
        required=required,
        metavar="DATE",
        help="First day of the period (YYYY-MM-DD)." + ("" if required else " Default: all time."),
    )
    end = click.option(
        "--to",
        "end",
        required=required,
        metavar="DATE",
        help="The day after the period (exclusive): 2026-04-01 for a year to 31 March 2026.",
    )

    def apply(func: F) -> F:
        return start(end(func))

    return apply


no_suppress_option = click.option(
    "--no-suppress",
    is_flag=True,
    help="Show counts of 1 to 5 (internal use only; the output says so).",
)


def disclosure(no_suppress: bool) -> Disclosure:
    return INTERNAL if no_suppress else PUBLISHED


def parse_period(
    start: str, end: str, *, error: Callable[[str], Exception] = click.UsageError
) -> Period:
    """--from and --to as a Period; a bad one raises `error` with a message naming it."""
    try:
        first, after = clock.parse_date(start), clock.parse_date(end)
        clock.check_year(first, "--from")
        clock.check_year(after, "--to")
        return Period(first, after)
    except ValueError as problem:  # TimeError is a ValueError too
        raise error(f"bad period: {problem}") from None
