"""Time (PROTOCOL.md Definitions, CONTRACT §1): elapsed deadlines, the naive-time policy, working
days. Every Europe/London clock change from 2000 to 2040 is exercised; the transitions are found
from the tz database here, independently of the code under test.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missing_protocol import clock
from missing_protocol.clock import Elapsed, TimeError, WorkingDays, parse_duration, parse_instant

LONDON = ZoneInfo("Europe/London")
HOUR = 3600
DAY = 86400


def _offset(moment: dt.datetime) -> dt.timedelta:
    offset = moment.astimezone(LONDON).utcoffset()
    assert offset is not None
    return offset


def _london_transitions(
    first: int, last: int
) -> list[tuple[dt.datetime, dt.timedelta, dt.timedelta]]:
    """(instant in UTC, offset before, offset after) of every London clock change, from the tz
    database: scan day by day, then hour by hour inside the day where the offset changed."""
    found = []
    day = dt.datetime(first, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(last + 1, 1, 1, tzinfo=dt.UTC)
    while day < end:
        nxt = day + dt.timedelta(days=1)
        if _offset(day) != _offset(nxt):
            moment = day
            while _offset(moment) == _offset(day):
                moment += dt.timedelta(hours=1)
            found.append((moment, _offset(day), _offset(moment)))
        day = nxt
    return found


TRANSITIONS = _london_transitions(2000, 2040)
SPRING = [t for t in TRANSITIONS if t[2] > t[1]]
AUTUMN = [t for t in TRANSITIONS if t[2] < t[1]]

elapsed_durations = st.one_of(
    st.integers(0, 10 * DAY).map(Elapsed),
    st.integers(0, 240).map(lambda h: parse_duration(f"PT{h}H")),
    st.integers(0, 10).map(lambda d: parse_duration(f"P{d}D")),
    st.integers(0, 3000).map(lambda m: parse_duration(f"PT{m}M")),
)


def _start(instant: dt.datetime, form: str) -> dt.datetime:
    """The same instant in the shapes a start can take in the library."""
    if form == "zoneinfo":
        return instant.astimezone(LONDON)
    if form == "pendulum-london":
        return pendulum.instance(instant).in_timezone("Europe/London")
    if form == "utc":
        return instant.astimezone(dt.UTC)
    # As read from a log: the London wall time with its offset, parsed.
    return parse_instant(instant.astimezone(LONDON).isoformat())


def test_the_transitions_found_are_the_uk_rule() -> None:
    """PROTOCOL Definitions: clocks change at 01:00 UTC on the last Sunday of March and October;
    41 years give 82 changes (a check on the oracle the properties below rely on)."""
    assert len(SPRING) == len(AUTUMN) == 41
    for moment, before, after in TRANSITIONS:
        assert moment.hour == 1 and moment.minute == 0
        assert moment.weekday() == 6 and (moment + dt.timedelta(days=7)).month != moment.month
        assert moment.month in (3, 10)
        assert {before, after} == {dt.timedelta(0), dt.timedelta(hours=1)}


@settings(max_examples=400, deadline=None)
@given(
    transition=st.sampled_from(TRANSITIONS),
    offset=st.integers(-4 * DAY, 4 * DAY),
    duration=elapsed_durations,
    form=st.sampled_from(["zoneinfo", "pendulum-london", "utc", "parsed"]),
)
def test_elapsed_deadline_is_exact_across_every_clock_change(
    transition: tuple[dt.datetime, dt.timedelta, dt.timedelta],
    offset: int,
    duration: clock.Duration,
    form: str,
) -> None:
    """PROTOCOL Definitions ("Deadlines are elapsed time"): deadline - start is exactly the
    duration in seconds, so across a clock change the wall-clock time moves by the change."""
    assert isinstance(duration, Elapsed)
    instant = transition[0] + dt.timedelta(seconds=offset)
    start = _start(instant, form)
    deadline = duration.after(start)

    elapsed = deadline - dt.datetime.fromtimestamp(start.timestamp(), dt.UTC)
    assert elapsed == dt.timedelta(seconds=duration.seconds)
    assert elapsed.total_seconds() == duration.seconds
    assert deadline.timestamp() - start.timestamp() == duration.seconds
    # The London wall clock moves by the elapsed time plus any change of offset in between.
    wall_start = clock.local(start).replace(tzinfo=None)
    wall_deadline = clock.local(deadline).replace(tzinfo=None)
    shift = _offset(deadline) - _offset(start)
    assert wall_deadline - wall_start == dt.timedelta(seconds=duration.seconds) + shift
    # Same instant (== between zones is False inside a fold under PEP 495, so use timestamps).
    assert clock.local(deadline).timestamp() == deadline.timestamp()


@settings(max_examples=400, deadline=None)
@given(
    transition=st.sampled_from(TRANSITIONS),
    minutes=st.integers(-180, 180),
    seconds=st.integers(0, 59),
)
def test_naive_london_times_in_a_gap_or_fold_are_rejected_others_accepted(
    transition: tuple[dt.datetime, dt.timedelta, dt.timedelta], minutes: int, seconds: int
) -> None:
    """CONTRACT §1: with assume_tz=Europe/London a local time that does not exist (spring gap)
    or is ambiguous (autumn fold) is rejected, never guessed; any other local time is accepted
    and means that wall-clock time in London."""
    moment, before, after = transition
    naive_change = moment.replace(tzinfo=None)
    low = naive_change + min(before, after)  # first wall time skipped or shown twice
    high = naive_change + max(before, after)
    naive = low + dt.timedelta(minutes=minutes, seconds=seconds)
    text = naive.isoformat()

    with pytest.raises(TimeError, match="no UTC offset"):
        parse_instant(text)
    if low <= naive < high:
        words = "does not exist" if after > before else "ambiguous"
        with pytest.raises(TimeError, match=words):
            parse_instant(text, assume_tz="Europe/London")
    else:
        parsed = parse_instant(text, assume_tz="Europe/London")
        assert parsed.astimezone(LONDON).replace(tzinfo=None) == naive
        expected = naive.replace(tzinfo=LONDON)
        assert parsed.timestamp() == expected.timestamp()
        assert parsed.utcoffset() == dt.timedelta(0)  # instants are held in UTC inside


@settings(max_examples=300, deadline=None)
@given(
    transition=st.sampled_from(TRANSITIONS),
    offset=st.integers(-3 * HOUR, 3 * HOUR),
    micro=st.integers(0, 999_999),
    form=st.sampled_from(["zoneinfo", "pendulum-london", "utc"]),
)
def test_iso_output_names_the_instant(
    transition: tuple[dt.datetime, dt.timedelta, dt.timedelta], offset: int, micro: int, form: str
) -> None:
    """CONTRACT §3 (`due`, `done` as London time with offset): the text printed near a clock
    change parses back to the same instant (to the second), in the fold as elsewhere."""
    instant = transition[0] + dt.timedelta(seconds=offset, microseconds=micro)
    moment = _start(instant, form)
    text = clock.iso(moment)
    assert text is not None
    back = parse_instant(text)
    assert back.timestamp() == int(instant.timestamp())
    # The text carries London's offset at that instant (the value read back is held in UTC).
    assert text.endswith("+01:00" if _offset(instant) else "+00:00")


@pytest.mark.parametrize(
    ("start", "duration", "due"),
    [
        # 10:00 BST on the Saturday before the clocks go back, + 72 h: 09:00 GMT on Tuesday.
        ("2026-10-24T10:00:00+01:00", "PT72H", "2026-10-27T09:00:00+00:00"),
        ("2026-10-24T12:00:00+01:00", "PT72H", "2026-10-27T11:00:00+00:00"),
        # Spring: 10:00 GMT on the Saturday before the clocks go forward -> 11:00 BST Tuesday.
        ("2026-03-28T10:00:00+00:00", "PT72H", "2026-03-31T11:00:00+01:00"),
        ("2026-03-28T10:00:00Z", "PT24H", "2026-03-29T11:00:00+01:00"),
        # 01:30 comes twice on 25 October 2026: the offset tells which one.
        ("2026-10-25T00:30:00+01:00", "PT1H", "2026-10-25T01:30:00+01:00"),
        ("2026-10-25T00:30:00+01:00", "PT2H", "2026-10-25T01:30:00+00:00"),
        ("2026-01-01T00:00:00+00:00", "P90D", "2026-04-01T01:00:00+01:00"),
    ],
)
def test_elapsed_deadline_examples(start: str, duration: str, due: str) -> None:
    """PROTOCOL Definitions / RHI-72H: 72 hours is 72 x 3600 s, so the wall-clock time moves
    by an hour across a clock change (shown in London time with its offset)."""
    deadline = parse_duration(duration).after(parse_instant(start))
    assert clock.iso(deadline) == due
    assert deadline == parse_instant(due)


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Christmas Day (Fri) and Boxing Day observed on Monday 28 December 2026.
        ("2026-12-24T10:00:00+00:00", 1, "2026-12-29T10:00:00+00:00"),
        # Good Friday 3 April and Easter Monday 6 April 2026.
        ("2026-04-02T10:00:00+01:00", 1, "2026-04-07T10:00:00+01:00"),
        # Weekend only: Friday to Monday.
        ("2026-06-05T16:00:00+01:00", 1, "2026-06-08T16:00:00+01:00"),
        # 2 January is a Scottish bank holiday only: a working day in England.
        ("2025-12-31T09:00:00+00:00", 1, "2026-01-02T09:00:00+00:00"),
        # Same wall-clock time across the clock change (STRAT-REPEAT: 5 working days).
        ("2026-10-23T10:00:00+01:00", 5, "2026-10-30T10:00:00+00:00"),
        ("2026-03-27T09:00:00+00:00", 1, "2026-03-30T09:00:00+01:00"),
        # From a Saturday the count starts on Monday.
        ("2026-06-06T12:00:00+01:00", 5, "2026-06-12T12:00:00+01:00"),
        # PLAN-AFTER-RHI default: 10 working days, over the May Day bank holiday (4 May 2026).
        ("2026-04-30T15:00:00+01:00", 10, "2026-05-15T15:00:00+01:00"),
    ],
)
def test_working_days_examples(start: str, days: int, due: str) -> None:
    """PROTOCOL Definitions: working days skip weekends and England & Wales bank holidays and
    keep the London wall-clock time."""
    assert clock.iso(WorkingDays(days).after(parse_instant(start))) == due


def test_zero_working_days_in_the_fold_is_the_start() -> None:
    """PROTOCOL Definitions: 0 working days is no time at all, even at 01:30 GMT on the night
    the clocks go back (a wall time shown twice)."""
    start = parse_instant("2026-10-25T01:30:00+00:00")
    assert WorkingDays(0).after(start).timestamp() == start.timestamp()
    assert WorkingDays(0).after(start).utcoffset() == dt.timedelta(0)


def test_working_days_elapsed_time_changes_with_the_clocks() -> None:
    """PROTOCOL Definitions: a working-day deadline is a wall-clock rule, so 5 working days
    across the autumn change is 7 days and 1 hour of real time."""
    start = parse_instant("2026-10-23T10:00:00+01:00")
    assert WorkingDays(5).after(start) - start == dt.timedelta(days=7, hours=1)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        ("2026-12-25", False),
        ("2026-12-26", False),
        ("2026-12-28", False),  # Boxing Day (observed)
        ("2026-04-06", False),  # Easter Monday
        ("2026-04-03", False),  # Good Friday
        ("2026-08-31", False),  # Summer bank holiday (England, not Scotland's)
        ("2026-08-03", True),  # Scotland's summer bank holiday: a working day in England
        ("2026-11-30", True),  # St Andrew's Day (Scotland only)
        ("2026-03-17", True),  # St Patrick's Day (Northern Ireland only)
        ("2026-06-06", False),  # Saturday
        ("2026-06-07", False),  # Sunday
        ("2026-06-08", True),
    ],
)
def test_is_working_day(day: str, working: bool) -> None:
    """PROTOCOL Definitions: England & Wales bank holidays and weekends are not working days."""
    assert clock.is_working_day(dt.date.fromisoformat(day)) is working


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2040, 12, 1),
        timezones=st.just(dt.UTC),
    ),
    days=st.integers(1, 30),
)
def test_working_days_property(start: dt.datetime, days: int) -> None:
    """PROTOCOL Definitions: N working days later lands on a working day at the same London
    wall-clock time, with exactly N working days in between."""
    assert WorkingDays(0).after(start).timestamp() == start.timestamp()
    due = WorkingDays(days).after(start)
    local_start, local_due = clock.local(start), clock.local(due)
    assert clock.is_working_day(local_due.date())
    assert local_due.weekday() < 5
    assert local_due.time() == local_start.time()
    assert due > start
    count = 0
    day = local_start.date()
    while day < local_due.date():
        day = day.add(days=1)
        count += clock.is_working_day(day)
    assert count == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("PT72H", Elapsed(72 * HOUR)),
        ("P90D", Elapsed(90 * DAY)),
        ("P1W", Elapsed(7 * DAY)),
        ("P1DT12H", Elapsed(36 * HOUR)),
        ("PT30M", Elapsed(30 * 60)),
        ("pt24h", Elapsed(24 * HOUR)),
        ("5 working days", WorkingDays(5)),
        ("1 working day", WorkingDays(1)),
        ("10 Working Days", WorkingDays(10)),
        ("5WD", WorkingDays(5)),
        (" PT72H ", Elapsed(72 * HOUR)),
    ],
)
def test_parse_duration_accepts(text: str, expected: clock.Duration) -> None:
    """PROTOCOL Rules: profile durations are ISO 8601 (elapsed, a day is 24 h) or N working days."""
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "P",
        "PT",
        "P1DT",
        "72",
        "72h",
        "72 hours",
        "P1M",  # months have no fixed length
        "P1Y",
        "PT1.5H",
        "-PT1H",
        "PT-1H",
        "five working days",
        "1.5 working days",
        "5 days",
        "soon",
        "PT72H junk",
    ],
)
def test_parse_duration_rejects_junk(text: str) -> None:
    """PROTOCOL Rules: a duration that is neither ISO 8601 nor N working days is refused."""
    with pytest.raises(TimeError):
        parse_duration(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=20))
def test_parse_duration_never_crashes(text: str) -> None:
    """PROTOCOL Rules: any text is a duration or a TimeError, never another exception."""
    try:
        duration = parse_duration(text)
    except TimeError:
        return
    assert isinstance(duration, Elapsed | WorkingDays)


@given(st.integers(0, 400 * DAY))
def test_elapsed_duration_round_trips_through_its_text(seconds: int) -> None:
    """PROTOCOL Profiles (`missing-protocol rules` prints values in force): str() parses back."""
    assert parse_duration(str(Elapsed(seconds))) == Elapsed(seconds)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",  # a date, not a date-time
        "yesterday",
        "2026-13-01T10:00:00Z",
        "2026-03-01T25:00:00Z",
        "",
    ],
)
def test_parse_instant_rejects_junk(text: str) -> None:
    """CONTRACT §1: `at` is an ISO 8601 date-time with an offset."""
    with pytest.raises(TimeError):
        parse_instant(text, assume_tz="Europe/London")


@pytest.mark.parametrize("value", [None, 1700000000, 1.5, True, ["2026-03-01T10:00:00Z"]])
def test_parse_instant_rejects_non_strings(value: object) -> None:
    """CONTRACT §1: times are ISO 8601 strings; any other JSON value is a wrong value."""
    with pytest.raises(TimeError):
        parse_instant(value)


def test_parse_instant_keeps_the_instant_given() -> None:
    """CONTRACT §1: an explicit offset is always accepted, even for a wall time shown twice."""
    first = parse_instant("2026-10-25T01:30:00+01:00")
    second = parse_instant("2026-10-25T01:30:00+00:00")
    assert second - first == dt.timedelta(hours=1)
    assert parse_instant("2026-03-01T10:00:00Z") == parse_instant("2026-03-01T10:00:00+00:00")
    assert parse_instant("2026-03-01T10:00:00", assume_tz="UTC") == parse_instant(
        "2026-03-01T10:00:00Z"
    )


def test_parse_instant_unknown_zone() -> None:
    """CONTRACT §3 `--assume-tz TZ`: an unknown zone name is a TimeError, not a crash."""
    with pytest.raises(TimeError, match="unknown time zone"):
        parse_instant("2026-03-01T10:00:00", assume_tz="Europe/Atlantis")
