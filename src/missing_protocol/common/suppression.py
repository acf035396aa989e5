"""Disclosure control for published figures: small counts hidden so no child can be picked out.

Counts from 1 to 5 are shown as `c`, and a percentage whose count is hidden is hidden too.
Totals (episodes, children, found episodes, a month's episodes) always stay. This is primary
suppression only: no second cell is hidden to stop a hidden one being worked out from a total.
"""

from __future__ import annotations

import attrs

SUPPRESSED = "c"
Shown = int | str


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

    def percent(self, count: int, base: int, digits: int = 1) -> float | str | None:
        """`count` as a percentage of `base`, hidden with its count; None when base is 0."""
        if self.hides(count):
            return SUPPRESSED
        if base == 0:
            return None
        return round(100 * count / base, digits)

    @property
    def notice(self) -> str:
        if self.suppress:
            return (
                f"Disclosure control: counts from {self.smallest} to {self.largest} are shown as "
                f"'{SUPPRESSED}', with their percentages; totals are shown in full."
            )
        return "NOT SUPPRESSED: small counts are shown in full. For internal use only, not for publication."


PUBLISHED = Disclosure()
INTERNAL = Disclosure(suppress=False)
