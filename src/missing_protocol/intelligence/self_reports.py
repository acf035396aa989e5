"""Young people's self-reports (pure): each matched to the records, classified, and followed up.

The figures count self-reports submitted in the period by class (see `matching`), the children
behind them, why the conflicting ones conflict, the reasons young people give (each reason once
per self-report, compared without case or extra spaces) and the follow-up duty's status. The
hidden-missing figure is the self-reports, and children, unknown to services.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from typing import Any

import attrs

from missing_protocol.common.period import Period
from missing_protocol.episode import Assembly, order_key
from missing_protocol.matching import Conflict, Match, MatchClass
from missing_protocol.profiles import Profile
from missing_protocol.rules.judge import Context
from missing_protocol.rules.registry import Finding, Status
from missing_protocol.rules.self_report import match_of, self_report_follow_up


@attrs.frozen
class SelfReportLine:
    """One self-report with its class and the follow-up finding (restricted detail)."""

    match: Match
    follow_up: Finding


@attrs.frozen
class ClassCount:
    reports: int = 0
    children: int = 0


@attrs.frozen
class SelfReports:
    period: Period | None
    # Each self-report (restricted detail): empty when only the figures were kept (`counted`).
    lines: tuple[SelfReportLine, ...]
    # Children with at least one recorded episode anywhere in the log.
    on_record: frozenset[str] = frozenset()
    # The figures as `tally` gives them: of the lines, once, or merged from a large log's parts
    # when the lines were not kept.
    figures: dict[str, Any] = attrs.field(
        default=attrs.Factory(lambda self: tally(self.lines, self.on_record), takes_self=True)
    )

    @property
    def total(self) -> int:
        total: int = self.figures["total"]
        return total

    @property
    def children(self) -> int:
        children: int = self.figures["children"]
        return children

    def by_class(self, verdict: MatchClass) -> ClassCount:
        return ClassCount(*self.figures["classes"][verdict.value])

    @property
    def children_without_any_episode(self) -> int:
        """Children who self-reported and have no recorded episode at all: wholly hidden."""
        hidden: int = self.figures["hidden"]
        return hidden

    def conflicts(self) -> dict[Conflict, int]:
        seen = self.figures["conflicts"]
        return {c: seen.get(c.value, 0) for c in Conflict}

    def reasons(self) -> list[tuple[str, int]]:
        """Reasons given, most often first (ties by name)."""
        given: Counter[str] = self.figures["reasons"]
        return sorted(given.items(), key=lambda item: (-item[1], item[0]))

    def follow_ups(self) -> dict[Status, int]:
        seen = self.figures["follow_ups"]
        return {s: seen.get(s.value, 0) for s in Status if s is not Status.BREACHED}


def tally(lines: Iterable[SelfReportLine], on_record: AbstractSet[str]) -> dict[str, Any]:
    """The figures of self-report lines, in a shape that merges (common.mergeable): a child's
    self-reports are all in one part, so children counted in each part add up."""
    lines = list(lines)
    reporters = {line.match.report.child_id for line in lines}
    classes = {}
    for verdict in MatchClass:
        mine = [line.match.report for line in lines if line.match.verdict is verdict]
        classes[verdict.value] = (len(mine), len({r.child_id for r in mine}))
    reasons: Counter[str] = Counter()
    for line in lines:
        reasons.update({normalise_reason(r) for r in line.match.report.reasons if r.strip()})
    return {
        "total": len(lines),
        "children": len(reporters),
        "classes": classes,
        "hidden": len(reporters - on_record),
        "conflicts": Counter(line.match.conflict.value for line in lines if line.match.conflict),
        "reasons": reasons,
        "follow_ups": Counter(line.follow_up.status.value for line in lines),
    }


def normalise_reason(reason: str) -> str:
    return " ".join(reason.split()).casefold()


def self_reports(
    assembly: Assembly,
    profile: Profile,
    as_of: dt.datetime,
    period: Period | None = None,
) -> SelfReports:
    """Self-reports submitted in `period` (all when None), classified and judged as of `as_of`."""
    return self_reports_from(self_reports_part(assembly, profile, as_of, period), period)


def self_reports_part(
    assembly: Assembly,
    profile: Profile,
    as_of: dt.datetime,
    period: Period | None = None,
    *,
    detail: bool = True,
) -> dict[str, Any]:
    """The self-reports' part from one assembly of whole children (common.mergeable): each
    line with its place in the log's order, and which of their children are on record (a
    child's self-reports and episodes are always in one part); without `detail`, only their
    figures (`tally`), so that a large log's part holds no self-report."""
    ctx = Context(as_of=as_of, profile=profile, assembly=assembly)
    lines = [
        (
            order_key(report),
            SelfReportLine(match_of(report, ctx), self_report_follow_up(report, ctx)),
        )
        for report in assembly.self_reports
        if period is None or period.contains(report.at)
    ]
    reporters = {line.match.report.child_id for _, line in lines}
    on_record = reporters & assembly.child_ids
    if not detail:
        return {"counted": tally((line for _, line in lines), on_record)}
    return {"lines": lines, "on_record": on_record}


def self_reports_from(part: dict[str, Any], period: Period | None) -> SelfReports:
    if "counted" in part:
        return SelfReports(period, (), figures=part["counted"])
    lines = tuple(line for _, line in sorted(part["lines"], key=lambda kv: kv[0]))
    return SelfReports(period, lines, frozenset(part["on_record"]))
