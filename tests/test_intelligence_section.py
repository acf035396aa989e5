"""The report's intelligence section: published figures by default, restricted detail on request."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import jsonschema
import pendulum

from intelligence_log import LOG, build
from missing_protocol.common.period import Period
from missing_protocol.common.suppression import INTERNAL
from missing_protocol.intelligence.section import report_section

MARCH = Period(pendulum.date(2026, 3, 1), pendulum.date(2026, 4, 1))
ASSEMBLY = build()


def schema(name: str) -> dict[str, Any]:
    path = resources.files("missing_protocol") / "schemas" / f"{name}.schema.json"
    loaded: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return loaded


def test_default_section_is_publishable() -> None:
    section = report_section(ASSEMBLY, MARCH)
    assert set(section) == {"hotspots", "self_reports"}
    jsonschema.validate(section["hotspots"], schema("hotspots"))
    jsonschema.validate(section["self_reports"], schema("self-reports"))
    assert "self_reports" not in section["self_reports"]  # no per-report detail
    text = json.dumps(section)
    assert not any(f'"{c}"' in text for c in ("C1", "C9", "P1"))
    # Judged at the end of the period: the same log always gives the same section.
    assert section["self_reports"]["as_of"] == "2026-04-01T00:00:00+01:00"
    assert section == report_section(ASSEMBLY, MARCH)


def test_restricted_detail_on_request() -> None:
    section = report_section(ASSEMBLY, MARCH, INTERNAL, include_intelligence=True, top=None)
    jsonschema.validate(section["persons"], schema("persons"))
    jsonschema.validate(section["self_reports"], schema("self-reports"))
    assert len(section["self_reports"]["self_reports"]) == 6
    assert section["persons"]["figures"]["persons"] == 4


def test_authority_scopes_hotspots_to_the_authoritys_episodes() -> None:
    # Another authority's child, missing from home in that authority, found at the park.
    theirs = [
        {
            "type": "reported",
            "episode_id": "X1",
            "child_id": "K1",
            "at": "2026-03-08T18:00:00Z",
            "missing_from": "home",
            "responsible_authority": "KSW",
            "location": "Their Street",
        },
        {"type": "found", "episode_id": "X1", "at": "2026-03-09T08:00:00Z", "location": "Pier"},
    ]
    both = build([*LOG, *theirs])

    def places(section: dict[str, Any]) -> set[str]:
        spots = section["hotspots"]
        return {r["place"] for k in ("missing_from", "found_at") for r in spots[k]["places"]}

    everyone = report_section(both, MARCH, INTERNAL, top=None)
    ours = report_section(both, MARCH, INTERNAL, top=None, authority="309")
    assert {"Their Street", "Pier"} <= places(everyone)
    assert not {"Their Street", "Pier"} & places(ours)
    assert ours == report_section(ASSEMBLY, MARCH, INTERNAL, top=None, authority="309")
    # Self-reports are of children, not of an authority's episodes: the same either way.
    assert ours["self_reports"] == everyone["self_reports"]
