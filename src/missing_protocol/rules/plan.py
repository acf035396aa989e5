"""Using what the interview learned: PLAN-AFTER-RHI (DfE-2014, Local)."""

from __future__ import annotations

from missing_protocol.episode import Episode
from missing_protocol.responsibility import responsible_authority
from missing_protocol.rules.judge import Context, deadline_finding, finding
from missing_protocol.rules.registry import Finding, Status, rule


@rule(
    "PLAN-AFTER-RHI",
    title="Plan made from what the return interview learned",
    source="DfE-2014, Local",
    owner="responsible authority",
    parameters=("plan_within", "max_age"),
)
def plan_after_rhi(episode: Episode, ctx: Context) -> Finding | None:
    """A completed interview leads to a plan within `plan_within`; not for a child `max_age` or
    over at return (PROTOCOL.md edge cases: the interview itself was not required)."""
    if episode.completed is None:
        return None
    age = episode.age_at_return()
    if age is not None and age >= ctx.parameters(episode).max_age:
        return finding(
            "PLAN-AFTER-RHI",
            episode,
            ctx,
            status=Status.NOT_REQUIRED,
            responsible=responsible_authority(episode),
            message="18 or over at return",
        )
    return deadline_finding(
        "PLAN-AFTER-RHI",
        episode,
        ctx,
        what="plan after the return interview",
        due=ctx.parameters(episode).plan_within.after(episode.completed.at),
        done=episode.plan.at if episode.plan else None,
        responsible=responsible_authority(episode),
    )
