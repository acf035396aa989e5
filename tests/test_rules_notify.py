"""Notification rules (PROTOCOL.md): NOTIFY-HOST, NOTIFY-RESPONSIBLE, NOTIFY-IRO.

The base story: a looked-after child of 309 placed in HRY (out of area), reported missing from the
placement on Monday 2026-03-02 20:00 GMT. 24-hour notifications are due Tuesday 20:00 GMT, the
IRO's (72 h) Thursday 20:00 GMT.
"""

from __future__ import annotations

import pytest

from builders import HOST, LA, finding, found, notified, placed_out_of_area, reported
from missing_protocol import check
from missing_protocol.profiles import profile_from_mapping

REPORTED = "2026-03-02T20:00:00+00:00"
DUE_24H = "2026-03-03T20:00:00+00:00"
DUE_72H = "2026-03-05T20:00:00+00:00"
AS_OF_LATER = "2026-03-20"

RULES = {
    # rule: (party, owner of a child placed out of area, deadline)
    "NOTIFY-HOST": ("host_authority", LA, DUE_24H),
    "NOTIFY-RESPONSIBLE": ("responsible_authority", HOST, DUE_24H),
    "NOTIFY-IRO": ("iro", LA, DUE_72H),
}


def story(*extra: dict[str, object]) -> list[dict[str, object]]:
    return [placed_out_of_area("E1", REPORTED), found("E1", "2026-03-08T10:00:00Z"), *extra]


@pytest.mark.parametrize("rule", RULES)
def test_NOTIFY_met(rule: str) -> None:
    """NOTIFY-HOST (responsible authority tells the host, 24 h), NOTIFY-RESPONSIBLE (the placement
    tells the responsible authority, 24 h), NOTIFY-IRO (responsible authority tells the IRO,
    72 h): met when a `notified` of that party is at or before reported.at + the deadline."""
    party, owner, due = RULES[rule]
    result = check(story(notified("E1", due, party)), as_of=AS_OF_LATER)
    f = finding(result, rule)
    assert f.status.value == "met"
    assert f.to_dict()["due"] == due
    assert f.to_dict()["done"] == due
    assert f.responsible == owner


@pytest.mark.parametrize("rule", RULES)
def test_NOTIFY_late(rule: str) -> None:
    """NOTIFY-HOST / -RESPONSIBLE / -IRO: a notification one minute after the deadline is late."""
    party, _, due = RULES[rule]
    result = check(story(notified("E1", due.replace(":00:00", ":01:00"), party)), as_of=AS_OF_LATER)
    assert finding(result, rule).status.value == "late"
    # The message says how late in a unit that shows it, never "0 h after the deadline".
    assert ", 1 min after the deadline" in finding(result, rule).message
    second = check(story(notified("E1", due.replace(":00:00", ":00:01"), party)), as_of=AS_OF_LATER)
    assert ", 1 s after the deadline" in finding(second, rule).message
    half = check(story(notified("E1", due.replace(":00:00", ":30:00"), party)), as_of=AS_OF_LATER)
    assert ", 30 min after the deadline" in finding(half, rule).message  # never "0 h"


@pytest.mark.parametrize("rule", RULES)
def test_NOTIFY_pending(rule: str) -> None:
    """NOTIFY-HOST / -RESPONSIBLE / -IRO: not yet notified, deadline still ahead at as_of."""
    result = check(story(), as_of="2026-03-03T19:59:00Z")
    f = finding(result, rule)
    assert (f.status.value, f.done) == ("pending", None)


@pytest.mark.parametrize("rule", RULES)
def test_NOTIFY_overdue(rule: str) -> None:
    """NOTIFY-HOST / -RESPONSIBLE / -IRO: never notified and the deadline has passed."""
    result = check(story(), as_of=AS_OF_LATER)
    f = finding(result, rule)
    assert f.status.value == "overdue"
    assert f.to_dict()["due"] == RULES[rule][2]


def test_NOTIFY_only_the_named_party_counts() -> None:
    """NOTIFY-HOST: done only by a `notified` with party = host_authority; telling the police,
    a parent or the IRO does not tell the host. The first notification of the party counts."""
    events = story(
        notified("E1", "2026-03-02T21:00:00Z", "police"),
        notified("E1", "2026-03-02T21:00:00Z", "parent"),
        notified("E1", "2026-03-02T21:00:00Z", "iro"),
        notified("E1", "2026-03-04T09:00:00Z", "host_authority"),
        notified("E1", "2026-03-05T09:00:00Z", "host_authority"),
    )
    f = finding(check(events, as_of=AS_OF_LATER), "NOTIFY-HOST")
    assert f.status.value == "late"
    assert f.to_dict()["done"] == "2026-03-04T09:00:00+00:00"


def test_NOTIFY_HOST_not_required_for_a_child_missing_from_home() -> None:
    """NOTIFY-HOST: not required when the child is not placed out of area (missing from home)."""
    result = check([reported("E1", REPORTED, host="310")], as_of=AS_OF_LATER)
    f = finding(result, "NOTIFY-HOST")
    assert (f.status.value, f.due, f.responsible) == ("not_required", None, LA)


@pytest.mark.parametrize("host", [None, LA])
def test_NOTIFY_HOST_not_required_for_a_child_placed_in_area(host: str | None) -> None:
    """NOTIFY-HOST: not required for a looked-after child placed in the responsible authority's
    own area (host_authority absent or equal to responsible_authority)."""
    result = check([reported("E1", REPORTED, missing_from="care", host=host)], as_of=AS_OF_LATER)
    assert finding(result, "NOTIFY-HOST").status.value == "not_required"
    # ... but the placement still tells the responsible authority, and the IRO is told.
    assert finding(result, "NOTIFY-RESPONSIBLE").status.value == "overdue"
    assert finding(result, "NOTIFY-RESPONSIBLE").responsible == LA
    assert finding(result, "NOTIFY-IRO").status.value == "overdue"


@pytest.mark.parametrize("rule", ["NOTIFY-RESPONSIBLE", "NOTIFY-IRO"])
def test_NOTIFY_RESPONSIBLE_and_IRO_not_required_for_a_child_missing_from_home(rule: str) -> None:
    """NOTIFY-RESPONSIBLE, NOTIFY-IRO: only for a child missing from care; not required when
    missing from home."""
    result = check([reported("E1", REPORTED)], as_of=AS_OF_LATER)
    f = finding(result, rule)
    assert f.status.value == "not_required"
    assert "home" in f.message


def test_NOTIFY_deadlines_come_from_the_profile() -> None:
    """NOTIFY-IRO: notify_iro_within is local; a profile setting PT24H moves the deadline."""
    profile = profile_from_mapping({"name": "fast", "parameters": {"notify_iro_within": "PT24H"}})
    f = finding(check(story(), as_of=AS_OF_LATER, profile=profile), "NOTIFY-IRO")
    assert f.to_dict()["due"] == DUE_24H


def test_NOTIFY_is_judged_for_a_child_still_missing() -> None:
    """NOTIFY-*: the clock starts at reported.at, so the duties apply while the child is missing."""
    result = check([placed_out_of_area("E1", REPORTED)], as_of=AS_OF_LATER)
    assert {finding(result, r).status.value for r in RULES} == {"overdue"}
