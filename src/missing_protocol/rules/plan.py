"""Using what the interview learned: PLAN-AFTER-RHI (DfE-2014, Local)."""

from __future__ import annotations

from missing_protocol.episode import Episode
from missing_protocol.responsibility import responsible_authority
from missing_protocol.rules.judge import Context, deadline_finding
from missing_protocol.rules.registry import Finding, rule


@rule(
    "PLAN-AFTER-RHI",
    title="Plan made from what the return interview learned",
    source="DfE-2014, Local",
    owner="responsible authority",
    parameters=("plan_within",),
)
def plan_after_rhi(episode: Episode, ctx: Context) -> Finding | None:
    """A completed interview leads to a plan within `plan_within`."""
    if episode.completed is None:
        return None
    return deadline_finding(
        "PLAN-AFTER-RHI",
        episode,
        ctx,
        what="plan after the return interview",
        due=ctx.parameters(episode).plan_within.after(episode.completed.at),
        done=episode.plan.at if episode.plan else None,
        responsible=responsible_authority(episode),
    )
