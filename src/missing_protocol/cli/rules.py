"""`missing-protocol rules`: the rule catalogue in force, from the registry."""

from __future__ import annotations

import json
from typing import Any

import click

from missing_protocol import clock
from missing_protocol.check import parse_as_of
from missing_protocol.cli._app import app
from missing_protocol.cli._options import load_profile
from missing_protocol.cli._output import echo
from missing_protocol.profiles import Parameters, Profile
from missing_protocol.rules import REGISTRY
from missing_protocol.rules.catalogue import render_rules_page


def catalogue(profile: Profile, params: Parameters) -> list[dict[str, Any]]:
    values = params.to_dict()
    return [
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


@app.command("rules")
@click.option(
    "--profile", default="statutory", show_default=True, help="statutory, london or a TOML file."
)
@click.option(
    "--as-of", "as_of", default=None, help="Show the profile version in force at this date."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: the docs page (docs/rules.md is this for the statutory profile).",
)
def rules_command(profile: str, as_of: str | None, fmt: str) -> None:
    """List every rule with its source, owner and the parameter values in force."""
    chosen = load_profile(profile)
    try:
        moment = parse_as_of(as_of)
    except clock.TimeError as problem:
        raise click.UsageError(f"--as-of: {problem}") from None
    if fmt == "markdown":
        echo(render_rules_page(chosen), nl=False)
        return
    params = chosen.at(moment)
    entries = catalogue(chosen, params)
    if fmt == "json":
        echo(
            json.dumps(
                {"profile": chosen.name, "rules": entries, "parameters": params.to_dict()}, indent=2
            )
        )
        return
    echo(f"profile {chosen.name}: {chosen.description}")
    for e in entries:
        echo(f"\n{e['id']}  {e['title']}\n  source: {e['source']}; owner: {e['owner']}")
        if e["summary"]:
            echo(f"  {e['summary']}")
        for name, value in e["parameters"].items():
            echo(f"  {name} = {value}")
