"""Compliance over time (issue 13): each protocol rule's duties per month of the period (pure).

A duty is one finding of a protocol rule on one of the report's episodes (the scope of the
period report: reported in the period, not cancelled, in one of the authority's cohorts). It is
counted in the month its episode was reported, the moment that picks the profile version it is
judged by, so a version's `effective_from` falls on a month boundary of these counts. Duties
that "fell due" are those met, late, overdue or breached; the share met on time is met over
them (pending and not-required duties are counted but are not in the share).

    findings = check.evaluate(assembly, as_of, profile)
    figures = compliance(assembly, findings, period, "HRY", profile=profile, as_of=as_of)
"""

from __future__ import annotations

import array
import bisect
import datetime as dt
import enum
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple, Protocol

import attrs
import pendulum

from missing_protocol.common.period import Period
from missing_protocol.episode import Assembly
from missing_protocol.profiles import Profile
from missing_protocol.report.figures import in_scope
from missing_protocol.rules import Finding, Status, Subject, rules_of


class Family(enum.StrEnum):
    """Groups of rules that the chart draws as one line each (plans are tabled, not drawn)."""

    RHI = "rhi"
    NOTIFICATIONS = "notifications"
    STRATEGY = "strategy"
    PLANS = "plans"

    @property
    def label(self) -> str:
        return {
            Family.RHI: "Return home interviews",
            Family.NOTIFICATIONS: "Notifications",
            Family.STRATEGY: "Strategy discussions",
            Family.PLANS: "Plans",
        }[self]


CHARTED = (Family.RHI, Family.NOTIFICATIONS, Family.STRATEGY)
_PREFIXES = {"RHI-": Family.RHI, "NOTIFY-": Family.NOTIFICATIONS, "STRAT-": Family.STRATEGY}


def family_of(rule_id: str) -> Family:
    """The rule's family, from the catalogue's id prefixes (PROTOCOL.md)."""
    for prefix, family in _PREFIXES.items():
        if rule_id.startswith(prefix):
            return family
    return Family.PLANS


class Tallied(Protocol):
    """What the tallies read of a finding: a `Finding`, or the four fields of one (`Duty`)."""

    @property
    def episode_id(self) -> str | None: ...
    @property
    def rule(self) -> str: ...
    @property
    def responsible(self) -> str | None: ...
    @property
    def status(self) -> Status: ...


class Duty(NamedTuple):
    """A finding reduced to the four fields compliance counts (`Duties` holds many of them)."""

    episode_id: str | None
    rule: str
    responsible: str | None
    status: Status


def duty(found: Finding) -> Duty:
    return Duty(found.episode_id, found.rule, found.responsible, found.status)


_STATUSES = tuple(Status)


class Duties:
    """Many duties held as columns: an episode id and an owner (shared references) and a byte
    each for the rule and the status, some 20 bytes a duty where a `Duty` takes about 100; a
    report holds every duty of its period this way. Iterated again for each part of a split."""

    def __init__(self, findings: Iterable[Tallied] = ()) -> None:
        self._episodes: list[str | None] = []
        self._owners: list[str | None] = []
        self._rules = array.array("B")
        self._statuses = array.array("B")
        self._rule_ids: list[str] = []
        rule_index: dict[str, int] = {}
        status_index = {status: i for i, status in enumerate(_STATUSES)}
        for found in findings:
            index = rule_index.get(found.rule)
            if index is None:
                index = rule_index[found.rule] = len(self._rule_ids)
                self._rule_ids.append(found.rule)
            self._episodes.append(found.episode_id)
            self._owners.append(found.responsible)
            self._rules.append(index)
            self._statuses.append(status_index[found.status])

    def __len__(self) -> int:
        return len(self._episodes)

    def __iter__(self) -> Iterator[Duty]:
        rules, statuses = self._rule_ids, _STATUSES
        for episode_id, owner, rule, status in zip(
            self._episodes, self._owners, self._rules, self._statuses, strict=True
        ):
            yield Duty(episode_id, rules[rule], owner, statuses[status])


@attrs.frozen
class Tally:
    """How many duties ended in each status."""

    met: int = 0
    late: int = 0
    pending: int = 0
    overdue: int = 0
    breached: int = 0
    not_required: int = 0

    @classmethod
    def of(cls, statuses: Iterable[Status]) -> Tally:
        """The tally of statuses, given one by one or already counted (a Counter)."""
        seen = statuses if isinstance(statuses, Counter) else Counter(statuses)
        return cls(*(seen.get(s, 0) for s in Status))

    def __add__(self, other: Tally) -> Tally:
        return Tally(*(getattr(self, s.value) + getattr(other, s.value) for s in Status))

    def __getitem__(self, status: Status) -> int:
        value: int = getattr(self, status.value)
        return value

    @property
    def judged(self) -> int:
        return (
            self.met + self.late + self.pending + self.overdue + self.breached + self.not_required
        )

    @property
    def fell_due(self) -> int:
        """The duties whose outcome is settled and that were required."""
        return self.met + self.late + self.overdue + self.breached


def total(tallies: Iterable[Tally]) -> Tally:
    out = Tally()
    for tally in tallies:
        out = out + tally
    return out


@attrs.frozen
class Series:
    """One rule's (or family's) tallies, one per month of the period, in month order."""

    key: str
    months: tuple[Tally, ...]

    @property
    def total(self) -> Tally:
        return total(self.months)


@attrs.frozen
class OwnerSeries:
    """The rules whose duties one authority (or the police) owned, month by month."""

    owner: str
    rules: tuple[Series, ...]


@attrs.frozen
class Compliance:
    period: Period
    authority: str
    profile: str
    as_of: dt.datetime
    months: tuple[str, ...]
    rules: tuple[Series, ...]
    owners: tuple[OwnerSeries, ...]
    # The profile's versions that come into force inside the period (after its first day).
    versions: tuple[pendulum.Date, ...]

    def families(self) -> tuple[Series, ...]:
        """Each family's month-by-month sums over its rules, in Family order."""
        out = []
        for family in Family:
            members = [s for s in self.rules if family_of(s.key) is family]
            months = tuple(total(m) for m in zip(*(s.months for s in members), strict=True))
            out.append(Series(family.value, months or tuple(Tally() for _ in self.months)))
        return tuple(out)


def protocol_rule_ids() -> tuple[str, ...]:
    """Every protocol rule on episodes, in catalogue order: the rows of the compliance tables."""
    return tuple(r.id for r in rules_of("protocol", Subject.EPISODE))


def versions_inside(profile: Profile, period: Period) -> tuple[pendulum.Date, ...]:
    """The dates, after the period's first day and before its end, when a new version starts."""
    return tuple(
        v.effective_from
        for v in profile.versions
        if v.effective_from is not None and period.start < v.effective_from < period.end
    )


def compliance(
    assembly: Assembly,
    findings: Iterable[Tallied],
    period: Period,
    authority: str,
    *,
    profile: Profile,
    as_of: dt.datetime,
) -> Compliance:
    """Tally `findings` (check.evaluate on the same assembly, or their `duty`) over the report's
    episodes."""
    cells = compliance_part(assembly, findings, period, authority)
    return compliance_from(cells, period, authority, profile=profile, as_of=as_of)


Cells = dict[tuple[str, str], tuple[Counter[Status], ...]]


def compliance_part(
    assembly: Assembly, findings: Iterable[Tallied], period: Period, authority: str
) -> Cells:
    """The statuses of each owner's duties under each rule, month by month: the part of one
    assembly of whole children (common.mergeable)."""
    starts = [start.timestamp() for start in period.month_starts()]
    month_of = {
        ep.episode_id: bisect.bisect_right(starts, ep.reported_at.timestamp()) - 1
        for ep, _ in in_scope(assembly, period, authority)[0]
    }
    ids = frozenset(protocol_rule_ids())
    blank = len(starts)
    # Counted as they come (a national log has about a million duties): never listed.
    cells: Cells = {}
    for found in findings:
        month = month_of.get(found.episode_id or "")
        if month is None or found.rule not in ids:
            continue
        owner = found.responsible or "unknown"
        row = cells.get((owner, found.rule))
        if row is None:
            row = cells[(owner, found.rule)] = tuple(Counter() for _ in range(blank))
        row[month][found.status] += 1
    return cells


def compliance_from(
    cells: Cells, period: Period, authority: str, *, profile: Profile, as_of: dt.datetime
) -> Compliance:
    """The compliance figures from their part (one assembly's, or the parts of all merged)."""
    ids = protocol_rule_ids()
    blank = len(period.month_starts())
    owners = sorted({owner for owner, _ in cells}, key=lambda o: (o != authority, o))
    per_owner = tuple(
        OwnerSeries(
            owner,
            tuple(
                Series(rule, tuple(Tally.of(m) for m in cells[(owner, rule)]))
                for rule in ids
                if (owner, rule) in cells
            ),
        )
        for owner in owners
    )
    rules = tuple(
        Series(
            rule,
            tuple(
                total(s.months[i] for o in per_owner for s in o.rules if s.key == rule)
                for i in range(blank)
            ),
        )
        for rule in ids
    )
    return Compliance(
        period=period,
        authority=authority,
        profile=profile.name,
        as_of=as_of,
        months=period.months(),
        rules=rules,
        owners=per_owner,
        versions=versions_inside(profile, period),
    )
