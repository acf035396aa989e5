"""Intelligence outputs as JSON-ready values (pure), with disclosure control; `render_text`
lays them out as plain text.

Figures go through the report's `Disclosure`: breakdown counts of 1 to 5 show as `c`, totals
stay. A change against the previous period is hidden when either side is, or it would give the
hidden one away; rows with hidden counts sort by name, so their order gives nothing away either.
Person and self-report detail (`detail=True`) is restricted and is added only when asked for.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from missing_protocol import clock
from missing_protocol.check import Counts
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import SUPPRESSED, Disclosure, Shown
from missing_protocol.intelligence.hotspots import Hotspot, Hotspots, PlaceKind
from missing_protocol.intelligence.persons import Person, PersonFlag, Persons
from missing_protocol.intelligence.self_reports import SelfReportLine, SelfReports
from missing_protocol.matching import MatchClass
from missing_protocol.model import (
    ApproxTime,
    DisruptionKind,
    Partner,
    PersonRole,
    ProsecutionOutcome,
)

E = TypeVar("E", bound=enum.StrEnum)
OTHER_REASONS = "other reasons (each given in 1 to 5 self-reports)"


def _period(period: Period | None) -> dict[str, str] | None:
    if period is None:
        return None
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def _approx(value: ApproxTime) -> str:
    if isinstance(value, dt.datetime):
        return clock.iso(value) or ""
    return value.isoformat()


def _tally(d: Disclosure, keys: type[E], seen: Iterable[E]) -> dict[str, Shown]:
    """How often each value of an enum was seen, every value listed (0 included)."""
    counts = Counter(seen)
    return {k.value: d.count(counts[k]) for k in keys}


def _head(disclosure: Disclosure, counts: Counts | None) -> dict[str, Any]:
    head: dict[str, Any] = {"suppressed": disclosure.suppress, "notice": disclosure.notice}
    if counts is not None:
        head["counts"] = counts.to_dict()
    return head


# -- hotspots ---------------------------------------------------------------------------------


def _change(spot: Hotspot, d: Disclosure) -> Shown:
    if d.hides(spot.current.episodes) or d.hides(spot.previous.episodes):
        return SUPPRESSED
    return spot.change


def _ordered(spots: Sequence[Hotspot], d: Disclosure, top: int | None) -> list[Hotspot]:
    def key(s: Hotspot) -> tuple[bool, int, int, str, str, str]:
        # Only shown counts rank; ties and hidden rows by name (then key: never by input order).
        hidden = d.hides(s.current.episodes)
        n = 0 if hidden else s.current.episodes
        kids = 0 if hidden or d.hides(s.current.children) else s.current.children
        return (hidden, -n, -kids, s.label.casefold(), s.label, s.key)

    ranked = sorted(spots, key=key)
    return ranked if top is None else ranked[:top]


def _spot(spot: Hotspot, d: Disclosure) -> dict[str, Any]:
    row: dict[str, Any] = {}
    if spot.centre is None:
        row["place"] = spot.label
    else:
        row["cell"] = spot.key
        row["lat"], row["lon"] = spot.centre
        row["places"] = list(spot.places)
    row["episodes"] = d.count(spot.current.episodes)
    row["children"] = d.count(spot.current.children)
    row["previous_episodes"] = d.count(spot.previous.episodes)
    row["change"] = _change(spot, d)
    return row


def hotspots_dict(
    h: Hotspots, disclosure: Disclosure, *, counts: Counts | None = None, top: int | None = None
) -> dict[str, Any]:
    """The `hotspots` JSON (schemas/hotspots.schema.json)."""
    d = disclosure
    t = h.totals
    out: dict[str, Any] = {
        "period": _period(h.period),
        "previous_period": _period(h.previous_period),
        "resolution": h.resolution,
        **_head(d, counts),
        "totals": {
            "episodes_reported": d.total(t.episodes_reported),
            "missing_from_named": d.total(t.missing_from_named),
            "episodes_found": d.total(t.episodes_found),
            "found_at_named": d.total(t.found_at_named),
            "with_coordinates": d.total(t.with_coordinates),
        },
    }
    for kind in PlaceKind:
        out[kind.value] = {
            "places": [_spot(s, d) for s in _ordered(h.of(kind), d, top)],
            "cells": [_spot(s, d) for s in _ordered(h.of(kind, cells=True), d, top)],
        }
    return out


# -- persons ----------------------------------------------------------------------------------


def _person(person: Person) -> dict[str, Any]:
    return {
        "person_id": person.person_id,
        "roles": [r.value for r in person.roles],
        "children": list(person.children),
        "episodes": list(person.episodes),
        "links": len(person.links),
        "first_link": clock.iso(person.first_link),
        "last_link": clock.iso(person.last_link),
        "places": list(person.places),
        "disruptions": [
            {
                "at": clock.iso(x.at),
                "kind": x.kind.value,
                "partner": x.partner.value,
                "location": x.location.name if x.location else None,
            }
            for x in person.disruptions
        ],
        "prosecutions": [
            {"at": clock.iso(x.at), "outcome": x.outcome.value} for x in person.prosecutions
        ],
        "flags": [f.value for f in person.flags],
        "links_after_disruption": sorted({k.episode_id for k in person.links_after_disruption}),
    }


def persons_dict(
    p: Persons, disclosure: Disclosure, *, detail: bool = False, counts: Counts | None = None
) -> dict[str, Any]:
    """The `persons` JSON (schemas/persons.schema.json); `detail` adds persons and groups."""
    d = disclosure
    disruptions, prosecutions = p.disruptions, p.prosecutions
    children = {c for person in p.persons for c in person.children}
    episodes = {e for person in p.persons for e in person.episodes}
    out: dict[str, Any] = {
        "period": _period(p.period),
        **_head(d, counts),
        "figures": {
            "persons": d.total(len(p.persons)),
            "children_linked": d.total(len(children)),
            "episodes_linked": d.total(len(episodes)),
            # A person's flags and roles are each listed once, so these count persons.
            "flags": _tally(d, PersonFlag, (f for x in p.persons for f in x.flags)),
            "roles": _tally(d, PersonRole, (r for x in p.persons for r in x.roles)),
            "disruptions": {
                "total": d.total(len(disruptions)),
                "by_kind": _tally(d, DisruptionKind, (x.kind for x in disruptions)),
                "by_partner": _tally(d, Partner, (x.partner for x in disruptions)),
            },
            "prosecutions": {
                "total": d.total(len(prosecutions)),
                "by_outcome": _tally(d, ProsecutionOutcome, (x.outcome for x in prosecutions)),
            },
            "groups": {
                "groups": d.count(len(p.groups)),
                "children_in_groups": d.count(sum(len(g.children) for g in p.groups)),
                "largest": d.count(max((len(g.children) for g in p.groups), default=0)),
            },
        },
    }
    if detail:
        out["persons"] = [_person(x) for x in p.persons]
        out["groups"] = [
            {"children": list(g.children), "persons": list(g.persons), "episodes": list(g.episodes)}
            for g in p.groups
        ]
    return out


# -- self-reports -----------------------------------------------------------------------------


def _reasons(s: SelfReports, d: Disclosure) -> list[dict[str, Any]]:
    # Reasons are the young people's own words: a rare one could name them, so under disclosure
    # control the reasons with hidden counts are pooled, not listed.
    rows: list[dict[str, Any]] = []
    pooled = 0
    for reason, n in s.reasons():
        if d.hides(n):
            pooled += n
        else:
            rows.append({"reason": reason, "self_reports": n})
    if pooled:
        rows.append({"reason": OTHER_REASONS, "self_reports": d.count(pooled)})
    return rows


def _line(line: SelfReportLine) -> dict[str, Any]:
    r, f = line.match.report, line.follow_up
    return {
        "report_id": r.report_id,
        "child_id": r.child_id,
        "at": clock.iso(r.at),
        "away_from": _approx(r.away_from),
        "away_to": _approx(r.away_to),
        "class": line.match.verdict.value,
        "episodes": list(line.match.episode_ids),
        "conflict": line.match.conflict.value if line.match.conflict else None,
        "reasons": list(r.reasons),
        "location": r.location.name if r.location else None,
        "follow_up": {
            "status": f.status.value,
            "responsible": f.responsible,
            "due": clock.iso(f.due),
            "done": clock.iso(f.done),
        },
    }


def self_reports_dict(
    s: SelfReports,
    disclosure: Disclosure,
    *,
    as_of: dt.datetime,
    profile: str,
    detail: bool = False,
    counts: Counts | None = None,
) -> dict[str, Any]:
    """The `self-reports` JSON (schemas/self-reports.schema.json); `detail` adds each report."""
    d = disclosure
    unknown = s.by_class(MatchClass.UNKNOWN_TO_SERVICES)
    out: dict[str, Any] = {
        "period": _period(s.period),
        "as_of": clock.iso(as_of),
        "profile": profile,
        **_head(d, counts),
        "figures": {
            "self_reports": d.total(s.total),
            "children": d.total(s.children),
            "classes": {
                c.value: {
                    "self_reports": d.count(s.by_class(c).reports),
                    "children": d.count(s.by_class(c).children),
                }
                for c in MatchClass
            },
            "hidden_missing": {
                "self_reports": d.count(unknown.reports),
                "children_with_no_recorded_episode": d.count(s.children_without_any_episode),
            },
            "conflicts": {c.value: d.count(n) for c, n in s.conflicts().items()},
            "follow_up": {st.value: d.count(n) for st, n in s.follow_ups().items()},
            "reasons": _reasons(s, d),
        },
    }
    if detail:
        out["self_reports"] = [_line(x) for x in s.lines]
    return out
