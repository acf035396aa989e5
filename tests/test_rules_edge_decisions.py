"""PROTOCOL.md "Decisions on edge cases" (binding): age, cancelled reports, STRAT-LONG threshold.

Story: child C1 (looked after by 309, placed in HRY) reported missing Monday 2026-03-02 20:00
GMT. 24-hour duties (NOTIFY-HOST, NOTIFY-RESPONSIBLE, STRAT-HIGH-RISK) fall due Tuesday 20:00;
NOTIFY-IRO (72 h) Thursday 20:00; STRAT-LONG's threshold is Thursday 20:00 (72 h), its deadline
Friday 20:00 (24 h later).
"""

from __future__ import annotations

import pytest

from builders import (
    HOST,
    LA,
    cancelled,
    child,
    completed,
    finding,
    found,
    later,
    notified,
    offered,
    plan,
    reported,
    strategy,
)
from missing_protocol import check
from missing_protocol.profiles import profile_from_mapping

REPORTED = "2026-03-02T20:00:00+00:00"
DUE_24H = "2026-03-03T20:00:00+00:00"
DUE_72H = "2026-03-05T20:00:00+00:00"
STRAT_LONG_DUE = "2026-03-06T20:00:00+00:00"
AS_OF = "2026-03-31"
CANCELLED_MESSAGE = "report cancelled before the deadline"

# Each duty the cancellation decision covers, with its deadline.
DUTIES = {
    "NOTIFY-HOST": DUE_24H,
    "NOTIFY-RESPONSIBLE": DUE_24H,
    "NOTIFY-IRO": DUE_72H,
    "STRAT-HIGH-RISK": DUE_24H,
    "STRAT-LONG": STRAT_LONG_DUE,
}


def high_risk_out_of_area() -> dict[str, object]:
    return reported("E1", REPORTED, missing_from="care", host=HOST, risk="high")


# -- Age: RHI-INDEPENDENT and PLAN-AFTER-RHI respect max_age --------------------------------


def interviewed(born: str) -> list[dict[str, object]]:
    back = "2026-03-03T08:00:00+00:00"
    return [
        child("C1", born=born),
        reported("E1", REPORTED),
        found("E1", back),
        offered("E1", later(back, hours=1)),
        completed("E1", later(back, hours=24), independent=False),
    ]


@pytest.mark.parametrize("rule", ["RHI-INDEPENDENT", "PLAN-AFTER-RHI"])
def test_RHI_INDEPENDENT_and_PLAN_AFTER_RHI_not_required_at_max_age(rule: str) -> None:
    """RHI-INDEPENDENT, PLAN-AFTER-RHI: not_required when the child is max_age (18) or over at
    return, like RHI-OFFER and RHI-72H; a profile raising max_age brings them back."""
    adult = check(interviewed("2008-03-01"), as_of=AS_OF)  # 18 on 1 March 2026
    f = finding(adult, rule)
    assert f.status.value == "not_required"
    assert f.message == "18 or over at return"
    leavers = profile_from_mapping({"name": "leavers", "parameters": {"max_age": 25}})
    judged = finding(check(interviewed("2008-03-01"), as_of=AS_OF, profile=leavers), rule)
    assert judged.status.value == ("breached" if rule == "RHI-INDEPENDENT" else "overdue")


@pytest.mark.parametrize("rule", ["RHI-INDEPENDENT", "PLAN-AFTER-RHI"])
def test_RHI_INDEPENDENT_and_PLAN_AFTER_RHI_still_judge_a_child_under_max_age(rule: str) -> None:
    """RHI-INDEPENDENT, PLAN-AFTER-RHI: 17 at return, judged as usual."""
    events = [*interviewed("2008-03-04"), plan("E1", "2026-03-05T10:00:00Z")]
    f = finding(check(events, as_of=AS_OF), rule)
    assert f.status.value == ("breached" if rule == "RHI-INDEPENDENT" else "met")


@pytest.mark.parametrize("rule", ["RHI-INDEPENDENT", "PLAN-AFTER-RHI"])
def test_RHI_INDEPENDENT_and_PLAN_AFTER_RHI_not_required_at_max_age_without_an_interview(
    rule: str,
) -> None:
    """RHI-INDEPENDENT, PLAN-AFTER-RHI: found at 18 with no interview, both are not_required
    alike (the age decision names both); under max_age, neither has a finding until an
    interview is completed."""
    events = [child("C1", born="2008-03-01"), reported("E1", REPORTED)]
    events.append(found("E1", "2026-03-03T08:00:00+00:00"))
    f = finding(check(events, as_of=AS_OF), rule)
    assert (f.status.value, f.message) == ("not_required", "18 or over at return")
    leavers = profile_from_mapping({"name": "leavers", "parameters": {"max_age": 25}})
    judged = check(events, as_of=AS_OF, profile=leavers)
    assert [x for x in judged.findings if x.rule == rule] == []
    still_missing = check(events[:2], as_of=AS_OF)  # not yet returned: no finding yet
    assert [x for x in still_missing.findings if x.rule == rule] == []


# -- Cancelled report: NOTIFY-*, STRAT-HIGH-RISK, STRAT-LONG -------------------------------


@pytest.mark.parametrize("rule", DUTIES)
def test_a_report_cancelled_before_a_duty_falls_due_ends_it(rule: str) -> None:
    """NOTIFY-*, STRAT-HIGH-RISK, STRAT-LONG: cancelled one minute before the deadline, not
    done: not_required, "report cancelled before the deadline"."""
    at = later(DUTIES[rule], minutes=-1)
    if rule == "STRAT-LONG":
        at = later(DUE_72H, minutes=1)  # open past the threshold, cancelled before the deadline
    f = finding(check([high_risk_out_of_area(), cancelled("E1", at)], as_of=AS_OF), rule)
    assert f.status.value == "not_required"
    assert f.message == CANCELLED_MESSAGE


@pytest.mark.parametrize("rule", DUTIES)
def test_a_duty_already_overdue_when_the_report_is_cancelled_keeps_its_status(rule: str) -> None:
    """NOTIFY-*, STRAT-HIGH-RISK, STRAT-LONG: cancelled at the deadline or later, the duty
    stays overdue (not done) or late (done after the deadline)."""
    events = [high_risk_out_of_area(), cancelled("E1", DUTIES[rule])]
    assert finding(check(events, as_of=AS_OF), rule).status.value == "overdue"
    done_late = later(DUTIES[rule], hours=2)
    party = {
        "NOTIFY-HOST": "host_authority",
        "NOTIFY-RESPONSIBLE": "responsible_authority",
        "NOTIFY-IRO": "iro",
    }
    late = notified("E1", done_late, party[rule]) if rule in party else strategy("C1", done_late)
    assert finding(check([*events, late], as_of=AS_OF), rule).status.value == "late"


@pytest.mark.parametrize("rule", ["NOTIFY-HOST", "STRAT-HIGH-RISK"])
def test_a_duty_done_before_the_report_was_cancelled_stays_met(rule: str) -> None:
    """NOTIFY-HOST, STRAT-HIGH-RISK: done, then the report cancelled before the deadline: the
    duty was met before it ended, and the finding says so."""
    done = "2026-03-02T21:00:00+00:00"
    act = notified("E1", done, "host_authority") if rule == "NOTIFY-HOST" else strategy("C1", done)
    events = [high_risk_out_of_area(), act, cancelled("E1", "2026-03-03T09:00:00Z")]
    assert finding(check(events, as_of=AS_OF), rule).status.value == "met"


# -- STRAT-LONG threshold --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("found_at", "status"),
    [
        (later(DUE_72H, minutes=-1), "not_required"),
        (DUE_72H, "not_required"),
        (later(DUE_72H, minutes=1), "overdue"),
    ],
)
def test_STRAT_LONG_not_required_when_found_at_or_before_the_threshold(
    found_at: str, status: str
) -> None:
    """STRAT-LONG: the episode must still be open *after* reported.at + long_missing_after; found
    exactly at the threshold, it is not required."""
    events = [reported("E1", REPORTED, responsible=LA), found("E1", found_at)]
    assert finding(check(events, as_of=AS_OF), "STRAT-LONG").status.value == status
