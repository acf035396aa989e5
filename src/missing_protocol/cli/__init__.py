"""The console script `missing-protocol`: each command lives in its own module of this package."""

from __future__ import annotations

from missing_protocol.cli import diagram as _diagram  # noqa: F401  (registers the command)
from missing_protocol.cli._app import app


def main() -> None:
    app(prog_name="missing-protocol")
