"""The lifecycle drawn from the state machine's own transition table (mermaid or Graphviz dot).

`render_page()` is docs/lifecycle.md; `python -m missing_protocol.diagram docs/lifecycle.md`
regenerates it (tests/test_docs_lifecycle.py checks that it is current).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from missing_protocol.lifecycle import (
    FINAL_STATES,
    INITIAL,
    LIFECYCLE_ORDER,
    RECORDED_IN,
    RECORDING_EVENTS,
    STATES,
    TRANSITIONS,
)


def mermaid() -> str:
    lines = ["stateDiagram-v2"]
    for (source, event), target in TRANSITIONS.items():
        src = "[*]" if source == INITIAL else source
        lines.append(f"    {src} --> {target} : {event}")
    for state in sorted(FINAL_STATES):
        lines.append(f"    {state} --> [*]")
    note = ", ".join(sorted(RECORDING_EVENTS))
    lines.append(f"    %% {note}: accepted in any state of a known episode; state unchanged")
    for etype, states in sorted(RECORDED_IN.items()):
        lines.append(
            f"    %% {etype}: accepted in {', '.join(sorted(states))} only; state unchanged"
        )
    return "\n".join(lines) + "\n"


def dot() -> str:
    lines = [
        "digraph episode_lifecycle {",
        "    rankdir=LR;",
        "    node [shape=box, style=rounded];",
    ]
    lines.append(f'    {INITIAL} [shape=point, label=""];')
    for state in sorted(FINAL_STATES):
        lines.append(f"    {state} [peripheries=2];")
    for (source, event), target in TRANSITIONS.items():
        lines.append(f'    {source} -> {target} [label="{event}"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


FORMATS = {"mermaid": mermaid, "dot": dot}


# What each state means, for the generated docs page (docs/lifecycle.md).
STATE_NOTES: dict[str, str] = {
    INITIAL: "before the episode's `reported`: the episode is not known yet",
    "reported": "the child is missing; the episode is open",
    "found": "the child is back; the return home interview is due (RHI-OFFER, RHI-72H)",
    "interview_offered": "an interview has been offered",
    "interview_declined": "the child, or a parent on the child's behalf, declined the interview",
    "interview_completed": "the interview took place; a plan is due (PLAN-AFTER-RHI)",
    "plan_made": "a plan that uses what the interview found has been made",
    "report_cancelled": "the report was withdrawn: the child was not in fact missing",
}

DOCS_PAGE = "docs/lifecycle.md"
REGENERATE = f"python -m missing_protocol.diagram {DOCS_PAGE}"

_EXAMPLE = """\
from missing_protocol.lifecycle import LifecycleError, next_state

assert next_state("E1", "reported", "found") == "found"
assert next_state("E1", "found", "notified") == "found"
try:
    next_state("E1", "reported", "plan_made")
except LifecycleError as problem:
    assert (problem.episode_id, problem.state, problem.event) == ("E1", "reported", "plan_made")
    assert str(problem).endswith("allowed next: found, report_cancelled")
else:
    raise AssertionError("plan_made cannot follow reported")
"""


def _codes(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names) or "—"


def _state_rows() -> list[str]:
    rows = ["| state | reached by | meaning | allowed next |", "|---|---|---|---|"]
    for state in STATES:
        into = sorted({etype for (_, etype), dst in TRANSITIONS.items() if dst == state})
        out = sorted(etype for (src, etype) in TRANSITIONS if src == state)
        nxt = "none (final)" if state in FINAL_STATES else _codes(out)
        if state != INITIAL:
            recording = RECORDING_EVENTS | {e for e, ins in RECORDED_IN.items() if state in ins}
            nxt += f"; and {_codes(sorted(recording))}"
        meaning = STATE_NOTES.get(state, "")
        rows.append(f"| `{state}` | {_codes(into)} | {meaning} | {nxt} |")
    return rows


def _order_lines() -> list[str]:
    ranks: dict[int, list[str]] = {}
    for etype, rank in LIFECYCLE_ORDER.items():
        ranks.setdefault(rank, []).append(etype)
    lines = []
    for place, rank in enumerate(sorted(ranks), start=1):
        etypes = sorted(ranks[rank])
        recording = RECORDING_EVENTS | set(RECORDED_IN)
        tail = " (they do not move the lifecycle)" if set(etypes) <= recording else ""
        lines.append(f"{place}. {_codes(etypes)}{tail}")
    return lines


def render_page() -> str:
    """docs/lifecycle.md, generated from the state machine (tests check the file is current)."""
    fence = "```"
    parts = [
        "# The episode lifecycle",
        "",
        "<!-- Generated from missing_protocol.lifecycle by missing_protocol.diagram.render_page().",
        f"     Do not edit by hand: regenerate with `{REGENERATE}`.",
        "     tests/test_docs_lifecycle.py fails when this page is out of date. -->",
        "",
        "Every missing episode moves through one state machine, `EpisodeLifecycle`",
        "(python-statemachine): the single definition of CONTRACT §2. The transition table the",
        "assembler uses as its fast path (`lifecycle.TRANSITIONS`), this page and",
        "`missing-protocol diagram [--format mermaid|dot]` are all derived from it.",
        "",
        f"{fence}mermaid",
        mermaid().rstrip("\n"),
        fence,
        "",
        "## States",
        "",
        "Each transition is named after the event type of CONTRACT §1 that causes it.",
        "",
        *_state_rows(),
        "",
        f"Final states: {_codes(sorted(FINAL_STATES))}. An event that the table does not allow in",
        "the episode's current state is a rejected event (field `type`; the message names the",
        "episode, its state and what is allowed next) and the episode stays where it was. An",
        "event dated before its episode's `reported` is rejected with field `at`; an event for an",
        "episode that has no `reported` at all is rejected with field `episode_id`.",
        "",
        "## Recording events",
        "",
        f"{_codes(sorted(RECORDING_EVENTS))} record a duty done. They are accepted in any state",
        "of a known episode, including the final ones, and never move the lifecycle. A",
        "`strategy_discussion` needs only a known child (from a `child` record or a report); its",
        "`episode_id` is optional.",
        "",
        f"{_codes(sorted(RECORDED_IN))} records a plan's action done (PLAN-ACTION-DUE): it is",
        "accepted only once the episode is `plan_made` and never moves the lifecycle. Before the",
        "plan exists it is rejected: with field `at` when the episode's plan is made later (the",
        "completion is dated too early), else with field `type`.",
        "",
        "## Events with the same `at`",
        "",
        "Each episode's events are put in time order before they are applied, so the result never",
        "depends on the order of lines or files. Events with the same `at` are applied in",
        "lifecycle order: the depth, in the machine, of the state each event leaves.",
        "",
        *_order_lines(),
        "",
        "Events still level (a `found` and a `report_cancelled` at once, duplicates) are taken",
        "in an order fixed by their content, never by their file or line. So a `reported` and a",
        "`found` written with one time are a report and then a return, and a notification",
        "stamped with the report's own time is accepted.",
        "",
        "## Overlapping episodes",
        "",
        "A child's second `reported` before the first episode ends (PROTOCOL, *Repeat and",
        "overlapping episodes*) is rejected with field `at`, and every other event of that second",
        "episode with it. A report at or after the earlier episode's `found` (or",
        "`report_cancelled`) starts a new episode; the earlier episode keeps its duties.",
        "",
        "## In code",
        "",
        f"{fence}python",
        _EXAMPLE.rstrip("\n"),
        fence,
        "",
    ]
    return "\n".join(parts)


def write_docs(path: str | os.PathLike[str] = DOCS_PAGE) -> bool:
    """Write the docs page; True when the file changed."""
    target = Path(path)
    page = render_page()
    if target.exists() and target.read_text(encoding="utf-8") == page:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")
    return True


if __name__ == "__main__":
    where = sys.argv[1] if len(sys.argv) > 1 else DOCS_PAGE
    print(f"{'wrote' if write_docs(where) else 'unchanged'}: {where}")
