"""The one place for time: parsing with the timezone policy, elapsed deadlines, working days.

Deadlines are elapsed time (PROTOCOL.md): 72 hours is 72 x 3600 s on the real clock, so across a
clock change the local wall-clock time of the deadline moves by an hour. Working days skip
weekends and England & Wales bank holidays, taken from the maintained `holidays` calendar.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

import attrs
import holidays
import pendulum

LONDON = "Europe/London"
_LONDON_TZ = pendulum.timezone(LONDON)


class TimeError(ValueError):
    """A time value that cannot be used: malformed, naive without a policy, or non-existent."""


# The years an instant or a date may fall in (docs/contract.md "Accepted range"): every deadline,
# period and output derived from one then stays far inside what datetime can represent.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200
# The longest duration a profile or an option may give (a hundred years): added to any instant
# in the range, the result still lies before year 9999.
LONGEST = dt.timedelta(days=36525)


def check_year(value: dt.date, what: str) -> None:
    """TimeError unless `value` (a date, or an instant in UTC and as given) is in the range."""
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


def _has_offset(text: str) -> bool:
    # An ISO 8601 instant ends in Z or ±hh:mm / ±hhmm / ±hh after the time part.
    return bool(re.search(r"(Z|z|[+-]\d{2}(:?\d{2})?)$", text)) and "T" in text.upper()


def parse_instant(text: object, assume_tz: str | None = None) -> pendulum.DateTime:
    """Parse an ISO 8601 instant. Naive times need `assume_tz`; gap and fold times are refused."""
    if not isinstance(text, str):
        raise TimeError(f"expected an ISO 8601 date-time string, got {type(text).__name__}")
    value = text.strip()
    try:
        parsed = dt.datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise TimeError(f"{text!r} is not an ISO 8601 date-time") from None
    if "T" not in value.upper() and " " not in value:
        raise TimeError(f"{text!r} is a date, not a date-time with an offset")
    if parsed.tzinfo is not None:
        return pendulum.instance(parsed)
    if assume_tz is None:
        raise TimeError(f"{text!r} has no UTC offset (add Z or +01:00, or pass --assume-tz)")
    return localise(parsed, assume_tz)


def localise(naive: dt.datetime, tz_name: str) -> pendulum.DateTime:
    """Attach a zone to a naive wall-clock time, refusing spring-gap and autumn-fold times."""
    try:
        tz = pendulum.timezone(tz_name)
    except Exception:
        raise TimeError(f"unknown time zone {tz_name!r}") from None
    early = naive.replace(tzinfo=tz, fold=0)
    late = naive.replace(tzinfo=tz, fold=1)
    if early.utcoffset() != late.utcoffset():
        # Round-tripping through UTC tells a gap (time never shown) from a fold (shown twice).
        back = early.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None)
        if back != naive:
            raise TimeError(
                f"{naive.isoformat()} does not exist in {tz_name} (clocks went forward)"
            )
        raise TimeError(f"{naive.isoformat()} is ambiguous in {tz_name} (clocks went back)")
    return pendulum.instance(early)


def parse_date(text: object) -> pendulum.Date:
    if not isinstance(text, str):
        raise TimeError(f"expected an ISO 8601 date string, got {type(text).__name__}")
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise TimeError(f"{text!r} is not an ISO 8601 date (YYYY-MM-DD)") from None
    return pendulum.Date(day.year, day.month, day.day)


def local(moment: dt.datetime) -> pendulum.DateTime:
    """The instant shown in London time (what every output uses)."""
    return pendulum.instance(moment).in_timezone(LONDON)


def iso(moment: dt.datetime | None) -> str | None:
    """London local time with its offset, seconds precision: 2026-03-04T10:00:00+00:00."""
    if moment is None:
        return None
    return local(moment).replace(microsecond=0).isoformat()


def now() -> pendulum.DateTime:
    return pendulum.now(LONDON)


def utc_instant(timestamp: float) -> pendulum.DateTime:
    """A UTC pendulum DateTime from a POSIX timestamp (the cheap path rules take per episode)."""
    d = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    return pendulum.DateTime(
        d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, tzinfo=pendulum.UTC
    )


@attrs.frozen
class Elapsed:
    """A duration on the real clock (seconds), from an ISO 8601 duration like PT72H or P90D."""

    seconds: int

    def after(self, start: dt.datetime) -> pendulum.DateTime:
        return utc_instant(start.timestamp() + self.seconds)

    def __str__(self) -> str:
        return iso_duration(self.seconds)


@attrs.frozen
class WorkingDays:
    """N working days later at the same London wall-clock time, skipping weekends and holidays."""

    days: int

    def after(self, start: dt.datetime) -> pendulum.DateTime:
        start_local = local(start)
        if self.days <= 0:
            # No day to move to: the start itself (rebuilding its wall time could lose its fold).
            return start_local
        day = start_local.date()
        remaining = self.days
        while remaining > 0:
            day = day.add(days=1)
            if is_working_day(day):
                remaining -= 1
        wall = dt.datetime.combine(day, start_local.time())
        # The same wall time may not exist on the target day; the first valid instant serves.
        return pendulum.instance(wall.replace(tzinfo=_LONDON_TZ, fold=0))

    def __str__(self) -> str:
        return f"{self.days} working days"


Duration = Elapsed | WorkingDays


@functools.cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


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
        if days > LONGEST.days:  # a working day is at least a day
            raise TimeError(f"{text!r} is longer than {LONGEST.days} days, the longest accepted")
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
    if seconds > LONGEST.total_seconds():
        raise TimeError(f"{text!r} is longer than {LONGEST.days} days, the longest accepted")
    return Elapsed(seconds)


def iso_duration(seconds: int) -> str:
    # Hours read better up to a week (PT72H is the catalogue's own way); days beyond that.
    if seconds % 86400 == 0 and seconds >= 7 * 86400:
        return f"P{seconds // 86400}D"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    out = "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return out + (f"{secs}S" if secs or out == "PT" else "")
