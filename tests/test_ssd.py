"""The SSD table ssd_missing: reading rows into events, bad input, and writing episodes back."""

from __future__ import annotations

import io

import pendulum
import pytest

from missing_protocol.episode import assemble
from missing_protocol.formats.ssd import SSD_COLUMNS, read_episodes_ssd, to_rows, write_ssd_csv
from missing_protocol.model import (
    DeclinedBy,
    Found,
    InterviewCompleted,
    InterviewDeclined,
    InterviewOffered,
    MissingFrom,
    PlanMade,
    ReportCancelled,
    Reported,
)

HEAD = ",".join(SSD_COLUMNS) + "\n"
LONDON = "Europe/London"


def read(text: str, missing_from: MissingFrom = MissingFrom.HOME):  # type: ignore[no-untyped-def]
    return read_episodes_ssd(
        [("ssd_missing.csv", io.StringIO(text))], authority="309", missing_from=missing_from
    )


def at(text: str) -> pendulum.DateTime:
    return pendulum.parse(text, tz=LONDON)  # type: ignore[return-value]


def test_a_full_row_gives_report_return_and_interview() -> None:
    done = read(HEAD + "M1,P1,2024-05-01 14:30:00.000,Missing,2024-05-02 09:15:00.000,Y,Y\n")
    assert done.errors == ()
    reported, found, offered, completed = done.events
    assert reported == Reported("M1", "P1", at("2024-05-01T14:30"), MissingFrom.HOME, "309")
    assert found == Found("M1", at("2024-05-02T09:15"))
    assert offered == InterviewOffered("M1", found.at)
    assert completed == InterviewCompleted("M1", found.at)
    assert (reported.origin.file, reported.origin.line) == ("ssd_missing.csv", 2)
    assert {"interview_time", "accepted", "missing_from", "authority", "person"} <= {
        loss.what for loss in done.losses
    }


@pytest.mark.parametrize("word", ["A", "Away", "absent"])
def test_away_rows_are_looked_after_and_kept(word: str) -> None:
    done = read(HEAD + f"M1,P1,2024-05-01,{word},,NA,NA\n")
    (reported,) = done.events
    assert reported.missing_from is MissingFrom.CARE
    assert done.away == frozenset({"M1"})


def test_missing_from_is_the_callers_choice_for_missing_rows() -> None:
    done = read(HEAD + "M1,P1,2024-05-01,M,,,\n", missing_from=MissingFrom.CARE)
    assert done.events[0].missing_from is MissingFrom.CARE


def test_declined_and_not_offered() -> None:
    done = read(
        HEAD
        + "M1,P1,2024-05-01,M,2024-05-02,Y,N\n"
        + "M2,P1,2024-05-03,M,2024-05-04,N,NA\n"
        + "M3,P1,2024-05-05,M,2024-05-06,NULL,NULL\n"
    )
    assert done.errors == ()
    declined = [e for e in done.events if isinstance(e, InterviewDeclined)]
    assert declined == [InterviewDeclined("M1", at("2024-05-02"), DeclinedBy.CHILD)]
    offered = [e.episode_id for e in done.events if isinstance(e, InterviewOffered)]
    assert offered == ["M1"]
    assert "rhi_blank" in {loss.what for loss in done.losses}


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2024-05-01T14:30:00+01:00", "2024-05-01T14:30"),
        ("2024-05-01T13:30:00Z", "2024-05-01T14:30"),
        ("01/05/2024 14:30", "2024-05-01T14:30"),
        ("01/05/2024", "2024-05-01T00:00"),
        ("2024-05-01", "2024-05-01T00:00"),
    ],
)
def test_date_and_time_forms(text: str, moment: str) -> None:
    done = read(HEAD + f"M1,P1,{text},M,,,\n")
    assert done.errors == ()
    assert done.events[0].at == at(moment)


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("M2,P2,2024-10-27 01:30:00,M,,,", "miss_missing_episode_start_date", "ambiguous"),
        ("M2,P2,2024-03-31 01:30:00,M,,,", "miss_missing_episode_start_date", "does not exist"),
        ("M2,P2,yesterday,M,,,", "miss_missing_episode_start_date", "not a date"),
        ("M2,P2,,M,,,", "miss_missing_episode_start_date", "blank"),
        ("M2,P2,2024-05-03,M,2024-05-01,,", "miss_missing_episode_end_date", "before the start"),
        ("M2,P2,2024-05-01,Lost,,,", "miss_missing_episode_type", "not a missing type"),
        ("M2,P2,2024-05-01,M,2024-05-02,Maybe,", "miss_missing_rhi_offered", "not Y, N or NA"),
        ("M2,P2,2024-05-01,M,,Y,", "miss_missing_rhi_offered", "still missing"),
        ("M2,P2,2024-05-01,M,2024-05-02,N,Y", "miss_missing_rhi_accepted", "not offered"),
        ("M1,P2,2024-05-01,M,,,", "miss_table_id", "appears twice"),
        (",P2,2024-05-01,M,,,", "miss_table_id", "blank"),
        ("M2,,2024-05-01,M,,,", "miss_person_id", "blank"),
    ],
)
def test_a_bad_cell_rejects_its_row_naming_file_row_and_column(
    row: str, column: str, words: str
) -> None:
    done = read(HEAD + "M1,P1,2024-05-01,M,,,\n" + row + "\n")
    (error,) = done.errors
    assert (error.file, error.line, error.field) == ("ssd_missing.csv", 3, column)
    assert words in error.message
    assert [e.episode_id for e in done.events] == ["M1"]
    assert (done.rows, done.converted, done.rejected) == (2, 1, 1)


def test_a_missing_column_rejects_the_file() -> None:
    done = read("miss_table_id,miss_person_id,miss_missing_episode_start_date\nM1,P1,2024-05-01\n")
    assert {e.field for e in done.errors} == {
        "miss_missing_episode_type",
        "miss_missing_episode_end_date",
    }
    assert all(e.line == 1 for e in done.errors)
    assert (done.rows, done.rejected) == (1, 1)


def test_headers_are_matched_without_case_and_rhi_columns_are_optional() -> None:
    done = read(
        "MISS_TABLE_ID,Miss_Person_Id,miss_missing_episode_start_date,"
        "miss_missing_episode_type,miss_missing_episode_end_date\nM1,P1,2024-05-01,M,\n"
    )
    assert done.errors == ()
    assert len(done.events) == 1


def test_writing_episodes_to_ssd_rows() -> None:
    events = [
        Reported("E1", "C1", at("2024-05-01T14:30"), MissingFrom.CARE, "309"),
        Found("E1", at("2024-05-02T09:00")),
        InterviewOffered("E1", at("2024-05-02T10:00")),
        InterviewDeclined("E1", at("2024-05-02T11:00"), DeclinedBy.PARENT),
        PlanMade("E1", at("2024-05-03T11:00"), actions=()),
        Reported("E2", "C1", at("2024-06-01T10:00"), MissingFrom.CARE, "309"),
        Found("E2", at("2024-06-02T10:00")),
        Reported("E3", "C2", at("2024-06-01T10:00"), MissingFrom.HOME, "309"),
        Reported("E4", "C3", at("2024-06-01T10:00"), MissingFrom.HOME, "309"),
        ReportCancelled("E4", at("2024-06-01T11:00")),
    ]
    export = to_rows(assemble(events), away=frozenset({"E2"}))
    out = io.StringIO()
    write_ssd_csv(export.rows, out)
    assert out.getvalue() == HEAD + (
        "E1,C1,2024-05-01 14:30:00,M,2024-05-02 09:00:00,Y,N\n"
        "E2,C1,2024-06-01 10:00:00,A,2024-06-02 10:00:00,N,NA\n"
        "E3,C2,2024-06-01 10:00:00,M,,NA,NA\n"
    )
    assert {"cancelled", "declined_by", "plans", "interview_details", "missing_from"} <= {
        loss.what for loss in export.losses
    }


def test_ssd_to_events_to_ssd_keeps_the_rows() -> None:
    rows = (
        "E1,C1,2024-05-01 14:30:00,M,2024-05-02 09:00:00,Y,Y\n"
        "E2,C1,2024-06-01 10:00:00,A,2024-06-02 10:00:00,Y,N\n"
        "E4,C2,2024-06-01 10:00:00,M,2024-06-03 00:00:00,Y,\n"
        "E3,C1,2024-07-01 10:00:00,M,2024-07-02 10:00:00,N,NA\n"
        "E5,C2,2024-10-27 00:30:00,M,,NA,NA\n"
    )
    done = read(HEAD + rows)
    assert done.errors == ()
    # Rows come back in report-time order, as written here.
    export = to_rows(assemble(done.events), away=done.away)
    out = io.StringIO()
    write_ssd_csv(export.rows, out)
    assert out.getvalue() == HEAD + rows


def test_a_time_in_the_autumn_fold_is_reported_when_written() -> None:
    moment = pendulum.datetime(2024, 10, 27, 0, 30, tz="UTC")  # 01:30 BST, the first 01:30
    export = to_rows(assemble([Reported("E1", "C1", moment, MissingFrom.HOME, "309")]))
    assert export.rows[0].start == "2024-10-27 01:30:00"
    assert "fold" in {loss.what for loss in export.losses}
