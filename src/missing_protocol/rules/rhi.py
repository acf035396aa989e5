"""Return home interview duties: RHI-OFFER, RHI-72H, RHI-INDEPENDENT (DfE-2014)."""

from __future__ import annotations

import bisect
import datetime as dt

from missing_protocol import clock
from missing_protocol.episode import Episode
from missing_protocol.responsibility import rhi_owner
from missing_protocol.rules.judge import Context, deadline_finding, finding
from missing_protocol.rules.registry import Finding, Status, rule


def _too_old(episode: Episode, ctx: Context) -> bool:
    age = episode.age_at_return()
    return age is not None and age >= ctx.parameters(episode).max_age


def _not_required(rule_id: str, episode: Episode, ctx: Context, why: str) -> Finding:
    owner = rhi_owner(episode, ctx.parameters(episode))
    return finding(
        rule_id, episode, ctx, status=Status.NOT_REQUIRED, responsible=owner, message=why
    )


@rule(
    "RHI-OFFER",
    title="Return interview offered within 72 hours of return",
    source="DfE-2014",
    owner="RHI owner",
    parameters=("rhi_within", "max_age", "rhi_owner_out_of_area"),
)
def rhi_offer(episode: Episode, ctx: Context) -> Finding | None:
    """A child found must be offered an independent return interview within `rhi_within`."""
    if episode.is_cancelled:
        return _not_required(
            "RHI-OFFER", episode, ctx, "report cancelled: the child was not missing"
        )
    if episode.found is None:
        return None
    if _too_old(episode, ctx):
        return _not_required("RHI-OFFER", episode, ctx, "18 or over at return")
    params = ctx.parameters(episode)
    return deadline_finding(
        "RHI-OFFER",
        episode,
        ctx,
        what="return interview offer",
        due=params.rhi_within.after(episode.found.at),
        done=episode.offered.at if episode.offered else None,
        responsible=rhi_owner(episode, params),
    )


def _covering_interview(episode: Episode, ctx: Context, due: dt.datetime) -> dt.datetime | None:
    """An interview after a later return of the same child that falls within this deadline."""
    if not ctx.parameters(episode).one_interview_covers_open_episodes or episode.found is None:
        return None
    child = episode.child_id
    first = ctx.memo(("covering", child), lambda: _first_later_interviews(ctx, child))
    done = first.get(episode.episode_id)
    return done if done is not None and done <= due else None


def _first_later_interviews(ctx: Context, child_id: str) -> dict[str, dt.datetime]:
    """For each found episode of the child, the first interview at or after its return among
    the child's episodes reported after it (in UTC); RHI-72H then asks if it is in time.

    Worked out for the whole child at once, n log n rather than n² (a child may have thousands
    of episodes): the interviews in time order, and walking the episodes in report order, each
    interview is struck off once its episode is no longer reported after the current one; a
    union-find pointer skips the ones struck off."""
    episodes = sorted(ctx.assembly.episodes_of(child_id), key=lambda e: clock.as_utc(e.reported_at))
    interviews = sorted(
        (clock.as_utc(e.completed.at), clock.as_utc(e.reported_at))
        for e in episodes
        if e.completed is not None
    )
    times = [done for done, _ in interviews]
    by_report = sorted(range(len(interviews)), key=lambda i: interviews[i][1])
    # skip[i]: the first interview at or after i not struck off (len(times): none).
    skip = list(range(len(times) + 1))
    first: dict[str, dt.datetime] = {}
    struck = 0
    for episode in episodes:
        if episode.found is None:
            continue
        reported = clock.as_utc(episode.reported_at)
        while struck < len(by_report) and interviews[by_report[struck]][1] <= reported:
            skip[by_report[struck]] = by_report[struck] + 1
            struck += 1
        index = _unstruck(skip, bisect.bisect_left(times, clock.as_utc(episode.found.at)))
        if index < len(times):
            first[episode.episode_id] = times[index]
    return first


def _unstruck(skip: list[int], index: int) -> int:
    root = index
    while skip[root] != root:
        root = skip[root]
    while skip[index] != root:  # path compression: later look-ups jump straight there
        skip[index], index = root, skip[index]
    return root


@rule(
    "RHI-72H",
    title="Return interview held within 72 hours of return",
    source="DfE-2014",
    owner="RHI owner",
    parameters=(
        "rhi_within",
        "max_age",
        "rhi_owner_out_of_area",
        "one_interview_covers_open_episodes",
    ),
)
def rhi_72h(episode: Episode, ctx: Context) -> Finding | None:
    """The return interview is completed within `rhi_within` of the child being found, unless declined."""
    if episode.is_cancelled:
        return _not_required("RHI-72H", episode, ctx, "report cancelled: the child was not missing")
    if episode.found is None:
        return None
    if _too_old(episode, ctx):
        return _not_required("RHI-72H", episode, ctx, "18 or over at return")
    if episode.declined is not None:
        by = episode.declined.declined_by.value
        return _not_required("RHI-72H", episode, ctx, f"interview declined by the {by}")
    params = ctx.parameters(episode)
    due = params.rhi_within.after(episode.found.at)
    done = episode.completed.at if episode.completed else None
    if done is None or done > due:
        # A later episode's interview in time "also meets" this duty, even if its own was late.
        done = _covering_interview(episode, ctx, due) or done
    return deadline_finding(
        "RHI-72H",
        episode,
        ctx,
        what="return interview",
        due=due,
        done=done,
        responsible=rhi_owner(episode, params),
    )


@rule(
    "RHI-INDEPENDENT",
    title="Return interview carried out by someone independent",
    source="DfE-2014",
    owner="RHI owner",
    parameters=("max_age", "rhi_owner_out_of_area"),
)
def rhi_independent(episode: Episode, ctx: Context) -> Finding | None:
    """A completed return interview must be independent of the child's care."""
    if episode.is_cancelled:
        return _not_required("RHI-INDEPENDENT", episode, ctx, "report cancelled: no interview")
    if episode.found is not None and _too_old(episode, ctx):
        return _not_required("RHI-INDEPENDENT", episode, ctx, "18 or over at return")
    if episode.declined is not None:
        return _not_required("RHI-INDEPENDENT", episode, ctx, "interview declined: no interview")
    if episode.completed is None:
        return None
    owner = rhi_owner(episode, ctx.parameters(episode))
    if episode.completed.independent:
        return finding(
            "RHI-INDEPENDENT",
            episode,
            ctx,
            status=Status.MET,
            responsible=owner,
            message="return interview was independent",
            done=episode.completed.at,
        )
    return finding(
        "RHI-INDEPENDENT",
        episode,
        ctx,
        status=Status.BREACHED,
        responsible=owner,
        message="return interview was not independent",
        done=episode.completed.at,
    )
