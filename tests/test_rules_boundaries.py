"""Boundary cases of PROTOCOL.md not pinned elsewhere, each named by its rule id (protocol audit).

Each is an example of the catalogue read literally, or of the reading docs/contract.md writes
down where the catalogue is silent. Story: reported Monday 2026-03-02 20:00 GMT.
"""

from __future__ import annotations

import pytest

from builders import (
    HOST,
    LA,
    cancelled,
    child,
    completed,
    declined,
    finding,
    found,
    later,
    no_finding,
    notified,
    offered,
    reported,
    returned,
    strategy,
)
from missing_protocol import check

REPORTED = "2026-03-02T20:00:00+00:00"
FOUND = "2026-03-03T08:00:00+00:00"
RHI_DUE = "2026-03-06T08:00:00+00:00"
THRESHOLD = "2026-03-05T20:00:00+00:00"  # STRAT-LONG: reported + 72 h
AS_OF = "2026-03-31"


def back_home() -> list[dict[str, object]]:
    return [reported("E1", REPORTED), found("E1", FOUND)]


@pytest.mark.parametrize("rule", ["RHI-OFFER", "RHI-72H"])
def test_RHI_OFFER_and_RHI_72H_one_second_after_the_deadline_is_late(rule: str) -> None:
    """RHI-OFFER, RHI-72H: done when `at` <= due; one second after the 72 h is `late`."""
    a_second_late = "2026-03-06T08:00:01+00:00"
    if rule == "RHI-OFFER":
        events = [*back_home(), offered("E1", a_second_late)]
    else:
        events = [*back_home(), offered("E1", FOUND), completed("E1", a_second_late)]
    f = finding(check(events, as_of=AS_OF), rule)
    assert (f.status.value, f.to_dict()["due"], f.to_dict()["done"]) == (
        "late",
        RHI_DUE,
        "2026-03-06T08:00:01+00:00",
    )


@pytest.mark.parametrize("by", ["child", "parent"])
def test_RHI_72H_not_required_when_declined_even_after_the_deadline(by: str) -> None:
    """RHI-72H: "not required when declined (by the child or by a parent)": the catalogue sets no
    time on it, so an interview declined after the 72 h ends the duty too (docs/contract.md)."""
    events = [*back_home(), offered("E1", FOUND), declined("E1", later(RHI_DUE, hours=30), by)]
    f = finding(check(events, as_of=AS_OF), "RHI-72H")
    assert (f.status.value, f.due, f.done) == ("not_required", None, None)
    assert f.message == f"interview declined by the {by}"
    # The offer, made in time, is still judged on its own.
    assert finding(check(events, as_of=AS_OF), "RHI-OFFER").status.value == "met"


@pytest.mark.parametrize(
    ("found_at", "status"),
    [
        # Born 29 February 2008: in 2026 the 18th birthday is taken as 1 March (English law),
        # so on 28 February the child is still 17.
        ("2026-02-28T12:00:00+00:00", "overdue"),
        ("2026-03-01T00:30:00+00:00", "not_required"),
    ],
)
def test_RHI_72H_a_leap_day_birthday_turns_18_on_1_march(found_at: str, status: str) -> None:
    """RHI-72H (PROTOCOL "Decisions on edge cases", age): not required at 18 or over at return."""
    events = [
        child("C1", born="2008-02-29"),
        reported("E1", "2026-02-28T06:00:00Z"),
        found("E1", found_at),
    ]
    assert finding(check(events, as_of=AS_OF), "RHI-72H").status.value == status


@pytest.mark.parametrize(
    ("rule", "done"),
    [
        ("NOTIFY-HOST", notified("E1", REPORTED, "host_authority")),
        ("NOTIFY-RESPONSIBLE", notified("E1", REPORTED, "responsible_authority")),
        ("NOTIFY-IRO", notified("E1", REPORTED, "iro")),
        ("STRAT-HIGH-RISK", strategy("C1", REPORTED)),
    ],
)
def test_NOTIFY_and_STRAT_HIGH_RISK_done_at_the_moment_of_the_report_is_met(
    rule: str, done: dict[str, object]
) -> None:
    """NOTIFY-*, STRAT-HIGH-RISK: the clock starts at `reported.at`; done at that very moment
    counts (a discussion a second earlier does not: test_rules_strategy)."""
    report = reported("E1", REPORTED, missing_from="care", host=HOST, risk="high")
    f = finding(check([report, done], as_of=AS_OF), rule)
    assert (f.status.value, f.to_dict()["done"]) == ("met", REPORTED)


@pytest.mark.parametrize("rule", ["NOTIFY-HOST", "NOTIFY-RESPONSIBLE", "NOTIFY-IRO"])
def test_NOTIFY_done_after_the_cancellation_before_the_deadline_stays_not_required(
    rule: str,
) -> None:
    """NOTIFY-* (PROTOCOL "Decisions on edge cases", cancelled report): the cancellation before
    the deadline ended the duty; a notification sent after it, still before the deadline, does
    not bring the duty back (`notified` is accepted in any state)."""
    party = {
        "NOTIFY-HOST": "host_authority",
        "NOTIFY-RESPONSIBLE": "responsible_authority",
        "NOTIFY-IRO": "iro",
    }[rule]
    events = [
        reported("E1", REPORTED, missing_from="care", host=HOST),
        cancelled("E1", later(REPORTED, hours=2)),
        notified("E1", later(REPORTED, hours=3), party),
    ]
    result = check(events, as_of=AS_OF)
    assert result.errors == ()
    f = finding(result, rule)
    assert (f.status.value, f.done, f.message) == (
        "not_required",
        None,
        "report cancelled before the deadline",
    )


def test_STRAT_LONG_not_required_when_cancelled_exactly_at_the_threshold() -> None:
    """STRAT-LONG (PROTOCOL "Decisions on edge cases"): the episode must still be open *after*
    reported.at + long_missing_after; a report cancelled at that very moment never was."""
    events = [reported("E1", REPORTED), cancelled("E1", THRESHOLD)]
    f = finding(check(events, as_of=AS_OF), "STRAT-LONG")
    assert f.status.value == "not_required"
    past = [reported("E1", REPORTED), cancelled("E1", later(THRESHOLD, hours=1))]
    # Past the threshold, cancelled before the deadline: ended by the cancellation instead.
    f = finding(check(past, as_of=AS_OF), "STRAT-LONG")
    assert (f.status.value, f.message) == ("not_required", "report cancelled before the deadline")


def test_STRAT_LONG_a_discussion_exactly_at_the_threshold_serves_it() -> None:
    """STRAT-LONG: its clock starts at reported.at + long_missing_after, and a discussion at that
    moment counts (met), its deadline 24 h later."""
    events = [reported("E1", REPORTED), strategy("C1", THRESHOLD)]
    f = finding(check(events, as_of=AS_OF), "STRAT-LONG")
    assert (f.status.value, f.to_dict()["due"], f.to_dict()["done"]) == (
        "met",
        "2026-03-06T20:00:00+00:00",
        THRESHOLD,
    )


def test_STRAT_REPEAT_five_working_days_from_a_friday_evening() -> None:
    """STRAT-REPEAT: 5 working days from Friday 13 March 2026 19:00 end the next Friday at 19:00
    (Monday is the first working day; docs/contract.md: the same London wall-clock time)."""
    events = [
        *returned("E1", "2026-03-02T10:00:00Z"),
        *returned("E2", "2026-03-06T10:00:00Z"),
        *returned("E3", "2026-03-13T19:00:00Z"),
    ]
    f = finding(check(events, as_of=AS_OF), "STRAT-REPEAT", "E3")
    assert (f.status.value, f.to_dict()["due"]) == ("overdue", "2026-03-20T19:00:00+00:00")
    late = check([*events, strategy("C1", "2026-03-20T19:00:01Z")], as_of=AS_OF)
    assert finding(late, "STRAT-REPEAT", "E3").status.value == "late"
    assert no_finding(late, "STRAT-REPEAT", "E2")


def test_NOTIFY_HOST_stays_with_the_responsible_authority_when_the_host_interviews() -> None:
    """NOTIFY-HOST, RHI-OFFER ("Who owns the interview"): under `london`
    (rhi_owner_out_of_area = "host") the host owns the interview of a child placed out of area,
    but telling the host is still the responsible authority's duty, and telling the responsible
    authority the host's."""
    events = [reported("E1", REPORTED, missing_from="care", host=HOST), found("E1", FOUND)]
    result = check(events, as_of=AS_OF, profile="london")
    owners = {r: finding(result, r).responsible for r in ("RHI-OFFER", "NOTIFY-HOST")}
    assert owners == {"RHI-OFFER": HOST, "NOTIFY-HOST": LA}
    assert finding(result, "NOTIFY-RESPONSIBLE").responsible == HOST
    assert finding(result, "NOTIFY-IRO").responsible == LA
