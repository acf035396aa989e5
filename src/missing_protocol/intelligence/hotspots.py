"""Hotspots (pure): the places children went missing from and were found at, in a period.

A place is counted by its name (trimmed, case and spacing ignored) and, when the event gave
coordinates, by its H3 cell at a chosen resolution, so nearby spellings of one street corner
still meet. An episode counts at its missing-from place when it was reported in the period,
and at its found-at place when it was found in the period: a hotspot is where things happened
then. Cancelled reports are left out (the child was not in fact missing). Each place carries
the same figures for the previous period of the same length, and the change.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from missing_protocol.common.mergeable import First
from missing_protocol.common.period import Period
from missing_protocol.episode import Assembly, Episode
from missing_protocol.model import Location

DEFAULT_RESOLUTION = 8  # H3 cells of about 0.7 km²: a few streets in a town centre
RESOLUTIONS = range(16)


class PlaceKind(enum.StrEnum):
    MISSING_FROM = "missing_from"
    FOUND_AT = "found_at"


@attrs.frozen
class Sighting:
    """One episode at one place: where the child went missing from, or was found."""

    kind: PlaceKind
    episode_id: str
    child_id: str
    at: dt.datetime
    location: Location


@attrs.frozen
class Tally:
    episodes: int = 0
    children: int = 0


@attrs.frozen
class Hotspot:
    """A place (by name) or an H3 cell, with its figures now and in the previous period."""

    kind: PlaceKind
    key: str
    label: str
    current: Tally
    previous: Tally
    # For a cell: its centre and the place names seen in it.
    centre: tuple[float, float] | None = None
    places: tuple[str, ...] = ()

    @property
    def change(self) -> int:
        return self.current.episodes - self.previous.episodes


@attrs.frozen
class HotspotTotals:
    """Totals for the period, so readers see how much of the data has a place at all."""

    episodes_reported: int
    missing_from_named: int
    episodes_found: int
    found_at_named: int
    with_coordinates: int


@attrs.frozen
class Hotspots:
    period: Period
    previous_period: Period
    resolution: int
    totals: HotspotTotals
    places: tuple[Hotspot, ...]
    cells: tuple[Hotspot, ...]

    def of(self, kind: PlaceKind, *, cells: bool = False) -> tuple[Hotspot, ...]:
        return tuple(h for h in (self.cells if cells else self.places) if h.kind is kind)


def place_key(name: str) -> str:
    """The name places are grouped by: spacing and case do not make a new place."""
    return " ".join(name.split()).casefold()


def cell_of(location: Location, resolution: int) -> str | None:
    if location.lat is None or location.lon is None:
        return None
    import h3  # extra `intelligence`: only places with coordinates need it

    return str(h3.latlng_to_cell(location.lat, location.lon, resolution))


def cell_centre(cell: str) -> tuple[float, float]:
    import h3

    lat, lon = h3.cell_to_latlng(cell)
    return (round(float(lat), 6), round(float(lon), 6))


def previous_period(period: Period) -> Period:
    days = (period.end - period.start).days
    return Period(period.start.subtract(days=days), period.start)


def sightings(episodes: Iterable[Episode]) -> tuple[Sighting, ...]:
    """Every place an episode records, with the time it happened there."""
    out: list[Sighting] = []
    for ep in episodes:
        if ep.is_cancelled:
            continue
        if ep.reported.location is not None:
            out.append(
                Sighting(
                    PlaceKind.MISSING_FROM,
                    ep.episode_id,
                    ep.child_id,
                    ep.reported_at,
                    ep.reported.location,
                )
            )
        if ep.found is not None and ep.found.location is not None:
            out.append(
                Sighting(
                    PlaceKind.FOUND_AT, ep.episode_id, ep.child_id, ep.found.at, ep.found.location
                )
            )
    return tuple(out)


KeyOf = Callable[[Sighting], str | None]


def _group(seen: Iterable[Sighting], key_of: KeyOf) -> dict[tuple[PlaceKind, str], list[Sighting]]:
    groups: dict[tuple[PlaceKind, str], list[Sighting]] = defaultdict(list)
    for s in seen:
        key = key_of(s)
        if key is not None:
            groups[(s.kind, key)].append(s)
    return groups


def _tally(seen: list[Sighting]) -> tuple[int, int]:
    # Distinct episodes and children: a part's own (parts never share one, so they add).
    return (len({s.episode_id for s in seen}), len({s.child_id for s in seen}))


def _spots_part(now: list[Sighting], before: list[Sighting], key_of: KeyOf) -> dict[Any, Any]:
    """Per place or cell: tallies now and before, and each spelling's earliest sighting now."""
    current, previous = _group(now, key_of), _group(before, key_of)
    out: dict[Any, Any] = {}
    for group, seen in current.items():
        spelling: dict[str, First] = {}
        for s in seen:
            first = First((s.at, s.location.name), s.location.name.strip())
            known = spelling.get(place_key(s.location.name))
            if known is None or first.key < known.key:
                spelling[place_key(s.location.name)] = first
        out[group] = (_tally(seen), (0, 0), spelling)
    # Before only: kept, since another part may see the same place now.
    for group, seen in previous.items():
        now_tally, _, spelling = out.get(group, ((0, 0), None, {}))
        out[group] = (now_tally, _tally(seen), spelling)
    return out


def _spots(part: dict[Any, Any], *, cells: bool) -> tuple[Hotspot, ...]:
    spots = []
    for (kind, key), (now, before, spelling) in part.items():
        if not spelling:
            continue  # seen only in the previous period
        # The earliest spelling names the place: stable whatever order the files came in.
        first = min(spelling.values(), key=lambda f: f.key).value
        spots.append(
            Hotspot(
                kind=kind,
                key=key,
                label=key if cells else first,
                current=Tally(*now),
                previous=Tally(*before),
                centre=cell_centre(key) if cells else None,
                places=tuple(sorted(f.value for f in spelling.values())) if cells else (),
            )
        )
    return tuple(sorted(spots, key=lambda h: (h.kind, -h.current.episodes, h.label)))


def hotspots(assembly: Assembly, period: Period, resolution: int = DEFAULT_RESOLUTION) -> Hotspots:
    """Places and H3 cells with episodes in `period`, against the period of equal length before."""
    return hotspots_from(hotspots_part(assembly, period, resolution), period, resolution)


def hotspots_part(
    assembly: Assembly, period: Period, resolution: int = DEFAULT_RESOLUTION
) -> dict[str, Any]:
    """The hotspots' part from one assembly of whole children (common.mergeable)."""
    if resolution not in RESOLUTIONS:
        raise ValueError(f"H3 resolution must be 0 to 15, not {resolution}")
    before_period = previous_period(period)
    all_seen = sightings(assembly.episodes)
    now = [s for s in all_seen if period.contains(s.at)]
    before = [s for s in all_seen if before_period.contains(s.at)]

    def by_name(s: Sighting) -> str:
        return place_key(s.location.name)

    def by_cell(s: Sighting) -> str | None:
        return cell_of(s.location, resolution)

    reported = [
        e for e in assembly.episodes if not e.is_cancelled and period.contains(e.reported_at)
    ]
    found = [e for e in assembly.episodes if e.found is not None and period.contains(e.found.at)]
    totals = (
        len(reported),
        sum(1 for s in now if s.kind is PlaceKind.MISSING_FROM),
        len(found),
        sum(1 for s in now if s.kind is PlaceKind.FOUND_AT),
        sum(1 for s in now if s.location.lat is not None),
    )
    return {
        "totals": totals,
        "places": _spots_part(now, before, by_name),
        "cells": _spots_part(now, before, by_cell),
    }


def hotspots_from(part: dict[str, Any], period: Period, resolution: int) -> Hotspots:
    """The hotspots from their part (one assembly's, or the parts of all merged)."""
    return Hotspots(
        period=period,
        previous_period=previous_period(period),
        resolution=resolution,
        totals=HotspotTotals(*part["totals"]),
        places=_spots(part["places"], cells=False),
        cells=_spots(part["cells"], cells=True),
    )
