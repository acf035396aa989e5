"""The click group every command module registers on (thin: parse, call the API, print)."""

from __future__ import annotations

import importlib

import click

from missing_protocol.cli._output import echo

# CONTRACT §3 exit codes; click itself exits 2 on usage errors.
EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


@click.group(
    name="missing-protocol",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="missing-protocol")
def app() -> None:
    """Check, report on and drive the protocol for children missing from home or care."""


def usage_error(message: str) -> click.exceptions.Exit:
    """Print a usage problem on stderr and return the exit to raise (code 2)."""
    echo(f"missing-protocol: error: {message}", err=True)
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
