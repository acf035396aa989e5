"""What interviews told us (issue 14): reasons, risks, plans and actions, as figures (pure).

Scope: the authority's episodes (its three cohorts, reports not cancelled) whose return
interview was completed in the period. Each reason or risk counts once per interview (a list
that repeats one counts it once) and once per child. Plans are those of these interviews; on
time means within PLAN-AFTER-RHI's `plan_within` of the profile version in force at the
episode's report. The month chart counts every plan the authority's episodes made in the period,
by the London month of `plan_made.at`, and those with a family-network action.

`shown(learned, disclosure)` is the section with disclosure control applied (schemas:
report.schema.json `interviews_told_us`): the only thing renderers read.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import attrs

from missing_protocol import clock
from missing_protocol.assembly import report_order
from missing_protocol.common.mergeable import First
from missing_protocol.common.period import Cohort, Period, cohort_of
from missing_protocol.common.suppression import Disclosure
from missing_protocol.episode import Assembly, Episode
from missing_protocol.model import ActionKind
from missing_protocol.profiles import Profile
from missing_protocol.report.compliance import versions_inside
from missing_protocol.report.figures import CohortCounts

TOP_REASONS = 5
# Free text (reasons, risks, owners) with a hidden count could name a child: pooled instead.
OTHER = {
    "reasons": "other reasons (each given in 1 to 5 interviews)",
    "risks": "other risks (each named in 1 to 5 interviews)",
    "owners": "other owners (each with 1 to 5 actions)",
}


@attrs.frozen
class Mentioned:
    """A reason or risk: interviews naming it (once each), their children, and by cohort."""

    label: str
    interviews: int
    children: int
    by_cohort: CohortCounts


@attrs.frozen
class ActionTally:
    """An action kind or owner: actions, plans with one, distinct children with one."""

    label: str
    actions: int
    plans: int
    children: int


@attrs.frozen
class PlanMonth:
    month: str
    plans: int
    family_network: int


@attrs.frozen
class Learned:
    interviews: int
    children: int
    by_cohort: CohortCounts
    with_reasons: int
    with_risks: int
    reasons: tuple[Mentioned, ...]
    risks: tuple[Mentioned, ...]
    plans: int
    plans_within_deadline: int
    plan_deadlines: tuple[clock.Duration, ...]
    actions: int
    kinds: tuple[ActionTally, ...]
    owners: tuple[ActionTally, ...]
    months: tuple[PlanMonth, ...]
    # Profile versions that start inside the period: the month chart marks them.
    versions: tuple[dt.date, ...]


def _interviewed(
    assembly: Assembly, period: Period, authority: str
) -> list[tuple[Episode, Cohort]]:
    low, high = period.start_at.timestamp(), period.end_at.timestamp()
    out = []
    for episode in assembly.episodes:
        done = episode.completed
        if done is None or episode.is_cancelled or not low <= done.at.timestamp() < high:
            continue
        cohort = cohort_of(episode, authority)
        if cohort is not None:
            out.append((episode, cohort))
    return out


def _mentioned(said: Iterable[tuple[frozenset[str], str, Cohort]]) -> dict[str, Any]:
    """Each label: interviews naming it, distinct children (a part's own: parts never share
    a child, so they add), and by cohort."""
    interviews: Counter[str] = Counter()
    children: dict[str, set[str]] = defaultdict(set)
    cohorts: dict[str, Counter[Cohort]] = defaultdict(Counter)
    for labels, child_id, cohort in said:
        for label in labels:
            interviews[label] += 1
            children[label].add(child_id)
            cohorts[label][cohort] += 1
    return {k: (interviews[k], len(children[k]), cohorts[k]) for k in interviews}


def _mentioned_from(part: dict[str, Any]) -> tuple[Mentioned, ...]:
    ranked = sorted(part, key=lambda k: (-part[k][0], k))
    return tuple(
        Mentioned(k, part[k][0], part[k][1], CohortCounts.tally(part[k][2].elements()))
        for k in ranked
    )


def _tallies(items: Iterable[tuple[str, str, str]]) -> dict[str, Any]:
    """(label, plan key, child) per action -> per label: actions, plans, children."""
    actions: Counter[str] = Counter()
    plans: dict[str, set[str]] = defaultdict(set)
    children: dict[str, set[str]] = defaultdict(set)
    for label, plan, child in items:
        actions[label] += 1
        plans[label].add(plan)
        children[label].add(child)
    return {k: (actions[k], len(plans[k]), len(children[k])) for k in actions}


def _tallies_from(part: dict[str, Any], order: list[str] | None) -> tuple[ActionTally, ...]:
    """One tally per label; `order` lists every label (else the most actions first)."""
    labels = order if order is not None else sorted(part, key=lambda k: (-part[k][0], k))
    return tuple(ActionTally(k, *part.get(k, (0, 0, 0))) for k in labels)


def learned(assembly: Assembly, period: Period, authority: str, profile: Profile) -> Learned:
    """The section's figures for one authority and period (plans judged by `profile`)."""
    return learned_from(learned_part(assembly, period, authority, profile), period, profile)


def learned_part(
    assembly: Assembly, period: Period, authority: str, profile: Profile
) -> dict[str, Any]:
    """The section's part from one assembly of whole children (common.mergeable)."""
    scoped = _interviewed(assembly, period, authority)
    with_plan = [(ep, c) for ep, c in scoped if ep.plan is not None]
    on_time = 0
    # Each deadline used, with the first episode (report order) that used it.
    deadlines: dict[clock.Duration, First] = {}
    for episode, _ in with_plan:
        assert episode.plan is not None and episode.completed is not None
        limit = profile.at(episode.reported_at).plan_within
        if limit not in deadlines:
            deadlines[limit] = First(report_order(episode), None)
        due = limit.after(episode.completed.at)
        on_time += episode.plan.at.timestamp() <= due.timestamp()
    actions = [
        (action, episode)
        for episode, _ in with_plan
        for action in (episode.plan.actions if episode.plan else ())
    ]
    return {
        "interviews": len(scoped),
        "children": len({ep.child_id for ep, _ in scoped}),
        "by_cohort": Counter(c for _, c in scoped),
        "with_reasons": sum(1 for ep, _ in scoped if ep.completed and ep.completed.reasons),
        "with_risks": sum(1 for ep, _ in scoped if ep.completed and ep.completed.risks),
        "reasons": _mentioned(
            (frozenset(ep.completed.reasons), ep.child_id, c) for ep, c in scoped if ep.completed
        ),
        "risks": _mentioned(
            (frozenset(ep.completed.risks), ep.child_id, c) for ep, c in scoped if ep.completed
        ),
        "plans": len(with_plan),
        "plans_within_deadline": on_time,
        "plan_deadlines": deadlines,
        "actions": len(actions),
        "kinds": _tallies((a.kind.value, ep.episode_id, ep.child_id) for a, ep in actions),
        "owners": _tallies((a.owner, ep.episode_id, ep.child_id) for a, ep in actions),
        "months": _months(assembly, period, authority),
    }


def learned_from(part: dict[str, Any], period: Period, profile: Profile) -> Learned:
    """The section's figures from their part (one assembly's, or the parts of all merged)."""
    deadlines = part["plan_deadlines"]
    plans, family = part["months"]
    return Learned(
        interviews=part["interviews"],
        children=part["children"],
        by_cohort=CohortCounts.tally(part["by_cohort"].elements()),
        with_reasons=part["with_reasons"],
        with_risks=part["with_risks"],
        reasons=_mentioned_from(part["reasons"]),
        risks=_mentioned_from(part["risks"]),
        plans=part["plans"],
        plans_within_deadline=part["plans_within_deadline"],
        plan_deadlines=tuple(sorted(deadlines, key=lambda limit: deadlines[limit].key)),
        actions=part["actions"],
        kinds=_tallies_from(part["kinds"], [k.value for k in ActionKind]),
        owners=_tallies_from(part["owners"], None),
        months=tuple(
            PlanMonth(m, n, f) for m, n, f in zip(period.months(), plans, family, strict=True)
        ),
        versions=versions_inside(profile, period),
    )


def _months(
    assembly: Assembly, period: Period, authority: str
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Plans made in each month of the period, and those with a family-network action."""
    starts = [s.timestamp() for s in period.month_starts()]
    plans = [0] * len(starts)
    family = [0] * len(starts)
    for episode in assembly.episodes:
        plan = episode.plan
        if plan is None or not period.contains(plan.at) or cohort_of(episode, authority) is None:
            continue
        i = bisect.bisect_right(starts, plan.at.timestamp()) - 1
        plans[i] += 1
        family[i] += any(a.kind is ActionKind.FAMILY_NETWORK for a in plan.actions)
    return tuple(plans), tuple(family)


# ---- disclosure control: the section as published -------------------------------------------


def _cohorts(counts: CohortCounts, d: Disclosure) -> dict[str, Any]:
    return {c.value: d.count(counts[c]) for c in Cohort}


def _pooled(rows: list[dict[str, Any]], key: str, d: Disclosure, kind: str) -> list[dict[str, Any]]:
    """Rows whose `key` count is hidden are pooled into one row (its own count hidden if small)."""
    kept = [r for r in rows if not d.hides(r["_n"])]
    pooled = sum(r["_n"] for r in rows if d.hides(r["_n"]))
    out = [{k: v for k, v in r.items() if k != "_n"} for r in kept]
    if pooled:
        out.append({"label": OTHER[kind], key: d.count(pooled), "pooled": True})
    return out


def _mentions(items: tuple[Mentioned, ...], d: Disclosure, kind: str) -> list[dict[str, Any]]:
    rows = [
        {
            "_n": m.interviews,
            "label": m.label,
            "interviews": m.interviews,
            "children": d.count(m.children),
            "by_cohort": _cohorts(m.by_cohort, d),
        }
        for m in items
    ]
    return _pooled(rows, "interviews", d, kind)


def _tally(t: ActionTally, d: Disclosure) -> dict[str, Any]:
    return {
        "label": t.label,
        "actions": d.count(t.actions),
        "plans": d.count(t.plans),
        "children": d.count(t.children),
    }


def shown(x: Learned, d: Disclosure) -> dict[str, Any]:
    """The JSON-ready section with counts of 1 to 5 hidden and rare free text pooled."""
    owners = [{"_n": t.actions, **_tally(t, d), "actions": t.actions} for t in x.owners]
    reasons = _mentions(x.reasons, d, "reasons")
    return {
        "interviews": d.total(x.interviews),
        "children": d.total(x.children),
        "by_cohort": _cohorts(x.by_cohort, d),
        "with_reasons": d.count(x.with_reasons),
        "with_risks": d.count(x.with_risks),
        "reasons": reasons,
        "top_reasons": [r["label"] for r in reasons if not r.get("pooled")][:TOP_REASONS],
        "risks": _mentions(x.risks, d, "risks"),
        "plans": {
            "after_interview": d.count(x.plans),
            "within_deadline": d.count(x.plans_within_deadline),
            "percent_within_deadline": d.percent(x.plans_within_deadline, x.plans),
            "deadlines": [str(limit) for limit in x.plan_deadlines],
            "actions": d.count(x.actions),
            "by_kind": [_tally(t, d) for t in x.kinds],
            "by_owner": _pooled(owners, "actions", d, "owners"),
        },
        "by_month": [
            {
                "month": m.month,
                "plans": d.total(m.plans),
                "family_network": d.count(m.family_network),
            }
            for m in x.months
        ],
        "versions": [v.isoformat() for v in x.versions],
    }
