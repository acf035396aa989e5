"""PROTOCOL.md rule catalogue through `missing-protocol check` (CONTRACT §3): every rule id
appears with the statuses the catalogue implies, on small logs, one episode per child."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from contract_cli import (
    Event,
    cancelled,
    check,
    check_events,
    child,
    completed,
    declined,
    finding,
    found,
    notified,
    offered,
    plan,
    reported,
    run,
    strategy,
    write_jsonl,
)

AS_OF = "2026-06-30T23:59:59+01:00"

PROTOCOL_RULES = [
    "RHI-OFFER",
    "RHI-72H",
    "RHI-INDEPENDENT",
    "NOTIFY-HOST",
    "NOTIFY-RESPONSIBLE",
    "NOTIFY-IRO",
    "STRAT-HIGH-RISK",
    "STRAT-LONG",
    "STRAT-REPEAT",
    "PLAN-AFTER-RHI",
    "SELF-REPORT-FOLLOW-UP",
]


def _episode(name: str, *events: Event, **report: Any) -> list[Event]:
    """Episode `name` of child `C-name`, reported 2026-03-02T10:00Z (unless given)."""
    at = report.pop("at", "2026-03-02T10:00:00Z")
    return [reported(name, at, child_id=f"C-{name}", **report), *events]


def _log() -> list[Event]:
    log: list[Event] = []
    # Return interviews. Found 2026-03-02T20:00Z: due 2026-03-05T20:00Z.
    log += _episode(
        "MET",
        found("MET"),
        offered("MET", "2026-03-03T09:00:00Z"),
        completed("MET", "2026-03-04T10:00:00Z"),
        plan("MET", "2026-03-05T10:00:00Z"),
    )
    log += _episode(
        "LATE",
        found("LATE"),
        offered("LATE", "2026-03-06T09:00:00Z"),
        completed("LATE", "2026-03-06T10:00:00Z", independent=False),
        plan("LATE", "2026-03-25T10:00:00Z"),
    )
    log += _episode(
        "PEND",
        found("PEND", "2026-06-29T12:00:00Z"),
        at="2026-06-29T10:00:00Z",
    )
    log += _episode("OVER", found("OVER"))
    log += _episode(
        "DECL-CHILD",
        found("DECL-CHILD"),
        offered("DECL-CHILD"),
        declined("DECL-CHILD", by="child"),
    )
    log += _episode(
        "DECL-PARENT",
        found("DECL-PARENT"),
        offered("DECL-PARENT"),
        declined("DECL-PARENT", by="parent"),
    )
    log += _episode("CANC", cancelled("CANC"))
    log += [child("C-ADULT", born="2008-03-01"), *_episode("ADULT", found("ADULT"))]
    log += _episode(
        "INTERVIEW-OPEN",
        found("INTERVIEW-OPEN"),
        offered("INTERVIEW-OPEN"),
        completed("INTERVIEW-OPEN", "2026-06-29T10:00:00Z"),
    )
    # Notifications: placed out of area (responsible 309, host 308) reported 2026-03-02T10:00Z.
    care = {"missing_from": "care", "host_authority": "308"}
    log += _episode(
        "OOA-MET",
        notified("OOA-MET", "2026-03-02T11:00:00Z", "host_authority"),
        notified("OOA-MET", "2026-03-02T12:00:00Z", "responsible_authority"),
        notified("OOA-MET", "2026-03-04T10:00:00Z", "iro"),
        **care,
    )
    log += _episode(
        "OOA-LATE",
        notified("OOA-LATE", "2026-03-03T11:00:00Z", "host_authority"),
        notified("OOA-LATE", "2026-03-03T12:00:00Z", "responsible_authority"),
        notified("OOA-LATE", "2026-03-05T10:00:01Z", "iro"),
        # A notification of another party never counts.
        notified("OOA-LATE", "2026-03-02T10:30:00Z", "police"),
        **care,
    )
    log += _episode("OOA-OVER", **care)
    log += _episode("OOA-PEND", at="2026-06-30T10:00:00Z", **care)
    log += _episode("CARE-HOME-AREA", missing_from="care")
    log += _episode("HOME")
    # Strategy discussions.
    log += _episode("HIGH-MET", strategy("C-HIGH-MET", "2026-03-03T09:00:00Z"), risk="high")
    log += _episode("HIGH-OVER", found("HIGH-OVER"), risk="high")
    log += _episode("HIGH-BEFORE", risk="high", at="2026-03-02T10:00:00Z")
    log.append(strategy("C-HIGH-BEFORE", "2026-03-02T09:00:00Z"))
    log += _episode("LOW", found("LOW"), risk="low")
    # Still missing 72 h after report: a discussion due within 24 h of that threshold.
    log += _episode("LONG-OVER", found("LONG-OVER", "2026-03-06T10:00:00Z"))
    log += _episode(
        "LONG-MET",
        strategy("C-LONG-MET", "2026-03-05T12:00:00Z"),
        found("LONG-MET", "2026-03-06T10:00:00Z"),
    )
    log += _episode("LONG-OPEN", at="2026-06-29T10:00:00Z")
    # Third report within 90 days (Fri 2026-03-20): a discussion within 5 working days.
    for n, day in enumerate(("02", "10", "20"), start=1):
        log += [
            reported(f"REP{n}", f"2026-03-{day}T10:00:00Z", child_id="C-REP"),
            found(f"REP{n}", f"2026-03-{day}T12:00:00Z"),
        ]
    for n, day in enumerate(("02", "10", "20"), start=1):
        log += [
            reported(f"REPM{n}", f"2026-03-{day}T10:00:00Z", child_id="C-REPM"),
            found(f"REPM{n}", f"2026-03-{day}T12:00:00Z"),
        ]
    log.append(strategy("C-REPM", "2026-03-26T10:00:00Z"))
    return log


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    log = write_jsonl(tmp_path_factory.mktemp("rules") / "log.jsonl", _log())
    _, checked = check([log], as_of=AS_OF)
    assert checked["errors"] == []
    return checked


# (rule, episode, status, due, done, responsible); None where not asserted.
EXPECTED: list[tuple[str, str, str, str | None, str | None, str | None]] = [
    ("RHI-OFFER", "MET", "met", "2026-03-05T20:00:00+00:00", "2026-03-03T09:00:00+00:00", "309"),
    ("RHI-72H", "MET", "met", "2026-03-05T20:00:00+00:00", "2026-03-04T10:00:00+00:00", "309"),
    ("RHI-INDEPENDENT", "MET", "met", None, "2026-03-04T10:00:00+00:00", "309"),
    # Completed Wed 2026-03-04 10:00: 10 working days later is Wed 2026-03-18 10:00.
    (
        "PLAN-AFTER-RHI",
        "MET",
        "met",
        "2026-03-18T10:00:00+00:00",
        "2026-03-05T10:00:00+00:00",
        "309",
    ),
    ("RHI-OFFER", "LATE", "late", "2026-03-05T20:00:00+00:00", "2026-03-06T09:00:00+00:00", "309"),
    ("RHI-72H", "LATE", "late", "2026-03-05T20:00:00+00:00", "2026-03-06T10:00:00+00:00", "309"),
    ("RHI-INDEPENDENT", "LATE", "breached", None, "2026-03-06T10:00:00+00:00", "309"),
    (
        "PLAN-AFTER-RHI",
        "LATE",
        "late",
        "2026-03-20T10:00:00+00:00",
        "2026-03-25T10:00:00+00:00",
        "309",
    ),
    ("RHI-OFFER", "PEND", "pending", "2026-07-02T13:00:00+01:00", None, "309"),
    ("RHI-72H", "PEND", "pending", "2026-07-02T13:00:00+01:00", None, "309"),
    ("RHI-OFFER", "OVER", "overdue", "2026-03-05T20:00:00+00:00", None, "309"),
    ("RHI-72H", "OVER", "overdue", "2026-03-05T20:00:00+00:00", None, "309"),
    ("RHI-OFFER", "DECL-CHILD", "met", None, None, None),
    ("RHI-72H", "DECL-CHILD", "not_required", None, None, "309"),
    ("RHI-72H", "DECL-PARENT", "not_required", None, None, "309"),
    ("RHI-OFFER", "CANC", "not_required", None, None, "309"),
    ("RHI-72H", "CANC", "not_required", None, None, "309"),
    ("STRAT-LONG", "CANC", "not_required", None, None, None),
    ("RHI-OFFER", "ADULT", "not_required", None, None, None),
    ("RHI-72H", "ADULT", "not_required", None, None, None),
    ("PLAN-AFTER-RHI", "INTERVIEW-OPEN", "pending", None, None, "309"),
    (
        "NOTIFY-HOST",
        "OOA-MET",
        "met",
        "2026-03-03T10:00:00+00:00",
        "2026-03-02T11:00:00+00:00",
        "309",
    ),
    (
        "NOTIFY-RESPONSIBLE",
        "OOA-MET",
        "met",
        "2026-03-03T10:00:00+00:00",
        "2026-03-02T12:00:00+00:00",
        "308",
    ),
    (
        "NOTIFY-IRO",
        "OOA-MET",
        "met",
        "2026-03-05T10:00:00+00:00",
        "2026-03-04T10:00:00+00:00",
        "309",
    ),
    (
        "NOTIFY-HOST",
        "OOA-LATE",
        "late",
        "2026-03-03T10:00:00+00:00",
        "2026-03-03T11:00:00+00:00",
        "309",
    ),
    ("NOTIFY-RESPONSIBLE", "OOA-LATE", "late", None, "2026-03-03T12:00:00+00:00", "308"),
    (
        "NOTIFY-IRO",
        "OOA-LATE",
        "late",
        "2026-03-05T10:00:00+00:00",
        "2026-03-05T10:00:01+00:00",
        "309",
    ),
    ("NOTIFY-HOST", "OOA-OVER", "overdue", None, None, "309"),
    ("NOTIFY-RESPONSIBLE", "OOA-OVER", "overdue", None, None, "308"),
    ("NOTIFY-IRO", "OOA-OVER", "overdue", None, None, "309"),
    ("NOTIFY-HOST", "OOA-PEND", "pending", "2026-07-01T11:00:00+01:00", None, "309"),
    ("NOTIFY-IRO", "OOA-PEND", "pending", "2026-07-03T11:00:00+01:00", None, "309"),
    ("NOTIFY-HOST", "CARE-HOME-AREA", "not_required", None, None, None),
    ("NOTIFY-RESPONSIBLE", "CARE-HOME-AREA", "overdue", None, None, "309"),
    ("NOTIFY-IRO", "CARE-HOME-AREA", "overdue", None, None, "309"),
    ("NOTIFY-HOST", "HOME", "not_required", None, None, None),
    ("NOTIFY-RESPONSIBLE", "HOME", "not_required", None, None, None),
    ("NOTIFY-IRO", "HOME", "not_required", None, None, None),
    (
        "STRAT-HIGH-RISK",
        "HIGH-MET",
        "met",
        "2026-03-03T10:00:00+00:00",
        "2026-03-03T09:00:00+00:00",
        "309",
    ),
    ("STRAT-HIGH-RISK", "HIGH-OVER", "overdue", "2026-03-03T10:00:00+00:00", None, "309"),
    ("STRAT-HIGH-RISK", "HIGH-BEFORE", "overdue", None, None, None),
    ("STRAT-LONG", "LONG-OVER", "overdue", "2026-03-06T10:00:00+00:00", None, "309"),
    (
        "STRAT-LONG",
        "LONG-MET",
        "met",
        "2026-03-06T10:00:00+00:00",
        "2026-03-05T12:00:00+00:00",
        "309",
    ),
    ("STRAT-LONG", "LONG-OPEN", "pending", "2026-07-03T11:00:00+01:00", None, "309"),
    ("STRAT-LONG", "HOME", "overdue", None, None, None),
    ("STRAT-LONG", "MET", "not_required", None, None, None),
    # Fri 2026-03-20 10:00 + 5 working days = Fri 2026-03-27 10:00 (GMT).
    ("STRAT-REPEAT", "REP3", "overdue", "2026-03-27T10:00:00+00:00", None, "309"),
    (
        "STRAT-REPEAT",
        "REPM3",
        "met",
        "2026-03-27T10:00:00+00:00",
        "2026-03-26T10:00:00+00:00",
        "309",
    ),
]


@pytest.mark.parametrize(
    ("rule", "episode", "status", "due", "done", "responsible"),
    EXPECTED,
    ids=[f"{r}-{e}-{s}" for r, e, s, *_ in EXPECTED],
)
def test_rule_status(
    result: dict[str, Any],
    rule: str,
    episode: str,
    status: str,
    due: str | None,
    done: str | None,
    responsible: str | None,
) -> None:
    """PROTOCOL.md rules table / CONTRACT §3 statuses: each rule's status, due, done and owner
    on a small episode (see the comments in `_log` and EXPECTED)."""
    got = finding(result, rule, episode)
    assert got["status"] == status, got
    if due is not None:
        assert got["due"] == due, got
    if done is not None:
        assert got["done"] == done, got
    if status in {"pending", "overdue"}:
        assert got["done"] is None, got
    if status in {"met", "late", "breached"}:
        assert got["done"] is not None, got
    if responsible is not None:
        assert got["responsible"] == responsible, got
    # One child per episode, except the repeat reports (REP1-3 of C-REP, REPM1-3 of C-REPM).
    assert got["child_id"] == f"C-{episode.rstrip('0123456789')}"


@pytest.mark.parametrize(
    ("rule", "episode"),
    [
        ("RHI-OFFER", "HOME"),
        ("RHI-72H", "HOME"),
        ("RHI-INDEPENDENT", "OVER"),
        ("PLAN-AFTER-RHI", "OVER"),
        ("STRAT-HIGH-RISK", "LOW"),
        ("STRAT-HIGH-RISK", "MET"),
        ("STRAT-REPEAT", "REP1"),
        ("STRAT-REPEAT", "REP2"),
    ],
)
def test_rule_not_triggered_gives_no_finding(
    result: dict[str, Any], rule: str, episode: str
) -> None:
    """CONTRACT §3: only a rule that applies yields a finding (docs/contract.md: the child
    still missing, no interview yet, risk not high, not the repeat_count-th report)."""
    assert not [f for f in result["findings"] if f["rule"] == rule and f["episode_id"] == episode]


def test_every_episode_rule_id_appears(result: dict[str, Any]) -> None:
    """PROTOCOL.md: every episode rule id appears in the findings of the catalogue log, with
    its catalogue source."""
    seen = {f["rule"] for f in result["findings"]}
    assert set(PROTOCOL_RULES) - {"SELF-REPORT-FOLLOW-UP"} <= seen
    sources = {f["rule"]: f["source"] for f in result["findings"]}
    assert "DfE-2014" in sources["RHI-72H"]
    assert "WT" in sources["STRAT-HIGH-RISK"]
    assert "London-PG32" in sources["STRAT-LONG"]
    assert "Local" in sources["STRAT-REPEAT"]


def test_statuses_the_catalogue_implies(result: dict[str, Any]) -> None:
    """CONTRACT §3: the six statuses all occur; each finding's status is one of them."""
    seen = {f["status"] for f in result["findings"]}
    assert seen == {"met", "late", "pending", "overdue", "breached", "not_required"}


def test_dst_autumn_deadline_is_elapsed_time(tmp_path: Path) -> None:
    """PROTOCOL 'Deadlines are elapsed time': reported 10:00 BST Saturday 2026-10-24, found
    12:00 BST → RHI-72H due 72 h later across the clock change: 2026-10-27T11:00:00+00:00."""
    events = [
        reported("E1", "2026-10-24T10:00:00+01:00"),
        found("E1", "2026-10-24T12:00:00+01:00"),
    ]
    _, result = check_events(tmp_path, events, as_of="2026-11-30")
    assert finding(result, "RHI-72H", "E1")["due"] == "2026-10-27T11:00:00+00:00"
    assert finding(result, "RHI-OFFER", "E1")["due"] == "2026-10-27T11:00:00+00:00"


def test_dst_spring_deadline_is_elapsed_time(tmp_path: Path) -> None:
    """PROTOCOL 'Deadlines are elapsed time': found 12:00 GMT Friday 2026-03-27 → due 72 h later,
    13:00 BST on Monday 2026-03-30."""
    events = [reported("E1", "2026-03-27T10:00:00Z"), found("E1", "2026-03-27T12:00:00Z")]
    _, result = check_events(tmp_path, events, as_of="2026-04-30")
    assert finding(result, "RHI-72H", "E1")["due"] == "2026-03-30T13:00:00+01:00"


def test_dst_with_assume_tz(tmp_path: Path) -> None:
    """CONTRACT §1 + PROTOCOL: the same autumn case written as naive London times."""
    events = [reported("E1", "2026-10-24T10:00:00"), found("E1", "2026-10-24T12:00:00")]
    _, result = check_events(tmp_path, events, "--assume-tz", "Europe/London", as_of="2026-11-30")
    assert finding(result, "RHI-72H", "E1")["due"] == "2026-10-27T11:00:00+00:00"


def test_rhi_owner_out_of_area(tmp_path: Path) -> None:
    """PROTOCOL 'Who owns the interview': placed out of area, the responsible authority owns
    the interview unless the profile sets rhi_owner_out_of_area = "host"."""
    events = [
        reported("E1", missing_from="care", host_authority="308"),
        found("E1"),
        offered("E1"),
        completed("E1", independent=False),
    ]
    toml = tmp_path / "host.toml"
    toml.write_text('[parameters]\nrhi_owner_out_of_area = "host"\n', encoding="utf-8")
    _, statutory = check_events(tmp_path, events)
    _, host = check_events(tmp_path, events, "--profile", str(toml))
    for rule in ("RHI-OFFER", "RHI-72H", "RHI-INDEPENDENT"):
        assert finding(statutory, rule, "E1")["responsible"] == "309"
        assert finding(host, rule, "E1")["responsible"] == "308"
    # The other duties keep their owners.
    assert finding(host, "NOTIFY-HOST", "E1")["responsible"] == "309"
    assert finding(host, "NOTIFY-RESPONSIBLE", "E1")["responsible"] == "308"


def test_one_interview_covers_open_episodes(tmp_path: Path) -> None:
    """PROTOCOL 'Repeat and overlapping episodes': with one_interview_covers_open_episodes a
    later interview within the earlier deadline meets the earlier RHI-72H; not by default."""
    events = [
        reported("E1", "2026-03-02T10:00:00Z"),
        found("E1", "2026-03-02T20:00:00Z"),
        offered("E1", "2026-03-03T09:00:00Z"),
        reported("E2", "2026-03-03T10:00:00Z"),
        found("E2", "2026-03-03T20:00:00Z"),
        offered("E2", "2026-03-04T09:00:00Z"),
        completed("E2", "2026-03-04T10:00:00Z"),
    ]
    toml = tmp_path / "covers.toml"
    toml.write_text("[parameters]\none_interview_covers_open_episodes = true\n", encoding="utf-8")
    _, default = check_events(tmp_path, events)
    _, covers = check_events(tmp_path, events, "--profile", str(toml))
    assert finding(default, "RHI-72H", "E1")["status"] == "overdue"
    assert finding(covers, "RHI-72H", "E1")["status"] == "met"
    assert finding(covers, "RHI-72H", "E1")["done"] == "2026-03-04T10:00:00+00:00"


def test_max_age_profile_extends_duties(tmp_path: Path) -> None:
    """PROTOCOL 'Definitions': a profile may raise max_age (care leavers up to 25)."""
    events = [child("C1", born="2005-01-01"), reported("E1"), found("E1")]
    toml = tmp_path / "leavers.toml"
    toml.write_text("[parameters]\nmax_age = 25\n", encoding="utf-8")
    _, statutory = check_events(tmp_path, events)
    _, leavers = check_events(tmp_path, events, "--profile", str(toml))
    assert finding(statutory, "RHI-72H", "E1")["status"] == "not_required"
    assert finding(leavers, "RHI-72H", "E1")["status"] == "overdue"


def test_self_report_follow_up(tmp_path: Path) -> None:
    """PROTOCOL SELF-REPORT-FOLLOW-UP (docs/intelligence.md): a self-report matching no episode
    is a follow-up duty, judged by `check --include-intelligence`."""
    events: list[Event | str] = [
        {
            "type": "self_report",
            "report_id": "S1",
            "child_id": "C9",
            "at": "2026-03-10T10:00:00Z",
            "away_from": "2026-03-07T20:00:00Z",
            "away_to": "2026-03-08T09:00:00Z",
        }
    ]
    _, plain = check_events(tmp_path, events)
    _, judged = check_events(tmp_path, events, "--include-intelligence")
    assert plain["errors"] == judged["errors"] == []
    assert not [f for f in plain["findings"] if f["rule"] == "SELF-REPORT-FOLLOW-UP"]
    hits = [f for f in judged["findings"] if f["rule"] == "SELF-REPORT-FOLLOW-UP"]
    assert len(hits) == 1
    assert hits[0]["status"] == "overdue"
    assert hits[0]["child_id"] == "C9"


def test_rules_command_lists_the_catalogue() -> None:
    """CONTRACT §4 / PROTOCOL: `missing-protocol rules` prints every rule id of the catalogue."""
    proc = run("rules")
    assert proc.returncode == 0
    for rule in PROTOCOL_RULES:
        assert rule in proc.stdout


def _interviewed(completed_at: str) -> list[Event]:
    """An episode found and interviewed (completed at `completed_at`), no plan yet."""
    return [
        reported("E1", "2026-03-02T10:00:00Z"),
        found("E1", "2026-03-02T12:00:00Z"),
        offered("E1", "2026-03-02T13:00:00Z"),
        completed("E1", completed_at),
    ]


@pytest.mark.parametrize(
    ("completed_at", "due"),
    [
        # Thu before Easter: Good Friday 3 Apr and Easter Monday 6 Apr are skipped.
        ("2026-04-02T09:00:00Z", "2026-04-20T10:00:00+01:00"),
        # Across the spring clock change and Easter: same London wall-clock time.
        ("2026-03-20T12:00:00Z", "2026-04-07T12:00:00+01:00"),
        # Christmas: 25 Dec, 28 Dec (Boxing Day substitute) and 1 Jan are skipped.
        ("2026-12-23T09:00:00Z", "2027-01-11T09:00:00+00:00"),
    ],
    ids=["easter", "spring-clock-change", "christmas"],
)
def test_working_days_skip_weekends_and_bank_holidays(
    tmp_path: Path, completed_at: str, due: str
) -> None:
    """PROTOCOL 'Definitions': working days skip weekends and England & Wales bank holidays
    (PLAN-AFTER-RHI: 10 working days from `interview_completed.at`)."""
    _, result = check_events(tmp_path, _interviewed(completed_at), as_of="2027-03-01")
    assert finding(result, "PLAN-AFTER-RHI", "E1")["due"] == due


def test_profile_version_in_force_at_report(tmp_path: Path) -> None:
    """PROTOCOL 'Profiles and versions': an episode is judged by the version in force at its
    `reported.at` (docs/contract.md: on the London day of the report)."""
    toml = tmp_path / "relaunch.toml"
    toml.write_text(
        '[[versions]]\neffective_from = "2026-07-01"\nrhi_within = "PT48H"\n', encoding="utf-8"
    )
    events = [
        # 23:30 BST on 30 June: the old version (72 h).
        reported("E1", "2026-06-30T22:30:00Z", child_id="C1"),
        found("E1", "2026-06-30T23:00:00Z"),
        # 00:30 BST on 1 July: the relaunched protocol (48 h).
        reported("E2", "2026-06-30T23:30:00Z", child_id="C2"),
        found("E2", "2026-07-01T01:00:00Z"),
    ]
    _, result = check_events(tmp_path, events, "--profile", str(toml))
    assert finding(result, "RHI-72H", "E1")["due"] == "2026-07-04T00:00:00+01:00"
    assert finding(result, "RHI-72H", "E2")["due"] == "2026-07-03T02:00:00+01:00"


def test_deadline_boundaries(tmp_path: Path) -> None:
    """CONTRACT §3: `met` = done by the deadline (at it included); `pending` = deadline still
    ahead at `as_of` (docs/contract.md: at `as_of` == deadline it is `overdue`)."""
    events = [reported("E1"), found("E1"), offered("E1", "2026-03-05T20:00:00Z")]
    _, result = check_events(tmp_path, events, as_of="2026-03-05T20:00:00Z")
    assert finding(result, "RHI-OFFER", "E1")["status"] == "met"
    assert finding(result, "RHI-72H", "E1")["status"] == "overdue"


@pytest.mark.parametrize(
    ("as_of", "shown"),
    [
        ("2026-03-05", "2026-03-05T23:59:59+00:00"),
        ("2026-06-05", "2026-06-05T23:59:59+01:00"),
        ("2026-06-05T12:30:00", "2026-06-05T12:30:00+01:00"),
        ("2026-06-05T12:30:00Z", "2026-06-05T13:30:00+01:00"),
    ],
)
def test_as_of_forms(tmp_path: Path, as_of: str, shown: str) -> None:
    """CONTRACT §3 `--as-of ISO` (docs/contract.md 'As of': a date is the end of that London
    day; a naive time is London time; the JSON shows London time with its offset)."""
    _, result = check_events(tmp_path, [reported("E1")], as_of=as_of)
    assert result["as_of"] == shown


def test_age_on_the_london_date_of_return(tmp_path: Path) -> None:
    """PROTOCOL 'Definitions': a child is under 18 at the moment of return (docs: on the London
    date): found 23:30 UTC on 1 June 2026 is 2 June in London, the 18th birthday."""
    record = child("C1", born="2008-06-02")
    late_evening = [
        record,
        reported("E1", "2026-06-01T20:00:00Z"),
        found("E1", "2026-06-01T23:30:00Z"),
    ]
    earlier = [record, reported("E1", "2026-06-01T20:00:00Z"), found("E1", "2026-06-01T22:30:00Z")]
    _, eighteen = check_events(tmp_path, late_evening)
    _, seventeen = check_events(tmp_path, earlier)
    assert finding(eighteen, "RHI-72H", "E1")["status"] == "not_required"
    assert finding(seventeen, "RHI-72H", "E1")["status"] == "overdue"


def test_strat_repeat_window(tmp_path: Path) -> None:
    """PROTOCOL STRAT-REPEAT: the `repeat_count`-th (3rd) report within `repeat_window` (90
    days) triggers; the 4th in the same window does not (docs/contract.md); cancelled reports
    neither count nor trigger (docs/contract.md)."""
    events: list[Event] = []
    for n, day in enumerate(["01-01", "01-10", "01-20", "01-30"]):
        events += [
            reported(f"R{n}", f"2026-{day}T10:00:00Z"),
            found(f"R{n}", f"2026-{day}T11:00:00Z"),
        ]
    for n, day in enumerate(["05-01", "05-10", "05-20"]):
        events.append(reported(f"X{n}", f"2026-{day}T10:00:00Z", child_id="C2"))
        events.append(
            cancelled(f"X{n}", f"2026-{day}T11:00:00Z")
            if n == 0
            else found(f"X{n}", f"2026-{day}T11:00:00Z")
        )
    _, result = check_events(tmp_path, events)
    repeat = [f["episode_id"] for f in result["findings"] if f["rule"] == "STRAT-REPEAT"]
    assert repeat == ["R2"]
    # Tue 2026-01-20 10:00 + 5 working days = Tue 2026-01-27 10:00.
    assert finding(result, "STRAT-REPEAT", "R2")["due"] == "2026-01-27T10:00:00+00:00"


def test_placed_out_of_area_only_when_looked_after(tmp_path: Path) -> None:
    """PROTOCOL 'Definitions': placed out of area = looked after and host ≠ responsible; a child
    missing from home with another host authority owes no NOTIFY-HOST, and the london profile's
    host-owned interview does not apply to it."""
    events = [reported("E1", host_authority="308"), found("E1")]
    _, result = check_events(tmp_path, events, "--profile", "london")
    assert finding(result, "NOTIFY-HOST", "E1")["status"] == "not_required"
    assert finding(result, "RHI-72H", "E1")["responsible"] == "309"


def test_authority_codes_need_no_fixed_list(tmp_path: Path) -> None:
    """CONTRACT §1: authorities are code strings (a DfE code or a name); a whole number is read
    as its decimal text (docs/contract.md)."""
    events: list[Event] = [
        reported("E1", missing_from="care", responsible="Haringey", host_authority="Enfield"),
        reported("E2", child_id="C2", missing_from="care", responsible=309, host_authority="309"),
    ]
    _, result = check_events(tmp_path, events)
    assert result["errors"] == []
    assert finding(result, "NOTIFY-HOST", "E1")["responsible"] == "Haringey"
    assert finding(result, "NOTIFY-RESPONSIBLE", "E1")["responsible"] == "Enfield"
    assert finding(result, "NOTIFY-HOST", "E2")["status"] == "not_required"
    assert finding(result, "NOTIFY-IRO", "E2")["responsible"] == "309"


def test_cancelled_report_ends_the_duties_not_yet_due(tmp_path: Path) -> None:
    """PROTOCOL.md "Decisions on edge cases" (cancelled report): a report cancelled before a duty
    falls due ends it (`not_required`, "report cancelled before the deadline"); one already due
    when cancelled keeps its status. NOTIFY-*, STRAT-HIGH-RISK and STRAT-LONG alike."""
    duties = ("NOTIFY-HOST", "NOTIFY-RESPONSIBLE", "NOTIFY-IRO", "STRAT-HIGH-RISK")
    events = [
        reported("E1", missing_from="care", host_authority="308", risk="high"),
        cancelled("E1"),
    ]
    _, result = check_events(tmp_path, events)
    assert finding(result, "RHI-72H", "E1")["status"] == "not_required"
    assert finding(result, "RHI-INDEPENDENT", "E1")["status"] == "not_required"
    assert finding(result, "STRAT-LONG", "E1")["status"] == "not_required"
    for rule in duties:
        f = finding(result, rule, "E1")
        assert (f["status"], f["message"]) == (
            "not_required",
            "report cancelled before the deadline",
        )
    events[1] = cancelled("E1", at="2026-03-09T10:00:00Z")  # a week on: every deadline passed
    _, result = check_events(tmp_path, events)
    for rule in duties:
        assert finding(result, rule, "E1")["status"] == "overdue"
