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

import attrs

from missing_protocol.episode import Assembly, Episode
from missing_protocol.model import Location
from missing_protocol.report.figures import Period

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


def _tally(seen: list[Sighting]) -> Tally:
    return Tally(len({s.episode_id for s in seen}), len({s.child_id for s in seen}))


KeyOf = Callable[[Sighting], str | None]


def _group(seen: Iterable[Sighting], key_of: KeyOf) -> dict[tuple[PlaceKind, str], list[Sighting]]:
    groups: dict[tuple[PlaceKind, str], list[Sighting]] = defaultdict(list)
    for s in seen:
        key = key_of(s)
        if key is not None:
            groups[(s.kind, key)].append(s)
    return groups


def _spots(
    now: list[Sighting], before: list[Sighting], key_of: KeyOf, *, cells: bool
) -> tuple[Hotspot, ...]:
    current, previous = _group(now, key_of), _group(before, key_of)
    spots = []
    for (kind, key), seen in current.items():
        # The earliest spelling names the place: stable whatever order the files came in.
        spelling: dict[str, str] = {}
        for s in sorted(seen, key=lambda s: (s.at, s.location.name)):
            spelling.setdefault(place_key(s.location.name), s.location.name.strip())
        names = sorted(spelling.values())
        first = next(iter(spelling.values()))
        spots.append(
            Hotspot(
                kind=kind,
                key=key,
                label=key if cells else first,
                current=_tally(seen),
                previous=_tally(previous.get((kind, key), [])),
                centre=cell_centre(key) if cells else None,
                places=tuple(names) if cells else (),
            )
        )
    return tuple(sorted(spots, key=lambda h: (h.kind, -h.current.episodes, h.label)))


def hotspots(assembly: Assembly, period: Period, resolution: int = DEFAULT_RESOLUTION) -> Hotspots:
    """Places and H3 cells with episodes in `period`, against the period of equal length before."""
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
    totals = HotspotTotals(
        episodes_reported=len(reported),
        missing_from_named=sum(1 for s in now if s.kind is PlaceKind.MISSING_FROM),
        episodes_found=len(found),
        found_at_named=sum(1 for s in now if s.kind is PlaceKind.FOUND_AT),
        with_coordinates=sum(1 for s in now if s.location.lat is not None),
    )
    return Hotspots(
        period=period,
        previous_period=before_period,
        resolution=resolution,
        totals=totals,
        places=_spots(now, before, by_name, cells=False),
        cells=_spots(now, before, by_cell, cells=True),
    )
