"""The console script loads only the module of the command it runs (CONTRACT §4 commands), and
the lazy map names every command each module registers."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import missing_protocol.cli as cli_package
from missing_protocol.cli import app
from missing_protocol.cli._app import COMMAND_MODULES


def test_the_map_names_every_registered_command_and_its_module() -> None:
    for info in pkgutil.iter_modules(cli_package.__path__):
        importlib.import_module(f"missing_protocol.cli.{info.name}")
    registered = {
        name: command.callback.__module__.rsplit(".", 1)[1]
        for name, command in app.commands.items()
        if command.callback is not None
    }
    assert registered == COMMAND_MODULES


_PROBE = """
import json, sys
from missing_protocol.cli import main
sys.argv = ["missing-protocol", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m.startswith("missing_protocol.cli."))
sys.stderr.write(json.dumps(loaded))
"""


def _loaded(*args: str) -> set[str]:
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True
    )
    return {m.rsplit(".", 1)[1] for m in json.loads(run.stderr.splitlines()[-1])}


def test_check_loads_no_other_command_module() -> None:
    loaded = _loaded("check", "--format", "json", "examples/dst-autumn.jsonl")
    commands = set(COMMAND_MODULES.values())
    assert loaded & commands == {"check"}


def test_help_lists_every_command_without_running_one() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name in COMMAND_MODULES:
        assert f"  {name} " in result.output


def test_a_mistyped_command_is_still_answered_with_the_close_ones() -> None:
    """CONTRACT §3 usage error (exit 2): click suggests the commands close to a mistyped one
    from those registered, so a fresh process must know them all though none is loaded yet."""
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, "valdate", "log.jsonl"], capture_output=True, text=True
    )
    first = run.stderr.splitlines()[0]
    assert "No such command 'valdate'." in first
    assert "Did you mean 'validate'?" in first
