"""The period figures are counted over, and whose episodes they are (an authority's cohorts)."""

from __future__ import annotations

import datetime as dt
import enum

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.episode import Episode


class Cohort(enum.StrEnum):
    """Whose children: the three groups a council reports to its scrutiny panel."""

    OWN_LOOKED_AFTER = "own_looked_after"
    PLACED_HERE_BY_OTHERS = "placed_here_by_others"
    FROM_HOME = "from_home"

    def label(self, authority: str) -> str:
        return {
            Cohort.OWN_LOOKED_AFTER: f"Looked after by {authority}",
            Cohort.PLACED_HERE_BY_OTHERS: f"Looked after by other authorities, placed in {authority}",
            Cohort.FROM_HOME: "Missing from their family home",
        }[self]


def cohort_of(episode: Episode, authority: str) -> Cohort | None:
    """The authority's cohort for one episode, or None when the episode is not the authority's."""
    if episode.is_looked_after:
        if episode.responsible_authority == authority:
            return Cohort.OWN_LOOKED_AFTER
        if episode.host_authority == authority:
            return Cohort.PLACED_HERE_BY_OTHERS
        return None
    # Missing from home: the responsible authority is where the child lives (PROTOCOL.md).
    return Cohort.FROM_HOME if episode.responsible_authority == authority else None


@attrs.frozen
class Period:
    """The days [start, end) in London: from local midnight of `start` to that of `end`."""

    start: pendulum.Date
    end: pendulum.Date = attrs.field()
    # The bounds as instants, worked out once: `contains` runs for every episode.
    start_at: pendulum.DateTime = attrs.field(init=False, eq=False, repr=False)
    end_at: pendulum.DateTime = attrs.field(init=False, eq=False, repr=False)
    # The same bounds as stdlib UTC values, which `contains` compares about 10x faster than
    # pendulum's (it runs for every episode and event of a report).
    _start_utc: dt.datetime = attrs.field(init=False, eq=False, repr=False)
    _end_utc: dt.datetime = attrs.field(init=False, eq=False, repr=False)

    @end.validator
    def _after_start(self, _: attrs.Attribute[pendulum.Date], end: pendulum.Date) -> None:
        if end <= self.start:
            raise ValueError(f"the period must end after it starts ({self.start} to {end})")

    @start_at.default
    def _start_at(self) -> pendulum.DateTime:
        return _midnight(self.start)

    @end_at.default
    def _end_at(self) -> pendulum.DateTime:
        return _midnight(self.end)

    @_start_utc.default
    def _start_as_utc(self) -> dt.datetime:
        return clock.as_utc(self.start_at)

    @_end_utc.default
    def _end_as_utc(self) -> dt.datetime:
        return clock.as_utc(self.end_at)

    @property
    def last_day(self) -> pendulum.Date:
        return self.end.subtract(days=1)

    def contains(self, moment: dt.datetime) -> bool:
        return self._start_utc <= moment < self._end_utc

    def months(self) -> tuple[str, ...]:
        """Every calendar month the period touches, as YYYY-MM."""
        return tuple(f"{day.year:04d}-{day.month:02d}" for day in self._month_days())

    def month_starts(self) -> tuple[pendulum.DateTime, ...]:
        """London midnight on the first of each month the period touches."""
        return tuple(_midnight(day) for day in self._month_days())

    def _month_days(self) -> list[pendulum.Date]:
        days = []
        day = self.start.replace(day=1)
        while day <= self.last_day:
            days.append(day)
            day = day.add(months=1)
        return days


def _midnight(day: dt.date) -> pendulum.DateTime:
    return pendulum.datetime(day.year, day.month, day.day, tz=clock.LONDON)
