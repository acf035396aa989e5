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

import datetime as dt

from missing_protocol.matching import Match, MatchClass, classify
from missing_protocol.model import SelfReport
from missing_protocol.rules.judge import Context, deadline_message, status_of
from missing_protocol.rules.registry import REGISTRY, Finding, Status, Subject, rule

RULE_ID = "SELF-REPORT-FOLLOW-UP"
UNKNOWN_OWNER = "unknown"


def match_of(report: SelfReport, ctx: Context) -> Match:
    """The self-report classified with the tolerance in force when it was submitted."""
    tolerance = ctx.profile.at(report.at).self_report_tolerance
    return classify(report, ctx.assembly.episodes_of(report.child_id), tolerance)


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
