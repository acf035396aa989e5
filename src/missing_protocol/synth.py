"""The seeded example-year generator: a realistic year of events for the invented borough Harryford.

The published figures of issue 5 are built in as shares: cohorts, ethnic groups and sex are
shared out exactly (largest remainder), so the default size reproduces 806 episodes, 190
children, 82/18/90 and the percentages exactly, and any other size keeps the same shape. Timing,
risk, interviews and places are drawn from one `random.Random(seed)`: same arguments, same log.

Partnership intelligence (issue 6) is added afterwards from a second generator seeded from the
same seed, so it never changes the episodes: persons of concern linked to episodes (one linked
to several children at two hotspots, with contact going on after a warning notice), their
disruptions and prosecutions, and young people's self-reports (most matching a recorded
episode, some unknown to services, one or two conflicting), with strategy discussions following
up the unmatched ones. Everything here is pure except `write` and `main` at the bottom.

    python -m missing_protocol.synth src/missing_protocol/data/example_year.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import math
import random
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.formats.events import event_json
from missing_protocol.lifecycle import LIFECYCLE_ORDER
from missing_protocol.model import (
    ActionKind,
    Child,
    DeclinedBy,
    Disruption,
    DisruptionKind,
    Ethnicity,
    Event,
    Found,
    InterviewCompleted,
    InterviewDeclined,
    InterviewOffered,
    LinkSource,
    Location,
    MissingFrom,
    Notified,
    Partner,
    Party,
    PersonLinked,
    PersonRole,
    PlanAction,
    PlanMade,
    Prosecution,
    ProsecutionOutcome,
    ReportCancelled,
    Reported,
    Risk,
    SelfReport,
    Sex,
    StrategyDiscussion,
)
from missing_protocol.report.figures import Cohort, Period

AUTHORITY = "HRY"
AUTHORITY_NAME = "Harryford"
# Invented neighbouring authorities: they place children in Harryford and host some of ours.
NEIGHBOURS = ("KSW", "BDV", "MLF", "OKC")
PERIOD = Period(pendulum.Date(2025, 4, 1), pendulum.Date(2026, 4, 1))
EXAMPLE_SEED = 5
EXAMPLE_CHILDREN = 190
EXAMPLE_EPISODES = 806
# Later than every follow-up in the example: checking as of then leaves nothing pending.
EXAMPLE_AS_OF = "2026-05-31T23:59:59+01:00"

# The published shape (issue 5): children per cohort, ethnic group and sex at the example size.
COHORT_SHARES = {
    Cohort.OWN_LOOKED_AFTER: 82,
    Cohort.PLACED_HERE_BY_OTHERS: 18,
    Cohort.FROM_HOME: 90,
}
ETHNICITY_SHARES: dict[tuple[str, ...], int] = {
    ("BCRB", "BAFR", "BOTH"): 103,
    ("WBRI", "WOTH", "WIRI"): 36,
    ("MWBC", "MWBA", "MOTH", "MWAS"): 32,
    ("ABAN", "APKN", "AIND", "AOTH"): 11,
    ("OOTH", "CHNE"): 5,
    ("REFU", "NOBT"): 2,
    (): 1,  # no ethnicity recorded
}
SEX_SHARES = {Sex.MALE: 106, Sex.FEMALE: 83, Sex.UNKNOWN: 1}

# Children's homes and foster areas (no coordinates: a placement's address is not published).
PLACEMENTS = (
    "Elm Lodge children's home",
    "Beacon House children's home",
    "Orchard View children's home",
    "Larkspur Close semi-independent",
    "Foster home, Northgate",
    "Foster home, Millbrook",
    "Foster home, Wharfside",
)
# Wards of Harryford (public areas, with invented coordinates).
WARDS = (
    Location("Northgate ward", 51.5712, -0.2231),
    Location("Millbrook ward", 51.5634, -0.2049),
    Location("Wharfside ward", 51.5551, -0.2187),
    Location("Tollgate ward", 51.5489, -0.1963),
    Location("Kestrel Hill ward", 51.5820, -0.2102),
    Location("St Aldric's ward", 51.5598, -0.1875),
)
# Where children are found: public places carry coordinates, private addresses do not.
FOUND_PLACES: tuple[tuple[Location, int], ...] = (
    (Location("Harryford Broadway", 51.5601, -0.2102), 16),
    (Location("Tollgate Station", 51.5477, -0.1990), 13),
    (Location("Millbrook Shopping Centre", 51.5640, -0.2035), 11),
    (Location("Kestrel Park", 51.5795, -0.2140), 8),
    (Location("Northgate Bus Station", 51.5720, -0.2250), 7),
    (Location("Canal towpath, Wharf Lane", 51.5543, -0.2201), 5),
    (Location("Friend's address"), 20),
    (Location("Relative's address"), 12),
    (Location("Harryford Police Station", 51.5588, -0.2077), 4),
    (Location("Central London"), 4),
)
FOUND_ELSEWHERE = 0.25
SELF_RETURN = 0.35
RHI_PROVIDER = "Harryford Return Interview Service"
REASONS = (
    "conflict at home",
    "conflict in placement",
    "wanted to see friends",
    "wanted to see family",
    "relationship",
    "boredom",
    "substance use",
)
RISKS = ("cse", "cce", "mental_health", "substance_misuse", "county_lines", "online_harm")
OWNERS = {
    ActionKind.MENTAL_HEALTH_REFERRAL: "Harryford CAMHS",
    ActionKind.FAMILY_NETWORK: "Allocated social worker",
    ActionKind.DISRUPTION: "Harryford Exploitation Team",
    ActionKind.EDUCATION: "Virtual School",
    ActionKind.OTHER: "Youth Offending Service",
}
CANCELLED_SHARE = 0.015
BEFORE_PERIOD_SHARE = 0.08
HOUR = 3600
DAY = 24 * HOUR


def apportion(total: int, weights: Sequence[int]) -> list[int]:
    """Share `total` out in proportion to `weights`, exactly (largest remainder, ties by order)."""
    whole = sum(weights)
    parts = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(parts)]:
        parts[i] += 1
    return parts


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
class _History:
    """A child's recent reports and strategy discussions, for repeat-episode discussions."""

    reports: list[pendulum.DateTime] = attrs.Factory(list)
    discussions: list[pendulum.DateTime] = attrs.Factory(list)


REPEAT_COUNT = 3
REPEAT_WINDOW = dt.timedelta(days=90)


def _repeat_strategy(
    rng: random.Random, spec: _Spec, made: list[Event], seen: _History
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
    at = _instant(start, rng.uniform(1, 6) * DAY)
    seen.discussions.append(at)
    episode_id = made[0].episode_id if isinstance(made[0], Reported) else None
    return [StrategyDiscussion(child_id=spec.plan.child.child_id, at=at, episode_id=episode_id)]


class _Kind(enum.Enum):
    COUNTED = 1
    CANCELLED = 2


def generate(
    children: int = EXAMPLE_CHILDREN,
    episodes: int = EXAMPLE_EPISODES,
    seed: int = EXAMPLE_SEED,
) -> list[Event]:
    """A year of events: `children` children with `episodes` counted episodes for HRY."""
    if children < 1 or episodes < children:
        raise ValueError("need at least one child and at least one episode per child")
    if episodes > children * 200:
        raise ValueError("at most 200 episodes per child fit in a year")
    rng = random.Random(seed)
    plans = _plans(rng, children, episodes)
    specs = sorted(
        (spec for plan in plans for spec in _timeline(rng, plan)),
        key=lambda s: (s.start, s.plan.child.child_id),
    )
    events: list[Event] = [plan.child for plan in sorted(plans, key=lambda p: p.child.child_id)]
    episode_events: list[Event] = []
    history: dict[str, _History] = {}
    for number, spec in enumerate(specs, start=1):
        made = _episode(rng, spec, f"E{number:06d}")
        made += _repeat_strategy(
            rng, spec, made, history.setdefault(spec.plan.child.child_id, _History())
        )
        episode_events.extend(made)
    episode_events.extend(_intelligence(random.Random(f"{seed}:intelligence"), episode_events))
    episode_events.sort(key=_order)
    return events + episode_events


def _order(event: Event) -> tuple[dt.datetime, int, str]:
    at: dt.datetime = getattr(event, "at", PERIOD.start_at)
    return (at, LIFECYCLE_ORDER.get(event.type, 0), getattr(event, "episode_id", "") or "")


def _shuffled(rng: random.Random, shares: Iterable[tuple[Any, int]]) -> list[Any]:
    items = [value for value, n in shares for _ in range(n)]
    rng.shuffle(items)
    return items


def _plans(rng: random.Random, children: int, episodes: int) -> list[_Plan]:
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


def _instant(start: dt.datetime, seconds: float) -> pendulum.DateTime:
    # Whole minutes, on the real clock (UTC arithmetic is elapsed time across clock changes).
    moment = pendulum.instance(start).in_timezone("UTC") + dt.timedelta(seconds=seconds)
    return moment.replace(second=0, microsecond=0)


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


def _timeline(rng: random.Random, plan: _Plan) -> list[_Spec]:
    """The child's episodes in time order, never overlapping (PROTOCOL: one open at a time)."""
    specs: list[_Spec] = []
    cursor = PERIOD.start_at.subtract(days=40)
    if plan.before_period:
        # Up to the last evening before the period: some of these end inside it.
        start = _instant(cursor, rng.uniform(0, 40 * DAY - HOUR))
        length = min(_length(rng, plan.cohort is not Cohort.FROM_HOME), 3 * DAY)
        specs.append(_Spec(plan, start, length, False, plan.cohort is not Cohort.FROM_HOME))
        cursor = _instant(start, length)
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
        start = _instant(PERIOD.start_at, offset)
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
        cursor = _instant(start, length)
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


def _episode(rng: random.Random, spec: _Spec, episode_id: str) -> list[Event]:
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
        end = _instant(start, spec.length)
        why = rng.choice(("was with a parent, with permission", "was at school, not missing"))
        return [*events, ReportCancelled(episode_id=episode_id, at=end, reason=f"child {why}")]
    found_at = _instant(start, spec.length)
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
            at = _instant(reported.at, hours * HOUR)
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
    at = _instant(reported.at, hours * HOUR)
    return [StrategyDiscussion(child_id=reported.child_id, at=at, episode_id=reported.episode_id)]


def _interview(rng: random.Random, episode_id: str, found: pendulum.DateTime) -> list[Event]:
    """Offer, then decline or complete, then a plan; about two thirds of interviews in 72 h."""
    if rng.random() >= 0.94:
        return []
    late_offer = rng.random() < 0.07
    offer_hours = rng.uniform(50, 120) if late_offer else rng.uniform(1, 40)
    offered = _instant(found, offer_hours * HOUR)
    out: list[Event] = [InterviewOffered(episode_id=episode_id, at=offered, provider=RHI_PROVIDER)]
    roll = rng.random()
    if roll < 0.19:
        by = DeclinedBy.CHILD if roll < 0.13 else DeclinedBy.PARENT
        at = _instant(offered, rng.uniform(1, 48) * HOUR)
        out.append(InterviewDeclined(episode_id=episode_id, at=at, declined_by=by))
        if rng.random() < 0.4:
            out.append(_plan(rng, episode_id, at))
        return out
    if roll > 0.97:
        return out  # offered, but nothing came of it yet
    room = (found + dt.timedelta(hours=72) - offered).total_seconds()
    if not late_offer and room > 2 * HOUR and rng.random() < 0.7:
        at = _instant(offered, rng.uniform(HOUR, room - 60))
    else:
        at = _instant(offered, max(rng.uniform(74, 300) * HOUR - offer_hours * HOUR, HOUR))
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
    return PlanMade(episode_id=episode_id, at=_instant(after, days * DAY), actions=actions)


# ---- partnership intelligence (issue 6) -----------------------------------------------------

# Adults of concern are ids only (P0001, ...); places of disruption are invented addresses.
HOTSPOT_PAIR = ("Harryford Broadway", "Tollgate Station")
EXPLOITATION_RISKS = frozenset({"cse", "cce", "county_lines"})
DISRUPTION_PLACES = (
    Location("Flat 3, 41 Broadway", 51.5604, -0.2098),
    Location("Tollgate Station car park", 51.5481, -0.1986),
    Location("Unit 7, Wharf Lane", 51.5546, -0.2196),
    Location("Kestrel Park pavilion"),
)
# Young people's own words in the app, and how often each comes up.
SELF_REPORT_REASONS: tuple[tuple[str, int], ...] = (
    ("argument at home", 9),
    ("wanted to see my friends", 8),
    ("felt unsafe at home or in placement", 5),
    ("bored", 4),
    ("went to see my boyfriend or girlfriend", 4),
    ("someone older asked me to go with them", 3),
    ("wanted to see my family", 3),
    ("stress about school", 2),
)
SELF_REPORT_PLACES = (
    Location("Kestrel Park", 51.5795, -0.2140),
    Location("Harryford Broadway", 51.5601, -0.2102),
    Location("A friend's house"),
    Location("Central London"),
)
SELF_REPORT_SHARE = 0.2  # self-reports per child: matched ones
HIDDEN_SHARE = 0.06  # self-reports per child: unknown to services
MARGIN = dt.timedelta(days=3)  # clear of every recorded episode (well beyond the tolerance)
EARLY_DISRUPTIONS = {
    2: DisruptionKind.ARREST,
    3: DisruptionKind.WARNING_NOTICE,
    4: DisruptionKind.WARNING_NOTICE,
}


@attrs.frozen
class _Ep:
    """What the intelligence needs to know about one generated episode."""

    episode_id: str
    child_id: str
    reported: pendulum.DateTime
    ended: pendulum.DateTime
    cancelled: bool
    found_at: str | None
    interviewed: pendulum.DateTime | None
    risks: frozenset[str]


def _episodes_of(events: Sequence[Event]) -> list[_Ep]:
    reported: dict[str, Reported] = {}
    ended: dict[str, pendulum.DateTime] = {}
    cancelled: set[str] = set()
    place: dict[str, str] = {}
    interview: dict[str, InterviewCompleted] = {}
    for e in events:
        if isinstance(e, Reported):
            reported[e.episode_id] = e
        elif isinstance(e, Found):
            ended[e.episode_id] = pendulum.instance(e.at)
            if e.location is not None:
                place[e.episode_id] = e.location.name
        elif isinstance(e, ReportCancelled):
            ended[e.episode_id] = pendulum.instance(e.at)
            cancelled.add(e.episode_id)
        elif isinstance(e, InterviewCompleted):
            interview[e.episode_id] = e
    out = []
    for eid, r in reported.items():
        done = interview.get(eid)
        out.append(
            _Ep(
                episode_id=eid,
                child_id=r.child_id,
                reported=pendulum.instance(r.at),
                ended=ended[eid],
                cancelled=eid in cancelled,
                found_at=place.get(eid),
                interviewed=pendulum.instance(done.at) if done else None,
                risks=frozenset(done.risks) if done else frozenset(),
            )
        )
    return sorted(out, key=lambda x: (x.reported, x.episode_id))


def _intelligence(rng: random.Random, events: Sequence[Event]) -> list[Event]:
    """Persons of concern with disruption and outcomes, and self-reports with follow-up."""
    episodes = _episodes_of(events)
    # Found in the year, with time left for links and self-reports to be made in it.
    latest = PERIOD.end_at.subtract(days=14)
    usable = [
        e
        for e in episodes
        if not e.cancelled and PERIOD.start_at <= e.reported and e.ended < latest
    ]
    children = len({e.child_id for e in episodes})
    return [*_persons(rng, usable, children), *_self_reports(rng, episodes, usable, children)]


def _link(rng: random.Random, ep: _Ep, person: str, role: PersonRole) -> PersonLinked:
    """Named at the return interview, or by the police a day or two after the child came back."""
    if ep.interviewed is not None and rng.random() < 0.7:
        return PersonLinked(ep.episode_id, person, ep.interviewed, role, LinkSource.INTERVIEW)
    at = _instant(ep.ended, rng.uniform(1, 3) * DAY)
    return PersonLinked(ep.episode_id, person, at, role, LinkSource.POLICE)


def _pick(rng: random.Random, pool: Sequence[_Ep], k: int, avoid: set[str]) -> list[_Ep]:
    """Up to k episodes of distinct children not in `avoid`, earliest first."""
    chosen: list[_Ep] = []
    for _ in range(20 * k if pool else 0):
        ep = rng.choice(pool)
        if len(chosen) == k:
            break
        if ep.child_id not in avoid and all(c.child_id != ep.child_id for c in chosen):
            chosen.append(ep)
    return sorted(chosen, key=lambda e: e.reported)


def _between(
    rng: random.Random, after: pendulum.DateTime, before: pendulum.DateTime
) -> pendulum.DateTime:
    span = max((before - after).total_seconds(), 2 * HOUR)
    return _instant(after, rng.uniform(0.2, 0.8) * span)


def _persons(rng: random.Random, usable: list[_Ep], children: int) -> list[Event]:
    """A few adults of concern; the first is linked to several children at two hotspots."""
    if len(usable) < 4:
        return []
    out: list[PersonLinked | Disruption | Prosecution] = []
    taken: set[str] = set()
    # Early enough in the year for the story to run its course before the year ends.
    early = [e for e in usable if e.reported < PERIOD.start_at.add(months=8)]
    at_pair = [[e for e in early if e.found_at == name] for name in HOTSPOT_PAIR]
    # P0001: a suspected exploiter seen with children found at both hotspots. The police serve
    # a child abduction warning notice; contact goes on, so the council gets a closure order on
    # the flat used, then an arrest, a charge and a conviction follow.
    first = _pick(rng, at_pair[0], 3, taken)
    first += _pick(rng, at_pair[1], 2, taken | {e.child_id for e in first})
    first.sort(key=lambda e: e.reported)
    if len(first) >= 3:
        out += [_link(rng, ep, "P0001", PersonRole.SUSPECTED_EXPLOITER) for ep in first]
        warned = _between(rng, first[-3].ended, first[-2].reported)
        closed = _between(rng, first[-1].reported, first[-1].reported.add(days=20))
        arrested = _instant(closed, rng.uniform(10, 30) * DAY)
        out += [
            Disruption("P0001", warned, DisruptionKind.WARNING_NOTICE, Partner.POLICE),
            Disruption(
                "P0001", closed, DisruptionKind.CLOSURE_ORDER, Partner.COUNCIL, DISRUPTION_PLACES[0]
            ),
            Disruption("P0001", arrested, DisruptionKind.ARREST, Partner.POLICE),
            Prosecution("P0001", _instant(arrested, 2 * DAY), ProsecutionOutcome.CHARGED),
        ]
        verdict = _instant(arrested, rng.uniform(60, 90) * DAY)
        if verdict < PERIOD.end_at:
            out.append(Prosecution("P0001", verdict, ProsecutionOutcome.CONVICTED))
        taken |= {e.child_id for e in first}
    # The others: one to three children each, some disrupted in time, some not yet.
    risky = [e for e in usable if e.risks & EXPLOITATION_RISKS] or usable
    roles = (PersonRole.SUSPECTED_EXPLOITER, PersonRole.HARBOURER, PersonRole.ASSOCIATE)
    for n in range(2, max(2, round(children / 27)) + 1):
        person = f"P{n:04d}"
        role = roles[(n - 2) % len(roles)] if n < 5 else rng.choice(list(PersonRole))
        linked = _pick(rng, risky, rng.choice((1, 1, 2, 3)), taken)
        if n == 3 and first:
            # A second adult around one of P0001's children: their groups join up.
            again = [e for e in usable if e.child_id == first[0].child_id]
            linked = sorted([rng.choice(again), *linked[:1]], key=lambda e: e.reported)
        if not linked:
            continue
        out += [_link(rng, ep, person, role) for ep in linked]
        taken |= {e.child_id for e in linked}
        # The first few: an arrest, a police warning notice, a council one; then now and then.
        kind = EARLY_DISRUPTIONS.get(n)
        if kind is None and n > len(EARLY_DISRUPTIONS) + 1 and rng.random() < 0.5:
            kind = rng.choice((DisruptionKind.WARNING_NOTICE, DisruptionKind.ARREST))
        if kind is None:
            continue
        partner = Partner.COUNCIL if n == 4 else Partner.POLICE
        at = _instant(linked[-1].ended, rng.uniform(3, 20) * DAY)
        where = rng.choice(DISRUPTION_PLACES[1:]) if rng.random() < 0.5 else None
        out.append(Disruption(person, at, kind, partner, where))
        if kind is DisruptionKind.ARREST:
            outcomes = (
                ProsecutionOutcome.NO_FURTHER_ACTION,
                ProsecutionOutcome.CHARGED,
                ProsecutionOutcome.ACQUITTED,
            )
            outcome = outcomes[0] if n == 2 else rng.choice(outcomes)
            out.append(Prosecution(person, _instant(at, rng.uniform(2, 40) * DAY), outcome))
    return [e for e in out if e.at < PERIOD.end_at.add(days=40)]


def _self_reports(
    rng: random.Random, episodes: list[_Ep], usable: list[_Ep], children: int
) -> list[Event]:
    """Young people's own accounts: most match an episode, some are hidden, one or two conflict."""
    if not usable:
        return []
    out: list[Event] = []
    number = 0
    reasons, weights = zip(*SELF_REPORT_REASONS, strict=True)

    def report(
        child: str, start: pendulum.DateTime, end: pendulum.DateTime, exact: bool
    ) -> SelfReport:
        nonlocal number
        number += 1
        submitted = _instant(end, rng.uniform(0.3, 6) * DAY)
        said = tuple(sorted(set(rng.choices(reasons, weights=weights, k=rng.choice((1, 1, 2))))))
        where = rng.choice(SELF_REPORT_PLACES) if rng.random() < 0.5 else None
        # Most young people give days; a few give times, an hour or two out.
        away_from: pendulum.DateTime | pendulum.Date = clock.local(start).date()
        away_to: pendulum.DateTime | pendulum.Date = clock.local(end).date()
        if exact:
            away_from = _instant(start, rng.uniform(-2, 2) * HOUR)
            away_to = _instant(end, rng.uniform(-2, 2) * HOUR)
        return SelfReport(f"SR{number:04d}", child, submitted, away_from, away_to, said, where)

    # Matched: the app tells the same story as the records.
    for ep in rng.sample(usable, min(len(usable), round(children * SELF_REPORT_SHARE))):
        out.append(report(ep.child_id, ep.reported, ep.ended, rng.random() < 0.25))
    # Unknown to services: known children away at a time nothing was recorded, and young
    # people who have never been reported missing at all.
    by_child: dict[str, list[_Ep]] = {}
    for ep in episodes:
        by_child.setdefault(ep.child_id, []).append(ep)
    known = sorted(by_child)
    hidden = max(1, round(children * HIDDEN_SHARE))
    for k in range(hidden):
        if k % 3 == 2:
            child = f"Y{k // 3 + 1:04d}"
            mine: list[_Ep] = []
        else:
            child = rng.choice(known)
            mine = by_child[child]
        for _ in range(50):
            start = _instant(PERIOD.start_at, rng.uniform(5, 340) * DAY)
            end = _instant(start, rng.uniform(10, 40) * HOUR)
            clear = all(end + MARGIN < ep.reported or ep.ended + MARGIN < start for ep in mine)
            if clear:
                sr = report(child, start, end, False)
                out.append(sr)
                out += _follow_up(rng, sr, late=k == 2, never=k == 5)
                break

    # Conflicting: a child says they were away for days before the police were called, and
    # a child whose report was cancelled (records: not missing) says they were away overnight.
    def clear_of(others: list[_Ep], start: pendulum.DateTime, end: pendulum.DateTime) -> bool:
        return all(o.ended + MARGIN < start or end + MARGIN < o.reported for o in others)

    short = [e for e in usable if e.ended - e.reported < dt.timedelta(days=2)]
    for ep in rng.sample(short, len(short)):
        start = ep.reported.subtract(days=4)
        if clear_of([o for o in by_child[ep.child_id] if o is not ep], start, ep.ended):
            sr = report(ep.child_id, start, ep.ended, False)
            out += [sr, *_follow_up(rng, sr, late=False)]
            break
    cancelled = [e for e in episodes if e.cancelled and PERIOD.contains(e.reported)]
    for ep in rng.sample(cancelled, len(cancelled)):
        end = ep.reported.add(hours=14)
        if clear_of([o for o in by_child[ep.child_id] if o is not ep], ep.reported, end):
            sr = report(ep.child_id, ep.reported, end, False)
            out += [sr, *_follow_up(rng, sr, late=False)]
            break
    return out


def _follow_up(
    rng: random.Random, sr: SelfReport, *, late: bool, never: bool = False
) -> list[Event]:
    """A strategy discussion follows up a self-report that matched no episode (most in time)."""
    if never:
        return []  # not followed up: overdue
    days = rng.uniform(10, 14) if late else rng.uniform(0.5, 4)
    return [StrategyDiscussion(child_id=sr.child_id, at=_instant(sr.at, days * DAY))]


# ---- the edge: JSON Lines out -------------------------------------------------------------


def record(event: Event) -> dict[str, Any]:
    """The CONTRACT §1 object for one event; optional fields left at their default are omitted."""
    return event_json(event, omit_defaults=True)


def dumps(event: Event) -> str:
    return json.dumps(record(event), ensure_ascii=False, separators=(",", ":"))


def write(events: Iterable[Event], path: str | Path) -> int:
    """Write JSON Lines; returns the number of lines."""
    lines = 0
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for event in events:
            handle.write(dumps(event) + "\n")
            lines += 1
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m missing_protocol.synth", description=__doc__.splitlines()[0]
    )
    parser.add_argument("out", help="the .jsonl file to write")
    parser.add_argument("--children", type=int, default=EXAMPLE_CHILDREN)
    parser.add_argument("--episodes", type=int, default=EXAMPLE_EPISODES)
    parser.add_argument("--seed", type=int, default=EXAMPLE_SEED)
    args = parser.parse_args(argv)
    lines = write(generate(args.children, args.episodes, args.seed), args.out)
    print(f"wrote {lines} events to {args.out}")


if __name__ == "__main__":
    main()
