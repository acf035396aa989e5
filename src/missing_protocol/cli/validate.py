"""`missing-protocol validate`: may this one event join the episode's accepted events?"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import attrs
import click
import orjson

from missing_protocol import clock
from missing_protocol.check import parse_as_of
from missing_protocol.cli._app import EXIT_OK, EXIT_PROBLEMS, app, usage_error
from missing_protocol.cli._inputs import STDIN, as_given, is_stdin, readable
from missing_protocol.cli._options import assume_tz_option, format_option, load_profile, open_logs
from missing_protocol.common.texttable import visible_lines
from missing_protocol.workflow import Verdict, validate


def _proposed(source: str) -> Any:
    """The proposed event: a file holding one JSON object, or `-` for standard input."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as problem:
        raise usage_error(f"cannot read {source}: {problem}") from None
    try:
        # Decoded as a log line and the service's body are (orjson): no NaN, ids within 64 bits.
        return orjson.loads(text)
    except orjson.JSONDecodeError as problem:
        where = f"line {problem.lineno}, column {problem.colno}"
        raise usage_error(f"{source}: invalid JSON: {problem.msg} ({where})") from None


def render_text(verdict: Verdict) -> str:
    if verdict.accepted:
        lines = [f"accepted: {verdict.state_before} -> {verdict.state_after}"]
    else:
        lines = [f"rejected (episode is {verdict.state_before})"]
        lines += [f"  {p.field or '-'}: {p.message}" for p in verdict.errors]
    lines.append(f"allowed next: {', '.join(verdict.allowed_next) or 'nothing'}")
    for f in verdict.duties:
        lines.append(
            f"  {f.status.value:<12} {f.rule:<18} due {clock.iso(f.due) or '-':<25} "
            f"{f.responsible or '-'}"
        )
    lines += [f"warning: {w.field or '-'}: {w.message}" for w in verdict.warnings]
    # History lines that were not accepted never silently disappear (CONTRACT §1).
    if verdict.history_errors:
        lines.append(f"history: {len(verdict.history_errors)} rejected (not taken into account)")
        for e in verdict.history_errors:
            where = f"{e.file}:{e.line}" if e.file else f"line {e.line}"
            lines.append(f"  {where}  {e.field or '-'}: {e.message}")
    return visible_lines(lines)


@app.command("validate")
@click.argument("history", nargs=-1, type=click.Path(dir_okay=False))
@click.option(
    "--event",
    "event_source",
    required=True,
    metavar="FILE|-",
    help="The proposed event: a file with one JSON object, or - for standard input.",
)
@click.option(
    "--as-of", "as_of", default=None, help="Judge duties as of this ISO time (default: now)."
)
@click.option(
    "--profile", default="statutory", show_default=True, help="statutory, london or a TOML file."
)
@assume_tz_option
@format_option
def validate_command(
    history: tuple[str, ...],
    event_source: str,
    as_of: str | None,
    profile: str,
    assume_tz: str | None,
    fmt: str,
) -> None:
    """Validate one proposed event against the events in HISTORY; exit 1 if it is rejected.

    HISTORY may be `-` (standard input) or a pipe, unless --event is `-`."""
    chosen = load_profile(profile)
    try:
        moment = parse_as_of(as_of)
    except clock.TimeError as problem:
        raise click.UsageError(f"--as-of: {problem}") from None
    if event_source == STDIN and any(is_stdin(name) for name in history):
        raise usage_error("standard input cannot be both the history and --event (see --help)")
    proposed = _proposed(event_source)
    with readable(history) as (names, given):  # a history on `-` or a pipe is copied first
        accepted = list(open_logs(names, assume_tz)) if names else []
        verdict = validate(accepted, proposed, profile=chosen, as_of=moment, assume_tz=assume_tz)
    verdict = attrs.evolve(verdict, history_errors=as_given(verdict.history_errors, given))
    if fmt == "json":
        click.echo(json.dumps(verdict.to_dict(), indent=2))
    else:
        click.echo(render_text(verdict))
    sys.exit(EXIT_OK if verdict.accepted else EXIT_PROBLEMS)
