"""`missing-protocol diagram`: the episode lifecycle drawn from the state machine."""

from __future__ import annotations

import click

from missing_protocol import diagram
from missing_protocol.cli._app import app
from missing_protocol.cli._output import echo


@app.command("diagram")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(diagram.FORMATS)),
    default="mermaid",
    show_default=True,
    help="Diagram language.",
)
def diagram_command(fmt: str) -> None:
    """Print the episode lifecycle (states and transitions) as mermaid or Graphviz dot."""
    echo(diagram.FORMATS[fmt](), nl=False)
