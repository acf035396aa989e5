"""What folding a log gives: episodes, partnership intelligence kept beside them, the assembly.

Frozen values, built by `episode.assemble` (which re-exports them): every rule, report and
format reads an episode through these and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import attrs

from missing_protocol import clock
from missing_protocol.model import (
    ActionCompleted,
    Child,
    Disruption,
    EventError,
    Found,
    InterviewCompleted,
    InterviewDeclined,
    InterviewOffered,
    MissingFrom,
    Notified,
    PersonLinked,
    PlanMade,
    Prosecution,
    ReportCancelled,
    Reported,
    SelfReport,
    StrategyDiscussion,
)


@attrs.frozen
class Episode:
    """One period in which a child is missing, with what happened after, and plain questions."""

    reported: Reported
    state: str
    found: Found | None = None
    cancelled: ReportCancelled | None = None
    offered: InterviewOffered | None = None
    declined: InterviewDeclined | None = None
    completed: InterviewCompleted | None = None
    plan: PlanMade | None = None
    notifications: tuple[Notified, ...] = ()
    child: Child | None = None
    # The plan's actions recorded done (PLAN-ACTION-DUE), in time order.
    actions_completed: tuple[ActionCompleted, ...] = ()
    # Read by every rule many times: plain attributes, copied from the report once.
    episode_id: str = attrs.field(init=False, eq=False, repr=False)
    child_id: str = attrs.field(init=False, eq=False, repr=False)
    reported_at: dt.datetime = attrs.field(init=False, eq=False, repr=False)

    # Four rules ask the age at return of every episode: worked out once, when it is folded.
    _age: int | None = attrs.field(init=False, eq=False, repr=False)

    @episode_id.default
    def _episode_id(self) -> str:
        return self.reported.episode_id

    @child_id.default
    def _child_id(self) -> str:
        return self.reported.child_id

    @reported_at.default
    def _reported_at(self) -> dt.datetime:
        return self.reported.at

    @property
    def found_at(self) -> dt.datetime | None:
        return self.found.at if self.found else None

    @property
    def ended_at(self) -> dt.datetime | None:
        """When the episode stopped being open: found, or the report cancelled."""
        if self.found:
            return self.found.at
        return self.cancelled.at if self.cancelled else None

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def duration(self) -> dt.timedelta | None:
        """How long the child was missing (None while still missing or if cancelled)."""
        return self.found.at - self.reported.at if self.found else None

    @property
    def responsible_authority(self) -> str:
        return self.reported.responsible_authority

    @property
    def host_authority(self) -> str:
        return self.reported.host

    @property
    def is_looked_after(self) -> bool:
        return self.reported.missing_from is MissingFrom.CARE

    @property
    def is_placed_out_of_area(self) -> bool:
        return self.is_looked_after and self.host_authority != self.responsible_authority

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled is not None

    @_age.default
    def _age_default(self) -> int | None:
        if self.child is None or self.child.born is None:
            return None
        moment = clock.london_date(self.found.at if self.found else self.reported.at)
        born = self.child.born
        return moment.year - born.year - ((moment.month, moment.day) < (born.month, born.day))

    def age_at_return(self) -> int | None:
        """Whole years at the moment of return (or of report while still missing)."""
        return self._age

    def notified_at(self, party: str) -> dt.datetime | None:
        """The first notification of `party`, if any."""
        times = [n.at for n in self.notifications if n.party == party]
        return min(times) if times else None


def report_order(episode: Episode) -> tuple[float, str]:
    """An episode's place in `assemble`'s order (report time, then id), in any part of a log."""
    return episode.reported_at.timestamp(), episode.episode_id


@attrs.frozen
class Intelligence:
    """Partnership intelligence kept beside the episodes (never part of them), each in time order.

    Restricted: outputs show it only when asked (`--include-intelligence`, the intelligence
    commands). A self-report never creates or changes an episode.
    """

    person_links: tuple[PersonLinked, ...] = ()
    disruptions: tuple[Disruption, ...] = ()
    prosecutions: tuple[Prosecution, ...] = ()
    self_reports: tuple[SelfReport, ...] = ()


@attrs.frozen
class Assembly:
    """The result of folding a log: episodes, child records, strategy discussions, rejections."""

    episodes: tuple[Episode, ...]
    children: dict[str, Child]
    strategy_discussions: dict[str, tuple[StrategyDiscussion, ...]]
    errors: tuple[EventError, ...]
    accepted: int
    intelligence: Intelligence = Intelligence()
    by_child: dict[str, tuple[Episode, ...]] = attrs.field(init=False, eq=False, repr=False)

    @by_child.default
    def _index(self) -> dict[str, tuple[Episode, ...]]:
        # Rules ask for a child's episodes once per episode: index them once.
        index: dict[str, list[Episode]] = defaultdict(list)
        for episode in self.episodes:
            index[episode.child_id].append(episode)
        return {child: tuple(eps) for child, eps in index.items()}

    def episodes_of(self, child_id: str) -> tuple[Episode, ...]:
        """The child's accepted episodes, earliest report first."""
        return self.by_child.get(child_id, ())

    @property
    def child_ids(self) -> frozenset[str]:
        return frozenset(e.child_id for e in self.episodes)

    @property
    def self_reports(self) -> tuple[SelfReport, ...]:
        return self.intelligence.self_reports
