"""Event builders and a Hypothesis strategy for valid event logs, shared by the rule tests.

Builders return plain JSON objects (CONTRACT §1), so tests feed `check` exactly what a log holds.
Times are ISO 8601 strings with an offset; `later(at, hours=…)` moves one on by elapsed time.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum
from hypothesis import strategies as st

from missing_protocol import CheckResult, Finding
from missing_protocol.model import Party, Risk

Event = dict[str, Any]
ROOT = Path(__file__).resolve().parent.parent

LA = "309"  # a responsible authority (DfE LA code)
HOST = "HRY"  # another authority, where a child may be placed


def later(at: str, *, days: float = 0, hours: float = 0, minutes: float = 0) -> str:
    """`at` moved on by elapsed time, written in UTC."""
    moment = dt.datetime.fromisoformat(at) + dt.timedelta(days=days, hours=hours, minutes=minutes)
    return moment.astimezone(dt.UTC).isoformat()


def reported(
    episode_id: str = "E1",
    at: str = "2026-03-02T20:00:00+00:00",
    *,
    child_id: str = "C1",
    missing_from: str = "home",
    responsible: str = LA,
    host: str | None = None,
    risk: str | None = None,
) -> Event:
    event: Event = {
        "type": "reported",
        "episode_id": episode_id,
        "child_id": child_id,
        "at": at,
        "missing_from": missing_from,
        "responsible_authority": responsible,
    }
    if host is not None:
        event["host_authority"] = host
    if risk is not None:
        event["risk"] = risk
    return event


def placed_out_of_area(episode_id: str = "E1", at: str = "2026-03-02T20:00:00+00:00") -> Event:
    """A looked-after child of LA placed in HOST, reported missing from the placement."""
    return reported(episode_id, at, missing_from="care", host=HOST)


def found(episode_id: str, at: str) -> Event:
    return {"type": "found", "episode_id": episode_id, "at": at}


def offered(episode_id: str, at: str) -> Event:
    return {"type": "interview_offered", "episode_id": episode_id, "at": at}


def declined(episode_id: str, at: str, by: str = "child") -> Event:
    return {"type": "interview_declined", "episode_id": episode_id, "at": at, "declined_by": by}


def completed(episode_id: str, at: str, *, independent: bool = True) -> Event:
    return {
        "type": "interview_completed",
        "episode_id": episode_id,
        "at": at,
        "independent": independent,
    }


def plan(episode_id: str, at: str) -> Event:
    return {
        "type": "plan_made",
        "episode_id": episode_id,
        "at": at,
        "actions": [{"kind": "other", "owner": LA}],
    }


def action_completed(episode_id: str, at: str, kind: str) -> Event:
    return {"type": "action_completed", "episode_id": episode_id, "at": at, "kind": kind}


def cancelled(episode_id: str, at: str) -> Event:
    return {"type": "report_cancelled", "episode_id": episode_id, "at": at}


def notified(episode_id: str, at: str, party: str) -> Event:
    return {"type": "notified", "episode_id": episode_id, "at": at, "party": party}


def strategy(child_id: str, at: str) -> Event:
    return {"type": "strategy_discussion", "child_id": child_id, "at": at}


def child(child_id: str = "C1", *, born: str | None = None) -> Event:
    event: Event = {"type": "child", "child_id": child_id}
    if born is not None:
        event["born"] = born
    return event


def returned(
    episode_id: str,
    at: str,
    *,
    found_after: float = 2,
    interview_after: float = 24,
    child_id: str = "C1",
    **report: Any,
) -> list[Event]:
    """A whole clean episode: reported, found `found_after` h later, offered and interviewed."""
    back = later(at, hours=found_after)
    return [
        reported(episode_id, at, child_id=child_id, **report),
        found(episode_id, back),
        offered(episode_id, later(back, hours=1)),
        completed(episode_id, later(back, hours=interview_after)),
        plan(episode_id, later(back, hours=interview_after + 1)),
    ]


def finding(result: CheckResult, rule: str, episode_id: str = "E1") -> Finding:
    """The one finding of `rule` on `episode_id` (fails if there is none or several)."""
    matches = [f for f in result.findings if f.rule == rule and f.episode_id == episode_id]
    assert len(matches) == 1, f"{rule} on {episode_id}: {matches}"
    return matches[0]


def no_finding(result: CheckResult, rule: str, episode_id: str = "E1") -> bool:
    return not [f for f in result.findings if f.rule == rule and f.episode_id == episode_id]


def statuses(result: CheckResult) -> dict[tuple[str, str | None], str]:
    return {(f.rule, f.episode_id): f.status.value for f in result.findings}


# --- Hypothesis: random valid logs ---------------------------------------------------------

# From just before the spring clock change, across Easter and the May bank holidays.
START = pendulum.datetime(2026, 3, 20, tz="UTC")
AUTHORITIES = (LA, "310", HOST)
BIRTHS = ("2008-03-25", "2008-04-10", "2012-07-01", "2001-01-01")  # some turn 18 in range
PARTIES = tuple(p.value for p in Party)
RISKS = (None, *(r.value for r in Risk))


def _stamp(moment: pendulum.DateTime, london: bool) -> str:
    # The same instant written in UTC or in London time: the offset must not matter.
    return (moment.in_timezone("Europe/London") if london else moment).isoformat()


@st.composite
def event_logs(draw: st.DrawFn, max_children: int = 3, max_episodes: int = 3) -> list[Event]:
    """A valid log: children with non-overlapping episodes at random stages, with notifications
    and strategy discussions at random times (whole minutes, up to a few days apart)."""
    events: list[Event] = []
    number = 0

    def step(max_hours: int = 120) -> pendulum.Duration:
        return pendulum.duration(minutes=draw(st.integers(0, max_hours * 60)))

    def stamp(moment: pendulum.DateTime) -> str:
        return _stamp(moment, draw(st.booleans()))

    for c in range(draw(st.integers(1, max_children))):
        child_id = f"C{c}"
        if draw(st.booleans()):
            events.append(child(child_id, born=draw(st.sampled_from(BIRTHS))))
        t = START + step(24 * 30)
        first = t
        for _ in range(draw(st.integers(1, max_episodes))):
            number += 1
            eid = f"E{number}"
            events.append(
                reported(
                    eid,
                    stamp(t),
                    child_id=child_id,
                    missing_from=draw(st.sampled_from(("home", "care"))),
                    responsible=draw(st.sampled_from(AUTHORITIES)),
                    host=draw(st.one_of(st.none(), st.sampled_from(AUTHORITIES))),
                    risk=draw(st.sampled_from(RISKS)),
                )
            )
            for party in draw(st.lists(st.sampled_from(PARTIES), max_size=3)):
                events.append(notified(eid, stamp(t + step(96)), party))
            end = draw(st.sampled_from(("open", "found", "found", "found", "cancelled")))
            if end == "open":
                break  # a later report of this child would overlap the open episode
            t += step()
            if end == "cancelled":
                events.append(cancelled(eid, stamp(t)))
            else:
                events.append(found(eid, stamp(t)))
                u = t
                stage = draw(st.integers(0, 3))
                if stage >= 1:
                    u += step()
                    events.append(offered(eid, stamp(u)))
                if stage >= 2:
                    u += step()
                    if draw(st.integers(0, 3)) == 0:
                        events.append(
                            declined(eid, stamp(u), draw(st.sampled_from(("child", "parent"))))
                        )
                    else:
                        events.append(completed(eid, stamp(u), independent=draw(st.booleans())))
                if stage >= 3:
                    u += step(24 * 20)
                    made = plan(eid, stamp(u))
                    # PLAN-ACTION-DUE: an action with its own due (a date or a moment), or none.
                    due = u + step(24 * 30)
                    made["actions"][0]["due"] = draw(
                        st.sampled_from((None, due.date().isoformat(), stamp(due)))
                    )
                    events.append(made)
                    if draw(st.booleans()):
                        events.append(action_completed(eid, stamp(u + step(24 * 40)), "other"))
            # The next report comes strictly after this episode ends: two reports of one child
            # at one instant would leave their order to the episode ids.
            t += pendulum.duration(minutes=1) + step(24 * 40)
        for _ in range(draw(st.integers(0, 2))):
            events.append(strategy(child_id, stamp(first + step(24 * 120))))
    return events


def as_of_times() -> st.SearchStrategy[pendulum.DateTime]:
    """Moments from before the first possible event to well after the last."""
    return st.integers(0, 60 * 24 * 400).map(lambda m: START.add(minutes=m))


def latest(events: list[Event]) -> pendulum.DateTime:
    return pendulum.instance(max(dt.datetime.fromisoformat(e["at"]) for e in events if "at" in e))


# --- The shipped schemas and the real console script ----------------------------------------


def shipped_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in the package (missing_protocol/schemas/<name>)."""
    text = resources.files("missing_protocol").joinpath(f"schemas/{name}").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def console_script() -> str:
    """The installed `missing-protocol` script: beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("missing-protocol")
    found = str(beside) if beside.exists() else shutil.which("missing-protocol")
    assert found, "the missing-protocol console script is not installed"
    return found


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the console script as a user would (no terminal: output is piped)."""
    return subprocess.run(
        [console_script(), *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
