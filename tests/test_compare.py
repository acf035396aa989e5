"""`missing-protocol compare` and `rules --diff` (issue 13 points 3 and 4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result

from builders import HOST, LA, shipped_schema
from missing_protocol import profiles
from missing_protocol.cli import app
from missing_protocol.profiles.diff import diff
from relaunch_log import AS_OF, RELAUNCH, write_log, write_profile

SCHEMA = shipped_schema("compare.schema.json")


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    return str(write_log(tmp_path / "log.jsonl")), str(write_profile(tmp_path / "r.toml"))


def compare(log: str, profile: str, *args: str) -> dict[str, Any]:
    result = run(
        "compare", log, "--profile", "statutory", "--profile", profile, "--as-of", AS_OF,
        "--format", "json", *args,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA, format_checker=jsonschema.FormatChecker())
    return data


def by_rule(data: dict[str, Any], rule: str) -> dict[str, Any]:
    (row,) = [r for r in data["rules"] if r["rule"] == rule]
    return row


def test_status_counts_under_each_profile_and_the_difference(files: tuple[str, str]) -> None:
    """NOTIFY-HOST: told after 10 h is met under 24 h (statutory) and late under 4 h."""
    data = compare(*files, "--no-suppress")
    host = by_rule(data, "NOTIFY-HOST")
    assert (host["a"]["met"], host["a"]["late"], host["a"]["overdue"]) == (2, 0, 1)
    assert (host["b"]["met"], host["b"]["late"], host["b"]["overdue"]) == (1, 1, 1)
    assert host["difference"]["met"] == -1 and host["difference"]["late"] == 1
    assert host["difference"]["judged"] == 0
    assert data["profiles"] == {"a": "statutory", "b": "relaunch"}
    assert data["episodes"] == 3 and data["suppressed"] is False


def test_per_owner_the_duty_moves_to_the_host(files: tuple[str, str]) -> None:
    """RHI-72H under rhi_owner_out_of_area = host (from the relaunch): owned by HOST."""
    data = compare(*files, "--no-suppress")
    owners = {(r["owner"], r["rule"]): r for r in data["owners"]}
    assert owners[(LA, "RHI-72H")]["a"]["judged"] == 3
    assert owners[(LA, "RHI-72H")]["b"]["judged"] == 1
    assert owners[(HOST, "RHI-72H")]["a"]["judged"] == 0
    assert owners[(HOST, "RHI-72H")]["difference"]["met"] == 2


def test_the_parameters_that_differ_are_listed(files: tuple[str, str]) -> None:
    data = compare(*files)
    (before, after) = data["parameters"]["stretches"]
    assert before == {"from": None, "differences": []}
    assert after["from"] == RELAUNCH
    named = {d["parameter"]: d for d in after["differences"]}
    assert set(named) == {"notify_host_within", "rhi_owner_out_of_area"}
    assert named["notify_host_within"] == {
        "parameter": "notify_host_within", "a": "PT24H", "b": "PT4H", "rules": ["NOTIFY-HOST"],
    }  # fmt: skip


def test_counts_are_suppressed_and_episodes_absent_by_default(files: tuple[str, str]) -> None:
    data = compare(*files)
    host = by_rule(data, "NOTIFY-HOST")
    assert host["a"]["met"] == "c" and host["difference"]["met"] == "c"
    assert host["a"]["judged"] == 3  # a total stays
    assert "episodes_changed" not in data
    text = run("compare", *files[:1], "--profile", "statutory", "--profile", files[1])
    assert "RESTRICTED" not in text.stdout and "Disclosure control" in text.stdout


def test_include_episodes_lists_each_change_and_is_labelled(files: tuple[str, str]) -> None:
    data = compare(*files, "--include-episodes")
    changed = {(x["episode_id"], x["rule"]): x for x in data["episodes_changed"]}
    assert changed[("E2", "NOTIFY-HOST")]["a"]["status"] == "met"
    assert changed[("E2", "NOTIFY-HOST")]["b"]["status"] == "late"
    assert changed[("E3", "RHI-72H")]["a"]["responsible"] == LA
    assert changed[("E3", "RHI-72H")]["b"]["responsible"] == HOST
    assert not any(x["episode_id"] == "E1" for x in changed.values())
    text = run(
        "compare", files[0], "--profile", "statutory", "--profile", files[1], "--as-of", AS_OF,
        "--include-episodes",
    ).stdout  # fmt: skip
    assert "RESTRICTED" in text and "NOT under disclosure control" in text
    assert "E2 (child C2) NOTIFY-HOST: met (owner 309) -> late (owner 309)" in text


def test_the_period_limits_the_episodes_compared(files: tuple[str, str]) -> None:
    data = compare(*files, "--from", RELAUNCH, "--to", "2026-04-01", "--no-suppress")
    assert data["episodes"] == 2
    assert data["period"] == {"from": RELAUNCH, "to": "2026-04-01"}


def test_html_is_one_page(files: tuple[str, str]) -> None:
    result = run(
        "compare", files[0], "--profile", "statutory", "--profile", files[1], "--format", "html"
    )
    assert result.exit_code == 0
    assert result.stdout.startswith("<!DOCTYPE html>") and "NOTIFY-HOST" in result.stdout
    assert "<script" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--profile", "statutory"], "exactly twice"),
        (["--profile", "statutory", "--profile", "nowhere"], "unknown profile"),
        (["--profile", "a", "--profile", "b", "--profile", "c"], "exactly twice"),
        (["--profile", "statutory", "--profile", "london", "--from", "2026-01-01"], "--to"),
        (["--profile", "statutory", "--profile", "london", "--as-of", "soon"], "--as-of"),
    ],
)
def test_usage_errors_exit_2(files: tuple[str, str], args: list[str], message: str) -> None:
    result = run("compare", files[0], *args)
    assert result.exit_code == 2
    assert message in result.output + result.stderr


def test_an_unreadable_file_exits_2(tmp_path: Path) -> None:
    result = run("compare", str(tmp_path / "none.jsonl"), "--profile", "a", "--profile", "b")
    assert result.exit_code == 2


# ---- rules --diff --------------------------------------------------------------------------


def test_profile_diff_cuts_time_at_every_version(files: tuple[str, str]) -> None:
    found = diff(profiles.load("statutory"), profiles.load(files[1]))
    assert [s.effective_from for s in found.stretches] == [
        None,
        profiles.load(files[1]).versions[1].effective_from,
    ]
    assert found.versions_differ[0] == () and len(found.versions_differ[1]) == 1
    assert found.parameters() == ("rhi_owner_out_of_area", "notify_host_within")
    assert diff(profiles.load("london"), profiles.load("london")).same


def test_rules_diff_prints_the_parameters_and_versions_that_differ(files: tuple[str, str]) -> None:
    result = run("rules", "--diff", "statutory", files[1])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"versions only in relaunch: {RELAUNCH}" in out
    assert "from the start: the same parameters" in out
    assert "notify_host_within" in out and "PT24H" in out and "PT4H" in out
    assert "NOTIFY-HOST" in out
    same = run("rules", "--diff", "london", "london").stdout
    assert "the same values at all times" in same


def test_rules_diff_json_and_errors(files: tuple[str, str]) -> None:
    data = json.loads(run("rules", "--diff", "statutory", "london", "--format", "json").stdout)
    (start,) = data["stretches"]
    owner = {d["parameter"]: d for d in start["differences"]}["rhi_owner_out_of_area"]
    assert (owner["a"], owner["b"]) == ("responsible", "host")
    assert "RHI-72H" in owner["rules"]
    assert run("rules", "--diff", "statutory", "nowhere").exit_code == 2
    assert run("rules", "--diff", "statutory").exit_code == 2
    assert run("rules", "--diff", "statutory", "london", "--format", "markdown").exit_code == 2


def test_the_compare_schema_is_valid_and_refuses_damaged_output(files: tuple[str, str]) -> None:
    """schemas/compare.schema.json (issue 13): a draft 2020-12 schema that is not a rubber stamp."""
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    good = compare(*files, "--include-episodes")
    damages = [
        lambda d: d.pop("rules"),
        lambda d: d["rules"][0]["a"].__setitem__("met", -1),
        lambda d: d["rules"][0]["difference"].__setitem__("late", "x"),
        lambda d: d.__setitem__("extra", 1),
        lambda d: d["episodes_changed"][0]["b"].__setitem__("status", "fine"),
        lambda d: d["parameters"]["stretches"][0].pop("differences"),
    ]
    for damage in damages:
        broken = json.loads(json.dumps(good))
        damage(broken)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, SCHEMA)
