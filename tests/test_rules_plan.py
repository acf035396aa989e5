"""PLAN-AFTER-RHI (PROTOCOL.md): a plan made from what the return interview learned.

Deadline plan_within = 10 working days from interview_completed.at, at the same London wall-clock
time, skipping weekends and England & Wales bank holidays.
"""

from __future__ import annotations

import pytest

from builders import LA, completed, declined, finding, found, no_finding, offered, plan, reported
from missing_protocol import check

COMPLETED = "2026-03-04T12:00:00+00:00"  # Wednesday
DUE = "2026-03-18T12:00:00+00:00"  # ten working days later


def interviewed(at: str = COMPLETED, *extra: dict[str, object]) -> list[dict[str, object]]:
    return [
        reported("E1", "2026-03-02T20:00:00Z"),
        found("E1", "2026-03-03T08:00:00Z"),
        offered("E1", "2026-03-03T10:00:00Z"),
        completed("E1", at),
        *extra,
    ]


def test_PLAN_AFTER_RHI_met() -> None:
    """PLAN-AFTER-RHI: a completed interview leads to a plan_made within plan_within (10 working
    days) of interview_completed.at; owner the responsible authority."""
    result = check(interviewed(COMPLETED, plan("E1", "2026-03-10T09:00:00Z")), as_of="2026-04-30")
    f = finding(result, "PLAN-AFTER-RHI")
    assert f.status.value == "met"
    assert f.to_dict()["due"] == DUE
    assert f.to_dict()["done"] == "2026-03-10T09:00:00+00:00"
    assert f.responsible == LA
    assert f.source == "DfE-2014, Local"


def test_PLAN_AFTER_RHI_late() -> None:
    """PLAN-AFTER-RHI: a plan made after the tenth working day is late."""
    result = check(interviewed(COMPLETED, plan("E1", "2026-03-18T12:01:00Z")), as_of="2026-04-30")
    assert finding(result, "PLAN-AFTER-RHI").status.value == "late"


def test_PLAN_AFTER_RHI_pending() -> None:
    """PLAN-AFTER-RHI: no plan yet, the ten working days still running at as_of."""
    result = check(interviewed(), as_of="2026-03-17")
    assert finding(result, "PLAN-AFTER-RHI").status.value == "pending"


def test_PLAN_AFTER_RHI_overdue() -> None:
    """PLAN-AFTER-RHI: no plan and the ten working days have passed."""
    result = check(interviewed(), as_of="2026-03-18T12:00:01Z")
    assert finding(result, "PLAN-AFTER-RHI").status.value == "overdue"


def test_PLAN_AFTER_RHI_has_no_finding_without_a_completed_interview() -> None:
    """PLAN-AFTER-RHI: triggered by a completed interview; a declined interview (even with a plan
    made afterwards) and an interview not yet held give no finding."""
    events = [
        reported("E1", "2026-03-02T20:00:00Z"),
        found("E1", "2026-03-03T08:00:00Z"),
        offered("E1", "2026-03-03T10:00:00Z"),
    ]
    assert no_finding(check(events, as_of="2026-04-30"), "PLAN-AFTER-RHI")
    refused = [*events, declined("E1", COMPLETED, "parent"), plan("E1", "2026-03-05T10:00:00Z")]
    result = check(refused, as_of="2026-04-30")
    assert no_finding(result, "PLAN-AFTER-RHI")
    assert result.errors == ()


@pytest.mark.parametrize(
    ("at", "due"),
    [
        # Christmas Day, Boxing Day (observed Monday 28th) and New Year's Day are skipped.
        ("2026-12-23T10:00:00+00:00", "2027-01-11T10:00:00+00:00"),
        # Good Friday and Easter Monday are skipped; the wall-clock time is kept across the
        # spring clock change (10:00 GMT -> 10:00 BST).
        ("2026-03-27T10:00:00+00:00", "2026-04-14T10:00:00+01:00"),
        # A Saturday interview: counting starts on the next working day.
        ("2026-05-02T15:30:00+01:00", "2026-05-18T15:30:00+01:00"),
    ],
    ids=["christmas", "easter", "saturday-and-may-day"],
)
def test_PLAN_AFTER_RHI_working_days_skip_bank_holidays(at: str, due: str) -> None:
    """PLAN-AFTER-RHI: plan_within is in working days, which skip weekends and England & Wales
    bank holidays (from the maintained `holidays` calendar)."""
    events = interviewed(at)
    events[0]["at"], events[1]["at"], events[2]["at"] = at, at, at
    f = finding(check(events, as_of="2027-02-01"), "PLAN-AFTER-RHI")
    assert f.to_dict()["due"] == due
