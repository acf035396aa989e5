"""Partnership intelligence added to the example year from its episodes: persons of concern,
disruptions, prosecutions and young people's self-reports (issue 6)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.model import (
    Disruption,
    DisruptionKind,
    Event,
    Found,
    InterviewCompleted,
    LinkSource,
    Location,
    Partner,
    PersonLinked,
    PersonRole,
    Prosecution,
    ProsecutionOutcome,
    ReportCancelled,
    Reported,
    SelfReport,
    StrategyDiscussion,
)
from missing_protocol.synth.borough import DAY, HOUR, PERIOD, instant

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


def intelligence_events(rng: random.Random, events: Sequence[Event]) -> list[Event]:
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
    at = instant(ep.ended, rng.uniform(1, 3) * DAY)
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
    return instant(after, rng.uniform(0.2, 0.8) * span)


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
        arrested = instant(closed, rng.uniform(10, 30) * DAY)
        out += [
            Disruption("P0001", warned, DisruptionKind.WARNING_NOTICE, Partner.POLICE),
            Disruption(
                "P0001", closed, DisruptionKind.CLOSURE_ORDER, Partner.COUNCIL, DISRUPTION_PLACES[0]
            ),
            Disruption("P0001", arrested, DisruptionKind.ARREST, Partner.POLICE),
            Prosecution("P0001", instant(arrested, 2 * DAY), ProsecutionOutcome.CHARGED),
        ]
        verdict = instant(arrested, rng.uniform(60, 90) * DAY)
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
        at = instant(linked[-1].ended, rng.uniform(3, 20) * DAY)
        where = rng.choice(DISRUPTION_PLACES[1:]) if rng.random() < 0.5 else None
        out.append(Disruption(person, at, kind, partner, where))
        if kind is DisruptionKind.ARREST:
            outcomes = (
                ProsecutionOutcome.NO_FURTHER_ACTION,
                ProsecutionOutcome.CHARGED,
                ProsecutionOutcome.ACQUITTED,
            )
            outcome = outcomes[0] if n == 2 else rng.choice(outcomes)
            out.append(Prosecution(person, instant(at, rng.uniform(2, 40) * DAY), outcome))
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
        submitted = instant(end, rng.uniform(0.3, 6) * DAY)
        said = tuple(sorted(set(rng.choices(reasons, weights=weights, k=rng.choice((1, 1, 2))))))
        where = rng.choice(SELF_REPORT_PLACES) if rng.random() < 0.5 else None
        # Most young people give days; a few give times, an hour or two out.
        away_from: pendulum.DateTime | pendulum.Date = clock.local(start).date()
        away_to: pendulum.DateTime | pendulum.Date = clock.local(end).date()
        if exact:
            away_from = instant(start, rng.uniform(-2, 2) * HOUR)
            away_to = instant(end, rng.uniform(-2, 2) * HOUR)
            if away_to <= away_from:  # a short episode's two errors crossed: keep it readable
                away_to = instant(away_from, HOUR)
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
            start = instant(PERIOD.start_at, rng.uniform(5, 340) * DAY)
            end = instant(start, rng.uniform(10, 40) * HOUR)
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
    return [StrategyDiscussion(child_id=sr.child_id, at=instant(sr.at, days * DAY))]
