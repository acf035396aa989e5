"""Turning a deadline and a completion time into a finding, the same way for every rule."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import attrs

from missing_protocol import clock
from missing_protocol.episode import Assembly, Episode
from missing_protocol.profiles import Parameters, Profile
from missing_protocol.rules.registry import REGISTRY, Finding, Status

T = TypeVar("T")


@attrs.frozen
class Context:
    """What every rule may read besides its episode: the moment judged, the profile, the log."""

    as_of: dt.datetime
    profile: Profile
    assembly: Assembly
    # The statuses whose findings are wanted (None: all). Others are judged but not worded,
    # e.g. `check --only-problems` never formats the message of a finding it will not show.
    keep: frozenset[Status] | None = None
    # Whether deadline findings are worded: figures that read only statuses and times (the
    # report's compliance section) skip formatting a message per finding.
    worded: bool = True
    _sources: dict[str, str] = attrs.field(factory=dict, eq=False, repr=False)
    # What rules derive once per child and read per episode (e.g. sorted discussion times):
    # without it a child with n episodes costs n² (measured: STRAT-REPEAT was 40% of a check).
    _memo: dict[Hashable, Any] = attrs.field(factory=dict, eq=False, repr=False)

    def parameters(self, episode: Episode) -> Parameters:
        """The profile version in force at the episode's report."""
        return self.profile.at(episode.reported_at)

    def source(self, rule_id: str) -> str:
        """The rule's source as this profile cites it (worded once per check, not per finding)."""
        cited = self._sources.get(rule_id)
        if cited is None:
            cited = self._sources[rule_id] = self.profile.source_for(REGISTRY[rule_id].source)
        return cited

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, once per check for each key (the assembly does not change)."""
        try:
            value: T = self._memo[key]
        except KeyError:
            value = self._memo[key] = compute()
        return value

    def discussion_at_or_after(self, child_id: str, start: dt.datetime) -> dt.datetime | None:
        """The child's first strategy discussion at or after `start` (what STRAT-* and
        SELF-REPORT-* read): the child's times are sorted once, then searched."""
        times = self.memo(("discussions", child_id), lambda: self._discussion_times(child_id))
        index = bisect.bisect_left(times, clock.as_utc(start))
        return times[index] if index < len(times) else None

    def _discussion_times(self, child_id: str) -> list[dt.datetime]:
        talks = self.assembly.strategy_discussions.get(child_id, ())
        # In UTC: aware datetimes of one zone compare (and so sort) exactly by instant.
        return sorted(clock.as_utc(t.at) for t in talks)

    def wanted(self, status: Status) -> bool:
        return self.keep is None or status in self.keep


def status_of(due: dt.datetime, done: dt.datetime | None, as_of: dt.datetime) -> Status:
    if done is not None:
        return Status.MET if done <= due else Status.LATE
    return Status.PENDING if due > as_of else Status.OVERDUE


def _span(start: dt.datetime, end: dt.datetime) -> str:
    # Each unit from where the one below would round to 60: never "0 h" or "60 s" (so a second
    # or a few minutes late is still late, and a date's due missed by a microsecond is "1 s").
    seconds = abs(end.timestamp() - start.timestamp())
    if seconds < 59.5:
        return f"{max(1, round(seconds))} s"
    if seconds < 59.5 * 60:
        return f"{round(seconds / 60)} min"
    hours = seconds / 3600
    return f"{hours:.0f} h" if hours < 72 else f"{hours / 24:.1f} days"


# What a rule gives for a finding whose status the check does not keep (`Context.keep`): the
# status alone, which `evaluate` reads to drop it.
_UNWANTED = {
    status: Finding(status.value, status, None, None, None, None, None, "", "") for status in Status
}


def finding(
    rule_id: str,
    episode: Episode,
    ctx: Context,
    *,
    status: Status,
    responsible: str | None,
    message: str,
    due: dt.datetime | None = None,
    done: dt.datetime | None = None,
) -> Finding:
    if not ctx.wanted(status):
        return _UNWANTED[status]  # judged, but not part of the answer: nothing to build
    return Finding(
        rule=rule_id,
        status=status,
        episode_id=episode.episode_id,
        child_id=episode.child_id,
        responsible=responsible,
        due=due,
        done=done,
        message=message,
        source=ctx.source(rule_id),
    )


def deadline_finding(
    rule_id: str,
    episode: Episode,
    ctx: Context,
    *,
    what: str,
    due: dt.datetime,
    done: dt.datetime | None,
    responsible: str,
) -> Finding:
    """A duty with a deadline: met / late by when it was done, else pending / overdue at as_of."""
    status = status_of(due, done, ctx.as_of)
    return finding(
        rule_id,
        episode,
        ctx,
        status=status,
        responsible=responsible,
        message=deadline_message(what, status, due, done)
        if ctx.worded and ctx.wanted(status)
        else "",
        due=due,
        done=done,
    )


def deadline_message(what: str, status: Status, due: dt.datetime, done: dt.datetime | None) -> str:
    """The wording of a deadline finding, shared by rules on episodes and on other subjects."""
    when = clock.iso(due)
    if status is Status.MET:
        return f"{what}: done {clock.iso(done)}, due by {when}"
    if status is Status.LATE:
        assert done is not None
        return f"{what}: done {clock.iso(done)}, {_span(due, done)} after the deadline {when}"
    # Pending and overdue read the same: a later check with no new events changes only the
    # status (issue 4: as-of monotonicity), so the message must not depend on as_of at all.
    return f"{what}: not done; due by {when}"
