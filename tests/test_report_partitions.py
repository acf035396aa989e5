"""Issue 10 (bounded memory for the report): a log reported child partition by child partition
gives the report of the log read whole, figure for figure.

The report of a large log is built from parts, one per partition of whole children
(report.parts, report.by_partition); parts merge by common.mergeable. On generated logs with
places (with and without coordinates, spelt several ways), persons linked to children in
several partitions, disruptions, self-reports, cancelled and open episodes, junk lines and
shuffled order, the JSON of the partitioned report (with intelligence and a split, in one
process and in two) equals the JSON of the whole one, for several authorities.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import AUTHORITIES, event_logs
from intelligence_log import self_report
from missing_protocol import profiles
from missing_protocol.common.mergeable import First, merge, merged
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL, PUBLISHED
from missing_protocol.engine.arrays import COPYING
from missing_protocol.report import render_json
from missing_protocol.report.by_partition import report_log
from missing_protocol.report.disclosed import disclose
from missing_protocol.report.parts import Scope, report_from

pytest.importorskip("h3")

PERIOD = Period(pendulum.Date(2026, 3, 1), pendulum.Date(2026, 9, 1))
# Two months whose previous two months hold the first reports: "before" figures are not all 0.
SHORT = Period(pendulum.Date(2026, 4, 10), pendulum.Date(2026, 6, 10))
PLACES: list[Any] = [
    "Bus station",
    "bus  STATION ",
    {"name": "Bus station", "lat": 51.5007, "lon": -0.1246},
    {"name": "Park", "lat": 51.5010, "lon": -0.1250},
    "Park",
    "Friend's house",
]
JUNK = ["not json", "{", '{"type": "found"}', "[1, 2]"]


@st.composite
def reporting_logs(draw: st.DrawFn) -> list[str]:
    events: list[dict[str, Any]] = draw(event_logs(max_children=5, max_episodes=3))
    episodes = [e for e in events if e["type"] == "reported"]
    for event in events:
        if event["type"] in ("reported", "found") and draw(st.integers(0, 3)):
            event["location"] = draw(st.sampled_from(PLACES))
    for person in ("P1", "P2"):
        for episode in draw(st.lists(st.sampled_from(episodes), max_size=3)):
            at = draw(st.sampled_from(["2026-04-02T10:00:00Z", "2026-05-01T10:00:00+01:00"]))
            role = draw(st.sampled_from(["suspected_exploiter", "associate"]))
            link = {"type": "person_linked", "episode_id": episode["episode_id"]}
            events.append({**link, "person_id": person, "at": at, "role": role})
        if draw(st.booleans()):
            events.append(
                {
                    "type": "disruption",
                    "person_id": person,
                    "at": "2026-04-20T12:00:00Z",
                    "kind": "warning_notice",
                    "partner": "police",
                }
            )
    lines = [json.dumps(e) for e in events]
    for i in range(draw(st.integers(0, 3))):
        child = draw(st.sampled_from(["C0", "C1", "C2", "C9"]))
        lines.append(
            json.dumps(
                self_report(f"R{i}", child, "2026-04-20T10:00:00Z", "2026-04-01", "2026-04-03")
            )
        )
    lines += draw(st.lists(st.sampled_from(JUNK), max_size=3))
    random.Random(draw(st.integers(0, 2**16))).shuffle(lines)
    return lines


def _report(
    path: Path | list[Path], authority: str, profile: str, period: Period = PERIOD, **run: Any
) -> dict[str, Any]:
    def scope_of(reports: Counter[str]) -> Scope:
        split = period.start.add(months=1)
        return Scope(
            period,
            authority,
            profiles.load(profile),
            period.end_at.add(days=45),
            split,
            include_intelligence=True,
        )

    paths = path if isinstance(path, list) else [path]
    scope, part = report_log([str(p) for p in paths], scope_of, **run)
    # Both disclosures: unsuppressed, every small figure shows; published, hiding is the same.
    out = {}
    for name, shown in (("internal", INTERNAL), ("published", PUBLISHED)):
        figures, partnership, sections = report_from(part, scope, shown)
        out[name] = render_json.to_dict(disclose(figures, shown), partnership, **sections)
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=reporting_logs(),
    authority=st.sampled_from(AUTHORITIES),
    profile=st.sampled_from(["statutory", "london"]),
    partitions=st.sampled_from([2, 5]),
    period=st.sampled_from([PERIOD, SHORT]),
)
def test_the_report_by_partitions_is_the_report_of_the_whole_log(
    tmp_path_factory: Any,
    lines: list[str],
    authority: str,
    profile: str,
    partitions: int,
    period: Period,
) -> None:
    """Issue 10 point 2 (bounded memory), for the report: whole == partitioned, as JSON."""
    path = tmp_path_factory.mktemp("log") / "log.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = _report(path, authority, profile, period)
    size = path.stat().st_size
    parted = _report(
        path, authority, profile, period, spill_bytes=0, partition_bytes=max(1, size // partitions)
    )
    assert parted == whole


def test_the_partitioned_report_in_two_processes_is_the_same(tmp_path: Path) -> None:
    """Issue 10 point 3: `--jobs 2` over partitions gives the report of one process."""
    from missing_protocol import synth

    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(60, 240), path)
    whole = _report(path, synth.AUTHORITY, "statutory", synth.PERIOD)
    size = path.stat().st_size
    for jobs in (1, 2):
        parted = _report(
            path,
            synth.AUTHORITY,
            "statutory",
            synth.PERIOD,
            jobs=jobs,
            spill_bytes=0,
            partition_bytes=size // 6,
        )
        assert parted == whole
    assert whole["internal"]["episodes"] > 0


def test_parts_merge_by_their_shape() -> None:
    """common.mergeable: counts add, Counters add (keeping a key counted 0), lists join, tuples
    merge item by item, dicts key by key, and a First keeps the smaller key's value."""
    a = {"n": 2, "c": Counter({"x": 1, "z": 0}), "l": [1], "t": (1, 2), "f": First((2,), "b")}
    b = {"n": 3, "c": Counter({"x": 2}), "l": [2], "t": (3, 4), "f": First((1,), "a"), "new": 1}
    out = merge(a, b)
    assert out == {
        "n": 5,
        "c": Counter({"x": 3, "z": 0}),
        "l": [1, 2],
        "t": (4, 6),
        "f": First((1,), "a"),
        "new": 1,
    }
    assert "z" in out["c"]
    assert merged([{"n": 1}, {"n": 2}, {"n": 3}]) == {"n": 6}
    with pytest.raises(TypeError):
        merge(True, False)
    with pytest.raises(ValueError):
        merged([])


def test_reports_counted_while_routed_by_workers_are_those_of_one_pass(tmp_path: Path) -> None:
    """Issue 10 point 3: with `--jobs 2` the workers route a spilled log, and count its reports by
    responsible authority (what the default authority is chosen from) as one process does."""
    from missing_protocol import synth

    path = tmp_path / "year.jsonl"
    synth.write(synth.generate(60, 240), path)
    with path.open("a", encoding="utf-8") as log:  # one report the reader rejects: not counted
        log.write('{"type": "reported", "episode_id": "X", "child_id": "C", "at": "junk"}\n')
    seen: dict[int, Counter[str]] = {}
    size = path.stat().st_size
    for jobs in (1, 2):

        def scope_of(reports: Counter[str], jobs: int = jobs) -> Scope:
            seen[jobs] = reports
            moment = synth.PERIOD.end_at.add(days=45)
            return Scope(synth.PERIOD, synth.AUTHORITY, profiles.load("statutory"), moment)

        report_log([str(path)], scope_of, jobs=jobs, spill_bytes=0, partition_bytes=size // 6)
    whole: Counter[str] = Counter(
        json.loads(line)["responsible_authority"]
        for line in path.read_text(encoding="utf-8").splitlines()
        if '"reported"' in line and "junk" not in line
    )
    assert seen[1] == seen[2] == whole


def _is_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=reporting_logs(), authority=st.sampled_from(AUTHORITIES), junk=st.booleans())
def test_a_large_array_is_reported_as_the_whole_log(
    tmp_path_factory: Any, lines: list[str], authority: str, junk: bool
) -> None:
    """Issue 10 point 2 for a JSON array file (CONTRACT §1): laid out one object a line, it is
    read as JSON Lines and reported by partition (engine.arrays); with a broken element it is
    read whole. Either way the report is the whole log's."""
    kept = lines if junk else [line for line in lines if _is_object(line)]
    path = tmp_path_factory.mktemp("log") / "log.json"
    path.write_text("[\n" + ",\n".join(kept) + "\n]\n", encoding="utf-8")
    whole = _report(path, authority, "statutory", PERIOD)
    size = path.stat().st_size
    parted = _report(path, authority, "statutory", PERIOD, spill_bytes=0, partition_bytes=size // 3)
    assert parted == whole


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=reporting_logs(), authority=st.sampled_from(AUTHORITIES), cut=st.integers(0, 100))
def test_several_files_with_arrays_are_reported_as_the_whole_log(
    tmp_path_factory: Any, lines: list[str], authority: str, cut: int
) -> None:
    """Issue 10 point 2 for a log of several files (CONTRACT §1): a pretty-printed array, JSON
    Lines (with the junk) and an array an object a line, each array routed as its JSON Lines
    copy and read under its own name: the report is the whole log's."""
    objects = [json.loads(line) for line in lines if _is_object(line)]
    at = len(objects) * cut // 100
    folder = tmp_path_factory.mktemp("log")
    paths = [folder / "a.json", folder / "b.jsonl", folder / "c.json"]
    paths[0].write_text(json.dumps(objects[:at], indent=2), encoding="utf-8")
    paths[1].write_text("".join(f"{line}\n" for line in lines if not _is_object(line)))
    paths[2].write_text("[\n" + ",\n".join(json.dumps(o) for o in objects[at:]) + "\n]\n")
    whole = _report(paths, authority, "statutory", PERIOD)
    size = sum(p.stat().st_size for p in paths)
    parted = _report(
        paths, authority, "statutory", PERIOD, spill_bytes=0, partition_bytes=size // 3
    )
    assert parted == whole


def test_the_report_says_it_copies_a_large_array_first(tmp_path: Path) -> None:
    """Progress on long runs: the report of a large array says it copies it before the
    partitions are worked out."""
    year = resources.files("missing_protocol") / "data" / "example_year.jsonl"
    path = tmp_path / "log.json"
    path.write_text(
        json.dumps([json.loads(line) for line in year.read_text().splitlines()], indent=2)
    )
    stages: list[str] = []
    _report(
        path, "309", "statutory", PERIOD, spill_bytes=0, partition_bytes=600, stage=stages.append
    )
    assert stages[0] == COPYING and all(s != COPYING for s in stages[1:]) and len(stages) > 1
