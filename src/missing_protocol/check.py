"""CONTRACT §3: events -> episodes -> findings -> CheckResult (+ to_dict, the JSON contract)."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from missing_protocol import clock, profiles
from missing_protocol.episode import Assembly, Episode, assemble, error_for
from missing_protocol.formats.events import Parsed, read_file, read_objects
from missing_protocol.model import Event, EventError, PlanMade, error_order
from missing_protocol.profiles import Profile
from missing_protocol.rules import Context, Finding, Status, Subject, rules_of
from missing_protocol.rules.plan import action_due

Source = str | os.PathLike[str] | Iterable[Any]


@attrs.frozen
class Counts:
    events: int
    accepted: int
    rejected: int
    episodes: int
    children: int

    def to_dict(self) -> dict[str, int]:
        return attrs.asdict(self)

    def __getitem__(self, key: str) -> int:
        """`result.counts["events"]` reads as in the JSON (CONTRACT §3), for embedders."""
        if key not in attrs.fields_dict(Counts):
            raise KeyError(key)
        value: int = getattr(self, key)
        return value


@attrs.frozen
class CheckResult:
    as_of: dt.datetime
    profile: str
    counts: Counts
    findings: tuple[Finding, ...]
    errors: tuple[EventError, ...]
    assembly: Assembly = attrs.field(eq=False, repr=False)
    # CONTRACT §3 `warnings`: accepted, but looks like a producer's mistake (an unknown field).
    warnings: tuple[EventError, ...] = ()

    def by_status(self) -> dict[str, int]:
        tally = Counter(f.status.value for f in self.findings)
        return {s.value: tally.get(s.value, 0) for s in Status}

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status.is_problem)

    @property
    def exit_code(self) -> int:
        """0 when nothing is late, overdue, breached or rejected; else 1 (CONTRACT §3)."""
        return 1 if self.problems or self.errors else 0

    def to_dict(self, *, only_problems: bool = False) -> dict[str, Any]:
        shown = self.problems if only_problems else self.findings
        return {
            "as_of": clock.iso(self.as_of),
            "profile": self.profile,
            "counts": self.counts.to_dict(),
            "findings": [f.to_dict() for f in shown],
            "errors": [error_dict(e) for e in self.errors],
            # CONTRACT §3: an optional key, left out when there is nothing to warn about.
            **({"warnings": [error_dict(w) for w in self.warnings]} if self.warnings else {}),
        }


def error_dict(error: EventError) -> dict[str, Any]:
    record: dict[str, Any] = {"line": error.line, "field": error.field, "message": error.message}
    if error.file is not None:
        record["file"] = error.file
    return record


FindingKey = tuple[Any, ...]


def evaluate_keyed(
    assembly: Assembly,
    as_of: dt.datetime,
    profile: Profile,
    *,
    include_intelligence: bool = False,
    keep: frozenset[Status] | None = None,
    episodes: Iterable[Episode] | None = None,
    worded: bool = True,
    tally: Counter[str] | None = None,
) -> Iterator[tuple[FindingKey, Finding]]:
    """Every finding with the key that orders it in the output (pure).

    Episodes in report order, each episode's rules in catalogue order, then self-reports in
    time order: the key lets findings judged apart (per child, in parallel) merge back into
    exactly the order one whole check gives. `keep` limits the findings to those statuses;
    `worded=False` leaves deadline findings' messages empty (for figures that never show them).
    `tally` counts every finding by status, kept or not (the text output's summary).
    """
    ctx = Context(
        as_of=clock.as_utc(as_of), profile=profile, assembly=assembly, keep=keep, worded=worded
    )
    protocol = [rule.evaluate for rule in rules_of("protocol", Subject.EPISODE)]
    for episode in assembly.episodes if episodes is None else episodes:
        at, episode_id = episode.reported_at.timestamp(), episode.episode_id
        for index, judge in enumerate(protocol):
            found = judge(episode, ctx)
            if found is None:
                continue
            # A rule may give one finding per item (PLAN-ACTION-DUE: per action), in item order.
            if found.__class__ is tuple:
                for item, one in enumerate(found):
                    if one is not None and tally is not None:
                        tally[one.status.value] += 1
                    if one is not None and (keep is None or one.status in keep):
                        yield (0, at, episode_id, index, item), one
                continue
            if tally is not None:
                tally[found.status.value] += 1
            if keep is None or found.status in keep:
                yield (0, at, episode_id, index, 0), found
    if include_intelligence:
        on_reports = rules_of("protocol", Subject.SELF_REPORT)
        for report in assembly.self_reports:
            order = (report.at.timestamp(), report.type, repr(report))
            for index, rule in enumerate(on_reports):
                found = rule.evaluate(report, ctx)
                if found is not None and tally is not None:
                    tally[found.status.value] += 1
                if found is not None and (keep is None or found.status in keep):
                    yield (1, *order, index), found


def evaluate(
    assembly: Assembly,
    as_of: dt.datetime,
    profile: Profile,
    *,
    include_intelligence: bool = False,
    episodes: Iterable[Episode] | None = None,
    worded: bool = True,
) -> tuple[Finding, ...]:
    """Every protocol rule on every episode, as of `as_of` (pure).

    With `include_intelligence`, also the rules on young people's self-reports (restricted
    detail, so never judged by default). `episodes` judges only those (e.g. the one episode a
    service asks about), the whole assembly still being what the rules read.
    """
    keyed = evaluate_keyed(
        assembly,
        as_of,
        profile,
        include_intelligence=include_intelligence,
        episodes=episodes,
        worded=worded,
    )
    return tuple(found for _, found in keyed)


def parse_as_of(value: str | dt.date | None, assume_tz: str | None = None) -> dt.datetime:
    """`as_of`: now by default; a date means the end of that day in London; naive is London.

    TimeError outside the accepted years (clock.EARLIEST_YEAR to LATEST_YEAR)."""
    moment = _as_of(value, assume_tz)
    clock.check_year(moment, "as of")
    return moment


def _as_of(value: str | dt.date | None, assume_tz: str | None) -> dt.datetime:
    if value is None:
        return clock.now()
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return clock.localise(value, assume_tz or clock.LONDON)
        return clock.as_utc(value)
    if isinstance(value, dt.date):  # a date, as on the command line
        return _day_end(value)
    if not isinstance(value, str):
        raise TypeError(f"as_of must be a date-time, a date or ISO 8601 text, not {value!r}")
    text = value.strip()
    if "T" not in text.upper() and " " not in text:
        try:
            dt.date.fromisoformat(text)
        except ValueError:  # neither form: say both are taken, not only "a date"
            raise clock.TimeError(f"{value!r} is not an ISO 8601 date or date-time") from None
        return _day_end(clock.parse_date(text))
    return clock.parse_instant(text, assume_tz or clock.LONDON)


def _day_end(day: dt.date) -> dt.datetime:
    """The last second of `day` in London: what a date given as `as_of` means."""
    return clock.localise(dt.datetime(day.year, day.month, day.day, 23, 59, 59), clock.LONDON)


def many_events(objects: Iterable[Any], what: str) -> Iterable[Any]:
    """`objects` if it can be a log of events; one event (a mapping), text or bytes is a
    caller's slip, a TypeError: iterated, it would give one rejected "event" per key or byte."""
    if isinstance(objects, Mapping | str | bytes | bytearray):
        kind = (
            "one event (a mapping): pass [event]"
            if isinstance(objects, Mapping)
            else (f"{type(objects).__name__}: pass a list of events (or a file path to check)")
        )
        raise TypeError(f"{what}: expected an iterable of events, got {kind}")
    return objects


def _parsed(source: Source, assume_tz: str | None) -> Iterator[Parsed]:
    if isinstance(source, str | os.PathLike):
        return read_file(source, assume_tz)
    return read_objects(many_events(source, "events"), assume_tz)


@attrs.frozen
class Judged:
    """What one partition gives: counts, rejected events, warnings and its findings, keyed."""

    counts: Counts
    errors: tuple[EventError, ...]
    warnings: tuple[EventError, ...]
    # A tuple from `judge`, a stream from `judge_streamed`.
    findings: Iterable[tuple[FindingKey, Finding]]
    assembly: Assembly = attrs.field(eq=False, repr=False)
    # Every finding by status, kept or not (asked for with `tally`; else empty).
    statuses: Counter[str] = attrs.field(factory=Counter)


def warnings_of(events: Iterable[Event]) -> list[EventError]:
    """CONTRACT §3 `warnings`: each field name an accepted-by-the-reader event does not define,
    and each plan action due before its plan was made (judged as given, but surely a typo)."""
    found = []
    for event in events:
        for name in event.origin.unknown:
            message = f"unknown field {name!r} for a {event.type} event: ignored"
            found.append(error_for(event, name, message))
        if event.__class__ is PlanMade:
            found += _due_before_plan(event)
    return found


def _due_before_plan(plan: PlanMade) -> list[EventError]:
    found = []
    for index, action in enumerate(plan.actions):
        due = action_due(action, plan)
        if due is not None and due < plan.at:
            field = f"actions[{index}].due" if action.due is not None else "due"
            message = (
                f"{action.kind.value} is due {clock.iso(due)}, before the plan was made at "
                f"{clock.iso(plan.at)}: judged as given"
            )
            found.append(error_for(plan, field, message))
    return found


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while a log is read and judged.

    Events, episodes and findings are frozen values with no reference cycles, so there is
    nothing for it to find; yet with a large heap of them its passes cost more than reading
    (measured: about 40% of a check). Restored as it was, whatever happens.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def judge(
    parsed: Iterable[Parsed],
    as_of: dt.datetime,
    profile: Profile,
    *,
    include_intelligence: bool = False,
    keep: frozenset[Status] | None = None,
    tally: bool = False,
) -> Judged:
    """Assemble and judge parsed events (typed events and reader errors) of whole children;
    with `tally`, every finding is counted by status, kept or not."""
    with paused_gc():
        judged = judge_streamed(
            parsed,
            as_of,
            profile,
            include_intelligence=include_intelligence,
            keep=keep,
            tally=tally,
        )
        return attrs.evolve(judged, findings=tuple(judged.findings))


def judge_streamed(
    parsed: Iterable[Parsed],
    as_of: dt.datetime,
    profile: Profile,
    *,
    include_intelligence: bool = False,
    keep: frozenset[Status] | None = None,
    tally: bool = False,
) -> Judged:
    """`judge`, its findings a stream judged as it is read: a partition's memory is its
    assembly, not every finding as well. Its statuses are complete once the stream is."""
    with paused_gc():
        counts, errors, warnings, assembly = _assembled(parsed)
    statuses: Counter[str] = Counter()
    keyed = evaluate_keyed(
        assembly,
        as_of,
        profile,
        include_intelligence=include_intelligence,
        keep=keep,
        tally=statuses if tally else None,
    )
    return Judged(counts, errors, warnings, _paused(keyed), assembly, statuses)


def _paused(keyed: Iterator[tuple[FindingKey, Finding]]) -> Iterator[tuple[FindingKey, Finding]]:
    with paused_gc():  # findings are frozen values, as events are: nothing cyclic
        yield from keyed


def _assembled(
    parsed: Iterable[Parsed],
) -> tuple[Counts, tuple[EventError, ...], tuple[EventError, ...], Assembly]:
    """The assembly of parsed events, their counts, rejected events and warnings."""
    events: list[Event] = []
    rejected: list[EventError] = []
    total = 0
    for item in parsed:
        total += 1
        if isinstance(item, EventError):
            rejected.append(item)
        else:
            events.append(item)
    assembly = assemble(events)
    errors = sorted([*rejected, *assembly.errors], key=error_order)
    counts = Counts(
        events=total,
        accepted=assembly.accepted,
        rejected=len(errors),
        episodes=len(assembly.episodes),
        children=len(assembly.child_ids),
    )
    warnings = sorted(warnings_of(events), key=error_order)
    return counts, tuple(errors), tuple(warnings), assembly


def check_parsed(
    parsed: Iterable[Parsed],
    *,
    as_of: str | dt.datetime | None = None,
    profile: str | os.PathLike[str] | Profile = "statutory",
    progress: Callable[[int], None] | None = None,
    include_intelligence: bool = False,
) -> CheckResult:
    """Check already-parsed input (typed events and reader errors), e.g. from several files."""
    moment = parse_as_of(as_of)
    chosen = profiles.load(profile)
    with paused_gc():
        counts, errors, warnings, assembly = _assembled(_counting(parsed, progress))
        # One assembly judged in order: its findings need no keys to merge by (about 150 B a
        # finding that `judge` keeps for partitions judged apart).
        findings = evaluate(assembly, moment, chosen, include_intelligence=include_intelligence)
    return CheckResult(
        as_of=moment,
        profile=chosen.name,
        counts=counts,
        findings=findings,
        errors=errors,
        assembly=assembly,
        warnings=warnings,
    )


def _counting(parsed: Iterable[Parsed], progress: Callable[[int], None] | None) -> Iterator[Parsed]:
    for total, item in enumerate(parsed, start=1):
        if progress is not None and total % 1000 == 0:
            progress(total)
        yield item


def check(
    events: Source,
    *,
    as_of: str | dt.datetime | None = None,
    profile: str | os.PathLike[str] | Profile = "statutory",
    assume_tz: str | None = None,
    include_intelligence: bool = False,
) -> CheckResult:
    """Check an event log: a file path, or an iterable of JSON objects (dicts) or typed events
    (or of `pathlib` paths: several log files, read as the CLI reads them).

    as_of defaults to now; profile is `statutory`, `london`, a TOML path or a Profile.
    `include_intelligence` adds findings on young people's self-reports (restricted detail).
    An unknown `assume_tz` is a TimeError (a ValueError) before anything is read.
    """
    clock.check_zone(assume_tz)
    return check_parsed(
        _parsed(events, assume_tz),
        as_of=as_of,
        profile=profile,
        include_intelligence=include_intelligence,
    )
