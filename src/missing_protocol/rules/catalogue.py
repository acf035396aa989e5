"""The rule catalogue page (docs/rules.md), rendered from the registry and a profile.

`render_rules_page` is pure: the same registry and profile give the same markdown, so a test can
check that the page in docs/ is current. Regenerate it with

    python -m missing_protocol.rules.catalogue > docs/rules.md
"""

from __future__ import annotations

from typing import Any

import attrs

from missing_protocol.profiles import Parameters, Profile, ProfileVersion, shipped
from missing_protocol.rules.registry import REGISTRY, Rule

COMMAND = "missing-protocol rules --format markdown > docs/rules.md"


def rules_document(profile: Profile, params: Parameters) -> dict[str, Any]:
    """The catalogue in force as JSON (`rules --format json`, `GET /v1/rules`)."""
    values = params.to_dict()
    entries = [
        {
            "id": r.id,
            "title": r.title,
            "summary": r.summary,
            "source": profile.source_for(r.source),
            "owner": r.owner,
            "family": r.family,
            "parameters": {name: values[name] for name in r.parameters},
        }
        for r in REGISTRY.values()
    ]
    return {"profile": profile.name, "rules": entries, "parameters": values}


def _cell(text: object) -> str:
    # A table cell: no line breaks, and a literal | must not end the cell.
    return " ".join(str(text).split()).replace("|", "\\|")


def _value(version: ProfileVersion, name: str) -> str:
    value = version.parameters.to_dict()[name]
    if value is None:
        return "—"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def _heading(version: ProfileVersion) -> str:
    return "value" if version.effective_from is None else f"from {version.effective_from}"


def _rule_section(rule: Rule, profile: Profile) -> list[str]:
    latest = profile.versions[-1]
    lines = [f"## {rule.id}", "", f"**{rule.title}**", ""]
    if rule.summary:
        lines += [rule.summary, ""]
    lines += [f"- Source: {profile.source_for(rule.source)}", f"- Owner: {rule.owner}"]
    if rule.parameters:
        shown = ", ".join(f"[`{p}`](#parameters) = {_value(latest, p)}" for p in rule.parameters)
        lines.append(f"- Parameters: {shown}")
    return [*lines, ""]


def _parameters_table(profile: Profile) -> list[str]:
    versions = profile.versions
    head = ["parameter", *(_heading(v) for v in versions), "local", "meaning"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for field in attrs.fields(Parameters):
        values = [_value(v, field.name) for v in versions]
        local = "yes" if field.metadata.get("local") else "no"
        doc = _cell(field.metadata.get("doc", ""))
        lines.append(f"| `{field.name}` | " + " | ".join([*values, local, doc]) + " |")
    return lines


def render_rules_page(profile: Profile | None = None, *, family: str = "protocol") -> str:
    """The markdown catalogue of the `family` rules with `profile`'s values (default statutory)."""
    chosen = profile if profile is not None else shipped("statutory")
    rules = [r for r in REGISTRY.values() if r.family == family]
    lines = [
        "# Rule catalogue",
        "",
        f"<!-- Generated from the rule registry with the `{chosen.name}` profile by `{COMMAND}`.",
        "     Do not edit by hand: a test checks that this page is current. -->",
        "",
        f"The {family} rules the library checks, as registered in `missing_protocol.rules`, with "
        f"the values of the `{chosen.name}` profile"
        + (f" ({_cell(chosen.description)})" if chosen.description else "")
        + ". `missing-protocol rules --profile NAME` prints the same for any profile, and every "
        "finding names its rule id and source. Deadlines are elapsed time unless given in "
        "working days (England and Wales bank holidays skipped).",
        "",
        "| id | title | owner | source |",
        "|---|---|---|---|",
    ]
    for r in rules:
        anchor = r.id.lower()
        lines.append(
            f"| [{r.id}](#{anchor}) | {_cell(r.title)} | {_cell(r.owner)} "
            f"| {_cell(chosen.source_for(r.source))} |"
        )
    lines.append("")
    for r in rules:
        lines += _rule_section(r, chosen)
    lines += [
        "## Parameters",
        "",
        "Parameters marked *local* differ between areas; a profile TOML may override any of "
        "them, and may hold dated versions (`effective_from`): an episode is judged by the "
        "version in force on the London day of its report.",
        "",
        *_parameters_table(chosen),
    ]
    return "\n".join(lines) + "\n"
