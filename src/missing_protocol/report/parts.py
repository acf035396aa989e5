"""The whole period report as one mergeable part (pure): figures, what interviews told us, the
partnership section and compliance over time (with its split), from one assembly.

`report_part` works on one assembly of whole children; parts of several merge
(`common.mergeable.merged`), and `report_from` makes the report of the merged part. The report of
a log in memory is the one-part case; a national log is reported child partition by child
partition (report.by_partition), holding one partition's assembly at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import attrs

from missing_protocol.common.period import Period
from missing_protocol.common.suppression import Disclosure
from missing_protocol.engine.parallel import judged_jobs
from missing_protocol.profiles import Profile
from missing_protocol.report import ParsedLog
from missing_protocol.report import compliance_section as shown_compliance
from missing_protocol.report import split as splitting
from missing_protocol.report.compliance import (
    Duties,
    Duty,
    compliance_from,
    compliance_part,
    duty,
)
from missing_protocol.report.figures import PeriodFigures, figures_from, figures_part, in_scope
from missing_protocol.report.interviews import learned_from, learned_part
from missing_protocol.report.partnership import Partnership, partnership_from, partnership_part

# Keyword arguments for the renderers: `compliance` and, with a split date, `split`.
Sections = dict[str, dict[str, Any]]


@attrs.frozen
class Scope:
    """What a report is of: the same for every part, so that parts can merge."""

    period: Period
    authority: str
    profile: Profile
    as_of: dt.datetime
    split_at: dt.date | None = None
    include_intelligence: bool = False


def judged_duties(log: ParsedLog, scope: Scope, *, jobs: int = 1) -> Iterable[Duty]:
    """The duties of the period's episodes, judged as of the scope's moment, as compliance
    tallies them: streamed, or kept (as columns) when a split reads them once more."""
    # Compliance tallies the findings of the period's episodes (a split's parts lie inside
    # it): only those are judged, and unworded, since it counts statuses and never shows a message.
    scoped = [ep for ep, _ in in_scope(log.assembly, scope.period, scope.authority)[0]]
    # Each finding is reduced to the four fields tallied as it is judged: holding every finding
    # of a national log whole cost about as much memory as the log itself (issue 10).
    duties = judged_jobs(
        log.assembly, scope.as_of, scope.profile, duty, jobs=jobs, worded=False, episodes=scoped
    )
    return duties if scope.split_at is None else Duties(duties)


def report_part(log: ParsedLog, scope: Scope, *, jobs: int = 1) -> dict[str, Any]:
    """Every figure's part from one assembly of whole children; the rules judged in `jobs`."""
    assembly, period, authority, profile = (
        log.assembly,
        scope.period,
        scope.authority,
        scope.profile,
    )
    findings = judged_duties(log, scope, jobs=jobs)
    part: dict[str, Any] = {
        "rejected": log.rejected,
        "figures": figures_part(assembly, period, authority, profile=profile),
        "learned": learned_part(assembly, period, authority, profile),
        "partnership": partnership_part(
            assembly,
            period,
            authority=authority,
            profile=profile,
            include_intelligence=scope.include_intelligence,
        ),
        "compliance": compliance_part(assembly, findings, period, authority),
    }
    if scope.split_at is not None:
        part["split"] = splitting.split_part(
            assembly, findings, period, authority, scope.split_at, profile=profile
        )
    return part


def report_from(
    part: dict[str, Any], scope: Scope, disclosure: Disclosure
) -> tuple[PeriodFigures, Partnership, Sections]:
    """The report (figures, partnership section, compliance sections) from its merged part."""
    period, authority, profile = scope.period, scope.authority, scope.profile
    rejected = part["rejected"]
    figures = figures_from(
        part["figures"], period, authority, profile=profile, rejected_events=rejected
    )
    figures = attrs.evolve(figures, learned=learned_from(part["learned"], period, profile))
    partnership = partnership_from(
        part["partnership"],
        period,
        disclosure,
        profile=profile,
        include_intelligence=scope.include_intelligence,
    )
    judged = compliance_from(
        part["compliance"], period, authority, profile=profile, as_of=scope.as_of
    )
    sections: Sections = {"compliance": shown_compliance.section(judged, disclosure)}
    if scope.split_at is not None:
        halves = splitting.split_from(
            part["split"],
            period,
            authority,
            scope.split_at,
            profile=profile,
            as_of=scope.as_of,
            rejected_events=rejected,
        )
        sections["split"] = splitting.section(halves, disclosure)
    return figures, partnership, sections
