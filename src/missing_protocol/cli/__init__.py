"""The console script `missing-protocol`: each command lives in its own module of this package."""

from __future__ import annotations

# Importing a command module registers its command on the group.
from missing_protocol.cli import check as _check  # noqa: F401
from missing_protocol.cli import compare as _compare  # noqa: F401
from missing_protocol.cli import convert as _convert  # noqa: F401
from missing_protocol.cli import demo as _demo  # noqa: F401
from missing_protocol.cli import diagram as _diagram  # noqa: F401
from missing_protocol.cli import intelligence as _intelligence  # noqa: F401
from missing_protocol.cli import report as _report  # noqa: F401
from missing_protocol.cli import rules as _rules  # noqa: F401
from missing_protocol.cli import serve as _serve  # noqa: F401
from missing_protocol.cli import validate as _validate  # noqa: F401
from missing_protocol.cli._app import app


def main() -> None:
    app(prog_name="missing-protocol")
