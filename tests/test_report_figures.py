"""Report figures on small hand-made logs: each cohort rule, the period, and every figure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest

from missing_protocol import clock
from missing_protocol.common.period import Cohort, Period
from missing_protocol.formats.events import read_objects
from missing_protocol.profiles import profile_from_mapping
from missing_protocol.report import PeriodFigures, period_report
from missing_protocol.report.figures import CohortCounts

YEAR = Period(pendulum.Date(2025, 4, 1), pendulum.Date(2026, 4, 1))


def rep(
    eid: str,
    child: str,
    at: str,
    *,
    frm: str = "care",
    resp: str = "HRY",
    host: str | None = None,
    place: Any = None,
) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "type": "reported",
        "episode_id": eid,
        "child_id": child,
        "at": at,
        "missing_from": frm,
        "responsible_authority": resp,
    }
    if host:
        obj["host_authority"] = host
    if place:
        obj["location"] = place
    return obj


def ev(kind: str, eid: str, at: str, **fields: Any) -> dict[str, Any]:
    return {"type": kind, "episode_id": eid, "at": at, **fields}


def figures(*objs: dict[str, Any], **options: Any) -> PeriodFigures:
    return period_report(read_objects(objs), YEAR, "HRY", **options)


# ---- cohorts -------------------------------------------------------------------------------


def test_own_looked_after_is_care_where_we_are_responsible_wherever_the_child_is_placed() -> None:
    f = figures(
        rep("E1", "C1", "2025-05-01T10:00:00+01:00"),
        rep("E2", "C2", "2025-05-02T10:00:00+01:00", host="KSW"),
    )
    assert (f.episodes, f.children) == (2, 2)
    assert f.cohorts == CohortCounts(own_looked_after=2)


def test_placed_here_by_others_is_care_hosted_here_for_another_authority() -> None:
    f = figures(rep("E1", "C1", "2025-05-01T10:00:00+01:00", resp="KSW", host="HRY"))
    assert f.cohorts == CohortCounts(placed_here_by_others=1)


def test_from_home_is_missing_from_home_where_we_are_responsible() -> None:
    f = figures(rep("E1", "C1", "2025-05-01T10:00:00+01:00", frm="home"))
    assert f.cohorts == CohortCounts(from_home=1)


def test_other_authorities_episodes_are_not_counted() -> None:
    f = figures(
        rep("E1", "C1", "2025-05-01T10:00:00+01:00", resp="KSW"),  # their child, placed by them
        rep("E2", "C2", "2025-05-01T10:00:00+01:00", frm="home", resp="KSW"),
        # From home: only the responsible authority (where the child lives) counts it.
        rep("E3", "C3", "2025-05-01T10:00:00+01:00", frm="home", resp="KSW", host="HRY"),
        rep("E4", "C4", "2025-05-01T10:00:00+01:00", resp="KSW", host="BDV"),
    )
    assert (f.episodes, f.children, f.cohorts.total) == (0, 0, 0)


def test_a_child_in_two_cohorts_counts_in_the_cohort_of_its_latest_episode() -> None:
    f = figures(
        rep("E1", "C1", "2025-05-01T10:00:00+01:00", frm="home"),
        ev("found", "E1", "2025-05-01T20:00:00+01:00"),
        rep("E2", "C1", "2025-06-01T10:00:00+01:00"),  # came into our care
    )
    assert (f.episodes, f.children) == (2, 1)
    assert f.cohorts == CohortCounts(own_looked_after=1)
    # Episodes by month keep each episode's own cohort.
    months = {m.month: m.episodes for m in f.by_month}
    assert months["2025-05"] == CohortCounts(from_home=1)
    assert months["2025-06"] == CohortCounts(own_looked_after=1)


@pytest.mark.parametrize(("first", "second"), [("A1", "Z2"), ("Z1", "A2")])
def test_an_episode_ending_as_the_next_is_reported_counts_whatever_the_ids(
    first: str, second: str
) -> None:
    """docs/contract.md (overlapping episodes): an episode that ends at the very moment the
    next is reported does not overlap, so both count; also when both reports share that moment
    (found as soon as reported) and the later episode's id sorts first (it was rejected)."""
    at = "2025-05-01T10:00:00+01:00"
    f = figures(
        rep(first, "C1", at, frm="home"),
        ev("found", first, at),
        rep(second, "C1", at),  # reported again at once, now from care
        ev("found", second, "2025-05-01T12:00:00+01:00"),
    )
    assert (f.rejected_events, f.episodes, f.children) == (0, 2, 1)


def test_the_latest_episode_is_the_latest_in_the_period_not_after_it() -> None:
    f = figures(
        rep("E1", "C1", "2026-03-01T10:00:00+00:00", resp="KSW", host="HRY"),
        ev("found", "E1", "2026-03-01T20:00:00+00:00"),
        rep("E2", "C1", "2026-04-02T10:00:00+01:00", frm="home"),  # after the period
    )
    assert f.episodes == 1
    assert f.cohorts == CohortCounts(placed_here_by_others=1)


def test_the_period_runs_from_london_midnight_to_london_midnight() -> None:
    f = figures(
        rep("E0", "C0", "2025-03-31T23:59:00+01:00"),  # the evening before: out
        rep("E1", "C1", "2025-03-31T23:00:00Z"),  # 00:00 BST on 1 April: in
        rep("E2", "C2", "2026-03-31T23:59:59+01:00"),  # the last second: in
        rep("E3", "C3", "2026-03-31T23:00:00Z"),  # 00:00 BST on 1 April 2026: out
    )
    assert f.episodes == 2
    assert f.children == 2


def test_cancelled_reports_are_not_episodes_but_are_counted_apart() -> None:
    f = figures(
        rep("E1", "C1", "2025-05-01T10:00:00+01:00"),
        ev("report_cancelled", "E1", "2025-05-01T10:30:00+01:00"),
        rep("E2", "C2", "2025-05-01T10:00:00+01:00", resp="KSW"),
        ev("report_cancelled", "E2", "2025-05-01T10:30:00+01:00"),  # not ours: not counted
    )
    assert (f.episodes, f.children, f.cancelled_reports) == (0, 0, 1)


def test_period_must_end_after_it_starts() -> None:
    with pytest.raises(ValueError, match="must end after"):
        Period(pendulum.Date(2025, 4, 1), pendulum.Date(2025, 4, 1))


# ---- ethnicity and sex ----------------------------------------------------------------------


def test_ethnicity_by_dfe_major_group_and_sex_of_children_with_unknowns() -> None:
    f = figures(
        {"type": "child", "child_id": "C1", "ethnicity": "BCRB", "sex": "male"},
        {"type": "child", "child_id": "C2", "ethnicity": "BAFR", "sex": "female"},
        {"type": "child", "child_id": "C3", "ethnicity": "WBRI"},
        rep("E1", "C1", "2025-05-01T10:00:00+01:00"),
        ev("found", "E1", "2025-05-01T11:00:00+01:00"),
        rep("E2", "C1", "2025-05-02T10:00:00+01:00"),  # a child is counted once
        rep("E3", "C2", "2025-05-01T10:00:00+01:00"),
        rep("E4", "C3", "2025-05-01T10:00:00+01:00"),
        rep("E5", "C4", "2025-05-01T10:00:00+01:00"),  # no child record
    )
    ethnicity = {s.group: s.children for s in f.ethnicity}
    assert ethnicity == {
        "White": 1,
        "Mixed": 0,
        "Asian": 0,
        "Black": 2,
        "Other": 0,
        "Refused/Not obtained": 0,
        "Unknown": 1,
    }
    assert {s.group: s.children for s in f.sex} == {
        "male": 1,
        "female": 1,
        "other": 0,
        "unknown": 2,
    }


# ---- interviews -----------------------------------------------------------------------------


def _interview_log() -> list[dict[str, Any]]:
    found = "2025-06-01T12:00:00+01:00"
    log = []
    for n in range(1, 7):
        log.append(rep(f"E{n}", f"C{n}", "2025-06-01T08:00:00+01:00"))
    for n in range(1, 6):
        log.append(ev("found", f"E{n}", found))
    for n in range(1, 5):
        log.append(ev("interview_offered", f"E{n}", "2025-06-02T09:00:00+01:00"))
    log += [
        ev("interview_completed", "E1", "2025-06-04T12:00:00+01:00"),  # exactly 72 h: in time
        ev("interview_declined", "E2", "2025-06-02T10:00:00+01:00", declined_by="child"),
        ev("interview_declined", "E3", "2025-06-02T10:00:00+01:00", declined_by="parent"),
        ev("interview_completed", "E4", "2025-06-04T13:00:00+01:00"),  # 73 h: late
    ]
    return log  # E5 found but never offered; E6 still missing


def test_interviews_are_counted_per_found_episode() -> None:
    rhi = figures(*_interview_log()).interviews
    assert (rhi.found_episodes, rhi.offered, rhi.completed) == (5, 4, 2)
    assert (rhi.declined_by_child, rhi.declined_by_parent) == (1, 1)
    assert rhi.completed_within_deadline == 1
    assert rhi.deadline == clock.Elapsed(72 * 3600)


def test_the_caller_can_pass_the_profiles_interview_deadline() -> None:
    rhi = figures(*_interview_log(), rhi_within=clock.Elapsed(74 * 3600)).interviews
    assert rhi.completed_within_deadline == 2
    rhi = figures(*_interview_log(), rhi_within=clock.WorkingDays(2)).interviews
    assert rhi.completed_within_deadline == 0  # Sunday 1 June + 2 working days = Tue 3 June


def test_a_profile_judges_each_episode_by_the_version_in_force_at_its_report() -> None:
    # E1 is 72 h (in time under both), E4 73 h: late under PT72H, in time under PT74H.
    later = profile_from_mapping(
        {
            "name": "local",
            "parameters": {"rhi_within": "PT72H"},
            "versions": [{"effective_from": "2025-06-01", "rhi_within": "PT74H"}],
        }
    )
    rhi = figures(*_interview_log(), profile=later).interviews
    assert rhi.completed_within_deadline == 2  # reported 1 June: the new version applies
    assert rhi.deadline == clock.Elapsed(74 * 3600) and rhi.deadlines == (clock.Elapsed(74 * 3600),)
    earlier = profile_from_mapping(
        {
            "name": "local",
            "parameters": {"rhi_within": "PT72H"},
            "versions": [{"effective_from": "2025-06-02", "rhi_within": "PT74H"}],
        }
    )
    f = figures(*_interview_log(), profile=earlier)
    assert f.interviews.completed_within_deadline == 1  # reported 1 June: still 72 hours
    assert f.interviews.deadlines == (clock.Elapsed(72 * 3600),)
    assert f.interviews.deadline == clock.Elapsed(74 * 3600)  # in force at the period's end
    assert f.profile == "local"
    assert figures(*_interview_log(), profile="statutory").interviews.completed_within_deadline == 1


def test_a_deadline_and_a_profile_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        figures(*_interview_log(), profile="statutory", rhi_within=clock.Elapsed(3600))


def test_72_hours_is_elapsed_time_across_the_autumn_clock_change() -> None:
    # 12:00 BST Friday to 11:30 GMT Monday is 71.5 wall-clock hours but 72.5 real hours.
    f = figures(
        rep("E1", "C1", "2025-10-24T08:00:00+01:00"),
        ev("found", "E1", "2025-10-24T12:00:00+01:00"),
        ev("interview_offered", "E1", "2025-10-25T12:00:00+01:00"),
        ev("interview_completed", "E1", "2025-10-27T11:30:00+00:00"),
    )
    assert (f.interviews.completed, f.interviews.completed_within_deadline) == (1, 0)


# ---- repeats, durations, months, hotspots ----------------------------------------------------


def test_repeat_children_have_three_or_more_episodes_in_the_period() -> None:
    log = []
    for child, times in (("C1", 3), ("C2", 2)):
        for n in range(times):
            eid = f"{child}-{n}"
            log.append(rep(eid, child, f"2025-0{5 + n}-01T10:00:00+01:00"))
            log.append(ev("found", eid, f"2025-0{5 + n}-01T12:00:00+01:00"))
    assert figures(*log).repeat_children == 1


def test_median_and_longest_duration_over_found_episodes() -> None:
    f = figures(
        rep("E1", "C1", "2025-05-01T10:00:00+01:00"),
        ev("found", "E1", "2025-05-01T12:00:00+01:00"),  # 2 h
        rep("E2", "C2", "2025-05-01T10:00:00+01:00"),
        ev("found", "E2", "2025-05-01T14:00:00+01:00"),  # 4 h
        rep("E3", "C3", "2025-05-01T10:00:00+01:00"),
        ev("found", "E3", "2025-05-04T10:00:00+01:00"),  # 72 h
        rep("E4", "C4", "2025-05-01T10:00:00+01:00"),
        ev("found", "E4", "2025-05-01T16:00:00+01:00"),  # 6 h
        rep("E5", "C5", "2025-05-01T10:00:00+01:00"),  # still missing
    )
    assert f.duration.found_episodes == 4
    assert f.duration.median == dt.timedelta(hours=5)
    assert f.duration.longest == dt.timedelta(hours=72)
    assert f.duration.still_missing == 1


def test_no_found_episodes_means_no_durations() -> None:
    f = figures(rep("E1", "C1", "2025-05-01T10:00:00+01:00"))
    assert (f.duration.median, f.duration.longest) == (None, None)


def test_months_are_london_months_and_every_month_of_the_period_is_listed() -> None:
    f = figures(
        rep("E1", "C1", "2025-04-30T23:30:00+01:00"),  # 22:30 UTC: April
        ev("found", "E1", "2025-04-30T23:45:00+01:00"),
        rep("E2", "C1", "2025-04-30T23:30:00Z", frm="home"),  # 00:30 BST on 1 May: May
    )
    months = {m.month: m.episodes for m in f.by_month}
    assert len(f.by_month) == 12
    assert f.by_month[0].month == "2025-04" and f.by_month[-1].month == "2026-03"
    assert months["2025-04"] == CohortCounts(own_looked_after=1)
    assert months["2025-05"] == CohortCounts(from_home=1)
    assert months["2025-06"].total == 0


def test_hotspots_rank_places_and_keep_coordinates() -> None:
    station = {"name": "Tollgate Station", "lat": 51.5, "lon": -0.2}
    log = []
    places = ["Park", "Tollgate Station", "Park", "Tollgate Station", "Arcade"]
    for n, place in enumerate(places):
        eid = f"E{n}"
        log.append(rep(eid, f"C{n}", "2025-05-01T10:00:00+01:00", place="Elm Lodge"))
        log.append(ev("found", eid, "2025-05-01T12:00:00+01:00", location=place))
    log[-3]["location"] = station  # one record of the station carries coordinates
    f = figures(*log)
    assert [(h.place, h.episodes) for h in f.found_at] == [
        ("Park", 2),
        ("Tollgate Station", 2),
        ("Arcade", 1),
    ]
    assert (f.found_at[1].lat, f.found_at[1].lon) == (51.5, -0.2)
    assert [(h.place, h.episodes) for h in f.missing_from] == [("Elm Lodge", 5)]


def test_a_place_named_with_and_without_coordinates_is_one_place_with_them() -> None:
    """docs/report.md, JSON `hotspots`: a place's coordinates come from a record of it in the same
    list that carries lat/lon. The reader trims a name given as text, so it trims one given in an object
    too: otherwise ' Park' and {"name": "Park ", ...} were two places, one without coordinates."""
    f = figures(
        rep("E1", "C1", "2025-05-01T10:00:00+01:00", place=" Park"),
        rep(
            "E2", "C2", "2025-05-02T10:00:00+01:00", place={"name": "Park ", "lat": 51.5, "lon": 0}
        ),
    )
    assert [(h.place, h.episodes, h.lat, h.lon) for h in f.missing_from] == [("Park", 2, 51.5, 0)]
    # A blank name names no place: rejected as a blank text name is, never a place called ''.
    blank = figures(rep("E1", "C1", "2025-05-01T10:00:00+01:00", place={"name": "  "}))
    assert (blank.rejected_events, blank.missing_from) == (1, ())


def test_json_hotspots_group_spellings_of_a_place_as_hotspot_figures_do() -> None:
    """docs/report.md, JSON `hotspots`: a place is its name without regard to case or spacing,
    shown with its earliest spelling, as `hotspot_figures` (intelligence.place_key) counts it;
    its coordinates come from a record of the same list (here the second report)."""
    f = figures(
        rep("E1", "C1", "2025-05-02T10:00:00+01:00", place="station road park"),
        rep("E2", "C2", "2025-05-01T10:00:00+01:00", place="Station Road Park"),
        rep(
            "E3",
            "C3",
            "2025-05-03T10:00:00+01:00",
            place={"name": "Station  road park", "lat": 51.5, "lon": -0.1},
        ),
        rep("E4", "C4", "2025-05-04T10:00:00+01:00", place="Arcade"),
        ev(
            "found",
            "E4",
            "2025-05-04T12:00:00+01:00",
            location={"name": "arcade", "lat": 1, "lon": 2},
        ),
    )
    assert [(h.place, h.episodes, h.lat, h.lon) for h in f.missing_from] == [
        ("Station Road Park", 3, 51.5, -0.1),
        ("Arcade", 1, None, None),  # a return's coordinates are not a report's
    ]
    assert [(h.place, h.episodes, h.lat) for h in f.found_at] == [("arcade", 1, 1)]


def test_rejected_events_are_counted_and_do_not_stop_the_report() -> None:
    f = figures(
        rep("E1", "C1", "2025-05-01T10:00:00+01:00"),
        ev("found", "E1", "not a time"),  # rejected by the reader
        ev("interview_completed", "E1", "2025-05-02T10:00:00+01:00"),  # not allowed yet
        {"type": "no_such_type"},
    )
    assert f.episodes == 1
    assert f.rejected_events == 3


def test_cohort_labels_name_the_authority() -> None:
    assert Cohort.OWN_LOOKED_AFTER.label("HRY") == "Looked after by HRY"
