"""Self-reports from the hand-made log: each class, conflicts, reasons, hidden missing."""

from __future__ import annotations

import pendulum
import pytest

from intelligence_log import LOG, build, found, reported, self_report
from missing_protocol import load_profile
from missing_protocol.clock import Elapsed
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED
from missing_protocol.intelligence.render import OTHER_REASONS, self_reports_dict
from missing_protocol.intelligence.self_reports import SelfReports, self_reports
from missing_protocol.matching import Conflict, MatchClass, classify
from missing_protocol.model import SelfReport
from missing_protocol.rules import Status

MARCH = Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 4, 1))
AS_OF = pendulum.datetime(2026, 4, 30, tz="Europe/London")
DAY = Elapsed(86400)


@pytest.fixture(scope="module")
def summary() -> SelfReports:
    return self_reports(build(LOG), load_profile("statutory"), AS_OF, MARCH)


def classes(summary: SelfReports) -> dict[str, tuple[MatchClass, Conflict | None]]:
    return {
        line.match.report.report_id: (line.match.verdict, line.match.conflict)
        for line in summary.lines
    }


def test_each_class(summary: SelfReports) -> None:
    assert classes(summary) == {
        "R1": (MatchClass.MATCHED, None),
        "R2": (MatchClass.UNKNOWN_TO_SERVICES, None),  # a child with no record at all
        "R3": (MatchClass.UNKNOWN_TO_SERVICES, None),  # a known child, an unrecorded period
        "R4": (MatchClass.CONFLICTING, Conflict.DATES_DISAGREE),
        "R5": (MatchClass.CONFLICTING, Conflict.REPORT_CANCELLED),
        "R6": (MatchClass.UNKNOWN_TO_SERVICES, None),
    }


def _one(
    events: list[dict[str, object]], report: dict[str, object]
) -> tuple[MatchClass, Conflict | None]:
    assembly = build([*events, report])
    sr = assembly.self_reports[0]
    match = classify(sr, assembly.episodes, DAY)
    return match.verdict, match.conflict


def test_an_open_episode_conflicts() -> None:
    still_missing = [reported("E1", "C1", "2026-03-02T18:00:00Z")]
    sr = self_report("R1", "C1", "2026-03-05T10:00:00Z", "2026-03-02", "2026-03-03")
    assert _one(still_missing, sr) == (MatchClass.CONFLICTING, Conflict.EPISODE_OPEN)


def test_one_self_report_over_two_episodes_conflicts() -> None:
    two = [
        reported("E1", "C1", "2026-03-02T18:00:00Z"),
        found("E1", "2026-03-03T08:00:00Z"),
        reported("E2", "C1", "2026-03-09T18:00:00Z"),
        found("E2", "2026-03-10T08:00:00Z"),
    ]
    sr = self_report("R1", "C1", "2026-03-12T10:00:00Z", "2026-03-02", "2026-03-10")
    assert _one(two, sr) == (MatchClass.CONFLICTING, Conflict.DATES_DISAGREE)


def test_the_tolerance_decides_near_misses() -> None:
    episode = [reported("E1", "C1", "2026-03-02T18:00:00Z"), found("E1", "2026-03-03T10:00:00Z")]
    # Away on the 5th: from 38 h after the return. Overlapping within two days; agreeing within three.
    sr_event = self_report("R1", "C1", "2026-03-06T10:00:00Z", "2026-03-05", "2026-03-05")
    assembly = build([*episode, sr_event])
    sr = assembly.self_reports[0]
    assert classify(sr, assembly.episodes, DAY).verdict is MatchClass.UNKNOWN_TO_SERVICES
    two_days = classify(sr, assembly.episodes, Elapsed(2 * 86400))
    assert two_days.verdict is MatchClass.CONFLICTING  # overlaps, but the start is 54 h out
    three_days = classify(sr, assembly.episodes, Elapsed(3 * 86400))
    assert three_days.verdict is MatchClass.MATCHED


def test_another_childs_episode_never_matches() -> None:
    other = [reported("E1", "C2", "2026-03-02T18:00:00Z"), found("E1", "2026-03-03T10:00:00Z")]
    sr = self_report("R1", "C1", "2026-03-05T10:00:00Z", "2026-03-02", "2026-03-03")
    assert _one(other, sr) == (MatchClass.UNKNOWN_TO_SERVICES, None)


def test_a_self_report_never_creates_an_episode() -> None:
    sr = self_report("R1", "C1", "2026-03-05T10:00:00Z", "2026-03-02", "2026-03-03")
    assembly = build([sr])
    assert assembly.episodes == () and isinstance(assembly.self_reports[0], SelfReport)


def test_figures(summary: SelfReports) -> None:
    f = self_reports_dict(summary, INTERNAL, as_of=AS_OF, profile="statutory")["figures"]
    assert (f["self_reports"], f["children"]) == (6, 5)
    assert f["classes"] == {
        "matched": {"self_reports": 1, "children": 1},
        "unknown_to_services": {"self_reports": 3, "children": 3},
        "conflicting": {"self_reports": 2, "children": 1},
    }
    # Only C9 has no recorded episode at all: the wholly hidden child.
    assert f["hidden_missing"] == {"self_reports": 3, "children_with_no_recorded_episode": 1}
    assert f["conflicts"] == {"report_cancelled": 1, "episode_open": 0, "dates_disagree": 1}
    assert f["follow_up"] == {"met": 1, "late": 1, "pending": 0, "overdue": 3, "not_required": 1}
    # Reasons are counted once per self-report, ignoring case.
    assert f["reasons"] == [
        {"reason": "argument at home", "self_reports": 2},
        {"reason": "friends", "self_reports": 2},
    ]


def test_rare_reasons_are_pooled_under_disclosure_control(summary: SelfReports) -> None:
    shown = self_reports_dict(summary, PUBLISHED, as_of=AS_OF, profile="statutory")
    assert shown["figures"]["reasons"] == [{"reason": OTHER_REASONS, "self_reports": "c"}]
    assert shown["figures"]["self_reports"] == 6  # totals stay
    assert "self_reports" not in shown  # no detail unless asked


def test_detail_lines(summary: SelfReports) -> None:
    detail = self_reports_dict(summary, PUBLISHED, as_of=AS_OF, profile="statutory", detail=True)
    lines = {x["report_id"]: x for x in detail["self_reports"]}
    assert (
        lines["R1"]["episodes"] == ["E1"] and lines["R1"]["follow_up"]["status"] == "not_required"
    )
    assert lines["R3"]["away_from"] == "2026-03-20T21:00:00+00:00"
    assert lines["R3"]["away_to"] == "2026-03-21"
    assert lines["R2"]["follow_up"] == {
        "status": Status.OVERDUE.value,
        "responsible": "unknown",
        "due": "2026-03-23T09:00:00+00:00",
        "done": None,
    }


def test_the_period_selects_by_submission() -> None:
    feb = Period(pendulum.date(2026, 2, 1), pendulum.date(2026, 3, 1))
    assert self_reports(build(LOG), load_profile("statutory"), AS_OF, feb).total == 0
    assert self_reports(build(LOG), load_profile("statutory"), AS_OF).total == 6
