"""The intelligence part of the period report, in one call (pure, JSON-ready).

By default only what may be published: hotspots and the self-report figures, both under the
report's disclosure control. `include_intelligence` adds the restricted part: persons of concern
(figures, persons, groups) and each self-report. Follow-up is judged at the end of the period,
so the same log and period always give the same section. With `authority`, hotspots count only
the episodes the authority reports on (its three cohorts, as in the rest of the report).
"""

from __future__ import annotations

import os
from typing import Any

import attrs

from missing_protocol import profiles
from missing_protocol.common.period import Period, cohort_of
from missing_protocol.common.suppression import PUBLISHED, Disclosure
from missing_protocol.episode import Assembly
from missing_protocol.intelligence import render
from missing_protocol.intelligence.hotspots import (
    DEFAULT_RESOLUTION,
    hotspots_from,
    hotspots_part,
)
from missing_protocol.intelligence.persons import persons_from, persons_part
from missing_protocol.intelligence.self_reports import self_reports_from, self_reports_part
from missing_protocol.profiles import Profile

TOP_PLACES = 10


def report_section(
    assembly: Assembly,
    period: Period,
    disclosure: Disclosure = PUBLISHED,
    *,
    profile: str | os.PathLike[str] | Profile = "statutory",
    resolution: int = DEFAULT_RESOLUTION,
    top: int | None = TOP_PLACES,
    include_intelligence: bool = False,
    authority: str | None = None,
) -> dict[str, Any]:
    """`{"hotspots": …, "self_reports": …}` (+ `"persons"` when intelligence is included).

    `hotspots` has the shape of schemas/hotspots.schema.json; `self_reports` and `persons` that
    of the other two schemas. Ids are as the events give them (pseudonyms with a key: `privacy`).
    """
    chosen = profiles.load(profile)
    part = section_part(
        assembly,
        period,
        profile=chosen,
        resolution=resolution,
        include_intelligence=include_intelligence,
        authority=authority,
    )
    return section_from(
        part,
        period,
        disclosure,
        profile=chosen,
        resolution=resolution,
        top=top,
        include_intelligence=include_intelligence,
    )


def section_part(
    assembly: Assembly,
    period: Period,
    *,
    profile: Profile,
    resolution: int = DEFAULT_RESOLUTION,
    include_intelligence: bool = False,
    authority: str | None = None,
) -> dict[str, Any]:
    """The section's part from one assembly of whole children (common.mergeable)."""
    places = assembly
    if authority is not None:
        mine = tuple(e for e in assembly.episodes if cohort_of(e, authority) is not None)
        places = attrs.evolve(assembly, episodes=mine)
    part: dict[str, Any] = {
        "hotspots": hotspots_part(places, period, resolution),
        "self_reports": self_reports_part(
            assembly, profile, period.end_at, period, detail=include_intelligence
        ),
    }
    if include_intelligence:
        part["persons"] = persons_part(assembly, period)
    return part


def section_from(
    part: dict[str, Any],
    period: Period,
    disclosure: Disclosure,
    *,
    profile: Profile,
    resolution: int = DEFAULT_RESOLUTION,
    top: int | None = TOP_PLACES,
    include_intelligence: bool = False,
) -> dict[str, Any]:
    """The section, disclosure applied, from its part (one assembly's, or all merged)."""
    section: dict[str, Any] = {
        "hotspots": render.hotspots_dict(
            hotspots_from(part["hotspots"], period, resolution), disclosure, top=top
        ),
        "self_reports": render.self_reports_dict(
            self_reports_from(part["self_reports"], period),
            disclosure,
            as_of=period.end_at,
            profile=profile.name,
            detail=include_intelligence,
        ),
    }
    if include_intelligence:
        section["persons"] = render.persons_dict(
            persons_from(part["persons"], period), disclosure, detail=True
        )
    return section
