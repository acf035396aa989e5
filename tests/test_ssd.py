"""The SSD tables ssd_missing and ssd_person: reading rows into events, bad input, and writing
episodes (and their children) back."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pendulum
import pytest
from click.testing import CliRunner

from missing_protocol.cli import app
from missing_protocol.episode import assemble
from missing_protocol.model import (
    Child,
    DeclinedBy,
    Ethnicity,
    Found,
    InterviewCompleted,
    InterviewDeclined,
    InterviewOffered,
    MissingFrom,
    PlanMade,
    ReportCancelled,
    Reported,
    Sex,
)
from missing_protocol.ssd import (
    PERSON_COLUMNS,
    SSD_COLUMNS,
    read_episodes_ssd,
    to_rows,
    write_person_csv,
    write_ssd_csv,
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


# ---- ssd_person ------------------------------------------------------------------------------

PERSON_HEAD = ",".join(PERSON_COLUMNS) + "\n"


def read_both(missing: str, person: str):  # type: ignore[no-untyped-def]
    return read_episodes_ssd(
        [("ssd_person.csv", io.StringIO(person)), ("ssd_missing.csv", io.StringIO(missing))],
        authority="309",
    )


def test_ssd_person_rows_become_child_events() -> None:
    person = (
        "pers_legacy_id,pers_person_id,pers_forename,pers_sex,pers_gender,pers_ethnicity,pers_dob\n"
        "L1,P1,Sam,M,01,WBRI,2010-02-14 00:00:00.000\n"
        "L2,P2,,NULL,09,bcrb,14/03/2011\n"
        "L3,P3,,,,NULL,NULL\n"
    )
    done = read_both(HEAD + "M1,P1,2024-05-01,M,,,\nM2,P4,2024-05-01,M,,,\n", person)
    assert done.errors == ()
    children = [e for e in done.events if isinstance(e, Child)]
    assert children == [
        Child("P1", pendulum.Date(2010, 2, 14), Sex.MALE, Ethnicity("WBRI")),
        Child("P2", pendulum.Date(2011, 3, 14), Sex.OTHER, Ethnicity("BCRB")),
        Child("P3"),
    ]
    assert (children[0].origin.file, children[0].origin.line) == ("ssd_person.csv", 2)
    assert (done.rows, done.converted, done.rejected) == (5, 5, 0)
    losses = {loss.what: loss for loss in done.losses}
    assert losses["gender_as_sex"].count == 1
    assert losses["person"].count == 1  # M2's P4 has no ssd_person row
    assert "(pers_forename, pers_legacy_id)" in losses["person_columns"].message
    assembly = assemble(done.events)
    assert assembly.episodes[0].child == children[0]


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("P2,X,,WBRI,2011-01-01", "pers_sex", "'X' is not a sex code"),
        ("P2,,05,WBRI,2011-01-01", "pers_gender", "'05' is not a gender code"),
        ("P2,F,,WXYZ,2011-01-01", "pers_ethnicity", "unknown DfE ethnicity code 'WXYZ'"),
        ("P2,F,,WBRI,31/02/2011", "pers_dob", "'31/02/2011' is not a date"),
        ("P2,F,,WBRI,2011-13-01 00:00:00", "pers_dob", "is not a date"),
        (",F,,WBRI,2011-01-01", "pers_person_id", "blank"),
        ("P1,F,,WBRI,2011-01-01", "pers_person_id", "appears twice"),
    ],
)
def test_a_bad_ssd_person_cell_rejects_its_row(row: str, column: str, words: str) -> None:
    done = read_both(HEAD, PERSON_HEAD + "P1,M,,WBRI,2010-01-01\n" + row + "\n")
    (error,) = done.errors
    assert (error.file, error.line, error.field) == ("ssd_person.csv", 3, column)
    assert words in error.message
    assert [e.child_id for e in done.events if isinstance(e, Child)] == ["P1"]
    assert (done.rows, done.converted, done.rejected) == (2, 1, 1)


def test_an_ssd_person_file_without_the_id_column_is_rejected() -> None:
    done = read_both(HEAD, "pers_sex,pers_dob\nM,2010-01-01\nF,2011-01-01\n")
    (error,) = done.errors
    assert (error.file, error.line, error.field) == ("ssd_person.csv", 1, "pers_person_id")
    assert "missing from the ssd_person header row" in error.message
    assert (done.rows, done.rejected) == (2, 2)


def test_a_file_that_is_neither_table_is_one_error() -> None:
    done = read_both(HEAD, "name,age\nA,1\n")
    (error,) = done.errors
    assert (error.line, error.field) == (1, None)
    assert "neither ssd_missing" in error.message
    assert (done.rows, done.rejected) == (1, 1)


def test_writing_ssd_person_rows() -> None:
    events = [
        Child("C1", pendulum.Date(2010, 2, 14), Sex.FEMALE, Ethnicity("BAFR"), "309"),
        Child("C3", pendulum.Date(2012, 1, 1), Sex.OTHER),
        Reported("E1", "C1", at("2024-05-01T14:30"), MissingFrom.CARE, "309"),
        Reported("E2", "C2", at("2024-06-01T10:00"), MissingFrom.HOME, "309"),
    ]
    export = to_rows(assemble(events))
    out = io.StringIO()
    assert write_person_csv(export.persons, out) == 3
    assert out.getvalue() == PERSON_HEAD + ("C1,F,,BAFR,2010-02-14\nC2,,,,\nC3,,09,,2012-01-01\n")
    assert {"no_child_record", "sex_other", "looked_after_by"} <= {
        loss.what for loss in export.losses
    }


def test_ssd_missing_and_person_to_events_and_back_keep_the_rows() -> None:
    missing = HEAD + "E1,C1,2024-05-01 14:30:00,M,2024-05-02 09:00:00,Y,Y\n"
    person = PERSON_HEAD + "C1,F,,WBRI,2010-02-14\nC2,U,,NOBT,\nC3,M,,,2011-06-30\n"
    done = read_both(missing, person)
    assert done.errors == ()
    export = to_rows(assemble(done.events), away=done.away)
    rows, persons = io.StringIO(), io.StringIO()
    write_ssd_csv(export.rows, rows)
    write_person_csv(export.persons, persons)
    assert (rows.getvalue(), persons.getvalue()) == (missing, person)


def test_check_and_convert_pick_up_the_person_file(tmp_path: Path) -> None:
    (tmp_path / "ssd_missing.csv").write_text(
        HEAD + "M1,P1,2024-05-01 14:30:00,M,2024-05-02 09:00:00,Y,Y\n"
    )
    (tmp_path / "people.csv").write_text(PERSON_HEAD + "P1,F,,WBRI,2010-02-14\nP2,F,,XXXX,\n")
    files = [tmp_path / "ssd_missing.csv", tmp_path / "people.csv"]
    args = ["check", "--input-format", "ssd", "--authority", "309", "--format", "json"]
    checked = CliRunner().invoke(app, [*args, "--as-of", "2024-06-30", *map(str, files)])
    assert checked.exit_code == 1
    result = json.loads(checked.stdout)
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(3, "pers_ethnicity")]
    assert result["errors"][0]["file"] == str(tmp_path / "people.csv")
    assert "ssd: rows = converted + rejected: 3 = 2 + 1" in checked.stderr
    assert "have no ssd_person row" not in checked.stderr

    out = tmp_path / "out"
    convert = ["convert", "--from", "ssd", "--to", "ssd", "--authority", "309"]
    made = CliRunner().invoke(app, [*convert, *map(str, files), str(out)])
    assert f"wrote {out / 'ssd_person.csv'} (1 row)" in made.output
    assert (out / "ssd_person.csv").read_text() == PERSON_HEAD + "P1,F,,WBRI,2010-02-14\n"
    assert (out / "ssd_missing.csv").read_text() == (tmp_path / "ssd_missing.csv").read_text()
    single = CliRunner().invoke(app, [*convert, *map(str, files), str(tmp_path / "s.csv")])
    assert "1 ssd_person rows not written" in single.output
