"""Profiles (PROTOCOL.md "Profiles and versions"): shipped, user TOML overrides, dated versions,
and errors that name the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders import finding, found, placed_out_of_area, reported
from missing_protocol import Profile, ProfileError, check, load_profile
from missing_protocol.cli import app
from missing_protocol.clock import Elapsed, WorkingDays
from missing_protocol.profiles import PARAMETER_NAMES, RhiOwnerOutOfArea

# shared/PROTOCOL.md, the defaults of the rule table.
STATUTORY = {
    "max_age": 18,
    "rhi_within": "PT72H",
    "rhi_owner_out_of_area": "responsible",
    "one_interview_covers_open_episodes": False,
    "notify_host_within": "PT24H",
    "notify_responsible_within": "PT24H",
    "notify_iro_within": "PT72H",
    "strategy_high_risk_within": "PT24H",
    "long_missing_after": "PT72H",
    "strategy_long_within": "PT24H",
    "repeat_count": 3,
    "repeat_window": "P90D",
    "strategy_repeat_within": "5 working days",
    "plan_within": "10 working days",
    "self_report_follow_up_within": "5 working days",
}


def toml(tmp_path: Path, text: str, name: str = "local.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_statutory_profile_has_the_catalogue_defaults() -> None:
    profile = load_profile("statutory")
    assert profile.name == "statutory"
    assert len(profile.versions) == 1
    values = profile.versions[0].parameters.to_dict()
    assert {k: values[k] for k in STATUTORY} == STATUTORY
    assert set(values) == set(PARAMETER_NAMES)


def test_london_profile_extends_statutory_with_host_interviews() -> None:
    london = load_profile("london")
    values = london.versions[0].parameters.to_dict()
    assert values["rhi_owner_out_of_area"] == "host"
    assert {k: v for k, v in values.items() if k != "rhi_owner_out_of_area"} == {
        k: v
        for k, v in load_profile("statutory").versions[0].parameters.to_dict().items()
        if k != "rhi_owner_out_of_area"
    }
    assert london.local_protocol == "London-PG32"
    # Rules citing `Local` name the local protocol under this profile.
    assert london.source_for("London-PG32, Local") == "London-PG32, Local (London-PG32)"
    assert london.source_for("DfE-2014") == "DfE-2014"


def test_load_accepts_a_name_a_path_or_a_profile(tmp_path: Path) -> None:
    path = toml(tmp_path, "[parameters]\nrhi_within = 'PT48H'\n")
    assert load_profile(path).name == "local"  # the file name when the TOML has none
    assert load_profile(str(path)).name == "local"
    profile = load_profile("london")
    assert load_profile(profile) is profile


def test_a_user_toml_overrides_one_parameter_and_inherits_the_rest(tmp_path: Path) -> None:
    path = toml(
        tmp_path,
        'name = "borough"\nlocal_protocol = "Borough missing protocol 2026"\n'
        '[parameters]\nrhi_within = "PT48H"\nstrategy_repeat_within = "3WD"\n',
    )
    profile = load_profile(path)
    params = profile.versions[0].parameters
    assert params.rhi_within == Elapsed(48 * 3600)
    assert params.strategy_repeat_within == WorkingDays(3)
    assert params.notify_iro_within == Elapsed(72 * 3600)  # inherited from statutory
    assert profile.source_for("Local") == "Local (Borough missing protocol 2026)"
    events = [reported("E1", "2026-03-02T20:00:00Z"), found("E1", "2026-03-03T08:00:00Z")]
    result = check(events, as_of="2026-03-20", profile=path)
    assert result.profile == "borough"
    assert finding(result, "RHI-72H").to_dict()["due"] == "2026-03-05T08:00:00+00:00"
    assert (
        finding(result, "STRAT-LONG").source == "London-PG32, Local (Borough missing protocol 2026)"
    )


def test_a_user_file_named_statutory_still_overrides_only_what_it_names(tmp_path: Path) -> None:
    path = toml(tmp_path, '[parameters]\nrhi_within = "PT48H"\n', "statutory.toml")
    profile = load_profile(path)
    assert profile.name == "statutory"
    assert profile.versions[0].parameters.rhi_within == Elapsed(48 * 3600)
    assert profile.versions[0].parameters.max_age == 18


def test_a_user_toml_may_extend_london(tmp_path: Path) -> None:
    path = toml(tmp_path, 'extends = "london"\n[parameters]\nnotify_host_within = "PT12H"\n')
    params = load_profile(path).versions[0].parameters
    assert params.rhi_owner_out_of_area is RhiOwnerOutOfArea.HOST
    assert params.notify_host_within == Elapsed(12 * 3600)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("PT72H", 72 * 3600),
        ("P3D", 72 * 3600),
        ("P1W", 7 * 86400),
        ("PT90M", 5400),
        ("pt1h30m", 5400),
    ],
)
def test_durations_are_iso_8601_elapsed_time(tmp_path: Path, text: str, seconds: int) -> None:
    path = toml(tmp_path, f'[parameters]\nrhi_within = "{text}"\n')
    assert load_profile(path).versions[0].parameters.rhi_within == Elapsed(seconds)


@pytest.mark.parametrize("text", ["10 working days", "10WD", "10 Working Days"])
def test_durations_may_be_working_days(tmp_path: Path, text: str) -> None:
    path = toml(tmp_path, f'[parameters]\nplan_within = "{text}"\n')
    assert load_profile(path).versions[0].parameters.plan_within == WorkingDays(10)


# --- Dated versions --------------------------------------------------------------------------

RELAUNCH = """
name = "relaunch"
[parameters]
notify_iro_within = "PT48H"

# Versions may be listed in any order; each changes only what it names.
[[versions]]
effective_from = 2026-07-01
notify_iro_within = "PT24H"

[[versions]]
effective_from = "2026-04-01"
[versions.parameters]
rhi_owner_out_of_area = "host"
"""


def test_dated_versions_carry_forward_what_they_do_not_change(tmp_path: Path) -> None:
    profile = load_profile(toml(tmp_path, RELAUNCH))
    assert [str(v.effective_from) for v in profile.versions] == ["None", "2026-04-01", "2026-07-01"]
    start, april, july = (v.parameters for v in profile.versions)
    assert (start.notify_iro_within, start.rhi_owner_out_of_area.value) == (
        Elapsed(172800),
        "responsible",
    )
    assert (april.notify_iro_within, april.rhi_owner_out_of_area.value) == (Elapsed(172800), "host")
    assert (july.notify_iro_within, july.rhi_owner_out_of_area.value) == (Elapsed(86400), "host")


@pytest.mark.parametrize(
    ("reported_at", "iro_due"),
    [
        # 23:30 BST on 30 June: the version before the relaunch (48 h).
        ("2026-06-30T22:30:00Z", "2026-07-02T23:30:00+01:00"),
        # 00:30 BST on 1 July (still 30 June in UTC): the relaunched version (24 h).
        ("2026-06-30T23:30:00Z", "2026-07-02T00:30:00+01:00"),
    ],
)
def test_the_version_in_force_at_the_report_judges_the_episode(
    tmp_path: Path, reported_at: str, iro_due: str
) -> None:
    """An episode is judged by the version in force on the London day of its reported.at, however
    late the check runs."""
    profile = load_profile(toml(tmp_path, RELAUNCH))
    result = check([placed_out_of_area("E1", reported_at)], as_of="2026-12-31", profile=profile)
    assert finding(result, "NOTIFY-IRO").to_dict()["due"] == iro_due
    assert finding(result, "NOTIFY-HOST").responsible == "309"


def test_rules_command_shows_the_version_in_force(tmp_path: Path) -> None:
    path = toml(tmp_path, RELAUNCH)
    runner = CliRunner()
    june = runner.invoke(
        app, ["rules", "--profile", str(path), "--as-of", "2026-06-30", "--format", "json"]
    )
    july = runner.invoke(
        app, ["rules", "--profile", str(path), "--as-of", "2026-07-01", "--format", "json"]
    )
    assert june.exit_code == july.exit_code == 0
    assert json.loads(june.output)["parameters"]["notify_iro_within"] == "PT48H"
    assert json.loads(july.output)["parameters"]["notify_iro_within"] == "PT24H"


# --- Errors name the key ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('colour = "red"\n', "'colour'"),
        ('[parameters]\nrhi_whithin = "PT72H"\n', "'rhi_whithin'"),
        ('[parameters]\nrhi_within = "72 hours"\n', "'rhi_within'"),
        ("[parameters]\nrhi_within = 72\n", "'rhi_within'"),
        ('[parameters]\nrepeat_window = "P3M"\n', "'repeat_window'"),
        ('[parameters]\nmax_age = "18"\n', "'max_age'"),
        ("[parameters]\nmax_age = 0\n", "'max_age'"),
        ("[parameters]\nrepeat_count = true\n", "'repeat_count'"),
        (
            '[parameters]\none_interview_covers_open_episodes = "yes"\n',
            "'one_interview_covers_open_episodes'",
        ),
        ('[parameters]\nrhi_owner_out_of_area = "police"\n', "'rhi_owner_out_of_area'"),
        ('[[versions]]\neffective_from = 2026-07-01\nplan_within = "ten days"\n', "'plan_within'"),
        ('[[versions]]\neffective_from = 2026-07-01\nplan_whithin = "PT1H"\n', "'plan_whithin'"),
        (
            "[[versions]]\neffective_from = 2026-07-01\nmax_age = 21\n"
            '[[versions]]\neffective_from = "2026-07-01"\nmax_age = 25\n',
            "'effective_from'",
        ),
        ("[[versions]]\nmax_age = 21\n", "'effective_from'"),
        ('[[versions]]\neffective_from = "July 2026"\n', "'effective_from'"),
        ("[[versions]]\neffective_from = 2026-07-01T00:00:00Z\n", "'effective_from'"),
        ("versions = 3\n", "'versions'"),
        (
            '[[versions]]\neffective_from = 2026-07-01\nnote = "relaunch"\n'
            "[versions.parameters]\nmax_age = 21\n",
            "'note'",
        ),
        ('extends = "paris"\n', "'extends'"),
        ("local_protocol = 5\n", "'local_protocol'"),
        ("name = 5\n", "'name'"),
    ],
    ids=lambda v: v if v.startswith("'") else None,
)
def test_a_bad_profile_is_an_error_naming_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = toml(tmp_path, text)
    with pytest.raises(ProfileError) as problem:
        load_profile(path)
    assert key in str(problem.value)
    assert str(path) in str(problem.value)


def test_overlapping_versions_say_so(tmp_path: Path) -> None:
    path = toml(
        tmp_path,
        "[[versions]]\neffective_from = 2026-07-01\nmax_age = 21\n"
        "[[versions]]\neffective_from = 2026-07-01\nmax_age = 25\n",
    )
    with pytest.raises(ProfileError, match="overlaps another version from 2026-07-01"):
        load_profile(path)


@pytest.mark.parametrize(
    ("spec", "message"),
    [("no-such-profile", "unknown profile 'no-such-profile'"), ("broken.toml", "not valid TOML")],
)
def test_a_missing_or_unparsable_profile_is_an_error(
    tmp_path: Path, spec: str, message: str
) -> None:
    toml(tmp_path, "[parameters\n", "broken.toml")
    target = str(tmp_path / spec) if spec.endswith(".toml") else spec
    with pytest.raises(ProfileError, match=message.replace("(", r"\(")):
        load_profile(target)


def test_profile_objects_are_plain_values() -> None:
    assert isinstance(load_profile("statutory"), Profile)
    assert load_profile("statutory") == load_profile("statutory")
