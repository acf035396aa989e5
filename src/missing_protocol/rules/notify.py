"""Notifications when a looked-after child goes missing: NOTIFY-HOST, -RESPONSIBLE, -IRO."""

from __future__ import annotations

from missing_protocol.episode import Episode
from missing_protocol.model import Party
from missing_protocol.responsibility import host_authority, responsible_authority
from missing_protocol.rules.cancellation import ended_by_cancellation
from missing_protocol.rules.judge import Context, deadline_finding, finding
from missing_protocol.rules.registry import Finding, Status, rule


def _notify(
    rule_id: str, episode: Episode, ctx: Context, party: Party, within: str, owner: str, who: str
) -> Finding:
    duration = getattr(ctx.parameters(episode), within)
    due, done = duration.after(episode.reported_at), episode.notified_at(party)
    ended = ended_by_cancellation(rule_id, episode, ctx, due=due, done=done, responsible=owner)
    if ended is not None:
        return ended
    return deadline_finding(
        rule_id, episode, ctx, what=f"{who} notified", due=due, done=done, responsible=owner
    )


@rule(
    "NOTIFY-HOST",
    title="Host authority told a child placed in its area is missing",
    source="DfE-2014, London-PG32",
    owner="responsible authority",
    parameters=("notify_host_within",),
)
def notify_host(episode: Episode, ctx: Context) -> Finding:
    """The placing authority tells the host authority when a child placed out of area goes missing."""
    owner = responsible_authority(episode)
    if not episode.is_placed_out_of_area:
        return finding(
            "NOTIFY-HOST",
            episode,
            ctx,
            status=Status.NOT_REQUIRED,
            responsible=owner,
            message="not placed out of area",
        )
    return _notify(
        "NOTIFY-HOST",
        episode,
        ctx,
        Party.HOST_AUTHORITY,
        "notify_host_within",
        owner,
        f"host authority {episode.host_authority}",
    )


@rule(
    "NOTIFY-RESPONSIBLE",
    title="Responsible authority told a looked-after child is missing",
    source="DfE-2014",
    owner="host authority (the placement)",
    parameters=("notify_responsible_within",),
)
def notify_responsible(episode: Episode, ctx: Context) -> Finding:
    """The placement tells the responsible authority when a looked-after child goes missing."""
    owner = host_authority(episode)
    if not episode.is_looked_after:
        return finding(
            "NOTIFY-RESPONSIBLE",
            episode,
            ctx,
            status=Status.NOT_REQUIRED,
            responsible=owner,
            message="missing from home",
        )
    return _notify(
        "NOTIFY-RESPONSIBLE",
        episode,
        ctx,
        Party.RESPONSIBLE_AUTHORITY,
        "notify_responsible_within",
        owner,
        f"responsible authority {episode.responsible_authority}",
    )


@rule(
    "NOTIFY-IRO",
    title="Independent reviewing officer told a looked-after child is missing",
    source="DfE-2014",
    owner="responsible authority",
    parameters=("notify_iro_within",),
)
def notify_iro(episode: Episode, ctx: Context) -> Finding:
    """The responsible authority tells the child's IRO when a looked-after child goes missing."""
    owner = responsible_authority(episode)
    if not episode.is_looked_after:
        return finding(
            "NOTIFY-IRO",
            episode,
            ctx,
            status=Status.NOT_REQUIRED,
            responsible=owner,
            message="missing from home",
        )
    return _notify("NOTIFY-IRO", episode, ctx, Party.IRO, "notify_iro_within", owner, "IRO")
