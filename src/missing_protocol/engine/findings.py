"""Partitions' findings on their way to the one merged output: keyed, described, spilled, read back.

Each finding travels with its key (its place in a whole check's output, so that partitions
merge into that order) and with what `Options.describe` said of its episode.
"""

from __future__ import annotations

import operator
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import attrs

from missing_protocol.check import FindingKey, Judged
from missing_protocol.episode import Assembly, Episode
from missing_protocol.rules import Finding

# Each finding with its key and what Options.describe said of its episode (None: nothing).
Keyed = tuple[FindingKey, Finding, str | None]
Described = tuple[Finding, str | None]

# Spilled findings are pickled as batches of plain tuples of their fields: one pickle per
# finding, through attrs' Python-level __getstate__, cost about 4x more (measured).
BATCH = 1024
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
    with open(path, "wb") as out:
        rows: list[Any] = []
        for key, found, said in findings:
            rows.append((key, _fields(found), said))
            if len(rows) == BATCH:
                pickle.dump(rows, out, protocol=pickle.HIGHEST_PROTOCOL)
                rows = []
        if rows:
            pickle.dump(rows, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def stream(findings: list[Keyed] | str) -> Iterator[Keyed]:
    """A partition's findings, from memory or read back from their file."""
    if not isinstance(findings, str):
        yield from findings
        return
    with open(findings, "rb") as handle:
        while True:
            try:
                rows = pickle.load(handle)
            except EOFError:
                return
            for key, fields, said in rows:
                yield key, Finding(*fields), said


def draining(
    merged: Iterator[Keyed], folder: tempfile.TemporaryDirectory[str]
) -> Iterator[Described]:
    """The merged findings without their keys; the run's folder is removed when they end."""
    try:
        for _, found, said in merged:
            yield found, said
    finally:
        folder.cleanup()
