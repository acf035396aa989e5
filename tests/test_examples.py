"""examples/: each story's log, checked by the real console script, gives its expected JSON."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from builders import ROOT, run_cli, shipped_schema

RESULT_SCHEMA = shipped_schema("check-result.schema.json")
EXAMPLES = ROOT / "examples"
AS_OF = "2026-11-30"  # as written in examples/README.md
EXIT_CODES = {
    "home-interviewed-in-time": 0,
    "parent-declines": 0,
    "placed-out-of-area": 1,
    "repeat-missing": 0,
    "report-cancelled": 0,
    "dst-autumn": 0,
}


def test_every_example_is_listed_with_its_exit_code_and_the_as_of() -> None:
    assert sorted(p.stem for p in EXAMPLES.glob("*.jsonl")) == sorted(EXIT_CODES)
    readme = (EXAMPLES / "README.md").read_text("utf-8")
    assert f"--as-of {AS_OF}" in readme
    for name in EXIT_CODES:
        assert f"`{name}.jsonl`" in readme


@pytest.mark.parametrize("name", sorted(EXIT_CODES))
def test_example_gives_its_expected_json(name: str) -> None:
    result = run_cli("check", f"examples/{name}.jsonl", "--as-of", AS_OF, "--format", "json")
    assert result.returncode == EXIT_CODES[name], result.stderr
    got: dict[str, Any] = json.loads(result.stdout)
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text("utf-8"))
    assert got == expected, (
        f"if the change is deliberate, regenerate: missing-protocol check examples/{name}.jsonl "
        f"--as-of {AS_OF} --format json > examples/{name}.expected.json"
    )
    jsonschema.validate(got, RESULT_SCHEMA)
    assert got["errors"] == []
    assert got["counts"]["rejected"] == 0


def test_the_dst_example_is_due_at_11_gmt_on_tuesday() -> None:
    """RHI-72H: reported 10:00 BST Saturday 2026-10-24, found 12:00: due 11:00 GMT Tuesday."""
    expected = json.loads((EXAMPLES / "dst-autumn.expected.json").read_text("utf-8"))
    (rhi,) = [f for f in expected["findings"] if f["rule"] == "RHI-72H"]
    assert rhi["due"] == "2026-10-27T11:00:00+00:00"


def test_the_placed_out_of_area_example_names_the_host_under_london() -> None:
    result = run_cli(
        "check", "examples/placed-out-of-area.jsonl", "--as-of", AS_OF, "--format", "json",
        "--profile", "london",
    )  # fmt: skip
    owners = {f["rule"]: f["responsible"] for f in json.loads(result.stdout)["findings"]}
    assert owners["RHI-72H"] == owners["RHI-OFFER"] == "919"
    assert owners["NOTIFY-HOST"] == owners["PLAN-AFTER-RHI"] == "309"
