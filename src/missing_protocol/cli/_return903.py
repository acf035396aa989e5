"""`check --input-format 903 --collection-year`: the DfE rules on a 903 return, listed by file
and line like a linter, with the protocol check when an authority is given."""

from __future__ import annotations

from collections.abc import Sequence

import click

from missing_protocol.check import CheckResult
from missing_protocol.cli._output import echo
from missing_protocol.formats.events import UnreadableFile
from missing_protocol.profiles import Profile
from missing_protocol.rules import Finding


def check_903_return(
    files: Sequence[str],
    collection_year: str,
    *,
    input_format: str,
    authority: str | None,
    as_of: str | None,
    profile: Profile,
) -> CheckResult:
    """The DfE findings of the return (and, with an authority, its protocol findings)."""
    if input_format != "903":
        raise click.UsageError("--collection-year needs --input-format 903")
    from missing_protocol.ssda903 import CollectionYear, check_return

    try:
        year = CollectionYear.parse(collection_year)
    except ValueError as problem:
        raise click.UsageError(f"--collection-year: {problem}") from None
    try:
        checked = check_return(files, year, authority=authority, as_of=as_of, profile=profile)
    except UnreadableFile as problem:
        raise click.UsageError(f"cannot read {problem}") from None
    conversion = checked.conversion
    if conversion is not None:
        echo(
            f"903: rows = converted + rejected: "
            f"{conversion.rows} = {conversion.converted} + {conversion.rejected}",
            err=True,
        )
        for loss in conversion.losses:
            echo(f"  not carried: {loss.message}", err=True)
    return checked.result


def row_findings_text(findings: Sequence[Finding]) -> list[str]:
    """Findings on table rows, one line each as a linter gives them: `file:line: CODE FIELD
    message` in file and line order (a table in memory has no file: its line alone)."""
    located = sorted(
        (f for f in findings if f.line is not None), key=lambda f: (f.file or "", f.line or 0)
    )
    return [
        f"{f.file + ':' if f.file else 'line '}{f.line}: {f.rule} {f.field or '-'} {f.message}"
        for f in located
    ]
