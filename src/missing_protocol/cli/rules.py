"""`missing-protocol rules`: the rule catalogue in force, from the registry."""

from __future__ import annotations

import json

import click

from missing_protocol import clock
from missing_protocol.check import parse_as_of
from missing_protocol.cli._app import app
from missing_protocol.cli._options import load_profile
from missing_protocol.cli._output import echo
from missing_protocol.cli._profile_diff import print_diff
from missing_protocol.rules.catalogue import render_rules_page, rules_document


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
@click.option(
    "--diff",
    "diff_profiles",
    nargs=2,
    default=None,
    metavar="A B",
    help="Instead: the versions and parameters that differ between profiles A and B (text|json).",
)
def rules_command(
    profile: str, as_of: str | None, fmt: str, diff_profiles: tuple[str, str] | None
) -> None:
    """List every rule with its source, owner and the parameter values in force."""
    if diff_profiles:
        print_diff(*diff_profiles, fmt=fmt)
        return
    chosen = load_profile(profile)
    try:
        moment = parse_as_of(as_of)
    except clock.TimeError as problem:
        raise click.UsageError(f"--as-of: {problem}") from None
    if fmt == "markdown":
        echo(render_rules_page(chosen), nl=False)
        return
    params = chosen.at(moment)
    document = rules_document(chosen, params)
    if fmt == "json":
        echo(json.dumps(document, indent=2))
        return
    entries = document["rules"]
    echo(f"profile {chosen.name}: {chosen.description}")
    for e in entries:
        echo(f"\n{e['id']}  {e['title']}\n  source: {e['source']}; owner: {e['owner']}")
        if e["summary"]:
            echo(f"  {e['summary']}")
        for name, value in e["parameters"].items():
            echo(f"  {name} = {value}")
