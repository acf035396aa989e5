"""What differs between two profiles (issue 13, `rules --diff A B`): versions and parameters.

The time line is cut at every `effective_from` of either profile; in each stretch, the
parameters whose values differ between the two are listed with both values. A stretch where
nothing differs is listed too (with no parameters), so the output says when the two agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from missing_protocol.profiles import Parameters, Profile


@attrs.frozen
class Difference:
    parameter: str
    a: Any
    b: Any


@attrs.frozen
class Stretch:
    """From `effective_from` (None: from the start) until the next date of either profile."""

    effective_from: dt.date | None
    differences: tuple[Difference, ...]


@attrs.frozen
class ProfileDiff:
    a: Profile
    b: Profile
    stretches: tuple[Stretch, ...]

    @property
    def same(self) -> bool:
        return not any(s.differences for s in self.stretches) and self.versions_differ == ((), ())

    @property
    def versions_differ(self) -> tuple[tuple[dt.date, ...], tuple[dt.date, ...]]:
        """The version dates only A has, and those only B has."""
        dates_a, dates_b = set(version_dates(self.a)), set(version_dates(self.b))
        return tuple(sorted(dates_a - dates_b)), tuple(sorted(dates_b - dates_a))

    def parameters(self) -> tuple[str, ...]:
        """Every parameter that differs at some time, in the order of the Parameters class."""
        named = {d.parameter for s in self.stretches for d in s.differences}
        return tuple(f.name for f in attrs.fields(Parameters) if f.name in named)

    def to_dict(self) -> dict[str, Any]:
        only_a, only_b = self.versions_differ
        return {
            "profiles": [self.a.name, self.b.name],
            "versions": {"a": _dates(version_dates(self.a)), "b": _dates(version_dates(self.b))},
            "versions_only_in": {"a": _dates(only_a), "b": _dates(only_b)},
            "stretches": [
                {
                    "from": None if s.effective_from is None else s.effective_from.isoformat(),
                    "differences": [
                        {"parameter": d.parameter, "a": d.a, "b": d.b} for d in s.differences
                    ],
                }
                for s in self.stretches
            ],
        }


def _dates(days: tuple[dt.date, ...]) -> list[str]:
    return [d.isoformat() for d in days]


def version_dates(profile: Profile) -> tuple[dt.date, ...]:
    return tuple(v.effective_from for v in profile.versions if v.effective_from is not None)


def in_force(profile: Profile, day: dt.date | None) -> Parameters:
    """The parameters in force on `day` (None: before any dated version)."""
    current = profile.versions[0].parameters
    for version in profile.versions[1:]:
        if day is not None and version.effective_from is not None and version.effective_from <= day:
            current = version.parameters
    return current


def diff(a: Profile, b: Profile) -> ProfileDiff:
    starts: list[dt.date | None] = [None, *sorted({*version_dates(a), *version_dates(b)})]
    stretches = []
    for start in starts:
        values_a, values_b = in_force(a, start).to_dict(), in_force(b, start).to_dict()
        stretches.append(
            Stretch(
                start,
                tuple(
                    Difference(name, values_a[name], values_b[name])
                    for name in values_a
                    if values_a[name] != values_b[name]
                ),
            )
        )
    return ProfileDiff(a, b, tuple(stretches))
