"""A report cancelled while a duty was running (PROTOCOL.md "Decisions on edge cases").

Cancelled before the duty fell due, and not done by then: the duty ends, `not_required`. Already
due when cancelled: the duty keeps its status (overdue, or late once done). Applies to NOTIFY-*,
STRAT-HIGH-RISK and STRAT-LONG.
"""

from __future__ import annotations

import datetime as dt

from missing_protocol.episode import Episode
from missing_protocol.rules.judge import Context, finding
from missing_protocol.rules.registry import Finding, Status

CANCELLED_BEFORE_DEADLINE = "report cancelled before the deadline"


def ended_by_cancellation(
    rule_id: str,
    episode: Episode,
    ctx: Context,
    *,
    due: dt.datetime,
    done: dt.datetime | None,
    responsible: str,
) -> Finding | None:
    """`not_required` when the report was cancelled before `due` with the duty not yet done;
    None when the duty is judged as usual (not cancelled, cancelled once due, or done first)."""
    cancelled = episode.cancelled
    if cancelled is None or cancelled.at >= due or (done is not None and done <= cancelled.at):
        return None
    return finding(
        rule_id,
        episode,
        ctx,
        status=Status.NOT_REQUIRED,
        responsible=responsible,
        message=CANCELLED_BEFORE_DEADLINE,
    )
