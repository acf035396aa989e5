"""A hand-made log for the partnership-intelligence tests (March 2026, authority 309).

Places: "Station Road Park" and "Market Square" (with coordinates, so H3 cells too), "Home"
(a name only). Persons: P1 is linked to three children (C1, C2, C3) across both hotspots, and
contact went on after a warning notice; P2 is linked to one child, disrupted, no later contact;
P3 links C3 and C5, chaining C5 into P1's group; P4's only link was recorded after a disruption
but concerns an episode from before it (not a failed disruption).

Self-reports: R1 matched (E1); R2 a child unknown to services; R3 a known child, an unrecorded
period, followed up in time; R4 conflicting (dates); R5 conflicting (report cancelled); R6 a
child whose follow-up came late.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from missing_protocol import assemble
from missing_protocol.episode import Assembly
from missing_protocol.formats.events import read_objects
from missing_protocol.model import EventError

Event = dict[str, Any]

FROM, TO = "2026-03-01", "2026-04-01"
PARK = {"name": "Station Road Park", "lat": 51.50010, "lon": -0.10010}
PARK_AGAIN = {"name": "station road  park", "lat": 51.50015, "lon": -0.10005}
SQUARE = {"name": "Market Square", "lat": 51.52000, "lon": -0.14000}
LA = "309"


def reported(eid: str, cid: str, at: str, location: Any = None) -> Event:
    event: Event = {
        "type": "reported",
        "episode_id": eid,
        "child_id": cid,
        "at": at,
        "missing_from": "home",
        "responsible_authority": LA,
    }
    if location is not None:
        event["location"] = location
    return event


def found(eid: str, at: str, location: Any = None) -> Event:
    event: Event = {"type": "found", "episode_id": eid, "at": at}
    if location is not None:
        event["location"] = location
    return event


def link(eid: str, pid: str, at: str, role: str = "suspected_exploiter") -> Event:
    return {
        "type": "person_linked",
        "episode_id": eid,
        "person_id": pid,
        "at": at,
        "role": role,
        "source": "interview",
    }


def self_report(rid: str, cid: str, at: str, away_from: str, away_to: str, **extra: Any) -> Event:
    return {
        "type": "self_report",
        "report_id": rid,
        "child_id": cid,
        "at": at,
        "away_from": away_from,
        "away_to": away_to,
        **extra,
    }


EPISODES: list[Event] = [
    # Previous period (February): one episode from the park.
    reported("E0", "C1", "2026-02-10T18:00:00Z", PARK),
    found("E0", "2026-02-11T09:00:00Z", "Bus Depot"),
    reported("E1", "C1", "2026-03-02T18:00:00Z", PARK),
    found("E1", "2026-03-03T10:00:00Z", SQUARE),
    reported("E2", "C2", "2026-03-05T18:00:00Z", PARK_AGAIN),
    found("E2", "2026-03-06T08:00:00Z", SQUARE),
    reported("E3", "C3", "2026-03-10T17:00:00Z", SQUARE),
    found("E3", "2026-03-11T12:00:00Z", PARK),
    reported("E4", "C4", "2026-03-12T20:00:00Z", "Home"),
    found("E4", "2026-03-13T07:00:00Z", SQUARE),
    reported("E5", "C5", "2026-03-20T19:00:00Z", PARK),
    found("E5", "2026-03-21T09:00:00Z", "Home"),
    # Cancelled: the child was not missing. Never a hotspot.
    reported("E6", "C3", "2026-03-25T18:00:00Z", SQUARE),
    {"type": "report_cancelled", "episode_id": "E6", "at": "2026-03-25T20:00:00Z"},
]

INTELLIGENCE: list[Event] = [
    link("E1", "P1", "2026-03-04T10:00:00Z"),
    {
        "type": "disruption",
        "person_id": "P1",
        "at": "2026-03-04T12:00:00Z",
        "kind": "warning_notice",
        "partner": "police",
        "location": "Station Road Park",
    },
    link("E2", "P1", "2026-03-07T10:00:00Z"),
    link("E3", "P1", "2026-03-12T10:00:00Z"),
    {"type": "prosecution", "person_id": "P1", "at": "2026-03-25T10:00:00Z", "outcome": "charged"},
    link("E4", "P2", "2026-03-14T10:00:00Z", "associate"),
    {
        "type": "disruption",
        "person_id": "P2",
        "at": "2026-03-15T10:00:00Z",
        "kind": "closure_order",
        "partner": "council",
    },
    link("E3", "P3", "2026-03-12T11:00:00Z", "harbourer"),
    link("E5", "P3", "2026-03-22T10:00:00Z", "harbourer"),
    {
        "type": "disruption",
        "person_id": "P4",
        "at": "2026-03-01T10:00:00Z",
        "kind": "arrest",
        "partner": "police",
    },
    link("E0", "P4", "2026-03-02T10:00:00Z", "other"),
]

SELF_REPORTS: list[Event] = [
    self_report(
        "R1", "C1", "2026-03-05T16:00:00Z", "2026-03-02", "2026-03-03", reasons=["Argument at home"]
    ),
    self_report(
        "R2",
        "C9",
        "2026-03-16T09:00:00Z",
        "2026-03-14",
        "2026-03-15",
        reasons=["argument at home", "friends"],
        location="Market Square",
    ),
    self_report(
        "R3",
        "C2",
        "2026-03-22T10:00:00Z",
        "2026-03-20T21:00:00Z",
        "2026-03-21",
        reasons=["friends"],
    ),
    self_report("R4", "C3", "2026-03-17T10:00:00Z", "2026-03-10", "2026-03-16"),
    self_report("R5", "C3", "2026-03-27T10:00:00Z", "2026-03-25", "2026-03-26"),
    self_report("R6", "C4", "2026-03-02T10:00:00Z", "2026-02-27", "2026-02-28"),
    {"type": "strategy_discussion", "child_id": "C2", "at": "2026-03-24T10:00:00Z"},
    {"type": "strategy_discussion", "child_id": "C4", "at": "2026-03-20T10:00:00Z"},
]

LOG: list[Event] = [*EPISODES, *INTELLIGENCE, *SELF_REPORTS]
CHILDREN = ("C1", "C2", "C3", "C4", "C5", "C9")
PERSONS = ("P1", "P2", "P3", "P4")


def build(events: list[Event] | None = None) -> Assembly:
    """A log's accepted events (this log's by default) assembled into episodes."""
    chosen = LOG if events is None else events
    return assemble(e for e in read_objects(chosen) if not isinstance(e, EventError))


def write(path: Path, events: list[Event] | None = None) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in (events or LOG)), encoding="utf-8")
    return path
