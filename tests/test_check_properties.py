"""Properties of `check` over random valid logs (issue 4): as-of monotonicity, order independence,
and completing a duty never making another finding worse."""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import (
    PARTIES,
    START,
    Event,
    as_of_times,
    child,
    completed,
    declined,
    event_logs,
    latest,
    notified,
    offered,
    plan,
    reported,
    strategy,
)
from builders import found as found_event
from missing_protocol import Assembly, CheckResult, Finding, Status, check, load_profile
from missing_protocol.profiles import profile_from_mapping

PROFILES = (
    load_profile("statutory"),
    load_profile("london"),
    profile_from_mapping(
        {
            "name": "covers",
            "parameters": {"one_interview_covers_open_episodes": True, "repeat_count": 2},
        }
    ),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# How bad a status is: completing a duty may only move a finding down this scale.
RANK = {
    Status.MET: 0,
    Status.NOT_REQUIRED: 0,
    Status.PENDING: 1,
    Status.LATE: 2,
    Status.OVERDUE: 3,
    Status.BREACHED: 3,
}


def keyed(result: CheckResult) -> dict[tuple[str, str | None], Finding]:
    table = {(f.rule, f.episode_id): f for f in result.findings}
    assert len(table) == len(result.findings), "one finding per rule and episode"
    return table


def assert_clean(result: CheckResult) -> None:
    """The generated logs are valid: every event accepted."""
    assert result.errors == (), result.errors
    assert result.counts.events == result.counts.accepted
    assert result.counts.rejected == 0


@SETTINGS
@given(
    log=event_logs(),
    first=as_of_times(),
    minutes=st.integers(0, 60 * 24 * 120),
    profile=st.sampled_from(PROFILES),
)
def test_a_later_as_of_only_moves_pending_to_overdue(
    log: list[Event], first: pendulum.DateTime, minutes: int, profile: object
) -> None:
    """With no new events, a later as_of changes nothing but pending -> overdue: the same
    findings in the same order, with the same due, done, owner, message and source."""
    early = check(log, as_of=first, profile=profile)  # type: ignore[arg-type]
    late = check(log, as_of=first.add(minutes=minutes), profile=profile)  # type: ignore[arg-type]
    assert_clean(early)
    assert early.counts == late.counts
    before, after = keyed(early), keyed(late)
    assert list(before) == list(after)
    for key, was in before.items():
        now = after[key]
        if was.status != now.status:
            assert (was.status, now.status) == (Status.PENDING, Status.OVERDUE), key
        assert attrs.evolve(was, status=now.status) == now


@SETTINGS
@given(log=event_logs(), data=st.data(), as_of=as_of_times(), profile=st.sampled_from(PROFILES))
def test_the_result_does_not_depend_on_the_order_of_events(
    log: list[Event], data: st.DataObject, as_of: pendulum.DateTime, profile: object
) -> None:
    """Lines may come in any order: the findings and counts are the same for any permutation."""
    shuffled = data.draw(st.permutations(log))
    a = check(log, as_of=as_of, profile=profile)  # type: ignore[arg-type]
    b = check(shuffled, as_of=as_of, profile=profile)  # type: ignore[arg-type]
    assert_clean(a)
    assert a.counts == b.counts
    assert a.to_dict() == b.to_dict()


def _lifecycle_times(episode: object) -> list[pendulum.DateTime]:
    slots = ("reported", "found", "cancelled", "offered", "declined", "completed", "plan")
    return [getattr(episode, s).at for s in slots if getattr(episode, s) is not None]


def completions(assembly: Assembly) -> list[tuple[str, str, pendulum.DateTime]]:
    """Every duty-completing event the lifecycle allows next: (kind, id, earliest time)."""
    options: list[tuple[str, str, pendulum.DateTime]] = []
    for episode in assembly.episodes:
        last = max(_lifecycle_times(episode))
        eid = episode.episode_id
        options.append(("notified", eid, episode.reported_at))
        options.append(("strategy_discussion", episode.child_id, START))
        if episode.state == "found":
            options.append(("interview_offered", eid, last))
        elif episode.state == "interview_offered":
            options += [("interview_completed", eid, last), ("interview_declined", eid, last)]
        elif episode.state in ("interview_completed", "interview_declined"):
            options.append(("plan_made", eid, last))
    return options


@st.composite
def completing_event(draw: st.DrawFn, assembly: Assembly, as_of: dt.datetime) -> Event:
    kind, target, earliest = draw(st.sampled_from(completions(assembly)))
    span = int((as_of - earliest).total_seconds() // 60)
    at = (earliest + dt.timedelta(minutes=draw(st.integers(0, max(span, 0))))).isoformat()
    if kind == "notified":
        return notified(target, at, draw(st.sampled_from(PARTIES)))
    if kind == "strategy_discussion":
        return strategy(target, at)
    if kind == "interview_offered":
        return offered(target, at)
    if kind == "interview_completed":
        return completed(target, at, independent=draw(st.booleans()))
    if kind == "interview_declined":
        return declined(target, at, draw(st.sampled_from(("child", "parent"))))
    return plan(target, at)


@SETTINGS
@given(
    log=event_logs(),
    data=st.data(),
    minutes=st.integers(0, 60 * 24 * 30),
    profile=st.sampled_from(PROFILES),
)
def test_completing_a_duty_never_makes_another_finding_worse(
    log: list[Event], data: st.DataObject, minutes: int, profile: object
) -> None:
    """Adding an event that completes a duty (an offer, interview, decline, plan, notification or
    strategy discussion, at or before as_of where the lifecycle allows it) never turns any
    existing finding worse, and removes none."""
    as_of = latest(log).add(minutes=minutes)
    before = check(log, as_of=as_of, profile=profile)  # type: ignore[arg-type]
    assert_clean(before)
    extra = data.draw(completing_event(before.assembly, as_of))
    after = check([*log, extra], as_of=as_of, profile=profile)  # type: ignore[arg-type]
    assert_clean(after)
    now = keyed(after)
    for key, was in keyed(before).items():
        assert key in now, key
        assert RANK[now[key].status] <= RANK[was.status], (key, was.status, now[key].status)


# --- Order independence in the corners random valid logs do not reach --------------------------
# CONTRACT §1: "the result never depends on file order", even for logs with rejected events:
# events of one episode at the same moment and the same lifecycle step (found vs
# report_cancelled), and two child records that disagree.


def test_same_moment_found_and_cancelled_do_not_depend_on_order() -> None:
    report = reported("E1", "2026-03-02T20:00:00Z")
    found_ = found_event("E1", "2026-03-03T08:00:00Z")
    cancel = {"type": "report_cancelled", "episode_id": "E1", "at": "2026-03-03T08:00:00Z"}
    a = check([report, found_, cancel], as_of="2026-03-20")
    b = check([report, cancel, found_], as_of="2026-03-20")
    assert a.to_dict()["findings"] == b.to_dict()["findings"]
    assert [e.message for e in a.errors] == [e.message for e in b.errors]


def test_conflicting_child_records_do_not_depend_on_order() -> None:
    events = [reported("E1", "2026-03-02T20:00:00Z"), found_event("E1", "2026-03-03T08:00:00Z")]
    old, young = child("C1", born="2000-01-01"), child("C1", born="2012-01-01")
    a = check([*events, old, young], as_of="2026-03-20")
    b = check([*events, young, old], as_of="2026-03-20")
    assert a.to_dict()["findings"] == b.to_dict()["findings"]
    assert [e.field for e in a.errors] == [e.field for e in b.errors] == ["born"]


def test_as_of_given_as_a_date_is_the_end_of_that_london_day() -> None:
    # CONTRACT §3 (`as_of`): a date means the end of that day in London, in the API as on the CLI.
    assert check([], as_of=dt.date(2026, 7, 1)).as_of == check([], as_of="2026-07-01").as_of
    with pytest.raises(TypeError, match="as_of"):
        check([], as_of=12)  # type: ignore[arg-type]


def test_an_unknown_assume_tz_fails_fast_in_every_api_entry() -> None:
    # CONTRACT §1 (`assume_tz=`): a zone that does not exist is one bad argument (as the CLI's
    # exit 2), not a rejection of every naive time in the log.
    from missing_protocol import validate
    from missing_protocol.engine.partition import check_partition

    naive = [{"type": "child", "child_id": "C1"}]
    with pytest.raises(ValueError, match="assume_tz: unknown time zone 'Mars/Base'"):
        check(naive, as_of="2026-07-01", assume_tz="Mars/Base")
    with pytest.raises(ValueError, match="assume_tz"):
        check_partition(naive, as_of="2026-07-01", assume_tz="Mars/Base")
    with pytest.raises(ValueError, match="assume_tz"):
        validate([], naive[0], as_of="2026-07-01", assume_tz="Mars/Base")
    assert check(naive, as_of="2026-07-01", assume_tz="Europe/London").counts.accepted == 1
