"""Persons of concern (pure): who is linked to which children, what partners did, what came of it.

A link ties a person to an episode (and so to its child). Two times matter and are kept apart:
the link's own `at` (when the link was made, e.g. at the return interview), which gives the
first and last link, and the episode's report (when the child was away), which says whether
contact went on after a disruption: a link recorded after a warning notice about an episode
from before it is not a sign that the disruption failed.

Flags: linked to two or more children; links continuing after a disruption (an episode reported
after the person's first disruption). Groups: children connected through shared persons
(connected components of the child-person graph), only those of two or more children.

With a period, history up to the period's end is used and the persons listed are those with a
link, disruption or prosecution in the period.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

import attrs

from missing_protocol.common.period import Period
from missing_protocol.episode import Assembly, Episode, order_key
from missing_protocol.intelligence.hotspots import place_key
from missing_protocol.model import Disruption, LinkSource, PersonLinked, PersonRole, Prosecution

MANY_CHILDREN = 2


class PersonFlag(enum.StrEnum):
    LINKED_TO_MULTIPLE_CHILDREN = "linked_to_multiple_children"
    LINKS_AFTER_DISRUPTION = "links_after_disruption"


@attrs.frozen
class Link:
    person_id: str
    episode_id: str
    child_id: str
    at: dt.datetime
    role: PersonRole
    source: LinkSource | None
    # When the child went missing in the linked episode: the time of the contact.
    episode_reported_at: dt.datetime
    places: tuple[str, ...] = ()


@attrs.frozen
class Person:
    person_id: str
    links: tuple[Link, ...]
    disruptions: tuple[Disruption, ...]
    prosecutions: tuple[Prosecution, ...]

    @property
    def children(self) -> tuple[str, ...]:
        return tuple(sorted({link.child_id for link in self.links}))

    @property
    def episodes(self) -> tuple[str, ...]:
        return tuple(sorted({link.episode_id for link in self.links}))

    @property
    def roles(self) -> tuple[PersonRole, ...]:
        return tuple(sorted({link.role for link in self.links}))

    @property
    def places(self) -> tuple[str, ...]:
        """The places of the linked episodes, one spelling per place."""
        by_key: dict[str, str] = {}
        for name in sorted(p for link in self.links for p in link.places):
            by_key.setdefault(place_key(name), name)
        return tuple(sorted(by_key.values()))

    @property
    def first_link(self) -> dt.datetime | None:
        return min((link.at for link in self.links), default=None)

    @property
    def last_link(self) -> dt.datetime | None:
        return max((link.at for link in self.links), default=None)

    @property
    def first_disruption(self) -> dt.datetime | None:
        return min((d.at for d in self.disruptions), default=None)

    @property
    def links_after_disruption(self) -> tuple[Link, ...]:
        start = self.first_disruption
        if start is None:
            return ()
        return tuple(link for link in self.links if link.episode_reported_at > start)

    @property
    def flags(self) -> tuple[PersonFlag, ...]:
        flags = []
        if len(self.children) >= MANY_CHILDREN:
            flags.append(PersonFlag.LINKED_TO_MULTIPLE_CHILDREN)
        if self.links_after_disruption:
            flags.append(PersonFlag.LINKS_AFTER_DISRUPTION)
        return tuple(flags)


@attrs.frozen
class ChildGroup:
    """Children connected through shared persons, directly or by a chain of them."""

    children: tuple[str, ...]
    persons: tuple[str, ...]
    episodes: tuple[str, ...]


@attrs.frozen
class Persons:
    period: Period | None
    persons: tuple[Person, ...]
    groups: tuple[ChildGroup, ...]

    def _in_period(self, at: dt.datetime) -> bool:
        return self.period is None or self.period.contains(at)

    @property
    def disruptions(self) -> tuple[Disruption, ...]:
        """Disruptions in the period (the persons keep earlier ones as history)."""
        return tuple(d for p in self.persons for d in p.disruptions if self._in_period(d.at))

    @property
    def prosecutions(self) -> tuple[Prosecution, ...]:
        return tuple(x for p in self.persons for x in p.prosecutions if self._in_period(x.at))


def _places(episode: Episode) -> tuple[str, ...]:
    found = episode.found.location if episode.found else None
    return tuple(loc.name.strip() for loc in (episode.reported.location, found) if loc)


def child_groups(persons: Iterable[Person]) -> tuple[ChildGroup, ...]:
    """Connected components of the child-person graph with two or more children (union-find)."""
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]  # path halving keeps chains short
            node = parent[node]
        return node

    links = [link for person in persons for link in person.links]
    for link in links:
        # Children and persons share one graph; prefixes keep a child and a person apart.
        a, b = root(f"c:{link.child_id}"), root(f"p:{link.person_id}")
        if a != b:
            parent[max(a, b)] = min(a, b)
    members: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        members[root(f"c:{link.child_id}")].append(link)
    groups = [
        ChildGroup(
            children=tuple(sorted({link.child_id for link in group})),
            persons=tuple(sorted({link.person_id for link in group})),
            episodes=tuple(sorted({link.episode_id for link in group})),
        )
        for group in members.values()
    ]
    kept = [g for g in groups if len(g.children) >= MANY_CHILDREN]
    return tuple(sorted(kept, key=lambda g: (-len(g.children), g.children)))


class _OfPerson(Protocol):
    @property
    def person_id(self) -> str: ...

    @property
    def at(self) -> dt.datetime: ...


T = TypeVar("T", bound=_OfPerson)


def _by_person(items: Iterable[T]) -> dict[str, list[T]]:
    """Links, disruptions or prosecutions grouped by person, in time order."""
    grouped: dict[str, list[T]] = defaultdict(list)
    for item in sorted(items, key=lambda x: x.at):
        grouped[item.person_id].append(item)
    return grouped


def _link(raw: PersonLinked, episode: Episode) -> Link:
    return Link(
        raw.person_id,
        raw.episode_id,
        episode.child_id,
        raw.at,
        raw.role,
        raw.source,
        episode.reported_at,
        _places(episode),
    )


def persons_of_concern(assembly: Assembly, period: Period | None = None) -> Persons:
    """Every person of concern with their links, disruptions and prosecutions in time order."""
    return persons_from(persons_part(assembly, period), period)


def persons_part(assembly: Assembly, period: Period | None = None) -> dict[str, Any]:
    """The persons' part from one assembly of whole children (common.mergeable): links (with
    their episode's child and places), disruptions and prosecutions known by the period's end,
    each with its place in the log's order. A person's links may lie in several parts."""
    intel = assembly.intelligence
    episodes = {e.episode_id: e for e in assembly.episodes}

    def known_by_end(at: dt.datetime) -> bool:
        return period is None or at < period.end_at

    return {
        "links": [
            (order_key(raw), _link(raw, episodes[raw.episode_id]))
            for raw in intel.person_links
            if known_by_end(raw.at)
        ],
        "disruptions": [(order_key(d), d) for d in intel.disruptions if known_by_end(d.at)],
        "prosecutions": [(order_key(p), p) for p in intel.prosecutions if known_by_end(p.at)],
    }


def _in_order(items: list[tuple[Any, T]]) -> list[T]:
    return [item for _, item in sorted(items, key=lambda kv: kv[0])]


def persons_from(part: dict[str, Any], period: Period | None = None) -> Persons:
    """The persons of concern from their part (one assembly's, or the parts of all merged)."""
    links = _by_person(_in_order(part["links"]))
    disruptions = _by_person(_in_order(part["disruptions"]))
    prosecutions = _by_person(_in_order(part["prosecutions"]))

    def active(pid: str) -> bool:
        """With a period: a link, disruption or prosecution in it (earlier ones are history)."""
        done: tuple[_OfPerson, ...] = (*links[pid], *disruptions[pid], *prosecutions[pid])
        return period is None or any(period.contains(x.at) for x in done)

    persons = tuple(
        Person(
            person_id=pid,
            links=tuple(sorted(links[pid], key=lambda k: (k.at, k.episode_id))),
            disruptions=tuple(disruptions[pid]),
            prosecutions=tuple(prosecutions[pid]),
        )
        for pid in sorted({*links, *disruptions, *prosecutions})
        if active(pid)
    )
    return Persons(period, persons, child_groups(persons))
