"""The one place for time: parsing with the timezone policy, elapsed deadlines, working days.

Deadlines are elapsed time (PROTOCOL.md): 72 hours is 72 x 3600 s on the real clock, so across a
clock change the local wall-clock time of the deadline moves by an hour. Working days skip
weekends and England & Wales bank holidays, taken from the maintained `holidays` calendar.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re

import attrs
import pendulum

LONDON = "Europe/London"
# pendulum's zone is a zoneinfo.ZoneInfo: stdlib datetimes convert with it at C speed.
_LONDON_TZ = pendulum.timezone(LONDON)
UTC = dt.UTC

# Every instant the library accepts, and every deadline or period derived from one, lies in
# these years: far from datetime's ends, so no arithmetic on an accepted value can overflow.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
_EARLIEST = dt.datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
_LATEST = dt.datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC)
# A deadline is an accepted instant plus a few durations of at most MAX_DURATION_DAYS each
# (STRAT-LONG adds two): it may pass LATEST_YEAR by centuries, and always fits a datetime.
DEADLINE_YEAR_LIMIT = LATEST_YEAR + 400
_DEADLINE_LIMIT = dt.datetime(DEADLINE_YEAR_LIMIT + 1, 1, 1, tzinfo=UTC)


class TimeError(ValueError):
    """A time value that cannot be used: malformed, naive without a policy, or non-existent."""

    def __init__(self, message: str, withheld: str | None = None) -> None:
        super().__init__(message)
        # The message without the value it quotes: what a pseudonymised run shows (privacy).
        self.withheld = withheld


def _quoting(shown: str, problem: str) -> TimeError:
    """A TimeError saying `shown` (a value from the input) `problem`, worded also without it."""
    return TimeError(f"{shown} {problem}", problem.removeprefix("is "))


def check_year(value: dt.date, what: str) -> None:
    """TimeError unless `value` (a date, or an instant both in UTC and as written) lies within
    EARLIEST_YEAR..LATEST_YEAR: for options such as --as-of, --from, --to (docs/contract.md)."""
    years = {value.year}
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        try:
            years.add(value.astimezone(dt.UTC).year)
        except OverflowError:
            years.add(dt.MAXYEAR + 1 if value.year > EARLIEST_YEAR else dt.MINYEAR - 1)
    if not all(EARLIEST_YEAR <= year <= LATEST_YEAR for year in years):
        raise TimeError(
            f"{what} {value.isoformat()} is outside the accepted years "
            f"{EARLIEST_YEAR}-{LATEST_YEAR}"
        )


def in_range(moment: dt.datetime) -> bool:
    """Whether an aware instant lies within the accepted years (EARLIEST_YEAR..LATEST_YEAR)."""
    return _EARLIEST <= moment < _LATEST


def _checked(moment: dt.datetime, text: object) -> dt.datetime:
    if not in_range(moment):
        raise _quoting(repr(text), f"is outside the accepted years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return moment


def parse_instant(text: object, assume_tz: str | None = None) -> dt.datetime:
    """Parse an ISO 8601 instant into an aware UTC datetime.

    Naive times need `assume_tz`; gap and fold times are refused; years outside
    EARLIEST_YEAR..LATEST_YEAR are refused.
    """
    if not isinstance(text, str):
        raise TimeError(f"expected an ISO 8601 date-time string, got {type(text).__name__}")
    value = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise _quoting(repr(text), "is not an ISO 8601 date-time") from None
    if "T" not in value.upper() and " " not in value:
        raise _quoting(repr(text), "is a date, not a date-time with an offset")
    if parsed.tzinfo is not None:
        if not (EARLIEST_YEAR <= parsed.year <= LATEST_YEAR):
            raise _quoting(
                repr(text), f"is outside the accepted years {EARLIEST_YEAR}-{LATEST_YEAR}"
            )
        return _checked(parsed.astimezone(UTC), text)
    if assume_tz is None:
        raise _quoting(repr(text), "has no UTC offset (add Z or +01:00, or pass --assume-tz)")
    return localise(parsed, assume_tz)


def instant_or_none(text: str) -> dt.datetime | None:
    """`parse_instant`'s answer for the common shape (ISO with an offset, in range), else None.

    The reader's fast path: anything unusual (padding, no offset, out of range) is left to
    `parse_instant`, which decides and words the error.
    """
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None or "T" not in text or not EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return None
    utc = parsed.astimezone(UTC)
    return utc if _EARLIEST <= utc < _LATEST else None


def check_zone(tz_name: str | None, what: str = "assume_tz") -> None:
    """Fail fast on a zone name that is not known (TimeError naming `what`), before any event
    is read: one bad argument, not one rejection per naive time."""
    if tz_name is None:
        return
    try:
        pendulum.timezone(tz_name)
    except Exception:
        raise TimeError(f"{what}: unknown time zone {tz_name!r}") from None


def localise(naive: dt.datetime, tz_name: str) -> dt.datetime:
    """Attach a zone to a naive wall-clock time (refusing spring-gap and autumn-fold times): UTC."""
    try:
        tz = pendulum.timezone(tz_name)
    except Exception:
        raise TimeError(f"unknown time zone {tz_name!r}") from None
    if not (EARLIEST_YEAR <= naive.year <= LATEST_YEAR):
        years = f"is outside the accepted years {EARLIEST_YEAR}-{LATEST_YEAR}"
        raise _quoting(naive.isoformat(), years)
    early = naive.replace(tzinfo=tz, fold=0)
    late = naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Round-tripping through UTC tells a gap (time never shown) from a fold (shown twice).
        back = early.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
        if back != naive:
            raise _quoting(naive.isoformat(), f"does not exist in {tz_name} (clocks went forward)")
        raise _quoting(naive.isoformat(), f"is ambiguous in {tz_name} (clocks went back)")
    return _checked(early.astimezone(UTC), naive.isoformat())


def parse_date(text: object) -> pendulum.Date:
    if not isinstance(text, str):
        raise TimeError(f"expected an ISO 8601 date string, got {type(text).__name__}")
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _quoting(repr(text), "is not an ISO 8601 date (YYYY-MM-DD)") from None
    if not (EARLIEST_YEAR <= day.year <= LATEST_YEAR):
        raise _quoting(repr(text), f"is outside the accepted years {EARLIEST_YEAR}-{LATEST_YEAR}")
    return pendulum.Date(day.year, day.month, day.day)


def local(moment: dt.datetime) -> pendulum.DateTime:
    """The instant shown in London time, as pendulum (for display and calendars at the edges)."""
    return pendulum.instance(moment).in_timezone(LONDON)


def london(moment: dt.datetime) -> dt.datetime:
    """The instant as a stdlib datetime in London time (the cheap form for the engine)."""
    return moment.astimezone(_LONDON_TZ)


def london_date(moment: dt.datetime) -> dt.date:
    """The London calendar day of an instant."""
    return moment.astimezone(_LONDON_TZ).date()


def end_of_london_day(day: dt.date) -> dt.datetime:
    """The first instant after London day `day` (its midnight), in UTC."""
    # By ordinal: a pendulum Date's own `+ timedelta` costs some 10 µs (measured).
    following = dt.date.fromordinal(day.toordinal() + 1)
    wall = dt.datetime(following.year, following.month, following.day, tzinfo=_LONDON_TZ)
    return wall.astimezone(UTC)


def start_of_london_day(day: dt.date) -> dt.datetime:
    """London midnight at the start of `day`, in UTC."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=_LONDON_TZ).astimezone(UTC)


def iso(moment: dt.datetime | None) -> str | None:
    """London local time with its offset, seconds precision: 2026-03-04T10:00:00+00:00."""
    if moment is None:
        return None
    # timespec drops the microseconds as replace(microsecond=0) did, without a second datetime.
    return moment.astimezone(_LONDON_TZ).isoformat(timespec="seconds")


def now() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """An aware instant as a stdlib datetime in UTC (pendulum values from the edges included)."""
    if moment.tzinfo is UTC and moment.__class__ is dt.datetime:
        return moment  # what the reader gives: nothing to convert (the engine's common case)
    if moment.__class__ is not dt.datetime:
        # pendulum's own arithmetic is slow and its astimezone returns pendulum: rebuild first.
        moment = dt.datetime(
            *moment.timetuple()[:6], moment.microsecond, tzinfo=moment.tzinfo, fold=moment.fold
        )
    return moment.astimezone(UTC)


def utc_instant(timestamp: float) -> dt.datetime:
    """A UTC datetime from a POSIX timestamp."""
    return dt.datetime.fromtimestamp(timestamp, UTC)


@attrs.frozen
class Elapsed:
    """A duration on the real clock (seconds), from an ISO 8601 duration like PT72H or P90D."""

    seconds: int
    _delta: dt.timedelta = attrs.field(init=False, eq=False, repr=False)

    @_delta.default
    def _make_delta(self) -> dt.timedelta:
        return dt.timedelta(seconds=self.seconds)

    def after(self, start: dt.datetime) -> dt.datetime:
        """`start` plus the duration, in UTC; TimeError past the accepted years."""
        end = as_utc(start) + self._delta
        if end >= _DEADLINE_LIMIT:
            raise TimeError(
                f"{iso_duration(self.seconds)} after {start.isoformat()} is past {DEADLINE_YEAR_LIMIT}"
            )
        return end

    def __str__(self) -> str:
        return iso_duration(self.seconds)


@attrs.frozen
class WorkingDays:
    """N working days later at the same London wall-clock time, skipping weekends and holidays."""

    days: int

    def after(self, start: dt.datetime) -> dt.datetime:
        start_local = start.astimezone(_LONDON_TZ)
        if self.days <= 0:
            # No day to move to: the start itself (rebuilding its wall time could lose its fold).
            return as_utc(start)
        day = add_working_days(start_local.date(), self.days)
        wall = dt.datetime.combine(day, start_local.time())
        # The same wall time may not exist on the target day; the first valid instant serves.
        return wall.replace(tzinfo=_LONDON_TZ, fold=0).astimezone(UTC)

    def __str__(self) -> str:
        return f"{self.days} working days"


@functools.cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    # Imported on first use: its 250 countries load in about 0.2 s, skipped by runs without
    # working days.
    import holidays

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


@functools.cache
def _weekday_holidays(year: int) -> tuple[int, ...]:
    # Bank holidays that fall on a weekday, as ordinals (weekend ones cost no working day).
    return tuple(sorted(d.toordinal() for d in _bank_holidays(year) if d.weekday() < 5))


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def _add_weekdays(ordinal: int, n: int) -> int:
    """The ordinal of the n-th weekday after `ordinal` (n >= 1), by arithmetic, not walking."""
    weekday = (ordinal - 1) % 7  # date.fromordinal(1) is a Monday
    if weekday >= 5:  # from a weekend, count as if from the Friday before
        ordinal -= weekday - 4
        weekday = 4
    weeks, rest = divmod(n, 5)
    ordinal += weeks * 7
    if weekday + rest > 4:
        rest += 2  # crossing one weekend
    return ordinal + rest


def _holidays_between(after: int, upto: int) -> int:
    """Weekday bank holidays with `after` < ordinal <= `upto`."""
    first = dt.date.fromordinal(after + 1).year
    last = dt.date.fromordinal(upto).year
    count = 0
    for year in range(first, last + 1):
        days = _weekday_holidays(year)
        count += bisect.bisect_right(days, upto) - bisect.bisect_right(days, after)
    return count


@functools.lru_cache(maxsize=1 << 16)  # a log's deadlines start on a few thousand distinct days
def add_working_days(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n >= 1): weekdays that are not bank holidays.

    Weekdays are counted by arithmetic; each bank holiday passed pushes the target on by one
    more weekday, so the cost grows with the holidays crossed, never with the days.
    """
    if n > (DEADLINE_YEAR_LIMIT - day.year + 1) * 366:
        raise TimeError(f"{n} working days after {day} is past {DEADLINE_YEAR_LIMIT}")
    start = day.toordinal()
    target = _add_weekdays(start, n)
    extra = _holidays_between(start, target)
    while extra:
        if dt.date.fromordinal(target).year > DEADLINE_YEAR_LIMIT:
            raise TimeError(f"{n} working days after {day} is past {DEADLINE_YEAR_LIMIT}")
        moved = _add_weekdays(target, extra)
        extra = _holidays_between(target, moved)
        target = moved
    result = dt.date.fromordinal(target)
    if result.year > DEADLINE_YEAR_LIMIT:
        raise TimeError(f"{n} working days after {day} is past {DEADLINE_YEAR_LIMIT}")
    return result


Duration = Elapsed | WorkingDays

# The longest duration a profile or option may give: longer ones could only point past the
# accepted years, so they are refused where they are read, not where a deadline overflows.
MAX_DURATION_DAYS = 100 * 366


_ISO_DURATION = re.compile(
    r"^P(?:(?P<weeks>\d{1,15})W)?(?:(?P<days>\d{1,15})D)?"
    r"(?:T(?:(?P<hours>\d{1,15})H)?(?:(?P<minutes>\d{1,15})M)?(?:(?P<seconds>\d{1,15})S)?)?$"
)
_WORKING_DAYS = re.compile(r"^(?P<n>\d{1,15})\s*(?:working days?|WD)$", re.IGNORECASE)


def parse_duration(text: str) -> Duration:
    """`PT72H`, `P90D`, `P1W` (elapsed; a day is 24 h) or `5 working days` / `5WD`."""
    value = text.strip()
    wd = _WORKING_DAYS.match(value)
    if wd:
        days = int(wd["n"])
        if days > MAX_DURATION_DAYS:
            raise TimeError(f"{text!r} is longer than {MAX_DURATION_DAYS} days")
        return WorkingDays(days)
    m = _ISO_DURATION.match(value.upper())
    if not m or value.upper() in ("P", "PT") or value.upper().endswith("T"):
        raise TimeError(
            f"{text!r} is not a duration: use ISO 8601 (PT72H, P90D) or 'N working days'"
        )
    parts = {k: int(v) for k, v in m.groupdict().items() if v}
    seconds = (
        parts.get("weeks", 0) * 7 * 86400
        + parts.get("days", 0) * 86400
        + parts.get("hours", 0) * 3600
        + parts.get("minutes", 0) * 60
        + parts.get("seconds", 0)
    )
    if seconds > MAX_DURATION_DAYS * 86400:
        raise TimeError(f"{text!r} is longer than {MAX_DURATION_DAYS} days")
    return Elapsed(seconds)


def iso_duration(seconds: int) -> str:
    # Hours read better up to a week (PT72H is the catalogue's own way); days beyond that.
    if seconds % 86400 == 0 and seconds >= 7 * 86400:
        return f"P{seconds // 86400}D"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return out + (f"{secs}S" if secs or out == "PT" else "")
