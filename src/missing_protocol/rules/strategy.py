"""Strategy discussions: STRAT-HIGH-RISK, STRAT-LONG, STRAT-REPEAT (WT, London-PG32, Local).

A discussion is recorded for the child: the first one at or after a rule's clock start serves
it, so one discussion serves every trigger it follows.
"""

from __future__ import annotations

import bisect
import datetime as dt

from missing_protocol import clock
from missing_protocol.episode import Episode
from missing_protocol.model import Risk
from missing_protocol.responsibility import responsible_authority
from missing_protocol.rules.cancellation import ended_by_cancellation
from missing_protocol.rules.judge import Context, deadline_finding, finding
from missing_protocol.rules.registry import Finding, Status, rule


def _discussion_after(episode: Episode, ctx: Context, start: dt.datetime) -> dt.datetime | None:
    return ctx.discussion_at_or_after(episode.child_id, start)


@rule(
    "STRAT-HIGH-RISK",
    title="Strategy discussion for a child reported missing at high risk",
    source="WT, London-PG32",
    owner="responsible authority",
    parameters=("strategy_high_risk_within",),
)
def strategy_high_risk(episode: Episode, ctx: Context) -> Finding | None:
    """A report graded high risk needs a strategy discussion within `strategy_high_risk_within`."""
    if episode.reported.risk is not Risk.HIGH:
        return None
    start, owner = episode.reported_at, responsible_authority(episode)
    due = ctx.parameters(episode).strategy_high_risk_within.after(start)
    done = _discussion_after(episode, ctx, start)
    ended = ended_by_cancellation(
        "STRAT-HIGH-RISK", episode, ctx, due=due, done=done, responsible=owner
    )
    if ended is not None:
        return ended
    return deadline_finding(
        "STRAT-HIGH-RISK",
        episode,
        ctx,
        what="strategy discussion (high risk)",
        due=due,
        done=done,
        responsible=owner,
    )


@rule(
    "STRAT-LONG",
    title="Strategy discussion for a child missing a long time",
    source="London-PG32, Local",
    owner="responsible authority",
    parameters=("long_missing_after", "strategy_long_within"),
)
def strategy_long(episode: Episode, ctx: Context) -> Finding | None:
    """An episode still open after `long_missing_after` from its report needs a strategy discussion.

    Found (or cancelled) at or before the threshold: not required (PROTOCOL.md edge cases).
    """
    params = ctx.parameters(episode)
    threshold = params.long_missing_after.after(episode.reported_at)
    if episode.ended_at is not None and episode.ended_at <= threshold:
        how = "found" if episode.found else "report cancelled"
        return finding(
            "STRAT-LONG",
            episode,
            ctx,
            status=Status.NOT_REQUIRED,
            responsible=responsible_authority(episode),
            message=f"{how} before {params.long_missing_after} had passed",
        )
    due, done = (
        params.strategy_long_within.after(threshold),
        _discussion_after(episode, ctx, threshold),
    )
    owner = responsible_authority(episode)
    ended = ended_by_cancellation("STRAT-LONG", episode, ctx, due=due, done=done, responsible=owner)
    if ended is not None:
        return ended
    # While the episode is open the duty is shown ahead of time, so later checks only age it.
    return deadline_finding(
        "STRAT-LONG",
        episode,
        ctx,
        what="strategy discussion (long missing)",
        due=due,
        done=done,
        responsible=owner,
    )


def _report_times(episode: Episode, ctx: Context) -> list[dt.datetime]:
    """The child's reports that count (not cancelled), in UTC, earliest first."""
    episodes = ctx.assembly.episodes_of(episode.child_id)
    return [clock.as_utc(o.reported_at) for o in episodes if not o.is_cancelled]


def _repeat_trigger(episode: Episode, ctx: Context) -> bool:
    """True when this report is the child's `repeat_count`-th within `repeat_window`.

    Cancelled reports neither count nor trigger: the child was not in fact missing.
    """
    params = ctx.parameters(episode)
    if episode.is_cancelled:
        return False  # the child was not in fact missing: not a report that counts
    times = ctx.memo(("reports", episode.child_id), lambda: _report_times(episode, ctx))
    reported_at = clock.as_utc(episode.reported_at)
    count = 0
    # Latest first from this report (and any at the same instant): an earlier report counts
    # while its window still covers this one.
    for index in range(bisect.bisect_right(times, reported_at) - 1, -1, -1):
        if params.repeat_window.after(times[index]) <= reported_at:
            break
        count += 1
        if count > params.repeat_count:
            return False  # past the count: how many more the window holds does not matter
    return count == params.repeat_count


@rule(
    "STRAT-REPEAT",
    title="Strategy discussion after repeated missing episodes",
    source="Local",
    owner="responsible authority",
    parameters=("repeat_count", "repeat_window", "strategy_repeat_within"),
)
def strategy_repeat(episode: Episode, ctx: Context) -> Finding | None:
    """The child's `repeat_count`-th report within `repeat_window` needs a strategy discussion."""
    if not _repeat_trigger(episode, ctx):
        return None
    start = episode.reported_at
    return deadline_finding(
        "STRAT-REPEAT",
        episode,
        ctx,
        what="strategy discussion (repeat missing)",
        due=ctx.parameters(episode).strategy_repeat_within.after(start),
        done=_discussion_after(episode, ctx, start),
        responsible=responsible_authority(episode),
    )
