"""Partitions' findings on their way to the one merged output: keyed, described, spilled, read back.

Each finding travels with its key (its place in a whole check's output, so that partitions
merge into that order) and with what `Options.describe` said of its episode.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator

import attrs

from missing_protocol.check import FindingKey, Judged
from missing_protocol.engine import spill
from missing_protocol.episode import Assembly, Episode
from missing_protocol.rules import Finding

# Each finding with its key and what Options.describe said of its episode (None: nothing).
Keyed = tuple[FindingKey, Finding, str | None]
Described = tuple[Finding, str | None]

_fields = operator.attrgetter(*(a.name for a in attrs.fields(Finding)))


def describer(
    assembly: Assembly, describe: Callable[[Episode], str]
) -> Callable[[Finding], str | None]:
    """What `describe` says of a finding's episode, said once an episode (None: a finding on
    no episode of the assembly, such as a self-report's)."""
    episodes = {episode.episode_id: episode for episode in assembly.episodes}
    said: dict[str, str] = {}

    def of(found: Finding) -> str | None:
        episode = episodes.get(found.episode_id) if found.episode_id is not None else None
        if episode is None:
            return None
        text = said.get(episode.episode_id)
        if text is None:
            text = said[episode.episode_id] = describe(episode)
        return text

    return of


def keyed(judged: Judged, describe: Callable[[Episode], str] | None) -> Iterator[Keyed]:
    """A judged partition's findings with their keys, described once an episode."""
    if describe is None:
        for key, found in judged.findings:
            yield key, found, None
        return
    said = describer(judged.assembly, describe)
    for key, found in judged.findings:
        yield key, found, said(found)


def spilled(findings: Iterable[Keyed], path: str) -> str:
    """A partition's findings written to `path`, batch by batch, as they come."""
    return spill.dump(((key, _fields(found), said) for key, found, said in findings), path)


def stream(findings: list[Keyed] | str) -> Iterator[Keyed]:
    """A partition's findings, from memory or read back from their file."""
    if not isinstance(findings, str):
        return iter(findings)
    return ((key, Finding(*fields), said) for key, fields, said in spill.load(findings))


def unkeyed(merged: Iterator[Keyed]) -> Iterator[Described]:
    """The merged findings without their keys."""
    return ((found, said) for _, found, said in merged)
