"""Using what the interview learned: PLAN-AFTER-RHI (DfE-2014, Local), and following the plan
through: PLAN-ACTION-DUE (Local), one finding per action that has a due time."""

from __future__ import annotations

import datetime as dt

from missing_protocol import clock
from missing_protocol.episode import Episode
from missing_protocol.model import ActionKind, PlanAction, PlanMade
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
    over at return (PROTOCOL.md edge cases: the interview itself was not required), which is
    known once the child is found, interviewed or not, as for RHI-INDEPENDENT."""
    age = episode.age_at_return() if episode.found is not None else None
    if age is not None and age >= ctx.parameters(episode).max_age:
        return finding(
            "PLAN-AFTER-RHI",
            episode,
            ctx,
            status=Status.NOT_REQUIRED,
            responsible=responsible_authority(episode),
            message="18 or over at return",
        )
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


def action_due(action: PlanAction, plan: PlanMade) -> dt.datetime | None:
    """The action's deadline: its own `due`, else the plan's; a date is the end of that London day."""
    due = action.due if action.due is not None else plan.due
    if due is None or isinstance(due, dt.datetime):
        return due
    # The last instant of the day, so any time that day is at or before it.
    return clock.end_of_london_day(due) - dt.timedelta(microseconds=1)


Done = dict[tuple[ActionKind, str | None], dt.datetime]


def _first_done(episode: Episode) -> Done:
    """The first `action_completed` of each kind, and of each kind and id: an action is done by
    the first of its kind (and id, if it has one). Read once per plan, not once per action (a
    plan may hold hundreds of actions, done as many times)."""
    first: Done = {}
    for done in episode.actions_completed:
        at = done.at.timestamp()
        # Any id of the kind serves an action with none; an action's own id, only itself.
        for key in ((done.kind, None), (done.kind, done.action_id)):
            known = first.get(key)
            if known is None or at < known.timestamp():
                first[key] = done.at
    return first


def _what(action: PlanAction) -> str:
    named = f" {action.action_id}" if action.action_id else ""
    return f"plan action{named} ({action.kind.value.replace('_', ' ')}, {action.owner})"


@rule(
    "PLAN-ACTION-DUE",
    title="Each action of the plan done by its due time",
    source="Local",
    owner="the action's owner",
)
def plan_action_due(episode: Episode, ctx: Context) -> tuple[Finding, ...]:
    """Each action of a plan with a due time (its own, else the plan's) is done by then: an
    `action_completed` of the same kind (and `action_id`, when the action has one). One finding
    per action; an action with no due time yields none."""
    plan = episode.plan
    if plan is None:
        return ()
    findings = []
    first_done = _first_done(episode)
    for action in plan.actions:
        due = action_due(action, plan)
        if due is None:
            continue
        if episode.is_cancelled:
            findings.append(
                finding(
                    "PLAN-ACTION-DUE",
                    episode,
                    ctx,
                    status=Status.NOT_REQUIRED,
                    responsible=action.owner,
                    message=f"{_what(action)}: report cancelled",
                    due=due,
                )
            )
            continue
        findings.append(
            deadline_finding(
                "PLAN-ACTION-DUE",
                episode,
                ctx,
                what=_what(action),
                due=due,
                done=first_done.get((action.kind, action.action_id)),
                responsible=action.owner,
            )
        )
    return tuple(findings)
