"""The period report for scrutiny (issue 5): figures (pure) and renderers; disclosure control
and the period are shared with intelligence in `missing_protocol.common`.

figures = period_report(read_file("log.jsonl"), Period(start, end), "HRY")
print(render_text.render(disclose(figures)))  # report.disclosed: renderers see no hidden count
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import attrs

from missing_protocol import clock, profiles
from missing_protocol.common.period import Period
from missing_protocol.episode import Assembly, assemble
from missing_protocol.model import Event, EventError
from missing_protocol.profiles import Profile
from missing_protocol.report.figures import CohortCounts, PeriodFigures, compute
from missing_protocol.report.interviews import learned


def period_report(
    parsed: Iterable[Event | EventError],
    period: Period,
    authority: str,
    *,
    rhi_within: clock.Duration | None = None,
    profile: str | os.PathLike[str] | Profile | None = None,
) -> PeriodFigures:
    """Figures from a reader's output: rejected events are counted, never fatal.

    The interview deadline is `rhi_within` (default 72 hours elapsed) or, with `profile` (a
    shipped name, a TOML path or a Profile), the profile's `rhi_within` in force at each
    episode's report.
    """
    log = assemble_parsed(parsed)
    chosen = None if profile is None else profiles.load(profile)
    figures = compute(
        log.assembly,
        period,
        authority,
        rhi_within=rhi_within,
        profile=chosen,
        rejected_events=log.rejected,
    )
    # What interviews told us: plans are judged by the profile given, else the statutory one.
    told = learned(log.assembly, period, authority, chosen or profiles.load("statutory"))
    return attrs.evolve(figures, learned=told)


@attrs.frozen
class ParsedLog:
    """A reader's output folded into episodes, with every rejection counted."""

    assembly: Assembly
    events: int
    rejected: int


def assemble_parsed(parsed: Iterable[Event | EventError]) -> ParsedLog:
    """Assemble what the reader yields; rejected lines and rejected events are both counted."""
    total = rejected = 0

    def events() -> Iterator[Event]:
        # Streamed into the fold (one pass), not gathered in a second list of the log.
        nonlocal total, rejected
        for item in parsed:
            total += 1
            if isinstance(item, EventError):
                rejected += 1
            else:
                yield item

    assembly = assemble(events())
    return ParsedLog(assembly, total, rejected + len(assembly.errors))


__all__ = [
    "CohortCounts",
    "ParsedLog",
    "PeriodFigures",
    "assemble_parsed",
    "compute",
    "period_report",
]
