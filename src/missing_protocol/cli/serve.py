"""`missing-protocol serve`: the HTTP service (extra `serve`), one worker, until interrupted."""

from __future__ import annotations

import click

from missing_protocol.cli._app import app, require_extra


@app.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--max-body",
    "max_body",
    default=16 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(1),
    metavar="BYTES",
    help="Larger request bodies are refused with 413.",
)
def serve_command(host: str, port: int, max_body: int) -> None:
    """Serve check, validate and the rule catalogue over HTTP (OpenAPI at /openapi.json)."""
    require_extra("serve", "serve", "starlette", "uvicorn")
    from missing_protocol.serve import run

    run(host, port, max_body_bytes=max_body)
