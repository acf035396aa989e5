"""Strategy discussion rules (PROTOCOL.md): STRAT-HIGH-RISK, STRAT-LONG, STRAT-REPEAT.

A discussion is recorded for the child; the first one at or after a rule's clock start serves
that rule, so one discussion serves every trigger it follows.
"""

from __future__ import annotations

import pytest

from builders import (
    LA,
    cancelled,
    finding,
    found,
    no_finding,
    reported,
    returned,
    strategy,
)
from missing_protocol import check
from missing_protocol.profiles import profile_from_mapping

REPORTED = "2026-03-02T20:00:00+00:00"
AS_OF_LATER = "2026-03-20"


# --- STRAT-HIGH-RISK -------------------------------------------------------------------------

HIGH_DUE = "2026-03-03T20:00:00+00:00"


def high_risk(*extra: dict[str, object]) -> list[dict[str, object]]:
    return [reported("E1", REPORTED, risk="high"), found("E1", "2026-03-02T23:00:00Z"), *extra]


def test_STRAT_HIGH_RISK_met() -> None:
    """STRAT-HIGH-RISK: a report with risk = high needs a strategy discussion for the child within
    strategy_high_risk_within (24 h) of reported.at; owner the responsible authority."""
    result = check(high_risk(strategy("C1", "2026-03-03T09:00:00Z")), as_of=AS_OF_LATER)
    f = finding(result, "STRAT-HIGH-RISK")
    assert f.status.value == "met"
    assert (f.to_dict()["due"], f.to_dict()["done"]) == (HIGH_DUE, "2026-03-03T09:00:00+00:00")
    assert f.responsible == LA
    assert f.source == "WT, London-PG32"


def test_STRAT_HIGH_RISK_late() -> None:
    """STRAT-HIGH-RISK: a discussion more than 24 h after the report is late."""
    result = check(high_risk(strategy("C1", "2026-03-04T09:00:00Z")), as_of=AS_OF_LATER)
    assert finding(result, "STRAT-HIGH-RISK").status.value == "late"


def test_STRAT_HIGH_RISK_pending() -> None:
    """STRAT-HIGH-RISK: no discussion yet, within 24 h of the report at as_of."""
    result = check(high_risk(), as_of="2026-03-03T10:00:00Z")
    assert finding(result, "STRAT-HIGH-RISK").status.value == "pending"


def test_STRAT_HIGH_RISK_overdue() -> None:
    """STRAT-HIGH-RISK: no discussion and 24 h have passed since the report."""
    result = check(high_risk(), as_of=AS_OF_LATER)
    assert finding(result, "STRAT-HIGH-RISK").status.value == "overdue"


def test_STRAT_HIGH_RISK_discussion_before_the_report_does_not_count() -> None:
    """STRAT-HIGH-RISK: only a discussion at or after reported.at serves the trigger, and only a
    discussion about this child."""
    events = high_risk(
        strategy("C1", "2026-03-02T19:00:00Z"),
        reported("X1", "2026-03-01T10:00:00Z", child_id="C2"),
        strategy("C2", "2026-03-03T09:00:00Z"),
    )
    assert finding(check(events, as_of=AS_OF_LATER), "STRAT-HIGH-RISK").status.value == "overdue"


@pytest.mark.parametrize("risk", [None, "medium", "low", "no_apparent_risk"])
def test_STRAT_HIGH_RISK_has_no_finding_unless_the_risk_is_high(risk: str | None) -> None:
    """STRAT-HIGH-RISK: triggered only by risk = high at report."""
    result = check([reported("E1", REPORTED, risk=risk)], as_of=AS_OF_LATER)
    assert no_finding(result, "STRAT-HIGH-RISK")


# --- STRAT-LONG ------------------------------------------------------------------------------

THRESHOLD = "2026-03-05T20:00:00+00:00"  # reported + long_missing_after (72 h)
LONG_DUE = "2026-03-06T20:00:00+00:00"  # + strategy_long_within (24 h)


def test_STRAT_LONG_not_required_when_found_before_the_threshold() -> None:
    """STRAT-LONG: not required when the child is found before long_missing_after (72 h)."""
    result = check(
        [reported("E1", REPORTED), found("E1", "2026-03-05T19:59:00Z")], as_of=AS_OF_LATER
    )
    f = finding(result, "STRAT-LONG")
    assert (f.status.value, f.due) == ("not_required", None)


def test_STRAT_LONG_not_required_when_cancelled_before_the_threshold() -> None:
    """STRAT-LONG: not required when the report is cancelled before the threshold."""
    events = [reported("E1", REPORTED), cancelled("E1", "2026-03-03T08:00:00Z")]
    assert finding(check(events, as_of=AS_OF_LATER), "STRAT-LONG").status.value == "not_required"


def test_STRAT_LONG_met() -> None:
    """STRAT-LONG: an episode still open 72 h after report needs a strategy discussion within
    strategy_long_within (24 h) of that moment."""
    events = [
        reported("E1", REPORTED),
        strategy("C1", "2026-03-06T10:00:00Z"),
        found("E1", "2026-03-07T10:00:00Z"),
    ]
    f = finding(check(events, as_of=AS_OF_LATER), "STRAT-LONG")
    assert f.status.value == "met"
    assert f.to_dict()["due"] == LONG_DUE
    assert f.responsible == LA


def test_STRAT_LONG_not_required_when_found_exactly_at_the_threshold() -> None:
    """STRAT-LONG (PROTOCOL.md edge cases): the episode must be open *after* the threshold, so a
    child found at reported + 72 h exactly does not need it."""
    events = [reported("E1", REPORTED), found("E1", THRESHOLD)]
    f = finding(check(events, as_of=AS_OF_LATER), "STRAT-LONG")
    assert f.status.value == "not_required"


def test_STRAT_LONG_late() -> None:
    """STRAT-LONG: a discussion after threshold + 24 h is late."""
    events = [reported("E1", REPORTED), strategy("C1", "2026-03-07T10:00:00Z")]
    assert finding(check(events, as_of=AS_OF_LATER), "STRAT-LONG").status.value == "late"


def test_STRAT_LONG_pending_while_the_child_is_still_missing() -> None:
    """STRAT-LONG: while the episode is open the duty is shown ahead of time as pending, with its
    due at reported + 72 h + 24 h, so a later check only ages it."""
    f = finding(check([reported("E1", REPORTED)], as_of="2026-03-03"), "STRAT-LONG")
    assert (f.status.value, f.to_dict()["due"]) == ("pending", LONG_DUE)


def test_STRAT_LONG_overdue() -> None:
    """STRAT-LONG: still missing (or found after the threshold) with no discussion after it."""
    assert finding(check([reported("E1", REPORTED)], as_of=AS_OF_LATER), "STRAT-LONG").status == (
        "overdue"
    )


def test_STRAT_LONG_a_discussion_before_the_threshold_does_not_serve_it() -> None:
    """STRAT-LONG: the clock starts at reported + long_missing_after; an earlier discussion (here
    the high-risk one) serves the earlier trigger only."""
    events = [reported("E1", REPORTED, risk="high"), strategy("C1", "2026-03-03T09:00:00Z")]
    result = check(events, as_of=AS_OF_LATER)
    assert finding(result, "STRAT-HIGH-RISK").status.value == "met"
    assert finding(result, "STRAT-LONG").status.value == "overdue"


# --- STRAT-REPEAT ----------------------------------------------------------------------------

# Three reports within 90 days; the third on Friday 2026-03-27 10:00 GMT. Five working days skip
# Good Friday (3 April) and Easter Monday (6 April): due Tuesday 7 April at the same London wall
# time, 10:00 BST (the clocks went forward on 29 March).
FIRST, SECOND, THIRD = "2026-01-05T10:00:00Z", "2026-02-05T10:00:00Z", "2026-03-27T10:00:00Z"
REPEAT_DUE = "2026-04-07T10:00:00+01:00"


def three_reports(*extra: dict[str, object], third: str = THIRD) -> list[dict[str, object]]:
    return [*returned("E1", FIRST), *returned("E2", SECOND), *returned("E3", third), *extra]


def test_STRAT_REPEAT_met_on_the_third_report_in_90_days() -> None:
    """STRAT-REPEAT: the child's repeat_count-th (3rd) report within repeat_window (90 days) needs
    a strategy discussion within strategy_repeat_within (5 working days) of that report."""
    result = check(three_reports(strategy("C1", "2026-04-07T09:00:00+01:00")), as_of="2026-04-30")
    f = finding(result, "STRAT-REPEAT", "E3")
    assert f.status.value == "met"
    assert f.to_dict()["due"] == REPEAT_DUE
    assert f.responsible == LA
    assert no_finding(result, "STRAT-REPEAT", "E1")
    assert no_finding(result, "STRAT-REPEAT", "E2")


def test_STRAT_REPEAT_working_days_skip_the_easter_bank_holidays() -> None:
    """STRAT-REPEAT: 5 working days skip weekends and England & Wales bank holidays."""
    late = check(three_reports(strategy("C1", "2026-04-07T10:01:00+01:00")), as_of="2026-04-30")
    assert finding(late, "STRAT-REPEAT", "E3").status.value == "late"


def test_STRAT_REPEAT_pending() -> None:
    """STRAT-REPEAT: no discussion yet, and 5 working days have not passed at as_of."""
    result = check(three_reports(), as_of="2026-04-06")  # Easter Monday
    assert finding(result, "STRAT-REPEAT", "E3").status.value == "pending"


def test_STRAT_REPEAT_overdue() -> None:
    """STRAT-REPEAT: no discussion after the third report and its deadline has passed."""
    result = check(three_reports(strategy("C1", "2026-03-26T10:00:00Z")), as_of="2026-04-08")
    assert finding(result, "STRAT-REPEAT", "E3").status.value == "overdue"


def test_STRAT_REPEAT_window_is_90_elapsed_days() -> None:
    """STRAT-REPEAT: an earlier report counts while its 90-day window covers the new one; a
    report exactly 90 × 24 h later is outside the first report's window."""
    outside = check(three_reports(third="2026-04-05T10:00:00Z"), as_of="2026-04-30")
    assert no_finding(outside, "STRAT-REPEAT", "E3")
    inside = check(three_reports(third="2026-04-05T09:59:00Z"), as_of="2026-04-30")
    assert finding(inside, "STRAT-REPEAT", "E3").status.value == "overdue"


def test_STRAT_REPEAT_is_exactly_the_third_report_in_the_window() -> None:
    """STRAT-REPEAT: the 4th report inside the same window is not a new trigger; once the window
    has moved on, a new 3rd report in 90 days triggers again."""
    days = ["2026-01-05", "2026-01-15", "2026-01-25", "2026-02-04", "2026-05-01", "2026-05-03"]
    events = [e for i, d in enumerate(days) for e in returned(f"E{i + 1}", f"{d}T10:00:00Z")]
    result = check(events, as_of="2026-06-30")
    triggered = sorted(f.episode_id or "" for f in result.findings if f.rule == "STRAT-REPEAT")
    # E3: 5, 15, 25 Jan. E4 is the 4th in its window; E5 the 2nd (4 Feb, 1 May).
    # E6: 4 Feb, 1 May, 3 May (4 Feb + 90 days = 5 May).
    assert triggered == ["E3", "E6"]


def test_STRAT_REPEAT_one_discussion_serves_every_trigger_it_follows() -> None:
    """STRAT-REPEAT (with STRAT-HIGH-RISK): one strategy discussion serves every trigger it
    follows: here the third report, graded high risk, needs both, and one discussion meets both."""
    events = [
        *returned("E1", FIRST),
        *returned("E2", SECOND),
        *returned("E3", THIRD, risk="high"),
        strategy("C1", "2026-03-27T15:00:00Z"),
    ]
    result = check(events, as_of="2026-04-30")
    assert finding(result, "STRAT-REPEAT", "E3").status.value == "met"
    assert finding(result, "STRAT-HIGH-RISK", "E3").status.value == "met"
    assert (
        finding(result, "STRAT-REPEAT", "E3").done == finding(result, "STRAT-HIGH-RISK", "E3").done
    )


def test_STRAT_REPEAT_one_later_discussion_serves_an_earlier_trigger_too_but_late() -> None:
    """STRAT-REPEAT: the first discussion at or after each trigger serves it, so one discussion
    after two triggers is late for the first and met for the second."""
    days = ["2026-01-05", "2026-01-15", "2026-01-25", "2026-05-01", "2026-05-11", "2026-05-21"]
    events = [e for i, d in enumerate(days) for e in returned(f"E{i + 1}", f"{d}T10:00:00Z")]
    result = check([*events, strategy("C1", "2026-05-22T10:00:00Z")], as_of="2026-06-30")
    assert finding(result, "STRAT-REPEAT", "E3").status.value == "late"
    assert finding(result, "STRAT-REPEAT", "E6").status.value == "met"


def test_STRAT_REPEAT_counts_only_this_childs_reports() -> None:
    """STRAT-REPEAT: the count is of the child's own reports."""
    events = [
        *returned("E1", FIRST),
        *returned("E2", SECOND),
        *returned("E3", THIRD, child_id="C2"),
    ]
    assert no_finding(check(events, as_of="2026-04-30"), "STRAT-REPEAT", "E3")


def test_STRAT_REPEAT_count_and_window_come_from_the_profile() -> None:
    """STRAT-REPEAT: repeat_count, repeat_window and strategy_repeat_within are local."""
    profile = profile_from_mapping(
        {
            "name": "tight",
            "parameters": {
                "repeat_count": 2,
                "repeat_window": "P30D",
                "strategy_repeat_within": "PT48H",
            },
        }
    )
    events = [*returned("E1", "2026-03-01T10:00:00Z"), *returned("E2", "2026-03-20T10:00:00Z")]
    result = check(events, as_of="2026-04-30", profile=profile)
    f = finding(result, "STRAT-REPEAT", "E2")
    assert f.to_dict()["due"] == "2026-03-22T10:00:00+00:00"
    assert no_finding(result, "STRAT-REPEAT", "E1")
