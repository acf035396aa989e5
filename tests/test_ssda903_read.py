"""Reading 903 Header and Missing CSV files into events, and writing episodes back to 903."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pendulum
import pytest

from missing_protocol.episode import assemble
from missing_protocol.formats.events import UnreadableFile
from missing_protocol.model import (
    Child,
    Found,
    InterviewOffered,
    MissingFrom,
    ReportCancelled,
    Reported,
    Sex,
)
from missing_protocol.ssda903 import (
    CollectionYear,
    DatePolicy,
    away_in_log,
    read_episodes_903,
    to_tables,
    validate_903,
    write_header_csv,
    write_missing_csv,
)

LONDON = "Europe/London"
MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
HEADER = "CHILD,SEX,DOB,ETHNIC\n"


def read(*files: tuple[str, str], policy: DatePolicy | None = None):  # type: ignore[no-untyped-def]
    return read_episodes_903(
        [(name, io.StringIO(text)) for name, text in files], authority="309", policy=policy
    )


def at(text: str) -> pendulum.DateTime:
    return pendulum.parse(text, tz=LONDON)  # type: ignore[return-value]


def test_rows_become_children_and_episodes_of_looked_after_children() -> None:
    done = read(
        ("header.csv", HEADER + "C1,2,14/02/2010,BCRB\n"),
        ("missing.csv", MISSING + "C1,14/02/2010,M,01/05/2024,03/05/2024\n"),
    )
    assert done.errors == ()
    child, reported, found = done.events
    assert child == Child("C1", pendulum.Date(2010, 2, 14), Sex.FEMALE, child.ethnicity, "309")
    assert str(child.ethnicity) == "BCRB"
    assert reported == Reported("C1/2024-05-01", "C1", at("2024-05-01"), MissingFrom.CARE, "309")
    assert found == Found("C1/2024-05-01", at("2024-05-03"))
    assert (reported.origin.file, reported.origin.line) == ("missing.csv", 2)
    assert (done.rows, done.converted, done.rejected) == (2, 2, 0)


def test_the_missing_tables_dob_stands_in_for_a_header() -> None:
    done = read(("missing.csv", MISSING + "C1,14/02/2010,M,01/05/2024,\n"))
    children = [e for e in done.events if isinstance(e, Child)]
    assert children == [Child("C1", pendulum.Date(2010, 2, 14), looked_after_by="309")]
    assert not any(isinstance(e, Found) for e in done.events)  # blank MIS_END: still open


def test_away_periods_are_kept_by_episode_id() -> None:
    done = read(("missing.csv", MISSING + "C1,,A,01/05/2024,02/05/2024\nC1,,M,03/05/2024,\n"))
    assert done.away == frozenset({"C1/2024-05-01"})
    assert any(loss.what == "away" for loss in done.losses)


def test_periods_starting_the_same_day_get_ordered_ids() -> None:
    done = read(
        ("missing.csv", MISSING + "C1,,M,03/05/2024,06/05/2024\nC1,,A,03/05/2024,03/05/2024\n")
    )
    ids = [e.episode_id for e in done.events if isinstance(e, Reported)]
    assert ids == ["C1/2024-05-03#2", "C1/2024-05-03"]  # the one-day period comes first
    assert assemble(done.events).errors == ()


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("C2,,M,31/02/2024,", "MIS_START", "'31/02/2024' is not a date"),
        ("C2,,M,2024-05-01,", "MIS_START", "dd/mm/yyyy"),
        ("C2,,M,,", "MIS_START", "blank"),
        ("C2,,M,01/05/2024,tomorrow", "MIS_END", "not a date"),
        ("C2,,M,05/05/2024,01/05/2024", "MIS_END", "before the start"),
        ("C2,,X,01/05/2024,", "MISSING", "'X' is not M"),
        ("C2,,,01/05/2024,", "MISSING", "blank"),
        ("C2,1/1/10,M,01/05/2024,", "DOB", "not a date"),
        (",,M,01/05/2024,", "CHILD", "blank"),
    ],
)
def test_a_bad_cell_rejects_its_row_naming_file_row_and_column(
    row: str, column: str, words: str
) -> None:
    done = read(("missing.csv", MISSING + "C1,,M,01/05/2024,\n" + row + "\n"))
    (error,) = done.errors
    assert (error.file, error.line, error.field) == ("missing.csv", 3, column)
    assert words in error.message
    assert [e.child_id for e in done.events if isinstance(e, Reported)] == ["C1"]
    assert (done.rows, done.converted, done.rejected) == (2, 1, 1)


@pytest.mark.parametrize(
    ("row", "column"),
    [("C2,3,01/01/2010,WBRI", "SEX"), ("C2,1,01-01-2010,WBRI", "DOB"), ("C2,1,,XXXX", "ETHNIC")],
)
def test_a_bad_header_cell_rejects_its_row(row: str, column: str) -> None:
    done = read(("header.csv", HEADER + "C1,1,01/01/2010,WBRI\n" + row + "\n"))
    (error,) = done.errors
    assert (error.file, error.line, error.field) == ("header.csv", 3, column)
    assert [e.child_id for e in done.events] == ["C1"]


def test_a_missing_column_rejects_the_file_and_counts_its_rows() -> None:
    done = read(
        ("missing.csv", "CHILD,MISSING,MIS_START\nC1,M,01/05/2024\nC2,M,01/05/2024\n"),
        ("other.csv", MISSING + "C3,,M,01/05/2024,\n"),
    )
    (error,) = done.errors
    assert (error.file, error.line, error.field) == ("missing.csv", 1, "MIS_END")
    assert (done.rows, done.converted, done.rejected) == (3, 1, 2)


def test_a_file_that_is_no_903_table_is_an_error() -> None:
    done = read(("x.csv", "NAME,AGE\nA,1\n"))
    (error,) = done.errors
    assert (error.file, error.line) == ("x.csv", 1)
    assert "not a 903 Missing, Header or Episodes table" in error.message
    assert (done.rows, done.rejected) == (1, 1)


def test_a_short_row_is_an_error_and_the_rest_go_on() -> None:
    done = read(("missing.csv", MISSING + "C1,,M\nC2,,M,01/05/2024,\n"))
    (error,) = done.errors
    assert error.line == 2 and "3 values" in error.message
    assert (done.rows, done.converted, done.rejected) == (2, 1, 1)


def test_columns_in_any_order_and_case_with_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "Missing.csv"
    path.write_text("\ufeffmis_end,Child,MISSING,MIS_START,NOTE\n,C1,M,01/05/2024,x\n")
    done = read_episodes_903([path], authority="309")
    assert done.errors == ()
    assert [type(e) for e in done.events] == [Reported]


def test_an_unreadable_file_raises(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile):
        read_episodes_903([tmp_path / "nope.csv"], authority="309")


def test_the_date_policy_sets_the_times() -> None:
    policy = DatePolicy(start_time=dt.time(9), end_time=dt.time(17))
    done = read(("missing.csv", MISSING + "C1,,M,01/05/2024,03/05/2024\n"), policy=policy)
    reported, found = done.events
    assert (reported.at, found.at) == (at("2024-05-01T09:00"), at("2024-05-03T17:00"))
    assert any("start 09:00, end 17:00" in loss.message for loss in done.losses)
    with pytest.raises(ValueError):
        DatePolicy(start_time=dt.time(12), end_time=dt.time(9))


def test_a_policy_time_in_the_spring_gap_is_an_error_for_that_row() -> None:
    policy = DatePolicy(start_time=dt.time(1, 30), end_time=dt.time(1, 30))
    done = read(("missing.csv", MISSING + "C1,,M,31/03/2024,\nC2,,M,01/04/2024,\n"), policy=policy)
    (error,) = done.errors
    assert (error.line, error.field) == (2, "MIS_START")
    assert "does not exist" in error.message


def test_losses_are_reported() -> None:
    done = read(("missing.csv", MISSING + "C1,,M,01/05/2024,03/05/2024\n"))
    kinds = {loss.what: loss for loss in done.losses}
    assert {"rhi", "time_of_day", "authority"} <= set(kinds)
    assert kinds["rhi"].count == 1 and "no return-interview information" in kinds["rhi"].message
    assert kinds["time_of_day"].count == 2


def _episodes(*events):  # type: ignore[no-untyped-def]
    return assemble(list(events))


def test_writing_leaves_out_home_and_cancelled_episodes_and_says_so() -> None:
    assembly = _episodes(
        Reported("E1", "C1", at("2024-05-01T10:00"), MissingFrom.CARE, "309"),
        Found("E1", at("2024-05-02T11:00")),
        InterviewOffered("E1", at("2024-05-02T12:00")),
        Reported("E2", "C2", at("2024-05-01T10:00"), MissingFrom.HOME, "309"),
        Reported("E3", "C3", at("2024-05-01T10:00"), MissingFrom.CARE, "309"),
        ReportCancelled("E3", at("2024-05-01T11:00")),
        Child("C1", pendulum.Date(2010, 1, 1), Sex.OTHER),
    )
    export = to_tables(assembly)
    missing = io.StringIO()
    write_missing_csv(export.tables.missing, missing)
    assert missing.getvalue() == MISSING + "C1,01/01/2010,M,01/05/2024,02/05/2024\n"
    header = io.StringIO()
    write_header_csv(export.tables.header or (), header)
    assert header.getvalue() == HEADER + "C1,,01/01/2010,\n"
    losses = {loss.what for loss in export.losses}
    assert {"home", "cancelled", "rhi", "sex", "time_of_day", "episode_id"} <= losses


def test_writing_one_collection_year() -> None:
    assembly = _episodes(
        Reported("E1", "C1", at("2024-03-01"), MissingFrom.CARE, "309"),
        Found("E1", at("2024-03-02")),
        Reported("E2", "C1", at("2024-03-30"), MissingFrom.CARE, "309"),
        Found("E2", at("2024-04-02")),
        Reported("E3", "C1", at("2025-03-30"), MissingFrom.CARE, "309"),
        Found("E3", at("2025-04-02")),
        Reported("E4", "C1", at("2025-04-05"), MissingFrom.CARE, "309"),
    )
    year = CollectionYear(2024)
    export = to_tables(assembly, collection_year=year)
    rows = [(r.mis_start, r.mis_end) for r in export.tables.missing]
    assert rows == [("30/03/2024", "02/04/2024"), ("30/03/2025", "")]
    assert {"year", "open_at_year_end"} <= {loss.what for loss in export.losses}
    assert validate_903(export.tables, year) == []


def test_the_away_code_travels_in_an_event_log(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    lines = [
        {"type": "reported", "episode_id": "E1", "ssda903_missing": "A"},
        {"type": "reported", "episode_id": "E2", "ssda903_missing": "M"},
        {"type": "found", "episode_id": "E1"},
    ]
    log.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    array = tmp_path / "log.json"
    array.write_text(json.dumps(lines))
    assert away_in_log([log]) == away_in_log([array]) == frozenset({"E1"})


def test_a_uasc_table_is_not_taken_for_the_header() -> None:
    done = read(("uasc.csv", "CHILD,SEX,DOB,DUC\nC1,1,01/01/2010,01/01/2028\n"))
    (error,) = done.errors
    assert "not a 903 Missing, Header or Episodes table" in error.message
