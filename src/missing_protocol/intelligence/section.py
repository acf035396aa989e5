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
from missing_protocol.intelligence.hotspots import DEFAULT_RESOLUTION, hotspots
from missing_protocol.intelligence.persons import persons_of_concern
from missing_protocol.intelligence.self_reports import self_reports
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
    as_of = period.end_at
    places = assembly
    if authority is not None:
        mine = tuple(e for e in assembly.episodes if cohort_of(e, authority) is not None)
        places = attrs.evolve(assembly, episodes=mine)
    section: dict[str, Any] = {
        "hotspots": render.hotspots_dict(hotspots(places, period, resolution), disclosure, top=top),
        "self_reports": render.self_reports_dict(
            self_reports(assembly, chosen, as_of, period),
            disclosure,
            as_of=as_of,
            profile=chosen.name,
            detail=include_intelligence,
        ),
    }
    if include_intelligence:
        section["persons"] = render.persons_dict(
            persons_of_concern(assembly, period), disclosure, detail=True
        )
    return section
