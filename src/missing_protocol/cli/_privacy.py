"""Options for restricted intelligence and pseudonymised output, shared by every command.

`--include-intelligence` adds person and self-report detail (never shown by default);
`--pseudonymise-key FILE` replaces child, person, episode and self-report ids in the parsed
events, before anything is computed, so every output (text, JSON, CSV, HTML) holds only
pseudonyms.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import attrs
import click

from missing_protocol.cli._output import echo
from missing_protocol.formats.events import Parsed
from missing_protocol.privacy import Pseudonymiser, PseudonymKeyError, load_key

F = TypeVar("F", bound=Callable[..., Any])


def include_intelligence_option(func: F) -> F:
    return click.option(
        "--include-intelligence",
        "include_intelligence",
        is_flag=True,
        help="Add restricted detail: persons of concern and young people's self-reports.",
    )(func)


def pseudonymise_option(func: F) -> F:
    return click.option(
        "--pseudonymise-key",
        "pseudonymise_key",
        default=None,
        type=click.Path(dir_okay=False),
        help="Replace child, person, episode and self-report ids with an HMAC-SHA256 keyed "
        "hash (key file) before anything is computed.",
    )(func)


@attrs.frozen
class Privacy:
    """Whether ids are replaced: the key is read (and a bad one refused) when this is made."""

    key_file: str | None
    pseudonymiser: Pseudonymiser | None = attrs.field(init=False)

    @pseudonymiser.default
    def _load(self) -> Pseudonymiser | None:
        if self.key_file is None:
            return None
        try:
            return load_key(self.key_file)
        except PseudonymKeyError as problem:
            raise click.UsageError(f"--pseudonymise-key: {problem}") from None

    @property
    def active(self) -> bool:
        return self.pseudonymiser is not None

    def apply(self, parsed: Iterable[Parsed]) -> Iterator[Parsed]:
        """The parsed events with ids replaced (unchanged without a key)."""
        if self.pseudonymiser is None:
            return iter(parsed)
        return self.pseudonymiser.parsed(parsed)


def emit(fmt: str, data: dict[str, Any], text: str) -> None:
    """The output on standard output: JSON (indented, UTF-8 as is) or the text."""
    if fmt == "json":
        echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        echo(text, nl=False)
