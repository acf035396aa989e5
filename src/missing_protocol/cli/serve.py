"""`missing-protocol serve`: the HTTP service (extra `serve`), one worker, until interrupted."""

from __future__ import annotations

import socket

import click

from missing_protocol.cli._app import app, require_extra, usage_error


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
    _check_listen(host, port)
    from missing_protocol.serve import run

    run(host, port, max_body_bytes=max_body)


def _check_listen(host: str, port: int) -> None:
    """A host that does not resolve or a port in use is the user's to fix: one line, exit 2
    (CONTRACT §3), not the server's start-up failure."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind(address)
    except OSError as problem:
        reason = problem.strerror or str(problem)
        raise usage_error(f"cannot listen on {host}:{port}: {reason}") from None
