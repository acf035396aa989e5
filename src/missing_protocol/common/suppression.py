"""Disclosure control for published figures: small counts hidden so no child can be picked out.

Counts from 1 to 5 are shown as `c`, and a percentage whose count is hidden is hidden too.
Totals (episodes, children, found episodes, a month's episodes) always stay. This is primary
suppression only: no second cell is hidden to stop a hidden one being worked out from a total.

Suppression is applied to the figures before any renderer sees them (issue 15 point 2): a
hidden count becomes the marker `HIDDEN`, never the number, so a renderer can neither show it
nor order, scale or derive anything by it. `shown_places` gives the places table already ranked,
hidden places after the shown ones and by name; `report.disclosed` does the rest of the report.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol

import attrs


class Place(Protocol):
    """A counted place, as the report's hotspots are (common ground names no report type)."""

    @property
    def place(self) -> str: ...
    @property
    def episodes(self) -> int: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def lon(self) -> float | None: ...


class Hidden(enum.StrEnum):
    """A hidden count: the only value a renderer gets in its place (a str, so it prints as `c`)."""

    CELL = "c"


HIDDEN = Hidden.CELL
SUPPRESSED = HIDDEN  # the older name, kept for the JSON-ready sections that compare with "c"
# A count as published: the number, or the marker.
Shown = int | Hidden
# A percentage as published: unrounded (each renderer rounds), hidden with its count, None
# without a base.
Ratio = float | Hidden | None
# Rows in a places table: the first N after ranking (hidden ones can only fill the tail).
TOP_PLACES = 10


@attrs.frozen
class ShownPlace:
    """A row of a places table after disclosure control: its count, or `c`."""

    place: str
    episodes: Shown
    lat: float | None = None
    lon: float | None = None


@attrs.frozen
class Disclosure:
    """Whether and how to hide small counts; `suppress=False` is for internal use only."""

    suppress: bool = True
    smallest: int = 1
    largest: int = 5

    def hides(self, count: int) -> bool:
        return self.suppress and self.smallest <= count <= self.largest

    def count(self, count: int) -> Shown:
        return SUPPRESSED if self.hides(count) else count

    def total(self, count: int) -> Shown:
        return count

    def ratio(self, count: int, base: int) -> Ratio:
        """`count` as an unrounded percentage of `base` (a total), hidden with its count."""
        if self.hides(count):
            return HIDDEN
        if base == 0:
            return None
        return 100 * count / base

    def percent(self, count: int, base: int, digits: int = 1) -> float | Hidden | None:
        """`count` as a percentage of `base`, hidden with its count; None when base is 0."""
        return rounded(self.ratio(count, base), digits)

    @property
    def notice(self) -> str:
        if self.suppress:
            return (
                f"Disclosure control: counts from {self.smallest} to {self.largest} are shown as "
                f"'{SUPPRESSED}', with their percentages; totals are shown in full."
            )
        return "NOT SUPPRESSED: small counts are shown in full. For internal use only, not for publication."


def rounded(value: Ratio, digits: int = 1) -> float | Hidden | None:
    """A published percentage rounded for display; the marker and None pass through."""
    return round(value, digits) if isinstance(value, float) else value


def shown_places(
    spots: Sequence[Place], disclosure: Disclosure, top: int | None = TOP_PLACES
) -> tuple[ShownPlace, ...]:
    """Places by shown count (largest first), then the hidden ones by name; the first `top`.

    Neither the order nor which places make the cut depends on a hidden count.
    """
    shown = [s for s in spots if not disclosure.hides(s.episodes)]
    hidden = [s for s in spots if disclosure.hides(s.episodes)]
    ranked = sorted(shown, key=lambda s: (-s.episodes, s.place.casefold(), s.place))
    ranked += sorted(hidden, key=lambda s: (s.place.casefold(), s.place))
    return tuple(
        ShownPlace(s.place, disclosure.count(s.episodes), s.lat, s.lon) for s in ranked[:top]
    )


PUBLISHED = Disclosure()
INTERNAL = Disclosure(suppress=False)
