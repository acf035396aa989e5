"""`missing-protocol convert`: between the event log, the SSDA903 tables (CSV or XML) and the
SSD tables ssd_missing and ssd_person.

Input is read into events, folded into episodes (so what the library would reject is counted
as rejected here too) and written in the target format. The summary line is
`rows = converted + rejected`; rejected rows are listed with file, row and column, and every
conversion loss is listed. Exit 0 when nothing was rejected, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import IO

import attrs
import click

from missing_protocol import clock, ssd, ssda903
from missing_protocol.cli._app import EXIT_OK, EXIT_PROBLEMS, app, usage_error
from missing_protocol.cli._inputs import as_given, readable
from missing_protocol.cli._output import ENCODING, ERRORS, echo
from missing_protocol.cli._return903 import row_findings_text
from missing_protocol.common.texttable import visible
from missing_protocol.episode import Assembly, assemble
from missing_protocol.formats.events import (
    UnreadableFile,
    assembled_events,
    read_file,
    write_events,
)
from missing_protocol.model import Event, EventError, MissingFrom, error_order
from missing_protocol.ssda903 import CollectionYear, validate_903
from missing_protocol.tabular import Conversion, DatePolicy, Loss

FORMATS = ("903", "ssd", "events")


def _read(
    source: str, paths: list[str], authority: str | None, policy: DatePolicy, missing_from: str
) -> Conversion:
    assert authority is not None  # the command requires it for 903 and SSD input
    if source == "903":
        return ssda903.read_episodes_903(paths, authority=authority, policy=policy)
    return ssd.read_episodes_ssd(
        paths, authority=authority, policy=policy, missing_from=MissingFrom(missing_from)
    )


def _read_events(paths: list[str], policy: DatePolicy | None) -> Conversion:
    events: list[Event] = []
    errors: list[EventError] = []
    assume_tz = policy.tz if policy is not None else None
    for path in paths:
        for item in read_file(path, assume_tz):
            if isinstance(item, EventError):
                errors.append(item)
            else:
                events.append(item)
    return Conversion(
        events=tuple(events),
        errors=tuple(errors),
        rows=len(events) + len(errors),
        rejected_rows=frozenset((e.file, e.line) for e in errors),
        away=ssda903.away_in_log(paths),
    )


# ---- writing the target ----------------------------------------------------------------------


@attrs.frozen
class Written:
    """What was written where, and what the target format could not hold."""

    files: tuple[tuple[str, int], ...]
    losses: tuple[Loss, ...]
    validation: tuple[str, ...] | None = None  # 903 validation messages, when a year is given


def _open_out(out: str) -> IO[str]:
    if out == "-":
        # An unpaired surrogate the reader kept is written as its escape (cli/_output.py).
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors=ERRORS)
        return sys.stdout
    try:
        # A missing folder is created, as for a folder OUT and `report --html`.
        if not Path(out).parent.exists():
            Path(out).parent.mkdir(parents=True)
        return open(out, "w", encoding=ENCODING, errors=ERRORS, newline="")
    except OSError as problem:
        raise usage_error(f"cannot write {out}: {problem.strerror or problem}") from None


def _write_903(
    assembly: Assembly,
    away: frozenset[str],
    out: str,
    policy: DatePolicy,
    year: CollectionYear | None,
    authority: str | None,
) -> Written:
    as_xml = out.lower().endswith(".xml")
    single = as_xml or out.lower().endswith(".csv")
    folder = Path(out)
    missing_path = out if single else str(folder / "missing.csv")
    header_path = None if single else str(folder / "header.csv")
    export = ssda903.to_tables(
        assembly,
        away=away,
        policy=policy,
        collection_year=year,
        authority=authority,
        missing_file=missing_path,
        header_file=header_path,
    )
    if not single:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as problem:
            raise usage_error(f"cannot create {out}: {problem.strerror or problem}") from None
    files: list[tuple[str, int]] = []
    losses = list(export.losses)
    header = export.tables.header or ()
    with _open_out(missing_path) as stream:
        if as_xml:
            files.append((missing_path, ssda903.write_903_xml(export.tables, stream)))
        else:
            files.append((missing_path, ssda903.write_missing_csv(export.tables.missing, stream)))
    if as_xml:
        words = (
            f"the 903 XML written holds {len(header)} children's CHILDID, SEX, DOB, ETHNIC and "
            "missing periods only (no UPN, episodes, reviews...): it is not a whole return"
        )
        losses.append(Loss("xml_partial", len(header), words))
    elif header_path is not None:
        with _open_out(header_path) as stream:
            files.append((header_path, ssda903.write_header_csv(header, stream)))
    elif header:
        words = f"a .csv OUT is the Missing table only: {len(header)} Header rows not written"
        losses.append(Loss("header", len(header), words))
    checked = (
        tuple(row_findings_text(validate_903(export.tables, year))) if year is not None else None
    )
    return Written(tuple(files), tuple(losses), checked)


def _write_ssd(assembly: Assembly, away: frozenset[str], out: str, policy: DatePolicy) -> Written:
    """ssd_missing to a file (or `-`) ending .csv; to any other OUT, a directory that gets
    ssd_missing.csv and ssd_person.csv."""
    export = ssd.to_rows(assembly, away=away, policy=policy)
    losses = list(export.losses)
    if out == "-" or out.lower().endswith(".csv"):
        stream = _open_out(out)
        try:
            written = ((out, ssd.write_ssd_csv(export.rows, stream)),)
        finally:
            if stream is not sys.stdout:
                stream.close()
        if export.persons:
            words = (
                f"a .csv or - OUT is ssd_missing only: {len(export.persons)} ssd_person rows "
                "not written (give a directory to get both)"
            )
            losses.append(Loss("ssd_person", len(export.persons), words))
        return Written(written, tuple(losses))
    folder = Path(out)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise usage_error(f"cannot create {out}: {problem.strerror or problem}") from None
    missing_path, person_path = str(folder / "ssd_missing.csv"), str(folder / "ssd_person.csv")
    with _open_out(missing_path) as stream:
        missing = ssd.write_ssd_csv(export.rows, stream)
    with _open_out(person_path) as stream:
        persons = ssd.write_person_csv(export.persons, stream)
    return Written(((missing_path, missing), (person_path, persons)), tuple(losses))


def _write(
    target: str,
    assembly: Assembly,
    away: frozenset[str],
    out: str,
    policy: DatePolicy,
    year: CollectionYear | None,
    authority: str | None,
) -> Written:
    if target == "903":
        return _write_903(assembly, away, out, policy, year, authority)
    if target == "ssd":
        return _write_ssd(assembly, away, out, policy)
    stream = _open_out(out)
    try:
        return Written(((out, write_events(assembled_events(assembly), stream, away)),), ())
    finally:
        if stream is not sys.stdout:
            stream.close()


# ---- the command -----------------------------------------------------------------------------


def _clock_time(text: str, option: str) -> dt.time:
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise usage_error(f"{option}: {text!r} is not a time like 09:00") from None


def _policy(start: str, end: str, assume_tz: str | None) -> DatePolicy:
    zone = assume_tz or clock.LONDON
    try:
        clock.check_zone(zone, "--assume-tz")
    except clock.TimeError as problem:
        raise usage_error(str(problem)) from None
    # A bad --start-time or --end-time is its own one-line usage error (from _clock_time).
    try:
        return DatePolicy(_clock_time(start, "--start-time"), _clock_time(end, "--end-time"), zone)
    except ValueError as problem:
        raise usage_error(str(problem)) from None


def _report(
    conversion: Conversion,
    assembly: Assembly,
    written: Written,
    errors: list[EventError],
    err: bool,
    per_event: bool = False,
) -> int:
    def say(line: str) -> None:
        # On stdout when OUT is a file: a rejection quotes the log, so controls are escaped.
        echo(visible(line), err=err)

    # An event log's row is an event (a JSON array may hold several on one line); a table's
    # row is a line, which may give several events and so several errors.
    if per_event:
        rejected = len(conversion.errors) + len(assembly.errors)
    else:
        rejected = len(conversion.rejected_rows | {(e.file, e.line) for e in assembly.errors})
    converted = conversion.rows - rejected
    for path, count in written.files:
        if path != "-":
            say(f"wrote {path} ({count} row{'' if count == 1 else 's'})")
    if errors:
        say("rejected:")
        for e in errors:
            where = f"{e.file}:{e.line}" if e.file else f"row {e.line}"
            say(f"  {where}  {e.field or '-'}: {e.message}")
    losses = [*conversion.losses, *written.losses]
    if losses:
        say("conversion losses:")
        for loss in losses:
            say(f"  - {loss.message}")
    if written.validation is not None:
        say(f"903 validation: {len(written.validation) or 'no'} problems")
        for message in written.validation:
            say(f"  {message}")
    total = conversion.rows
    say(f"rows = converted + rejected: {total} = {converted} + {rejected}")
    return EXIT_PROBLEMS if rejected or written.validation else EXIT_OK


@app.command("convert")
@click.option("--from", "source", type=click.Choice(FORMATS), required=True, help="Input format.")
@click.option("--to", "target", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.argument("paths", nargs=-1, required=True, metavar="IN... OUT")
@click.option(
    "--authority",
    default=None,
    help="Responsible authority code: required for 903 and SSD input (neither names one); "
    "for 903 output, write only the children this authority looks after.",
)
@click.option(
    "--missing-from",
    type=click.Choice([m.value for m in MissingFrom]),
    default=MissingFrom.HOME.value,
    show_default=True,
    help="SSD input: what an M row is missing from (A rows are always care; 903 is care).",
)
@click.option(
    "--assume-tz",
    "assume_tz",
    default=None,
    help="Zone of dates and times without an offset (default Europe/London; for an event log "
    "naive times are refused unless given).",
)
@click.option(
    "--start-time", default="00:00", show_default=True, help="Time a start date stands for."
)
@click.option("--end-time", default="00:00", show_default=True, help="Time an end date stands for.")
@click.option(
    "--collection-year",
    default=None,
    help="903 output: only periods in this year (e.g. 2024/25), validated after writing.",
)
def convert_command(
    source: str,
    target: str,
    paths: tuple[str, ...],
    authority: str | None,
    missing_from: str,
    assume_tz: str | None,
    start_time: str,
    end_time: str,
    collection_year: str | None,
) -> None:
    """Convert IN files (903 Header/Missing CSVs or the 903 XML, ssd_missing and ssd_person
    CSVs, or event logs) to OUT.

    OUT is a file (`-` for standard output); for --to 903 a directory that gets header.csv and
    missing.csv (a path ending .csv gets the Missing table only, one ending .xml the 903 XML);
    for --to ssd a directory that gets ssd_missing.csv and ssd_person.csv (a path ending .csv,
    or -, gets ssd_missing only).
    """
    if len(paths) < 2:
        raise usage_error("give at least one input file and the output: IN... OUT")
    inputs, out = list(paths[:-1]), paths[-1]
    if source in ("903", "ssd") and not authority:
        raise usage_error(f"--from {source} needs --authority (the responsible authority code)")
    if target == "903" and out == "-":
        raise usage_error("--to 903 writes files: give a directory or a .csv path as OUT")
    year = None
    if collection_year is not None:
        try:
            year = CollectionYear.parse(collection_year)
            clock.check_year(year.start, "--collection-year starting")
            clock.check_year(year.end, "--collection-year ending")
        except ValueError as problem:
            raise usage_error(f"--collection-year: {problem}") from None
    policy = _policy(start_time, end_time, assume_tz)
    try:
        with readable(inputs) as (names, given):  # `-` or a pipe, as check takes them
            if source == "events":
                conversion = _read_events(names, policy if assume_tz else None)
            else:
                conversion = _read(source, names, authority, policy, missing_from)
    except UnreadableFile as problem:
        raise usage_error(str(problem)) from None
    assembly = assemble(conversion.events)
    named = as_given([*conversion.errors, *assembly.errors], given)
    errors = sorted(named, key=error_order)  # as check orders them
    written = _write(target, assembly, conversion.away, out, policy, year, authority)
    code = _report(
        conversion, assembly, written, errors, err=out == "-", per_event=source == "events"
    )
    sys.exit(code)
