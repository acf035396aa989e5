"""Children's episodes for the example year: who goes missing when, and what services did."""

from __future__ import annotations

import datetime as dt
import enum
import math
import random
from collections.abc import Iterable
from typing import Any

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.common.period import Cohort
from missing_protocol.model import (
    ActionKind,
    Child,
    DeclinedBy,
    Ethnicity,
    Event,
    Found,
    InterviewCompleted,
    InterviewDeclined,
    InterviewOffered,
    Location,
    MissingFrom,
    Notified,
    Party,
    PlanAction,
    PlanMade,
    ReportCancelled,
    Reported,
    Risk,
    Sex,
    StrategyDiscussion,
)
from missing_protocol.synth.borough import (
    AUTHORITY,
    BEFORE_PERIOD_SHARE,
    CANCELLED_SHARE,
    COHORT_SHARES,
    DAY,
    ETHNICITY_SHARES,
    FOUND_ELSEWHERE,
    FOUND_PLACES,
    HOUR,
    NEIGHBOURS,
    OWNERS,
    PERIOD,
    PLACEMENTS,
    REASONS,
    RHI_PROVIDER,
    RISKS,
    SELF_RETURN,
    SEX_SHARES,
    WARDS,
    apportion,
    instant,
)


@attrs.frozen
class _Plan:
    """One child's part in the year: who they are and how many episodes of each kind."""

    child: Child
    cohort: Cohort
    responsible: str
    host: str
    placement: str | None
    ward: Location
    counted: int
    cancelled: int
    before_period: bool
    # Earlier episodes in another cohort: came into care, or went home from care, mid-year.
    earlier: int = 0


@attrs.frozen
class _Spec:
    """One episode's shape before it becomes events."""

    plan: _Plan
    start: pendulum.DateTime
    length: int
    cancelled: bool
    in_care: bool


@attrs.define
class History:
    """A child's recent reports and strategy discussions, for repeat-episode discussions."""

    reports: list[pendulum.DateTime] = attrs.Factory(list)
    discussions: list[pendulum.DateTime] = attrs.Factory(list)


REPEAT_COUNT = 3

REPEAT_WINDOW = dt.timedelta(days=90)


def repeat_strategy(
    rng: random.Random, spec: _Spec, made: list[Event], seen: History
) -> list[Event]:
    """A discussion after a child's third report in 90 days, unless one was held recently."""
    if spec.cancelled:
        return []
    start = spec.start
    seen.reports = [t for t in seen.reports if start - t <= REPEAT_WINDOW] + [start]
    seen.discussions += [pendulum.instance(e.at) for e in made if isinstance(e, StrategyDiscussion)]
    recent = any(start - t <= REPEAT_WINDOW for t in seen.discussions)
    if len(seen.reports) < REPEAT_COUNT or recent or rng.random() >= 0.8:
        return []
    at = instant(start, rng.uniform(1, 6) * DAY)
    seen.discussions.append(at)
    episode_id = made[0].episode_id if isinstance(made[0], Reported) else None
    return [StrategyDiscussion(child_id=spec.plan.child.child_id, at=at, episode_id=episode_id)]


class _Kind(enum.Enum):
    COUNTED = 1
    CANCELLED = 2


def _shuffled(rng: random.Random, shares: Iterable[tuple[Any, int]]) -> list[Any]:
    items = [value for value, n in shares for _ in range(n)]
    rng.shuffle(items)
    return items


def plan_children(rng: random.Random, children: int, episodes: int) -> list[_Plan]:
    def spread(shares: dict[Any, int]) -> list[Any]:
        keys = list(shares)
        return _shuffled(rng, zip(keys, apportion(children, list(shares.values())), strict=True))

    cohorts: list[Cohort] = spread(COHORT_SHARES)
    codes: list[tuple[str, ...]] = spread(ETHNICITY_SHARES)
    sexes: list[Sex] = spread(SEX_SHARES)
    counts = _episode_counts(rng, cohorts, episodes)
    cancelled = [0] * children
    for i in rng.choices(range(children), k=round(episodes * CANCELLED_SHARE)):
        cancelled[i] += 1
    plans = []
    for i in range(children):
        cohort, code = cohorts[i], codes[i]
        in_care = cohort is not Cohort.FROM_HOME
        responsible = (
            rng.choice(NEIGHBOURS) if cohort is Cohort.PLACED_HERE_BY_OTHERS else AUTHORITY
        )
        placed_away = cohort is Cohort.OWN_LOOKED_AFTER and rng.random() < 0.3
        host = rng.choice(NEIGHBOURS) if placed_away else AUTHORITY
        born = PERIOD.start.subtract(days=rng.randint(11 * 365 + 30, 17 * 365 - 70))
        child = Child(
            child_id=f"C{i + 1:05d}",
            born=born,
            sex=sexes[i],
            ethnicity=Ethnicity(rng.choice(code)) if code else None,
            looked_after_by=responsible if in_care else None,
            placed_in=host if in_care else None,
        )
        switch = 0.12 if cohort is Cohort.OWN_LOOKED_AFTER else 0.06
        earlier = 0
        if cohort is not Cohort.PLACED_HERE_BY_OTHERS and counts[i] >= 3 and rng.random() < switch:
            earlier = math.ceil(counts[i] / 3)
        plans.append(
            _Plan(
                child=child,
                cohort=cohort,
                responsible=responsible,
                host=host,
                placement=rng.choice(PLACEMENTS) if in_care else None,
                ward=rng.choice(WARDS),
                counted=counts[i],
                cancelled=cancelled[i],
                before_period=rng.random() < BEFORE_PERIOD_SHARE,
                earlier=earlier,
            )
        )
    return plans


def _episode_counts(rng: random.Random, cohorts: list[Cohort], episodes: int) -> list[int]:
    """Every child at least once; the rest heavy-tailed, looked-after children most often."""
    alpha = {Cohort.OWN_LOOKED_AFTER: 1.1, Cohort.PLACED_HERE_BY_OTHERS: 1.0, Cohort.FROM_HOME: 1.7}
    # Raised to 1.5 so about a third of children go missing once and a few go missing weekly.
    weights = [rng.paretovariate(alpha[c]) ** 1.5 for c in cohorts]
    cap = max(50, math.ceil(2 * episodes / len(cohorts)))
    counts = [1] * len(cohorts)
    extra = episodes - len(cohorts)
    while extra:
        for i in rng.choices(range(len(cohorts)), weights=weights, k=extra):
            if counts[i] < cap and extra:
                counts[i] += 1
                extra -= 1
    return counts


def _evening(rng: random.Random, low: float, high: float, base: pendulum.DateTime) -> float:
    """A moment in [low, high) seconds after `base`, more often in the afternoon and evening."""
    pick = low
    for _ in range(12):
        pick = rng.uniform(low, high)
        hour = clock.local(base + dt.timedelta(seconds=pick)).hour
        if rng.random() < (1.0 if 15 <= hour <= 23 else 0.25):
            break
    return pick


def _length(rng: random.Random, in_care: bool) -> int:
    """How long a child is missing: most come back within the day, a few are gone for days."""
    hours = rng.lognormvariate(math.log(9 if in_care else 7), 1.05)
    return int(min(max(hours, 0.5), 14 * 24) * HOUR)


def timeline(rng: random.Random, plan: _Plan) -> list[_Spec]:
    """The child's episodes in time order, never overlapping (PROTOCOL: one open at a time)."""
    specs: list[_Spec] = []
    cursor = PERIOD.start_at.subtract(days=40)
    if plan.before_period:
        # Up to the last evening before the period: some of these end inside it.
        start = instant(cursor, rng.uniform(0, 40 * DAY - HOUR))
        length = min(_length(rng, plan.cohort is not Cohort.FROM_HOME), 3 * DAY)
        specs.append(_Spec(plan, start, length, False, plan.cohort is not Cohort.FROM_HOME))
        cursor = instant(start, length)
    kinds = [_Kind.COUNTED] * plan.counted + [_Kind.CANCELLED] * plan.cancelled
    rng.shuffle(kinds)
    year = (PERIOD.end_at - PERIOD.start_at).total_seconds()
    slot = year / len(kinds)
    counted_so_far = 0
    for j, kind in enumerate(kinds):
        slot_start = j * slot
        free = (cursor - PERIOD.start_at).total_seconds() + 2 * HOUR
        low = max(slot_start, free)
        last = j == len(kinds) - 1
        # Leave the end of each slot free so the episode can end before the next one starts.
        high = slot_start + (slot - 60 if last else 0.9 * slot)
        offset = _evening(rng, low, max(low + 60, high), PERIOD.start_at)
        start = instant(PERIOD.start_at, offset)
        in_care = _in_care(plan, counted_so_far)
        if kind is _Kind.CANCELLED:
            length = rng.randint(20 * 60, 3 * HOUR)
        else:
            counted_so_far += 1
            length = _length(rng, in_care)
        if not last:
            room = (slot_start + slot) - (start - PERIOD.start_at).total_seconds() - 3 * HOUR
            length = max(20 * 60, min(length, int(room)))
        specs.append(_Spec(plan, start, length, kind is _Kind.CANCELLED, in_care))
        cursor = instant(start, length)
    return specs


def _in_care(plan: _Plan, counted_before: int) -> bool:
    if plan.cohort is Cohort.FROM_HOME:
        return counted_before < plan.earlier
    if plan.cohort is Cohort.OWN_LOOKED_AFTER:
        return counted_before >= plan.earlier
    return True


def _risk(rng: random.Random, in_care: bool) -> Risk:
    high = 0.14 if in_care else 0.08
    roll = rng.random()
    if roll < high:
        return Risk.HIGH
    if roll < high + 0.55:
        return Risk.MEDIUM
    return Risk.LOW if roll < 0.95 else Risk.NO_APPARENT_RISK


def make_episode(rng: random.Random, spec: _Spec, episode_id: str) -> list[Event]:
    plan, start = spec.plan, spec.start
    in_care = spec.in_care
    # A child who changed cohort mid-year was looked after by, or lived in, Harryford itself.
    responsible, host = AUTHORITY, AUTHORITY
    if in_care and plan.cohort is not Cohort.FROM_HOME:
        responsible, host = plan.responsible, plan.host
    risk = _risk(rng, in_care)
    reported = Reported(
        episode_id=episode_id,
        child_id=plan.child.child_id,
        at=start,
        missing_from=MissingFrom.CARE if in_care else MissingFrom.HOME,
        responsible_authority=responsible,
        host_authority=host if host != responsible else None,
        risk=risk,
        location=Location(plan.placement) if in_care and plan.placement else plan.ward,
    )
    events: list[Event] = [reported]
    if spec.cancelled:
        end = instant(start, spec.length)
        why = rng.choice(("was with a parent, with permission", "was at school, not missing"))
        return [*events, ReportCancelled(episode_id=episode_id, at=end, reason=f"child {why}")]
    found_at = instant(start, spec.length)
    events.append(_found(rng, episode_id, found_at, host))
    events.extend(_notifications(rng, reported, in_care))
    events.extend(_strategy(rng, reported, risk, spec.length))
    events.extend(_interview(rng, episode_id, found_at))
    return events


def _found(rng: random.Random, episode_id: str, at: pendulum.DateTime, host: str) -> Found:
    if rng.random() < SELF_RETURN:
        return Found(episode_id=episode_id, at=at)
    places, weights = zip(*FOUND_PLACES, strict=True)
    place = rng.choices(places, weights=weights)[0]
    elsewhere = rng.random() < FOUND_ELSEWHERE
    return Found(
        episode_id=episode_id,
        at=at,
        location=place,
        found_in_authority=rng.choice(NEIGHBOURS) if elsewhere else host,
    )


def _notifications(rng: random.Random, reported: Reported, in_care: bool) -> list[Event]:
    if not in_care:
        return []
    out: list[Event] = []
    duties = [(Party.RESPONSIBLE_AUTHORITY, 0.93, 20), (Party.IRO, 0.85, 66)]
    if reported.host != reported.responsible_authority:
        duties.append((Party.HOST_AUTHORITY, 0.9, 20))
    for party, share, usual_hours in duties:
        if rng.random() < share:
            hours = rng.uniform(0.1, usual_hours) if rng.random() < 0.9 else rng.uniform(24, 100)
            at = instant(reported.at, hours * HOUR)
            out.append(Notified(episode_id=reported.episode_id, at=at, party=party))
    return out


def _strategy(rng: random.Random, reported: Reported, risk: Risk, length: int) -> list[Event]:
    hours: float | None = None
    if risk is Risk.HIGH and rng.random() < 0.92:
        hours = rng.uniform(1, 20) if rng.random() < 0.85 else rng.uniform(25, 60)
    elif length > 72 * HOUR and rng.random() < 0.8:
        hours = 72 + rng.uniform(1, 30)
    if hours is None:
        return []
    at = instant(reported.at, hours * HOUR)
    return [StrategyDiscussion(child_id=reported.child_id, at=at, episode_id=reported.episode_id)]


def _interview(rng: random.Random, episode_id: str, found: pendulum.DateTime) -> list[Event]:
    """Offer, then decline or complete, then a plan; about two thirds of interviews in 72 h."""
    if rng.random() >= 0.94:
        return []
    late_offer = rng.random() < 0.07
    offer_hours = rng.uniform(50, 120) if late_offer else rng.uniform(1, 40)
    offered = instant(found, offer_hours * HOUR)
    out: list[Event] = [InterviewOffered(episode_id=episode_id, at=offered, provider=RHI_PROVIDER)]
    roll = rng.random()
    if roll < 0.19:
        by = DeclinedBy.CHILD if roll < 0.13 else DeclinedBy.PARENT
        at = instant(offered, rng.uniform(1, 48) * HOUR)
        out.append(InterviewDeclined(episode_id=episode_id, at=at, declined_by=by))
        if rng.random() < 0.4:
            out.append(_plan(rng, episode_id, at))
        return out
    if roll > 0.97:
        return out  # offered, but nothing came of it yet
    room = (found + dt.timedelta(hours=72) - offered).total_seconds()
    if not late_offer and room > 2 * HOUR and rng.random() < 0.7:
        at = instant(offered, rng.uniform(HOUR, room - 60))
    else:
        at = instant(offered, max(rng.uniform(74, 300) * HOUR - offer_hours * HOUR, HOUR))
    reasons = tuple(sorted(rng.sample(REASONS, rng.randint(1, 2))))
    risks = tuple(sorted(rng.sample(RISKS, rng.choice((0, 0, 1, 1, 2)))))
    independent = rng.random() < 0.96
    out.append(
        InterviewCompleted(
            episode_id=episode_id, at=at, independent=independent, reasons=reasons, risks=risks
        )
    )
    if rng.random() < 0.88:
        out.append(_plan(rng, episode_id, at))
    return out


def _plan(rng: random.Random, episode_id: str, after: pendulum.DateTime) -> PlanMade:
    kinds = sorted(rng.sample(list(ActionKind), rng.randint(1, 3)), key=list(ActionKind).index)
    actions = tuple(PlanAction(kind, OWNERS[kind]) for kind in kinds)
    days = rng.uniform(1, 9) if rng.random() < 0.9 else rng.uniform(15, 25)
    return PlanMade(episode_id=episode_id, at=instant(after, days * DAY), actions=actions)
