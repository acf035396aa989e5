"""Protocol profiles: named parameter sets with dated versions (PROTOCOL.md "Profiles and versions").

A profile TOML has `name`, optional `extends` (a shipped profile, default `statutory`),
`description`, `local_protocol`, a `[parameters]` table and optional `[[versions]]` tables, each
with `effective_from` (a date) and the parameters that change from then on. An episode is judged
by the version in force at its `reported.at`.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import os
import tomllib
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import attrs
import pendulum

from missing_protocol import clock
from missing_protocol.clock import Duration

SHIPPED = ("statutory", "london")


class ProfileError(ValueError):
    """A profile that cannot be used; the message names the file and the key."""


class RhiOwnerOutOfArea(enum.StrEnum):
    RESPONSIBLE = "responsible"
    HOST = "host"


def _local(description: str) -> dict[str, Any]:
    return {"local": True, "doc": description}


def _statutory(description: str) -> dict[str, Any]:
    return {"local": False, "doc": description}


@attrs.frozen
class Parameters:
    """The values one version of a profile sets; every field is a key of `[parameters]`."""

    max_age: int = attrs.field(metadata=_local("age at return from which duties stop"))
    rhi_within: Duration = attrs.field(metadata=_statutory("return interview deadline after found"))
    rhi_owner_out_of_area: RhiOwnerOutOfArea = attrs.field(
        metadata=_local("who interviews a child placed out of area: responsible or host")
    )
    one_interview_covers_open_episodes: bool = attrs.field(
        metadata=_local("one interview after the later return meets earlier episodes' RHI-72H")
    )
    notify_host_within: Duration = attrs.field(metadata=_local("notify the host authority"))
    notify_responsible_within: Duration = attrs.field(
        metadata=_local("notify the responsible authority")
    )
    notify_iro_within: Duration = attrs.field(metadata=_local("notify the IRO"))
    strategy_high_risk_within: Duration = attrs.field(
        metadata=_local("strategy discussion after a high-risk report")
    )
    long_missing_after: Duration = attrs.field(
        metadata=_local("an episode open this long after report is long-missing")
    )
    strategy_long_within: Duration = attrs.field(
        metadata=_local("strategy discussion once an episode is long-missing")
    )
    repeat_count: int = attrs.field(metadata=_local("the report count that triggers STRAT-REPEAT"))
    repeat_window: Duration = attrs.field(
        metadata=_local("the window the repeat count is taken in")
    )
    strategy_repeat_within: Duration = attrs.field(
        metadata=_local("strategy discussion after repeat missing")
    )
    plan_within: Duration = attrs.field(metadata=_local("plan after a completed interview"))
    self_report_follow_up_within: Duration = attrs.field(
        metadata=_local("follow-up of a self-report that matches no episode")
    )
    self_report_tolerance: Duration = attrs.field(
        metadata=_local("slack when matching a self-report to recorded episodes")
    )
    home_authority: str | None = attrs.field(
        default=None, metadata=_local("the authority that owns duties with no episode to go by")
    )

    def to_dict(self) -> dict[str, Any]:
        return {a.name: _show(getattr(self, a.name)) for a in attrs.fields(type(self))}


def _show(value: object) -> Any:
    if isinstance(value, clock.Elapsed | clock.WorkingDays):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


PARAMETER_NAMES = tuple(a.name for a in attrs.fields(Parameters))


@attrs.frozen
class ProfileVersion:
    effective_from: pendulum.Date | None
    parameters: Parameters


@attrs.frozen
class Profile:
    name: str
    description: str
    local_protocol: str | None
    versions: tuple[ProfileVersion, ...]  # oldest first; the first has effective_from None

    def at(self, moment: dt.datetime) -> Parameters:
        """The parameters in force at `moment` (an episode's `reported.at`)."""
        if len(self.versions) == 1:
            return self.versions[0].parameters  # the common case: no dated versions to choose
        day = clock.london_date(moment)
        current = self.versions[0].parameters
        for version in self.versions[1:]:
            if version.effective_from is not None and version.effective_from <= day:
                current = version.parameters
        return current

    def source_for(self, rule_source: str) -> str:
        """A rule's source with the local protocol named where the rule cites `Local`."""
        if self.local_protocol and "Local" in rule_source:
            return rule_source.replace("Local", f"Local ({self.local_protocol})")
        return rule_source


def _convert(key: str, raw: Any, where: str) -> Any:
    field = attrs.fields_dict(Parameters)[key]
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", "")
    try:
        if "Duration" in kind:
            if not isinstance(raw, str):
                raise ProfileError("expected a duration string such as PT72H or '5 working days'")
            return clock.parse_duration(raw)
        if kind == "int":
            if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
                raise ProfileError("expected a positive whole number")
            return raw
        if kind == "bool":
            if not isinstance(raw, bool):
                raise ProfileError("expected true or false")
            return raw
        if "RhiOwnerOutOfArea" in kind:
            if not isinstance(raw, str) or raw not in set(RhiOwnerOutOfArea):
                allowed = ", ".join(RhiOwnerOutOfArea)
                raise ProfileError(f"{raw!r} is not one of: {allowed}")
            return RhiOwnerOutOfArea(raw)
        if not isinstance(raw, str):
            raise ProfileError("expected a string")
        if not raw.strip():  # an authority code, refused blank as in the log
            raise ProfileError("must not be empty")
        return raw
    except (ValueError, clock.TimeError) as problem:
        raise ProfileError(f"{where}: parameter {key!r}: {problem}") from None


def _parameters(base: Parameters | None, table: Any, where: str) -> Parameters:
    if not isinstance(table, Mapping):
        raise ProfileError(f"{where}: expected a table of parameters")
    unknown = sorted(set(table) - set(PARAMETER_NAMES))
    if unknown:
        raise ProfileError(
            f"{where}: unknown parameter {unknown[0]!r} (known: {', '.join(PARAMETER_NAMES)})"
        )
    values = {k: _convert(k, v, where) for k, v in table.items()}
    if base is None:
        missing = [n for n in PARAMETER_NAMES if n not in values and n != "home_authority"]
        if missing:
            raise ProfileError(f"{where}: missing parameter {missing[0]!r}")
        return Parameters(**values)
    return attrs.evolve(base, **values)


_TOP_KEYS = {"name", "description", "extends", "local_protocol", "parameters", "versions"}


def profile_from_mapping(data: Mapping[str, Any], where: str = "profile") -> Profile:
    """Build a profile from parsed TOML; every problem is a ProfileError naming the key."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise ProfileError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})"
        )
    parent_name = data.get("extends")
    if parent_name is None and data.get("name") != "statutory":
        parent_name = "statutory"
    base: Parameters | None = None
    local_protocol = data.get("local_protocol")
    for key in ("local_protocol", "description", "extends"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ProfileError(f"{where}: key {key!r} must be a string")
    if parent_name is not None:
        if parent_name not in SHIPPED:
            raise ProfileError(f"{where}: key 'extends': unknown profile {parent_name!r}")
        parent = shipped(parent_name)
        base = parent.versions[0].parameters
        local_protocol = local_protocol or parent.local_protocol
    first = _parameters(base, data.get("parameters", {}), f"{where} [parameters]")
    versions = [ProfileVersion(None, first)]
    raw_versions = data.get("versions", [])
    if not isinstance(raw_versions, list):
        raise ProfileError(f"{where}: key 'versions' must be an array of tables ([[versions]])")
    dated: list[tuple[pendulum.Date, Mapping[str, Any]]] = []
    for i, table in enumerate(raw_versions):
        at = f"{where} [[versions]] #{i + 1}"
        if not isinstance(table, Mapping) or "effective_from" not in table:
            raise ProfileError(f"{at}: key 'effective_from' is required")
        day = _date(table["effective_from"], f"{at}: key 'effective_from'")
        if any(day == other for other, _ in dated):
            raise ProfileError(f"{at}: key 'effective_from': overlaps another version from {day}")
        dated.append((day, {k: v for k, v in table.items() if k != "effective_from"}))
    dated.sort(key=lambda pair: pair[0])
    current = first
    for day, table in dated:
        if "parameters" in table and len(table) > 1:
            # Keys beside a [versions.parameters] table would otherwise be silently ignored.
            extra = sorted(k for k in table if k != "parameters")
            raise ProfileError(
                f"{where} version {day}: unknown key {extra[0]!r} "
                "(put parameters in [versions.parameters] or directly in [[versions]], not both)"
            )
        # Each version changes only what it names; the rest carries on from the one before.
        current = _parameters(current, table.get("parameters", table), f"{where} version {day}")
        versions.append(ProfileVersion(day, current))
    name = data.get("name", where)
    if not isinstance(name, str):
        raise ProfileError(f"{where}: key 'name' must be a string")
    if not name.strip():  # it names the profile in every result (`profile`, never empty)
        raise ProfileError(f"{where}: key 'name' must not be empty")
    return Profile(name, str(data.get("description", "")), local_protocol, tuple(versions))


def _date(raw: Any, where: str) -> pendulum.Date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return pendulum.Date(raw.year, raw.month, raw.day)
    if not isinstance(raw, str):  # in TOML's words, not Python's ("got datetime")
        kind = "a date-time" if isinstance(raw, dt.datetime | dt.time) else _toml_kind(raw)
        raise ProfileError(f"{where}: expected a date such as 2026-07-01, got {kind}")
    try:
        return clock.parse_date(raw)
    except clock.TimeError as problem:
        raise ProfileError(f"{where}: {problem}") from None


def _toml_kind(raw: Any) -> str:
    if isinstance(raw, bool):
        return "a boolean"
    if isinstance(raw, int | float):
        return "a number"
    return "an array" if isinstance(raw, list) else "a table"


@functools.cache
def shipped(name: str) -> Profile:
    """A profile shipped with the package (`statutory`, `london`); read once, it is frozen."""
    if name not in SHIPPED:
        raise ProfileError(
            f"unknown profile {name!r}: use one of {', '.join(SHIPPED)} or a TOML path"
        )
    text = resources.files(__package__).joinpath(f"{name}.toml").read_text("utf-8")
    return profile_from_mapping(tomllib.loads(text), name)


def load(spec: str | os.PathLike[str] | Profile) -> Profile:
    """A shipped profile by name, a TOML file by path, or a Profile as it is."""
    if isinstance(spec, Profile):
        return spec
    if isinstance(spec, str) and spec in SHIPPED:
        return shipped(spec)
    path = Path(spec)
    if not str(spec) or not path.exists():  # "" would be Path("."), the working directory
        raise ProfileError(
            f"unknown profile {str(spec)!r}: use one of {', '.join(SHIPPED)} or a TOML path"
        )
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as problem:
        raise ProfileError(f"{path}: cannot read: {problem}") from None
    except tomllib.TOMLDecodeError as problem:
        raise ProfileError(f"{path}: not valid TOML: {problem}") from None
    data.setdefault("name", path.stem)
    # A user file overrides a shipped profile, even one named (or saved as) "statutory".
    data.setdefault("extends", "statutory")
    return profile_from_mapping(data, str(path))
