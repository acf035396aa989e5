"""The partnership-intelligence part of the period report (issue 6), ready for the renderers.

Hotspots (places and H3 cells, with the change on the previous period) and the self-report
figures are published with the report, under its disclosure control. Persons of concern and
each self-report are restricted: they are here only when `include_intelligence` is set.

    part = partnership(assembly, period, PUBLISHED, authority="HRY", profile="statutory")
    render_html.render(disclose(figures, PUBLISHED), part)
"""

from __future__ import annotations

import os
from typing import Any

import attrs
import pendulum

from missing_protocol import clock, profiles
from missing_protocol.common.mergeable import First
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import Disclosure
from missing_protocol.episode import Assembly
from missing_protocol.intelligence.hotspots import DEFAULT_RESOLUTION
from missing_protocol.intelligence.section import TOP_PLACES, section_from, section_part
from missing_protocol.profiles import Profile


@attrs.frozen
class Partnership:
    """JSON-ready sections (shaped as the hotspots, self-reports and persons schemas)."""

    hotspots: dict[str, Any]
    self_reports: dict[str, Any]
    # Restricted: persons of concern, present only when intelligence was asked for.
    persons: dict[str, Any] | None
    # The profile's matching tolerance and follow-up deadline, in force at the period's end.
    tolerance: clock.Duration
    follow_up_within: clock.Duration
    # The first day with a report anywhere in the log: earlier periods are not on record.
    records_from: pendulum.Date | None

    @property
    def restricted(self) -> bool:
        """Whether restricted detail (persons, each self-report) is included."""
        return self.persons is not None

    def previous_partly_covered(self) -> bool:
        """The log starts after the previous period does: its counts and the change mislead."""
        start = self.hotspots["previous_period"]["from"]
        return self.records_from is not None and self.records_from.isoformat() > start


def partnership(
    assembly: Assembly,
    period: Period,
    disclosure: Disclosure,
    *,
    authority: str | None,
    profile: str | os.PathLike[str] | Profile = "statutory",
    include_intelligence: bool = False,
    resolution: int = DEFAULT_RESOLUTION,
    top: int | None = TOP_PLACES,
) -> Partnership:
    chosen = profiles.load(profile)
    part = partnership_part(
        assembly,
        period,
        authority=authority,
        profile=chosen,
        include_intelligence=include_intelligence,
        resolution=resolution,
    )
    return partnership_from(
        part,
        period,
        disclosure,
        profile=chosen,
        include_intelligence=include_intelligence,
        resolution=resolution,
        top=top,
    )


# No report at all in a part: after every real one, so that any part with one wins.
_NO_REPORT = First((float("inf"),), None)


def partnership_part(
    assembly: Assembly,
    period: Period,
    *,
    authority: str | None,
    profile: Profile,
    include_intelligence: bool = False,
    resolution: int = DEFAULT_RESOLUTION,
) -> dict[str, Any]:
    """The section's part from one assembly of whole children (common.mergeable)."""
    part = section_part(
        assembly,
        period,
        profile=profile,
        resolution=resolution,
        include_intelligence=include_intelligence,
        authority=authority,
    )
    first = min((e.reported_at for e in assembly.episodes), default=None)
    part["records_from"] = _NO_REPORT if first is None else First((first.timestamp(),), first)
    return part


def partnership_from(
    part: dict[str, Any],
    period: Period,
    disclosure: Disclosure,
    *,
    profile: Profile,
    include_intelligence: bool = False,
    resolution: int = DEFAULT_RESOLUTION,
    top: int | None = TOP_PLACES,
) -> Partnership:
    """The partnership section from its part (one assembly's, or the parts of all merged)."""
    section = section_from(
        part,
        period,
        disclosure,
        profile=profile,
        resolution=resolution,
        top=top,
        include_intelligence=include_intelligence,
    )
    parameters = profile.at(period.end_at.subtract(microseconds=1))
    first = part["records_from"].value
    return Partnership(
        hotspots=section["hotspots"],
        self_reports=section["self_reports"],
        persons=section.get("persons"),
        tolerance=parameters.self_report_tolerance,
        follow_up_within=parameters.self_report_follow_up_within,
        records_from=None if first is None else clock.local(first).date(),
    )
