"""`rules --diff A B` (issue 13): the versions and parameters that differ between two profiles."""

from __future__ import annotations

import json
from typing import Any

import click

from missing_protocol.cli._options import load_profile
from missing_protocol.profiles import Profile
from missing_protocol.profiles.diff import ProfileDiff, diff
from missing_protocol.report.texttable import table
from missing_protocol.rules import REGISTRY


def readers(parameter: str) -> list[str]:
    """The rules that read a parameter (the registry's `parameters`)."""
    return [r.id for r in REGISTRY.values() if parameter in r.parameters]


def _value(value: Any) -> str:
    if value is None:
        return "-"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _versions(profile: Profile) -> str:
    dated = [str(v.effective_from) for v in profile.versions if v.effective_from is not None]
    return "one version" if not dated else "versions from " + ", ".join(dated)


def text(d: ProfileDiff) -> list[str]:
    """The difference in words, a stretch of time at a time."""
    a, b = d.a.name, d.b.name
    lines = [f"profiles {a} ({_versions(d.a)}) and {b} ({_versions(d.b)})"]
    only_a, only_b = d.versions_differ
    for name, dates in ((a, only_a), (b, only_b)):
        if dates:
            lines.append(f"  versions only in {name}: {', '.join(map(str, dates))}")
    for stretch in d.stretches:
        when = (
            "from the start" if stretch.effective_from is None else f"from {stretch.effective_from}"
        )
        if not stretch.differences:
            lines.append(f"\n{when}: the same parameters")
            continue
        lines.append(f"\n{when}:")
        rows = [
            [x.parameter, _value(x.a), _value(x.b), ", ".join(readers(x.parameter)) or "-"]
            for x in stretch.differences
        ]
        lines += table(["Parameter", a, b, "Rules"], rows)
    if d.same:
        lines.append("\nthe two profiles set the same values at all times")
    return lines


def print_diff(spec_a: str, spec_b: str, *, fmt: str) -> None:
    if fmt == "markdown":
        raise click.UsageError("--diff prints text or json, not markdown")
    found = diff(load_profile(spec_a), load_profile(spec_b))
    if fmt == "json":
        data = found.to_dict()
        for stretch in data["stretches"]:
            for x in stretch["differences"]:
                x["rules"] = readers(x["parameter"])
        click.echo(json.dumps(data, indent=2))
        return
    for line in text(found):
        click.echo(line)
