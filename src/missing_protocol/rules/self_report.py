"""SELF-REPORT-FOLLOW-UP (Local): a self-report that matches no recorded episode is a duty.

The rule judges self-reports, not episodes (`Subject.SELF_REPORT`), and `check` runs it only
with `include_intelligence`: a self-report is restricted detail. Its findings carry no episode
and a message with no detail from the young person's account (no reasons, no place).

Done means a strategy discussion for the child at or after the self-report was submitted. An
episode recorded for that period turns the self-report into a match (not required): the log
says when a child went missing, not when the record was typed, so a later record cannot be
timed against the deadline.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence

from missing_protocol import clock
from missing_protocol.clock import Duration
from missing_protocol.episode import Episode
from missing_protocol.matching import Match, MatchClass, classify
from missing_protocol.model import SelfReport
from missing_protocol.rules.judge import Context, deadline_message, status_of
from missing_protocol.rules.registry import REGISTRY, Finding, Status, Subject, rule

RULE_ID = "SELF-REPORT-FOLLOW-UP"
UNKNOWN_OWNER = "unknown"


def match_of(report: SelfReport, ctx: Context) -> Match:
    """The self-report classified with the tolerance in force when it was submitted."""
    tolerance = ctx.profile.at(report.at).self_report_tolerance
    return classify(report, _near(report, ctx, tolerance), tolerance)


_NEVER_ENDS = dt.datetime.max.replace(tzinfo=dt.UTC)


def _near(report: SelfReport, ctx: Context, tolerance: Duration) -> Sequence[Episode]:
    """The child's episodes (in report order) that may overlap the stay away: those reported by
    its end with the tolerance, from the first whose reach (its end with the tolerance, at the
    latest of any before it) is not before its start. Every episode `classify` can find lies in
    between, so a child with thousands of episodes and self-reports does not cost their product."""
    child = report.child_id
    starts, reach = ctx.memo(
        ("self-report reach", child, tolerance), lambda: _reach(ctx, child, tolerance)
    )
    until = bisect.bisect_right(starts, clock.as_utc(tolerance.after(report.away_end)))
    since = bisect.bisect_left(reach, clock.as_utc(report.away_start), 0, until)
    return ctx.assembly.episodes_of(child)[since:until]


def _reach(
    ctx: Context, child_id: str, tolerance: Duration
) -> tuple[list[dt.datetime], list[dt.datetime]]:
    """The child's report times, and the running latest of their ends with the tolerance (an open
    episode reaches forever), both in UTC and so both sorted."""
    starts: list[dt.datetime] = []
    reach: list[dt.datetime] = []
    latest: dt.datetime | None = None
    for episode in ctx.assembly.episodes_of(child_id):
        starts.append(clock.as_utc(episode.reported_at))
        end = episode.ended_at
        try:
            ends = _NEVER_ENDS if end is None else clock.as_utc(tolerance.after(end))
        except clock.TimeError:
            ends = _NEVER_ENDS  # past the accepted years: kept, for `classify` to judge
        latest = ends if latest is None or ends > latest else latest
        reach.append(latest)
    return starts, reach


def follow_up_owner(report: SelfReport, ctx: Context) -> str:
    """The responsible authority of the child's latest episode, else the profile's home one."""
    episodes = ctx.assembly.episodes_of(report.child_id)
    if episodes:
        return episodes[-1].responsible_authority
    return ctx.profile.at(report.at).home_authority or UNKNOWN_OWNER


def _finding(
    report: SelfReport,
    ctx: Context,
    status: Status,
    message: str,
    due: dt.datetime | None = None,
    done: dt.datetime | None = None,
) -> Finding:
    return Finding(
        rule=RULE_ID,
        status=status,
        episode_id=None,
        child_id=report.child_id,
        responsible=follow_up_owner(report, ctx),
        due=due,
        done=done,
        message=message,
        source=ctx.profile.source_for(REGISTRY[RULE_ID].source),
    )


@rule(
    RULE_ID,
    title="Follow-up of a young person's self-report that matches no recorded episode",
    source="Local",
    owner="responsible authority of the child's latest episode, else the profile's home_authority",
    parameters=("self_report_follow_up_within", "self_report_tolerance", "home_authority"),
    subject=Subject.SELF_REPORT,
)
def self_report_follow_up(report: SelfReport, ctx: Context) -> Finding:
    """A self-report unknown to services or conflicting with the records needs a strategy discussion within `self_report_follow_up_within`."""
    match = match_of(report, ctx)
    if match.verdict is MatchClass.MATCHED:
        which = ", ".join(match.episode_ids)
        message = f"self-report {report.report_id} matches recorded episode {which}"
        return _finding(report, ctx, Status.NOT_REQUIRED, message)
    due = ctx.profile.at(report.at).self_report_follow_up_within.after(report.at)
    done = ctx.discussion_at_or_after(report.child_id, report.at)
    status = status_of(due, done, ctx.as_of)
    what = f"follow-up of self-report {report.report_id} ({match.verdict.value.replace('_', ' ')})"
    return _finding(report, ctx, status, deadline_message(what, status, due, done), due, done)
