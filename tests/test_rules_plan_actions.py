"""PLAN-ACTION-DUE (PROTOCOL.md) and the `action_completed` event (CONTRACT §1, §2).

Each action of a `plan_made` with a due time (its own `due`, else the plan's) is a duty: clock
from `plan_made.at`, deadline the due (a date is the end of that London day), owner the action's
`owner`, done by an `action_completed` of the same episode and `kind` (and `action_id` when the
action has one) at or before the due time; not required when the report was cancelled; an action
with no due time yields no finding; one finding per action.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
from click.testing import CliRunner

from builders import LA, completed, found, offered, reported
from missing_protocol import check, profiles
from missing_protocol.cli import app
from missing_protocol.formats.events import event_json, read_lines
from missing_protocol.model import ActionCompleted, EventError, PlanMade, ReportCancelled
from missing_protocol.rules import Context, Status
from missing_protocol.rules.plan import plan_action_due

PLANNED = "2026-03-06T09:00:00Z"
CAMHS = "Harryford CAMHS"
FAMILY = "Family group conference service"


def interviewed() -> list[dict[str, Any]]:
    return [
        reported("E1", "2026-03-02T20:00:00Z"),
        found("E1", "2026-03-03T08:00:00Z"),
        offered("E1", "2026-03-03T10:00:00Z"),
        completed("E1", "2026-03-04T12:00:00Z"),
    ]


def plan(*actions: dict[str, Any], due: str | None = None, at: str = PLANNED) -> dict[str, Any]:
    made: dict[str, Any] = {"type": "plan_made", "episode_id": "E1", "at": at}
    made["actions"] = list(actions)
    if due is not None:
        made["due"] = due
    return made


def action(kind: str, owner: str, due: str | None = None, action_id: str | None = None) -> Any:
    out: dict[str, Any] = {"kind": kind, "owner": owner}
    if due is not None:
        out["due"] = due
    if action_id is not None:
        out["action_id"] = action_id
    return out


def done(kind: str, at: str, action_id: str | None = None) -> dict[str, Any]:
    out = {"type": "action_completed", "episode_id": "E1", "at": at, "kind": kind}
    if action_id is not None:
        out["action_id"] = action_id
    return out


def action_findings(*extra: dict[str, Any], as_of: str = "2026-06-30") -> list[dict[str, Any]]:
    result = check([*interviewed(), *extra], as_of=as_of)
    assert result.errors == ()
    return [f.to_dict() for f in result.findings if f.rule == "PLAN-ACTION-DUE"]


def test_PLAN_ACTION_DUE_met_on_the_due_day_owner_is_the_action_owner() -> None:
    """PLAN-ACTION-DUE: a date due means the end of that London day; done at 23:30 that day is
    met; the owner is the action's owner, not the responsible authority."""
    [f] = action_findings(
        plan(action("mental_health_referral", CAMHS, due="2026-03-20")),
        done("mental_health_referral", "2026-03-20T23:30:00Z"),
    )
    assert f["status"] == "met"
    assert f["due"] == "2026-03-20T23:59:59+00:00"
    assert f["done"] == "2026-03-20T23:30:00+00:00"
    assert f["responsible"] == CAMHS != LA
    assert f["source"] == "Local"


def test_PLAN_ACTION_DUE_late_after_the_end_of_the_day_in_summer_time() -> None:
    """PLAN-ACTION-DUE: the end of a London day in summer time is 23:59:59+01:00; done the next
    London day is late."""
    [f] = action_findings(
        plan(action("family_network", FAMILY, due="2026-04-01")),
        done("family_network", "2026-04-01T23:00:01Z"),  # 00:00:01 on 2 April in London
    )
    assert f["due"] == "2026-04-01T23:59:59+01:00"
    assert f["status"] == "late"


def test_PLAN_ACTION_DUE_done_at_midnight_after_a_date_due_is_late_by_a_second() -> None:
    """PLAN-ACTION-DUE: a date's due ends just before the next London midnight, so an action
    done at 00:00:00 is late by under a second, and the message says "1 s", never "0 s"."""
    [f] = action_findings(
        plan(action("education", "Virtual School", due="2026-03-20")),
        done("education", "2026-03-21T00:00:00Z"),
    )
    assert f["status"] == "late"
    assert ", 1 s after the deadline" in f["message"]


def test_PLAN_ACTION_DUE_pending_then_overdue_with_no_completion() -> None:
    """PLAN-ACTION-DUE: not done, pending before its due time and overdue after it."""
    made = plan(action("education", "Virtual School", due="2026-03-20T17:00:00Z"))
    assert [f["status"] for f in action_findings(made, as_of="2026-03-20T16:59:59Z")] == ["pending"]
    assert [f["status"] for f in action_findings(made, as_of="2026-03-20T17:00:00Z")] == ["overdue"]


def test_PLAN_ACTION_DUE_the_plans_due_applies_to_actions_without_their_own() -> None:
    """PLAN-ACTION-DUE: an action's own `due` wins, else the plan's `due`; one finding each."""
    found_ = action_findings(
        plan(
            action("mental_health_referral", CAMHS, due="2026-03-13"),
            action("education", "Virtual School"),
            due="2026-03-27",
        )
    )
    assert [(f["due"], f["responsible"]) for f in found_] == [
        ("2026-03-13T23:59:59+00:00", CAMHS),
        ("2026-03-27T23:59:59+00:00", "Virtual School"),
    ]


def test_PLAN_ACTION_DUE_an_action_with_no_due_time_yields_no_finding() -> None:
    """PLAN-ACTION-DUE: no due on the action nor on the plan: no finding for that action."""
    assert action_findings(plan(action("other", LA))) == []
    [only] = action_findings(plan(action("other", LA), action("education", "VS", due="2026-04-01")))
    assert only["responsible"] == "VS"


def test_PLAN_ACTION_DUE_only_the_same_kind_counts() -> None:
    """PLAN-ACTION-DUE: done means an `action_completed` of the same kind."""
    [f] = action_findings(
        plan(action("disruption", "Exploitation team", due="2026-03-20")),
        done("education", "2026-03-10T10:00:00Z"),
    )
    assert f["status"] == "overdue"


def test_PLAN_ACTION_DUE_an_action_with_an_id_needs_a_completion_with_that_id() -> None:
    """PLAN-ACTION-DUE: with `action_id`, only a completion with the same id counts; an action
    without one is done by any completion of its kind (the first one)."""
    findings = action_findings(
        plan(
            action("family_network", FAMILY, due="2026-03-20", action_id="A1"),
            action("family_network", FAMILY, due="2026-03-20", action_id="A2"),
            action("family_network", "Social worker", due="2026-03-20"),
        ),
        done("family_network", "2026-03-10T10:00:00Z", action_id="A2"),
        done("family_network", "2026-03-25T10:00:00Z", action_id="A1"),
    )
    assert [(f["status"], f["done"]) for f in findings] == [
        ("late", "2026-03-25T10:00:00+00:00"),
        ("met", "2026-03-10T10:00:00+00:00"),
        ("met", "2026-03-10T10:00:00+00:00"),
    ]
    assert "A1" in findings[0]["message"] and "family network" in findings[0]["message"]


def test_PLAN_ACTION_DUE_not_required_when_the_report_was_cancelled() -> None:
    """PLAN-ACTION-DUE: not required when the report was cancelled. The lifecycle never lets a
    cancelled report reach a plan, so the episode is built directly to reach the rule's branch."""
    result = check(
        [*interviewed(), plan(action("education", "VS", due="2026-03-20"))], as_of="2026-06-30"
    )
    [episode] = result.assembly.episodes
    made = episode.plan
    assert isinstance(made, PlanMade)
    cancelled = ReportCancelled(episode_id="E1", at=made.at)
    gone = attrs.evolve(episode, cancelled=cancelled)
    ctx = Context(as_of=result.as_of, profile=profiles.load("statutory"), assembly=result.assembly)
    [f] = plan_action_due(gone, ctx)
    assert f.status is Status.NOT_REQUIRED
    assert f.responsible == "VS"


def test_action_completed_before_the_plan_is_rejected_with_line_and_field() -> None:
    """CONTRACT §1–2: `action_completed` is rejected before the plan exists: field `at` when the
    plan comes later, field `type` when the episode has no plan; it never moves the lifecycle."""
    early = check(
        [
            *interviewed(),
            done("education", "2026-03-05T10:00:00Z"),
            plan(action("education", "VS", due="2026-03-20")),
        ],
        as_of="2026-06-30",
    )
    assert [(e.line, e.field) for e in early.errors] == [(5, "at")]
    assert "before episode E1's plan" in early.errors[0].message
    assert early.counts.accepted == 5 and early.counts.rejected == 1
    no_plan = check([*interviewed(), done("education", "2026-03-05T10:00:00Z")], as_of="2026-06-30")
    assert [(e.line, e.field) for e in no_plan.errors] == [(5, "type")]
    assert "interview_completed" in no_plan.errors[0].message
    # A later plan that is itself rejected (no interview yet) leaves the episode with no plan.
    rejected_plan = check(
        [
            *interviewed()[:2],
            done("education", "2026-03-05T10:00:00Z"),
            plan(action("education", "VS", due="2026-03-20")),
        ],
        as_of="2026-06-30",
    )
    assert [(e.line, e.field) for e in rejected_plan.errors] == [(3, "type"), (4, "type")]
    assert "before episode" not in rejected_plan.errors[0].message
    after = check(
        [*interviewed(), plan(action("education", "VS")), done("education", PLANNED)],
        as_of="2026-06-30",
    )
    assert after.errors == ()
    [episode] = after.assembly.episodes
    assert episode.state == "plan_made"
    assert [d.kind.value for d in episode.actions_completed] == ["education"]


def test_the_reader_names_the_nested_field_of_a_bad_action_due_or_id() -> None:
    """CONTRACT §1: an action's own `due` (date or date-time) and `action_id` (string)."""
    bad_due = plan(action("education", "VS", due="soon"))
    bad_id = plan(action("education", "VS", action_id=""))
    bad_kind = done("homework", "2026-03-10T10:00:00Z")
    parsed = list(read_lines([json.dumps(x) for x in (bad_due, bad_id, bad_kind)]))
    assert [(p.line, p.field) for p in parsed if isinstance(p, EventError)] == [
        (1, "actions[0].due"),
        (2, "actions[0].action_id"),
        (3, "kind"),
    ]


def test_actions_and_completions_write_back_as_they_were_read() -> None:
    """CONTRACT §1: what the writer gives reads back as the same events (due and id kept)."""
    source = [
        plan(
            action("education", "VS", due="2026-03-20", action_id="A1"),
            action("other", LA, due="2026-03-21T10:00:00+00:00"),
        ),
        {**done("education", "2026-03-10T10:00:00Z", "A1"), "note": "school place agreed"},
    ]
    first = [p for p in read_lines([json.dumps(x) for x in source])]
    assert isinstance(first[1], ActionCompleted)
    again = list(read_lines([json.dumps(event_json(e)) for e in first]))  # type: ignore[arg-type]
    assert again == first
    assert event_json(first[0])["actions"][0] == {  # type: ignore[arg-type]
        "kind": "education",
        "owner": "VS",
        "due": "2026-03-20",
        "action_id": "A1",
    }


def test_the_morning_worklist_shows_actions_falling_due(tmp_path: Path) -> None:
    """PLAN-ACTION-DUE in `due`: a pending action due within the window is listed with its owner."""
    log = tmp_path / "log.jsonl"
    events = [
        *interviewed(),
        plan(
            action("mental_health_referral", CAMHS, due="2026-03-20"),
            action("family_network", FAMILY, due="2026-03-30"),
        ),
    ]
    log.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    runner = CliRunner()
    as_of = ["--as-of", "2026-03-20T09:00:00Z"]
    out = runner.invoke(app, ["due", str(log), *as_of, "--within", "PT24H", "--format", "json"])
    assert out.exit_code == 0, out.output
    due = json.loads(out.output)["due"]
    assert [(d["rule"], d["responsible"], d["due"]) for d in due] == [
        ("PLAN-ACTION-DUE", CAMHS, "2026-03-20T23:59:59+00:00")
    ]
    text = runner.invoke(app, ["due", str(log), *as_of, "--within", "P14D"])
    assert text.output.count("PLAN-ACTION-DUE") == 2


def test_PLAN_ACTION_DUE_an_action_due_before_its_plan_is_judged_as_given_with_a_warning() -> None:
    """PLAN-ACTION-DUE (clock from plan_made.at, deadline the due): a due before the plan was
    made is judged as given (so the action is late or overdue), and CONTRACT §3 `warnings`
    names the field, since it looks like a producer's mistake; counts and exit code unchanged."""
    result = check(
        [
            *interviewed(),
            plan(
                action("education", "VS", due="2026-03-01"), action("other", "SW"), due="2026-02-01"
            ),
        ],
        as_of="2026-06-30",
    )
    assert result.errors == () and result.counts.rejected == 0
    assert [(w.line, w.field) for w in result.warnings] == [(5, "actions[0].due"), (5, "due")]
    assert "before the plan was made" in result.warnings[0].message
    statuses = [f.status.value for f in result.findings if f.rule == "PLAN-ACTION-DUE"]
    assert statuses == ["overdue", "overdue"]
    on_time = check([*interviewed(), plan(action("education", "VS", due="2026-03-20"))])
    assert on_time.warnings == ()
