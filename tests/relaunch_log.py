"""A small log around a protocol relaunch, shared by the compliance, split and compare tests.

Authority LA places three looked-after children in HOST, one reported missing in each of
January, February and March 2026. The placement is told (NOTIFY-HOST) 2 hours after the
January report, 10 hours after the February one, and never after the March one. The relaunched
profile (`relaunch.toml`, written by `write_profile`) cuts notify_host_within from 24 hours to
4 from 1 February 2026 and gives the interview to the host authority from then on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pendulum

from builders import HOST, LA, Event, later, notified, returned
from missing_protocol.report.figures import Period

QUARTER = Period(pendulum.Date(2026, 1, 1), pendulum.Date(2026, 4, 1))
QUARTER_ARGS = ["--from", "2026-01-01", "--to", "2026-04-01", "--authority", LA]
AS_OF = "2026-05-31"
RELAUNCH = "2026-02-01"
REPORTS = {
    "E1": ("C1", "2026-01-10T10:00:00+00:00", 2.0),
    "E2": ("C2", "2026-02-10T10:00:00+00:00", 10.0),
    "E3": ("C3", "2026-03-10T10:00:00+00:00", None),
}
PROFILE = f"""
name = "relaunch"
description = "A local protocol relaunched on {RELAUNCH}"

[[versions]]
effective_from = {RELAUNCH}
notify_host_within = "PT4H"
rhi_owner_out_of_area = "host"
"""


def events() -> list[Event]:
    out: list[Event] = []
    for episode_id, (child_id, at, told_after) in REPORTS.items():
        out += returned(
            episode_id, at, child_id=child_id, missing_from="care", host=HOST, found_after=5
        )
        if told_after is not None:
            out.append(notified(episode_id, later(at, hours=told_after), "host_authority"))
    return out


def write_log(path: Path) -> Path:
    path.write_text("\n".join(json.dumps(e) for e in events()) + "\n", encoding="utf-8")
    return path


def write_profile(path: Path) -> Path:
    path.write_text(PROFILE, encoding="utf-8")
    return path
