"""The period report for scrutiny (issue 5): figures (pure), disclosure control, renderers.

figures = period_report(read_file("log.jsonl"), Period(start, end), "HRY")
print(render_text.render(figures))
"""

from __future__ import annotations

from collections.abc import Iterable

from missing_protocol import clock
from missing_protocol.episode import assemble
from missing_protocol.model import Event, EventError
from missing_protocol.report.figures import (
    RHI_WITHIN_DEFAULT,
    Cohort,
    CohortCounts,
    Period,
    PeriodFigures,
    cohort_of,
    compute,
)
from missing_protocol.report.suppression import INTERNAL, PUBLISHED, SUPPRESSED, Disclosure


def period_report(
    parsed: Iterable[Event | EventError],
    period: Period,
    authority: str,
    *,
    rhi_within: clock.Duration = RHI_WITHIN_DEFAULT,
) -> PeriodFigures:
    """Figures from a reader's output: rejected events are counted, never fatal."""
    events: list[Event] = []
    rejected = 0
    for item in parsed:
        if isinstance(item, EventError):
            rejected += 1
        else:
            events.append(item)
    assembly = assemble(events)
    return compute(
        assembly,
        period,
        authority,
        rhi_within=rhi_within,
        rejected_events=rejected + len(assembly.errors),
    )


__all__ = [
    "INTERNAL",
    "PUBLISHED",
    "SUPPRESSED",
    "Cohort",
    "CohortCounts",
    "Disclosure",
    "Period",
    "PeriodFigures",
    "cohort_of",
    "compute",
    "period_report",
]
