"""The four intelligence events: reading, assembly (accepted or rejected, never lost), and the
SELF-REPORT-FOLLOW-UP rule in `check` and `due`, shown only with include_intelligence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner, Result

from intelligence_log import LOG, build, found, link, reported, self_report, write
from missing_protocol import assemble, check
from missing_protocol.cli import app
from missing_protocol.formats.events import read_objects
from missing_protocol.model import (
    Disruption,
    DisruptionKind,
    EventError,
    Partner,
    PersonLinked,
    PersonRole,
    Prosecution,
    ProsecutionOutcome,
    SelfReport,
)
from missing_protocol.rules import REGISTRY, Status, Subject

RULE = "SELF-REPORT-FOLLOW-UP"


def parse(obj: dict[str, object]) -> object:
    return next(read_objects([obj]))


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_each_new_type_reads_into_its_class() -> None:
    kinds = {type(parse(e)) for e in LOG}
    assert {PersonLinked, Disruption, Prosecution, SelfReport} <= kinds
    d = parse(
        {
            "type": "disruption",
            "person_id": "P1",
            "at": "2026-03-04T12:00:00Z",
            "kind": "closure_order",
            "partner": "council",
            "location": {"name": "Flat 3", "lat": 51.5, "lon": -0.1},
        }
    )
    assert isinstance(d, Disruption)
    assert (d.kind, d.partner) == (DisruptionKind.CLOSURE_ORDER, Partner.COUNCIL)
    p = parse(
        {
            "type": "prosecution",
            "person_id": "P1",
            "at": "2026-03-04T12:00:00Z",
            "outcome": "no_further_action",
        }
    )
    assert isinstance(p, Prosecution) and p.outcome is ProsecutionOutcome.NO_FURTHER_ACTION
    k = parse(link("E1", "P1", "2026-03-04T10:00:00Z", "harbourer"))
    assert isinstance(k, PersonLinked) and k.role is PersonRole.HARBOURER


@pytest.mark.parametrize(
    ("event", "field"),
    [
        (
            {
                "type": "person_linked",
                "episode_id": "E1",
                "at": "2026-03-04T10:00:00Z",
                "role": "associate",
            },
            "person_id",
        ),
        ({**link("E1", "P1", "2026-03-04T10:00:00Z"), "role": "boss"}, "role"),
        ({**link("E1", "P1", "2026-03-04T10:00:00Z"), "source": "rumour"}, "source"),
        (
            {
                "type": "disruption",
                "person_id": "P1",
                "at": "2026-03-04T10:00:00Z",
                "kind": "arrest",
            },
            "partner",
        ),
        (
            {
                "type": "prosecution",
                "person_id": "P1",
                "at": "2026-03-04T10:00:00Z",
                "outcome": "guilty",
            },
            "outcome",
        ),
        (self_report("R1", "C1", "2026-03-04T10:00:00Z", "2026-03-01", "yesterday"), "away_to"),
        (
            self_report("R1", "C1", "2026-03-04T10:00:00Z", "2026-03-01T10:00", "2026-03-02"),
            "away_from",
        ),
        (self_report("R1", "C1", "2026-03-04", "2026-03-01", "2026-03-02"), "at"),
    ],
)
def test_a_bad_field_is_named(event: dict[str, object], field: str) -> None:
    error = parse(event)
    assert isinstance(error, EventError)
    assert error.field == field


def test_self_report_times_are_a_date_or_a_date_time() -> None:
    r = parse(
        self_report("R1", "C1", "2026-03-04T10:00:00Z", "2026-03-01", "2026-03-02T08:30:00+00:00")
    )
    assert isinstance(r, SelfReport)
    assert r.away_from == pendulum.date(2026, 3, 1)
    assert isinstance(r.away_to, dt.datetime)
    # A date covers the whole London day: from its midnight (BST here) ...
    summer = parse(self_report("R2", "C1", "2026-07-04T10:00:00Z", "2026-07-01", "2026-07-01"))
    assert isinstance(summer, SelfReport)
    assert summer.away_start == pendulum.datetime(2026, 6, 30, 23, tz="UTC")
    # ... to the next midnight.
    assert summer.away_end == pendulum.datetime(2026, 7, 1, 23, tz="UTC")
    naive = next(
        read_objects(
            [self_report("R3", "C1", "2026-03-04T10:00:00Z", "2026-03-01T10:00", "2026-03-02")],
            assume_tz="Europe/London",
        )
    )
    assert isinstance(naive, SelfReport)


def test_assembly_routes_intelligence_and_accounts_for_every_event() -> None:
    extra = [
        link("E99", "P1", "2026-03-04T10:00:00Z"),  # unknown episode
        self_report("R1", "C1", "2026-03-05T16:00:00Z", "2026-03-02", "2026-03-03"),  # duplicate id
        self_report("R7", "C1", "2026-03-05T16:00:00Z", "2026-03-03", "2026-03-02"),  # backwards
    ]
    events = [e for e in read_objects([*LOG, *extra]) if not isinstance(e, EventError)]
    assembly = assemble(events)
    assert assembly.accepted + len(assembly.errors) == len(events)
    assert {(e.field, e.line) for e in assembly.errors} == {
        ("episode_id", len(LOG) + 1),
        ("report_id", len(LOG) + 2),
        ("away_to", len(LOG) + 3),
    }
    intel = assembly.intelligence
    assert len(intel.person_links) == 7
    assert len(intel.disruptions) == 3
    assert len(intel.prosecutions) == 1
    assert [r.report_id for r in assembly.self_reports] == ["R6", "R1", "R2", "R4", "R3", "R5"]
    # Intelligence never makes or changes an episode.
    assert {e.episode_id for e in assembly.episodes} == {f"E{n}" for n in range(7)}


def test_a_strategy_discussion_may_concern_a_child_known_only_from_a_self_report() -> None:
    events = [
        self_report("R1", "C9", "2026-03-05T16:00:00Z", "2026-03-02", "2026-03-03"),
        {"type": "strategy_discussion", "child_id": "C9", "at": "2026-03-06T10:00:00Z"},
    ]
    assembly = build(events)
    assert assembly.errors == ()
    assert assembly.accepted == 2


def test_the_rule_judges_self_reports_and_is_registered_as_such() -> None:
    entry = REGISTRY[RULE]
    assert entry.family == "protocol"
    assert entry.subject is Subject.SELF_REPORT
    assert "self_report_follow_up_within" in entry.parameters


def _follow_ups(as_of: str) -> dict[str, Status]:
    result = check(LOG, as_of=as_of, include_intelligence=True)
    mine = [f for f in result.findings if f.rule == RULE]
    assert all(f.episode_id is None for f in mine)
    return {f.message.split()[3 if "follow-up" in f.message else 1]: f.status for f in mine}


def test_follow_up_status_for_each_kind_of_self_report() -> None:
    early = _follow_ups("2026-03-20T12:00:00Z")
    assert early == {
        "R6": Status.LATE,  # discussion on 20 March, due 9 March
        "R1": Status.NOT_REQUIRED,  # matches E1
        "R2": Status.PENDING,  # unknown to services, due 23 March
        "R4": Status.PENDING,
        "R3": Status.MET,
        "R5": Status.PENDING,
    }
    late = _follow_ups("2026-04-30T12:00:00Z")
    assert late["R2"] is Status.OVERDUE
    assert late["R3"] is Status.MET


def test_follow_up_finding_fields() -> None:
    result = check(LOG, as_of="2026-04-30", include_intelligence=True)
    by_child = {f.child_id: f for f in result.findings if f.rule == RULE and f.child_id == "C9"}
    f = by_child["C9"]
    assert f.responsible == "unknown"  # no episode and no home_authority in the profile
    assert f.due == pendulum.datetime(2026, 3, 23, 9, tz="UTC")  # 5 working days
    assert "argument" not in f.message and "Market" not in f.message  # no restricted detail
    c4 = next(f for f in result.findings if f.rule == RULE and f.child_id == "C4")
    assert c4.responsible == "309"  # the child's latest episode


def test_home_authority_owns_follow_up_of_a_child_with_no_episode(tmp_path: Path) -> None:
    profile = tmp_path / "local.toml"
    profile.write_text('[parameters]\nhome_authority = "HRY"\n', encoding="utf-8")
    result = check(LOG, as_of="2026-04-30", profile=profile, include_intelligence=True)
    f = next(f for f in result.findings if f.rule == RULE and f.child_id == "C9")
    assert f.responsible == "HRY"


def test_the_tolerance_comes_from_the_profile(tmp_path: Path) -> None:
    # R1's days start 18 h before E1 was reported: no match with a tolerance of 12 hours.
    profile = tmp_path / "tight.toml"
    profile.write_text('[parameters]\nself_report_tolerance = "PT12H"\n', encoding="utf-8")
    result = check(LOG, as_of="2026-04-30", profile=profile, include_intelligence=True)
    f = next(f for f in result.findings if f.rule == RULE and f.child_id == "C1")
    assert f.status is Status.OVERDUE
    assert "conflicting" in f.message


def test_self_report_findings_are_restricted_by_default() -> None:
    plain = check(LOG, as_of="2026-04-30")
    assert all(f.rule != RULE for f in plain.findings)
    assert plain.counts == check(LOG, as_of="2026-04-30", include_intelligence=True).counts


def test_check_and_due_commands(tmp_path: Path) -> None:
    log = write(tmp_path / "log.jsonl")
    plain = json.loads(run("check", str(log), "--as-of", "2026-03-20", "--format", "json").output)
    assert all(f["rule"] != RULE for f in plain["findings"])
    intel = run(
        "check", str(log), "--as-of", "2026-03-20", "--format", "json", "--include-intelligence"
    )
    found = [f for f in json.loads(intel.output)["findings"] if f["rule"] == RULE]
    assert len(found) == 6 and all(f["episode_id"] is None for f in found)
    text = run("check", str(log), "--as-of", "2026-03-20", "--include-intelligence").output
    assert "self-reports of child C4" in text and "None" not in text
    due = run("due", str(log), "--as-of", "2026-03-20", "--within", "P7D", "--include-intelligence")
    assert "self-report (C9)" in due.output
    due_plain = run("due", str(log), "--as-of", "2026-03-20", "--within", "P7D")
    assert RULE not in due_plain.output


def test_an_overlapping_report_is_still_rejected_with_intelligence_around() -> None:
    events = [
        reported("E1", "C1", "2026-03-01T10:00:00Z"),
        reported("E2", "C1", "2026-03-01T12:00:00Z"),
        found("E2", "2026-03-01T13:00:00Z"),
        link("E2", "P1", "2026-03-02T10:00:00Z"),
    ]
    assembly = build(events)
    # E2 was rejected, so the link to it is rejected too: nothing is lost.
    assert [e.field for e in assembly.errors] == ["at", "episode_id", "episode_id"]
    assert assembly.accepted + len(assembly.errors) == len(events)
