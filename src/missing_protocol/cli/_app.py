"""The click group every command module registers on (thin: parse, call the API, print)."""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from missing_protocol.check import paused_gc
from missing_protocol.cli._output import echo
from missing_protocol.common.texttable import visible
from missing_protocol.engine.processes import TemporaryFolderFull

# CONTRACT §3 exit codes; click itself exits 2 on usage errors.
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C


# Each command's module, imported when that command is asked for: a `check` does not pay for
# loading `convert`, `report` or `serve` (tests/test_cli_lazy.py keeps this map complete).
COMMAND_MODULES = {
    "check": "check",
    "due": "check",
    "compare": "compare",
    "convert": "convert",
    "demo": "demo",
    "diagram": "diagram",
    "hotspots": "intelligence",
    "persons": "intelligence",
    "self-reports": "intelligence",
    "report": "report",
    "rules": "rules",
    "serve": "serve",
    "validate": "validate",
}


class _Commands(click.Group):
    """The command group, whose usage errors are all one line on stderr and exit 2, whether
    click found them (an unknown option, a bad choice) or a command did (`usage_error`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            # Importing a command module registers its commands on this group.
            importlib.import_module(f"missing_protocol.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in COMMAND_MODULES:
            # Not a command: click suggests close names from the registered ones, so load them.
            for module in sorted(set(COMMAND_MODULES.values())):
                importlib.import_module(f"missing_protocol.cli.{module}")
        return super().resolve_command(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError as problem:
            # click would print the whole help as the "error": one line naming the commands.
            commands = ", ".join(self.list_commands(problem.ctx)) if problem.ctx else ""
            where = f" (see `{info_name} --help`)" if info_name else ""
            raise usage_error(f"give a command: {commands}{where}") from None
        except click.UsageError as problem:
            raise _one_line(problem) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as problem:
            raise _one_line(problem) from None
        except TemporaryFolderFull as full:
            # A spilled log with no room left: the output itself was never the problem.
            raise usage_error(
                f"no room left in the temporary folder {full.filename} ({full.strerror}): "
                "set TMPDIR to a folder on a disk with more room"
            ) from None
        except KeyboardInterrupt:
            # Ctrl-C: one line and the shell's 128 + SIGINT, not click's "Aborted!" and 1 (which
            # reads as problems found); temporary files and workers are gone as the run unwound.
            # On a terminal a line break first ends the `^C` it echoed.
            start = "\n" if sys.stderr is not None and sys.stderr.isatty() else ""
            echo(f"{start}missing-protocol: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None


def _one_line(problem: click.UsageError) -> click.exceptions.Exit:
    where = f" (see `{problem.ctx.command_path} --help`)" if problem.ctx is not None else ""
    return usage_error(problem.format_message() + where)


@click.group(
    name="missing-protocol",
    cls=_Commands,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="missing-protocol")
@click.pass_context
def app(ctx: click.Context) -> None:
    """Check, report on and drive the protocol for children missing from home or care."""
    # A command runs once over a log of frozen values (no cycles to find), so the cyclic GC
    # is paused while it runs: its passes over a large heap cost more than reading (measured:
    # report on 10k episodes 5.1 -> 3.6 s). Not for `serve`, which runs for as long as it is up.
    if ctx.invoked_subcommand != "serve":
        ctx.with_resource(paused_gc())


def usage_error(message: str) -> click.exceptions.Exit:
    """Print a usage problem on stderr and return the exit to raise (code 2)."""
    echo(f"missing-protocol: error: {visible(message)}", err=True)
    return click.exceptions.Exit(EXIT_USAGE)


def require_extra(command: str, extra: str, *modules: str) -> None:
    """Exit 2 with one line naming the extra to install when a module it brings is missing."""
    try:
        for module in modules:
            importlib.import_module(module)
    except ImportError:
        raise usage_error(
            f"`{command}` needs the '{extra}' extra: pip install 'missing-protocol[{extra}]'"
        ) from None
