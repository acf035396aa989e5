"""Return home interview rules (PROTOCOL.md): RHI-OFFER, RHI-72H, RHI-INDEPENDENT, the RHI owner.

The base story: reported Monday 2026-03-02 20:00 GMT, found Tuesday 08:00 GMT, so the 72-hour
deadline is Friday 2026-03-06 08:00 GMT.
"""

from __future__ import annotations

from pathlib import Path

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
    offered,
    placed_out_of_area,
    reported,
)
from missing_protocol import Episode, assemble, check, load_profile, rhi_owner
from missing_protocol.formats.events import read_objects
from missing_protocol.profiles import profile_from_mapping

REPORTED = "2026-03-02T20:00:00+00:00"
FOUND = "2026-03-03T08:00:00+00:00"
DUE = "2026-03-06T08:00:00+00:00"
BEFORE_DUE = "2026-03-04T12:00:00+00:00"
AFTER_DUE = "2026-03-06T09:30:00+00:00"
AS_OF_LATER = "2026-03-20"

COVERS = profile_from_mapping(
    {"name": "covers", "parameters": {"one_interview_covers_open_episodes": True}}
)


def back_home() -> list[dict[str, object]]:
    return [reported("E1", REPORTED), found("E1", FOUND)]


# --- RHI-OFFER -------------------------------------------------------------------------------


def test_RHI_OFFER_met() -> None:
    """RHI-OFFER: a child found is offered a return interview within rhi_within (72 h) of found.at."""
    result = check([*back_home(), offered("E1", BEFORE_DUE)], as_of=AS_OF_LATER)
    f = finding(result, "RHI-OFFER")
    assert f.status.value == "met"
    assert f.to_dict()["due"] == DUE
    assert f.to_dict()["done"] == BEFORE_DUE
    assert f.responsible == LA
    assert f.source == "DfE-2014"


def test_RHI_OFFER_met_at_the_deadline_itself() -> None:
    """RHI-OFFER: done when interview_offered.at ≤ due, so an offer at the deadline is met."""
    result = check([*back_home(), offered("E1", DUE)], as_of=AS_OF_LATER)
    assert finding(result, "RHI-OFFER").status.value == "met"


def test_RHI_OFFER_late() -> None:
    """RHI-OFFER: an offer made after found.at + 72 h is late."""
    result = check([*back_home(), offered("E1", AFTER_DUE)], as_of=AS_OF_LATER)
    f = finding(result, "RHI-OFFER")
    assert f.status.value == "late"
    assert f.to_dict()["done"] == AFTER_DUE


def test_RHI_OFFER_pending() -> None:
    """RHI-OFFER: no offer yet, and the 72 hours from found.at are still running at as_of."""
    result = check(back_home(), as_of=BEFORE_DUE)
    f = finding(result, "RHI-OFFER")
    assert (f.status.value, f.to_dict()["due"], f.done) == ("pending", DUE, None)
    assert result.exit_code == 0


def test_RHI_OFFER_overdue() -> None:
    """RHI-OFFER: no offer, and found.at + 72 h has passed at as_of."""
    result = check(back_home(), as_of=AFTER_DUE)
    assert finding(result, "RHI-OFFER").status.value == "overdue"
    assert result.exit_code == 1


def test_RHI_OFFER_not_required_when_the_report_is_cancelled() -> None:
    """RHI-OFFER: not required when the report is cancelled (the child was not in fact missing)."""
    result = check([reported("E1", REPORTED), cancelled("E1", FOUND)], as_of=AS_OF_LATER)
    f = finding(result, "RHI-OFFER")
    assert f.status.value == "not_required"
    assert (f.due, f.done) == (None, None)


def test_RHI_OFFER_not_required_for_a_child_18_or_over_at_return() -> None:
    """RHI-OFFER: not required when the child is 18+ (profile max_age) at the moment of return."""
    result = check([child("C1", born="2008-03-03"), *back_home()], as_of=AS_OF_LATER)
    f = finding(result, "RHI-OFFER")
    assert f.status.value == "not_required"
    assert "18" in f.message


def test_RHI_OFFER_applies_to_a_child_who_is_17_at_return() -> None:
    """RHI-OFFER: the age that counts is the age on the (London) day of return, not of report."""
    # 18 on 2026-03-04: still 17 when found on 2026-03-03.
    result = check([child("C1", born="2008-03-04"), *back_home()], as_of=AS_OF_LATER)
    assert finding(result, "RHI-OFFER").status.value == "overdue"


def test_RHI_72H_age_is_taken_on_the_london_day_of_return() -> None:
    """RHI-72H: not required from max_age (18) at return; 00:30 BST on 1 July is already 1 July
    in London, though still 30 June in UTC."""
    events = [
        child("C1", born="2008-07-01"),
        reported("E1", "2026-06-30T20:00:00Z"),
        found("E1", "2026-06-30T23:30:00Z"),
    ]
    assert finding(check(events, as_of="2026-07-20"), "RHI-72H").status.value == "not_required"
    events[2] = found("E1", "2026-06-30T22:30:00Z")  # 23:30 BST on 30 June: still 17
    assert finding(check(events, as_of="2026-07-20"), "RHI-72H").status.value == "overdue"


def test_RHI_OFFER_has_no_finding_while_the_child_is_still_missing() -> None:
    """RHI-OFFER: triggered by an episode ending with the child found; an open episode has none."""
    result = check([reported("E1", REPORTED)], as_of=AS_OF_LATER)
    assert no_finding(result, "RHI-OFFER")
    assert no_finding(result, "RHI-72H")


# --- RHI-72H ---------------------------------------------------------------------------------


def test_RHI_72H_met() -> None:
    """RHI-72H: the interview is completed within rhi_within (72 h) of found.at."""
    events = [*back_home(), offered("E1", BEFORE_DUE), completed("E1", later(BEFORE_DUE, hours=2))]
    f = finding(check(events, as_of=AS_OF_LATER), "RHI-72H")
    assert f.status.value == "met"
    assert f.to_dict()["due"] == DUE
    assert f.to_dict()["done"] == "2026-03-04T14:00:00+00:00"


def test_RHI_72H_late() -> None:
    """RHI-72H: an interview completed after found.at + 72 h is late."""
    events = [*back_home(), offered("E1", BEFORE_DUE), completed("E1", AFTER_DUE)]
    result = check(events, as_of=AS_OF_LATER)
    f = finding(result, "RHI-72H")
    assert f.status.value == "late"
    assert f.to_dict()["done"] == AFTER_DUE
    assert result.exit_code == 1


def test_RHI_72H_pending() -> None:
    """RHI-72H: offered but not yet interviewed, with the 72 hours still running at as_of."""
    result = check([*back_home(), offered("E1", BEFORE_DUE)], as_of=later(BEFORE_DUE, hours=1))
    assert finding(result, "RHI-72H").status.value == "pending"


def test_RHI_72H_overdue() -> None:
    """RHI-72H: no completed interview and found.at + 72 h has passed at as_of."""
    result = check([*back_home(), offered("E1", BEFORE_DUE)], as_of=AS_OF_LATER)
    f = finding(result, "RHI-72H")
    assert (f.status.value, f.to_dict()["due"], f.done) == ("overdue", DUE, None)


@pytest.mark.parametrize("by", ["child", "parent"])
def test_RHI_72H_not_required_when_declined(by: str) -> None:
    """RHI-72H: not required when declined, by the child or by a parent on the child's behalf."""
    events = [*back_home(), offered("E1", BEFORE_DUE), declined("E1", BEFORE_DUE, by)]
    result = check(events, as_of=AS_OF_LATER)
    f = finding(result, "RHI-72H")
    assert f.status.value == "not_required"
    assert by in f.message
    assert finding(result, "RHI-OFFER").status.value == "met"
    assert result.exit_code == 0


def test_RHI_72H_not_required_when_the_report_is_cancelled() -> None:
    """RHI-72H: not required when the report is cancelled."""
    result = check([reported("E1", REPORTED), cancelled("E1", FOUND)], as_of=AS_OF_LATER)
    assert finding(result, "RHI-72H").status.value == "not_required"
    assert result.exit_code == 0


def test_RHI_72H_not_required_for_a_child_18_or_over_at_return() -> None:
    """RHI-72H: not required when the child is 18 or over (profile max_age 18) at return."""
    result = check([child("C1", born="2000-06-01"), *back_home()], as_of=AS_OF_LATER)
    assert finding(result, "RHI-72H").status.value == "not_required"


def test_RHI_72H_applies_to_care_leavers_up_to_max_age_25_in_a_user_profile(tmp_path: Path) -> None:
    """RHI-72H: a profile may extend duties to care leavers up to 25 (max_age = 25)."""
    toml = tmp_path / "leavers.toml"
    toml.write_text('name = "leavers"\n[parameters]\nmax_age = 25\n', "utf-8")
    events = [child("C1", born="2005-01-01"), *back_home()]  # 21 at return
    assert finding(check(events, as_of=AS_OF_LATER), "RHI-72H").status.value == "not_required"
    result = check(events, as_of=AS_OF_LATER, profile=toml)
    assert result.profile == "leavers"
    assert finding(result, "RHI-72H").status.value == "overdue"
    # ... and 25 is the age from which the duty stops.
    older = [child("C1", born="2001-01-01"), *back_home()]
    assert finding(check(older, as_of=AS_OF_LATER, profile=toml), "RHI-72H").status.value == (
        "not_required"
    )


def test_RHI_72H_is_72_elapsed_hours_across_the_autumn_clock_change() -> None:
    """RHI-72H: deadlines are elapsed time. Reported 10:00 BST Saturday 2026-10-24, found 12:00
    BST; the clocks go back on Sunday, so the interview is due 11:00 GMT on Tuesday 27th."""
    events = [
        reported("E1", "2026-10-24T10:00:00+01:00"),
        found("E1", "2026-10-24T12:00:00+01:00"),
    ]
    result = check(events, as_of="2026-10-25T09:00:00Z")
    data = result.to_dict()
    rhi = next(f for f in data["findings"] if f["rule"] == "RHI-72H")
    assert rhi["due"] == "2026-10-27T11:00:00+00:00"
    assert rhi["status"] == "pending"
    # An interview at 11:30 GMT (72 h on the wall clock) would be late.
    late = check(
        [*events, offered("E1", "2026-10-26T09:00:00Z"), completed("E1", "2026-10-27T11:30:00Z")],
        as_of="2026-11-01",
    )
    assert finding(late, "RHI-72H").status.value == "late"


def test_RHI_72H_is_72_elapsed_hours_across_the_spring_clock_change() -> None:
    """RHI-72H: found 12:00 GMT Saturday 2026-03-28; the clocks go forward on Sunday, so the
    interview is due 13:00 BST on Tuesday 31st (72 × 3600 s later)."""
    events = [reported("E1", "2026-03-28T09:00:00Z"), found("E1", "2026-03-28T12:00:00Z")]
    f = finding(check(events, as_of="2026-03-29"), "RHI-72H")
    assert f.to_dict()["due"] == "2026-03-31T13:00:00+01:00"


def test_RHI_72H_duty_of_an_earlier_episode_survives_a_new_report() -> None:
    """RHI-72H: a new report while an earlier episode's interview is still due does not cancel
    that duty; by default an interview held for the later episode does not meet it."""
    events = [
        *back_home(),
        reported("E2", "2026-03-04T18:00:00Z"),
        found("E2", "2026-03-05T06:00:00Z"),
        offered("E2", "2026-03-05T10:00:00Z"),
        completed("E2", "2026-03-05T15:00:00Z"),
    ]
    result = check(events, as_of=AS_OF_LATER)
    assert finding(result, "RHI-72H", "E1").status.value == "overdue"
    assert finding(result, "RHI-72H", "E2").status.value == "met"


def test_RHI_72H_one_interview_covers_open_episodes_when_the_profile_says_so() -> None:
    """RHI-72H: with one_interview_covers_open_episodes = true, one interview completed after the
    later return also meets an earlier episode's RHI-72H if it is within *its* deadline."""
    events = [
        *back_home(),
        reported("E2", "2026-03-04T18:00:00Z"),
        found("E2", "2026-03-05T06:00:00Z"),
        offered("E2", "2026-03-05T10:00:00Z"),
        completed("E2", "2026-03-05T15:00:00Z"),
    ]
    result = check(events, as_of=AS_OF_LATER, profile=COVERS)
    f = finding(result, "RHI-72H", "E1")
    assert f.status.value == "met"
    assert f.to_dict()["done"] == "2026-03-05T15:00:00+00:00"
    # Only RHI-72H is covered: E1 was never offered an interview of its own.
    assert finding(result, "RHI-OFFER", "E1").status.value == "overdue"


def test_RHI_72H_one_interview_does_not_cover_past_the_earlier_deadline() -> None:
    """RHI-72H: with one_interview_covers_open_episodes, an interview after the earlier
    episode's own deadline does not meet it (the earlier duty stays overdue)."""
    events = [
        *back_home(),
        reported("E2", "2026-03-05T18:00:00Z"),
        found("E2", "2026-03-05T20:00:00Z"),
        offered("E2", "2026-03-06T07:00:00Z"),
        completed("E2", AFTER_DUE),
    ]
    result = check(events, as_of=AS_OF_LATER, profile=COVERS)
    assert finding(result, "RHI-72H", "E1").status.value == "overdue"
    assert finding(result, "RHI-72H", "E2").status.value == "met"


def test_RHI_72H_one_interview_covers_an_earlier_episode_whose_own_interview_was_late() -> None:
    """RHI-72H: with one_interview_covers_open_episodes, the later episode's interview within the
    earlier deadline meets the earlier RHI-72H even though the earlier episode later had a late
    interview of its own (PROTOCOL.md "Repeat and overlapping episodes": it "also meets" it)."""
    events = [
        *back_home(),
        reported("E2", "2026-03-04T18:00:00Z"),
        found("E2", "2026-03-05T06:00:00Z"),
        offered("E2", "2026-03-05T10:00:00Z"),
        completed("E2", "2026-03-05T15:00:00Z"),
        offered("E1", "2026-03-06T10:00:00Z"),
        completed("E1", "2026-03-07T10:00:00Z"),
    ]
    f = finding(check(events, as_of=AS_OF_LATER, profile=COVERS), "RHI-72H", "E1")
    assert (f.status.value, f.to_dict()["done"]) == ("met", "2026-03-05T15:00:00+00:00")
    # Without the profile setting the earlier episode's own interview is all that counts.
    f = finding(check(events, as_of=AS_OF_LATER), "RHI-72H", "E1")
    assert (f.status.value, f.to_dict()["done"]) == ("late", "2026-03-07T10:00:00+00:00")


# --- RHI-INDEPENDENT -------------------------------------------------------------------------


def test_RHI_INDEPENDENT_met() -> None:
    """RHI-INDEPENDENT: a completed interview must be independent (`independent` defaults true)."""
    event = completed("E1", BEFORE_DUE)
    del event["independent"]
    result = check([*back_home(), offered("E1", BEFORE_DUE), event], as_of=AS_OF_LATER)
    f = finding(result, "RHI-INDEPENDENT")
    assert f.status.value == "met"
    assert f.due is None
    assert f.to_dict()["done"] == BEFORE_DUE


def test_RHI_INDEPENDENT_breached() -> None:
    """RHI-INDEPENDENT: an interview that was not independent is breached, even if in time."""
    events = [
        *back_home(),
        offered("E1", BEFORE_DUE),
        completed("E1", BEFORE_DUE, independent=False),
    ]
    result = check(events, as_of=AS_OF_LATER)
    assert finding(result, "RHI-INDEPENDENT").status.value == "breached"
    assert finding(result, "RHI-72H").status.value == "met"
    assert result.exit_code == 1


def test_RHI_INDEPENDENT_not_required_when_declined() -> None:
    """RHI-INDEPENDENT: not required when there is no interview because it was declined."""
    events = [*back_home(), offered("E1", BEFORE_DUE), declined("E1", BEFORE_DUE)]
    assert finding(check(events, as_of=AS_OF_LATER), "RHI-INDEPENDENT").status.value == (
        "not_required"
    )


def test_RHI_INDEPENDENT_not_required_when_the_report_is_cancelled() -> None:
    """RHI-INDEPENDENT: not required when there is no interview because the report was cancelled."""
    result = check([reported("E1", REPORTED), cancelled("E1", FOUND)], as_of=AS_OF_LATER)
    assert finding(result, "RHI-INDEPENDENT").status.value == "not_required"


def test_RHI_INDEPENDENT_has_no_finding_before_an_interview() -> None:
    """RHI-INDEPENDENT: triggered by a completed interview; none yet means no finding."""
    result = check([*back_home(), offered("E1", BEFORE_DUE)], as_of=AS_OF_LATER)
    assert no_finding(result, "RHI-INDEPENDENT")


# --- Who owns the interview ------------------------------------------------------------------


def _episode(event: dict[str, object]) -> Episode:
    return assemble(read_objects([event])).episodes[0]


@pytest.mark.parametrize(
    ("event", "statutory", "london"),
    [
        (reported("E1", REPORTED), LA, LA),
        (reported("E1", REPORTED, host="310"), LA, LA),  # home: host is where the child lives
        (reported("E1", REPORTED, missing_from="care"), LA, LA),
        (reported("E1", REPORTED, missing_from="care", host=LA), LA, LA),
        (placed_out_of_area("E1", REPORTED), LA, HOST),
    ],
    ids=["home", "home-elsewhere", "care-in-area", "care-host-same", "placed-out-of-area"],
)
def test_rhi_owner(event: dict[str, object], statutory: str, london: str) -> None:
    """RHI-OFFER, RHI-72H, RHI-INDEPENDENT (the RHI owner): the responsible authority, except a
    child placed out of area under a profile with rhi_owner_out_of_area = "host" (london), who is
    interviewed by the host authority. `rhi_owner()` answers without running a check."""
    episode = _episode(event)
    assert rhi_owner(episode) == statutory
    assert rhi_owner(episode, "statutory") == statutory
    assert rhi_owner(episode, "london") == london
    assert rhi_owner(episode, load_profile("london")) == london
    assert rhi_owner(episode, load_profile("london").at(episode.reported_at)) == london


@pytest.mark.parametrize(("profile", "owner"), [("statutory", LA), ("london", HOST)])
def test_RHI_72H_owner_of_a_child_placed_out_of_area(profile: str, owner: str) -> None:
    """RHI-OFFER, RHI-72H, RHI-INDEPENDENT: `responsible` is the RHI owner, which for a child
    placed out of area depends on the profile's rhi_owner_out_of_area."""
    events = [
        placed_out_of_area("E1", REPORTED),
        found("E1", FOUND),
        offered("E1", BEFORE_DUE),
        completed("E1", BEFORE_DUE),
    ]
    result = check(events, as_of=AS_OF_LATER, profile=profile)
    for rule in ("RHI-OFFER", "RHI-72H", "RHI-INDEPENDENT"):
        assert finding(result, rule).responsible == owner
    # The other duties stay with the placing authority whatever the profile.
    assert finding(result, "PLAN-AFTER-RHI").responsible == LA
    assert finding(result, "NOTIFY-HOST").responsible == LA


def test_rhi_owner_follows_the_profile_version_in_force_at_the_report() -> None:
    """RHI-72H (the RHI owner): a profile version from 2026-07-01 that moves interviews to the
    host applies to episodes reported from that (London) day on."""
    profile = profile_from_mapping(
        {
            "name": "relaunch",
            "versions": [{"effective_from": "2026-07-01", "rhi_owner_out_of_area": "host"}],
        }
    )
    june = _episode(placed_out_of_area("E1", "2026-06-30T22:30:00Z"))  # 23:30 BST on 30 June
    july = _episode(placed_out_of_area("E1", "2026-06-30T23:30:00Z"))  # 00:30 BST on 1 July
    assert rhi_owner(june, profile) == LA
    assert rhi_owner(july, profile) == HOST
