"""Options for restricted intelligence and pseudonymised output, shared by every command.

`--include-intelligence` adds person and self-report detail (never shown by default);
`--pseudonymise-key FILE` replaces child and person ids in the whole output with keyed hashes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
import click

from missing_protocol.intelligence.pseudonymise import PseudonymKeyError, Scrubber, load_key

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
        help="Replace child and person ids in the output with an HMAC-SHA256 keyed hash (key file).",
    )(func)


@attrs.frozen
class Privacy:
    """What the output must hide: nothing, or the ids seen while reading (filled as it streams)."""

    key_file: str | None
    seen: set[str] = attrs.field(factory=set)

    @property
    def active(self) -> bool:
        return self.key_file is not None

    def scrubber(self, extra: Iterable[str] = ()) -> Scrubber | None:
        if self.key_file is None:
            return None
        try:
            pseudonymiser = load_key(self.key_file)
        except PseudonymKeyError as problem:
            raise click.UsageError(f"--pseudonymise-key: {problem}") from None
        return pseudonymiser.scrubber({*self.seen, *extra})

    def check_key(self) -> None:
        """Fail on a bad key before any work is done (usage error, exit 2)."""
        self.scrubber()

    def text(self, value: str) -> str:
        scrub = self.scrubber()
        return value if scrub is None else scrub.text(value)

    def data(self, value: Any) -> Any:
        scrub = self.scrubber()
        return value if scrub is None else scrub.data(value)

    def emit(self, fmt: str, data: dict[str, Any], text: str) -> None:
        """The output on standard output: JSON (indented, UTF-8 as is) or the text, ids hidden."""
        if fmt == "json":
            click.echo(json.dumps(self.data(data), indent=2, ensure_ascii=False))
        else:
            click.echo(self.text(text), nl=False)
