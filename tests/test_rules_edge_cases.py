"""Edge cases of the catalogue found in review: cancelled reports and null optional fields."""

from __future__ import annotations

from builders import cancelled, completed, finding, found, no_finding, offered, plan, reported
from missing_protocol import check

FIRST, SECOND, THIRD = "2026-03-02T10:00:00Z", "2026-03-10T10:00:00Z", "2026-03-20T10:00:00Z"


def test_STRAT_REPEAT_a_cancelled_report_does_not_count() -> None:
    """STRAT-REPEAT: the 3rd report within 90 days triggers; a cancelled report (the child was not
    in fact missing, PROTOCOL "Definitions") neither counts towards it nor triggers it."""
    events = [
        reported("E1", FIRST),
        found("E1", "2026-03-02T12:00:00Z"),
        reported("E2", SECOND),
        cancelled("E2", "2026-03-10T11:00:00Z"),
        reported("E3", THIRD),
        found("E3", "2026-03-20T12:00:00Z"),
    ]
    result = check(events, as_of="2026-04-30")
    assert no_finding(result, "STRAT-REPEAT", "E3")
    assert no_finding(result, "STRAT-REPEAT", "E2")
    fourth = [*events, reported("E4", "2026-03-25T10:00:00Z")]
    assert (
        finding(check(fourth, as_of="2026-04-30"), "STRAT-REPEAT", "E4").status.value == "overdue"
    )


def test_RHI_INDEPENDENT_null_independent_means_not_given() -> None:
    """RHI-INDEPENDENT: `independent` defaults to true (CONTRACT §1); a JSON null on an optional
    field means "not given", so the interview counts as independent and nothing is rejected."""
    interview = completed("E1", "2026-03-03T10:00:00Z")
    interview["independent"] = None
    events = [
        reported("E1", FIRST),
        found("E1", "2026-03-02T12:00:00Z"),
        offered("E1", "2026-03-02T13:00:00Z"),
        interview,
    ]
    result = check(events, as_of="2026-04-30")
    assert result.errors == ()
    assert finding(result, "RHI-INDEPENDENT").status.value == "met"


def test_PLAN_AFTER_RHI_a_plan_may_give_its_due_as_a_date() -> None:
    """PLAN-AFTER-RHI: `plan_made.due` (CONTRACT §1, optional) is the plan's own target; a date
    such as 2026-04-01 is accepted as well as a date-time, and the plan meets the rule."""
    plan_event = plan("E1", "2026-03-05T10:00:00Z")
    plan_event["due"] = "2026-04-01"
    events = [
        reported("E1", FIRST),
        found("E1", "2026-03-02T12:00:00Z"),
        offered("E1", "2026-03-02T13:00:00Z"),
        completed("E1", "2026-03-03T10:00:00Z"),
        plan_event,
    ]
    result = check(events, as_of="2026-04-30")
    assert result.errors == ()
    assert finding(result, "PLAN-AFTER-RHI").status.value == "met"
