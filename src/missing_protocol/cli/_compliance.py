"""The report's compliance sections (issue 13): --as-of, --split-at, and building them suppressed."""

from __future__ import annotations

import datetime as dt

import click

from missing_protocol import clock
from missing_protocol.check import parse_as_of
from missing_protocol.cli._app import usage_error
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import Disclosure
from missing_protocol.profiles import Profile
from missing_protocol.report import ParsedLog
from missing_protocol.report import compliance_section as shown_compliance
from missing_protocol.report import split as splitting
from missing_protocol.report.compliance import compliance
from missing_protocol.report.parts import Scope, Sections, judged_duties

VERSION = "version"

as_of_option = click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="ISO",
    help="Judge the protocol rules (compliance over time) as of this time. Default: now.",
)
split_at_option = click.option(
    "--split-at",
    "split_at",
    default=None,
    metavar="DATE|version",
    help="Also show the period's two parts, [from, DATE) and [DATE, to), side by side; "
    "'version': the first effective_from of the profile inside the period.",
)


def parse_moment(as_of: str | None) -> dt.datetime:
    try:
        return parse_as_of(as_of)
    except ValueError as problem:  # TimeError is a ValueError
        raise usage_error(f"--as-of: {problem}") from None


def split_date(split_at: str | None, profile: Profile, period: Period) -> dt.date | None:
    """--split-at as a date strictly inside the period; a usage error (exit 2) otherwise."""
    if split_at is None:
        return None
    if split_at.strip().lower() == VERSION:
        first = splitting.first_version(profile, period)
        if first is None:
            raise usage_error(
                f"--split-at version: profile {profile.name} has no version coming into force "
                f"inside the period {period.start} to {period.end}"
            )
        return first
    try:
        day = clock.parse_date(split_at)
        splitting.split_period(period, day)
    except ValueError as problem:
        raise usage_error(f"--split-at: {problem}") from None
    return day


def compliance_sections(
    log: ParsedLog,
    period: Period,
    authority: str,
    disclosure: Disclosure,
    profile: Profile,
    as_of: dt.datetime,
    split_at: dt.date | None,
    jobs: int = 1,
) -> Sections:
    """The compliance section and, with a split date, the before-and-after one, suppressed.

    The rules are judged in `jobs` processes (the findings are the same for any number)."""
    scope = Scope(period, authority, profile, as_of, split_at)
    findings = judged_duties(log, scope, jobs=jobs)
    judged = compliance(log.assembly, findings, period, authority, profile=profile, as_of=as_of)
    out: Sections = {"compliance": shown_compliance.section(judged, disclosure)}
    if split_at is not None:
        parts = splitting.split(
            log.assembly,
            findings,
            period,
            authority,
            split_at,
            profile=profile,
            as_of=as_of,
            rejected_events=log.rejected,
        )
        out["split"] = splitting.section(parts, disclosure)
    return out
