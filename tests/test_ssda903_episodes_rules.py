"""903 rules that read the Episodes table (575, 577, 578, 580, 581): hand-made passing and failing
tables for 577 and 581, and every Episodes rule on the rows lac_validator's own tests use."""

from __future__ import annotations

import io

import pytest

from missing_protocol.rules import rules_of
from missing_protocol.rules.registry import Status
from missing_protocol.ssda903 import Tables903, read_tables, validate_903

YEAR = "2024/25"
MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC"


def csv_text(header: str, rows: list[tuple[str, ...]]) -> str:
    return "\n".join([header, *(",".join(row) for row in rows)]) + "\n"


def tables(
    missing: list[tuple[str, ...]],
    episodes: list[tuple[str, ...]],
    *,
    episode_columns: str = EPISODES,
) -> Tables903:
    read = read_tables(
        [
            ("missing.csv", io.StringIO(csv_text(MISSING, missing))),
            ("episodes.csv", io.StringIO(csv_text(episode_columns, episodes))),
        ]
    )
    assert read.errors == ()
    return read.tables


def episode(child: str, decom: str, dec: str = "", rec: str = "") -> tuple[str, ...]:
    return (child, decom, "S", "C2", "N1", "U1", "PR1", dec, rec if dec else "")


def period(child: str, start: str, end: str = "", kind: str = "M") -> tuple[str, ...]:
    return (child, "01/01/2010", kind, start, end)


# C1 (row 2) passes in every table: missing 01/05-03/05/2024 in care since 01/04/2024.
C1 = period("C1", "01/05/2024", "03/05/2024")
C1_CARE = episode("C1", "01/04/2024")

# code -> passing tables, failing tables (each failing C2 at missing.csv row 3, the column)
CASES: dict[str, tuple[list[Tables903], list[Tables903], str]] = {
    "577": (
        [
            # An open period in care still open; an ended one within care that has ceased.
            tables([C1, period("C2", "01/05/2024")], [C1_CARE, episode("C2", "01/04/2024")]),
            tables(
                [C1, period("C2", "01/05/2024", "01/06/2024")],
                [C1_CARE, episode("C2", "01/04/2024", "01/06/2024", "E3")],
            ),
        ],
        [
            # Still open although care ceased on 01/06.
            tables(
                [C1, period("C2", "01/05/2024")],
                [C1_CARE, episode("C2", "01/04/2024", "01/06/2024", "E3")],
            ),
            # Ended after care ceased.
            tables(
                [C1, period("C2", "01/05/2024", "02/06/2024")],
                [C1_CARE, episode("C2", "01/04/2024", "01/06/2024", "E3")],
            ),
            # Open, and starts before the (open) period of care began.
            tables([C1, period("C2", "01/05/2024")], [C1_CARE, episode("C2", "02/05/2024")]),
        ],
        "MIS_END",
    ),
    "581": (
        [
            # Starts the day care began; starts in the second of two episodes.
            tables([C1, period("C2", "01/05/2024")], [C1_CARE, episode("C2", "01/05/2024")]),
            tables(
                [C1, period("C2", "10/06/2024", "11/06/2024")],
                [
                    C1_CARE,
                    episode("C2", "01/04/2024", "01/05/2024", "E3"),
                    episode("C2", "01/06/2024"),
                ],
            ),
        ],
        [
            # Before care began; between two episodes; after care ended.
            tables([C1, period("C2", "30/04/2024")], [C1_CARE, episode("C2", "01/05/2024")]),
            tables(
                [C1, period("C2", "15/05/2024", "16/05/2024")],
                [
                    C1_CARE,
                    episode("C2", "01/04/2024", "01/05/2024", "E3"),
                    episode("C2", "01/06/2024"),
                ],
            ),
            tables(
                [C1, period("C2", "02/06/2024", "03/06/2024")],
                [C1_CARE, episode("C2", "01/04/2024", "01/06/2024", "E3")],
            ),
        ],
        "MIS_START",
    ),
}
CODES = sorted(CASES)


@pytest.mark.parametrize("code", CODES)
def test_passing_tables_have_no_finding(code: str) -> None:
    passing, _, _ = CASES[code]
    for given in passing:
        assert validate_903(given, YEAR, codes=[code]) == []


@pytest.mark.parametrize("code", CODES)
def test_failing_tables_flag_only_the_failing_row(code: str) -> None:
    _, failing, column = CASES[code]
    for given in failing:
        findings = validate_903(given, YEAR, codes=[code], authority="309")
        assert [(f.rule, f"{f.file}:{f.line}") for f in findings] == [(code, "missing.csv:3")]
        (only,) = findings
        assert only.status is Status.BREACHED
        assert (only.child_id, only.responsible) == ("C2", "309")
        assert only.field == column


def test_577_and_581_are_registered_in_the_ssda903_family() -> None:
    assert {"575", "577", "578", "580", "581"} <= {r.id for r in rules_of("ssda903")}


def test_577_message_says_why() -> None:
    _, failing, _ = CASES["577"]
    messages = [validate_903(given, YEAR, codes=["577"])[0].message for given in failing]
    assert "without an end date" in messages[0]
    assert "care ceased 01/06/2024 (episodes.csv:3)" in messages[0]
    assert "02/06/2024 is outside every period of care" in messages[1]
    assert "starts before care began on 02/05/2024" in messages[2]


def test_581_message_says_why() -> None:
    _, failing, _ = CASES["581"]
    messages = [validate_903(given, YEAR, codes=["581"])[0].message for given in failing]
    assert "has not yet started to be looked after" in messages[0]
    assert "30/04/2024 is before care began on 01/05/2024" in messages[0]
    assert "15/05/2024 is in none of the child's 2 Episodes rows" in messages[1]


def test_577_and_581_need_the_episodes_table_and_the_child_in_it() -> None:
    _, failing, _ = CASES["577"]
    assert validate_903(Tables903(missing=failing[0].missing), YEAR, codes=["577", "581"]) == []
    # A child with no Episodes row is not checked (lac_validator's merges drop it too).
    given = tables([C1, period("C2", "01/05/2024")], [C1_CARE])
    assert validate_903(given, YEAR, codes=["577", "581"]) == []


def test_an_invalid_start_is_left_to_1004() -> None:
    # lac_validator's 581 flags it (a blank date is before no DECOM); we leave it to 1004/564.
    given = tables([C1, period("C2", "31/02/2024")], [C1_CARE, episode("C2", "01/04/2024")])
    assert validate_903(given, YEAR, codes=["577", "581"]) == []
    assert [f.rule for f in validate_903(given, YEAR, codes=["1004"])] == ["1004"]


def test_577_reads_an_invalid_end_as_blank() -> None:
    # As lac_validator (its dates are coerced): 1005 reports the cell, 577 the open period.
    given = tables(
        [C1, period("C2", "01/05/2024", "2024-05-03")],
        [C1_CARE, episode("C2", "01/04/2024", "01/06/2024", "E3")],
    )
    assert [f.rule for f in validate_903(given, YEAR, codes=["577", "1005"])] == ["1005", "577"]


# ---- lac_validator's own test rows -----------------------------------------------------------
# The Missing and Episodes rows of the tests of SocialFinanceDigitalLabs' validator for each rule
# (quality-lac-data-beta-validator tests/test_validators.py; lac_validator rules/…/rule_581.py),
# written as CSV, with the rows it expects flagged (0-based, as pandas indexes them).

EPISODES_MINIMAL = "CHILD,DECOM,DEC,REC"
POC_EPISODES = [  # both tests' first rows; 577 adds children 7, 8 and 9, 578 child 8888
    ("1", "01/04/1977", "31/03/1981", "X1"),
    ("2", "01/04/1979", "30/03/1981", ""),
    ("88", "01/05/1980", "01/01/1981", "xx"),
    ("3", "01/04/1980", "01/01/1981", "kk"),
    ("3", "01/04/2020", "01/01/2021", "kk"),
    ("3", "01/01/2021", "05/10/2021", "kk"),
    ("4", "01/04/1981", "", "!!"),
    ("5", "01/04/1978", "01/01/1981", "xx"),
    ("5", "01/01/1981", "01/01/1990", "xx"),
    ("5", "01/04/1983", "04/06/2020", "kk"),
    ("6", "01/04/1983", "04/06/2020", "kk"),
]
LAC_CASES: dict[str, tuple[list[tuple[str, ...]], list[tuple[str, ...]], list[int]]] = {
    "575": (
        [
            ("111", "", "M", "01/06/2020", "05/06/2020"),
            ("123", "", "M", "08/06/2020", ""),
            ("222", "", "M", "05/06/2020", "05/06/2020"),
            ("333", "", "M", "06/06/2020", ""),
            ("444", "", "M", "08/06/2020", "05/06/2020"),
            ("444", "", "M", "09/06/2020", ""),
            ("444", "", "M", "19/06/2020", "05/06/2020"),
        ],
        [
            ("111", "01/06/2020", "10/06/2020", ""),
            ("123", "08/06/2020", "10/06/2020", ""),
            ("222", "05/06/2020", "10/06/2020", ""),
            ("333", "06/06/2020", "", ""),
            ("333", "07/06/2020", "10/06/2020", ""),
            ("444", "08/06/2020", "10/06/2020", ""),
            ("444", "08/06/2020", "", ""),
        ],
        [1, 5],
    ),
    "577": (
        [
            ("1", "", "M", "01/01/1981", ""),
            ("2", "", "M", "01/01/1981", "02/06/2020"),
            ("3", "", "M", "01/01/1981", "03/06/2022"),
            ("3", "", "M", "01/01/1981", "03/06/2020"),
            ("4", "", "M", "01/01/1981", "04/06/2020"),
            ("5", "", "M", "01/01/1981", "01/01/1982"),
            ("5", "", "M", "01/01/1981", "01/01/2000"),
            ("6", "", "M", "01/01/1981", "01/01/1981"),
            ("7", "", "M", "", "01/01/1981"),
            ("8", "", "M", "01/01/1981", ""),
            ("9", "", "M", "01/01/2020", ""),
            ("9", "", "M", "01/01/2021", ""),
            ("9", "", "M", "04/06/2020", "04/06/2021"),
        ],
        [
            *POC_EPISODES,
            ("7", "01/04/1983", "04/06/2020", "kk"),
            ("8", "01/04/1983", "04/06/2020", "xx"),
            ("9", "01/01/2020", "04/06/2020", "<--"),
            ("9", "04/06/2020", "11/08/2020", "-"),
            ("9", "11/08/2020", "01/12/2020", "-->"),
            ("9", "22/12/2020", "25/12/2020", "<->"),
            ("9", "01/01/2021", "22/02/2021", "<--"),
            ("9", "22/02/2021", "08/08/2021", "-"),
            ("9", "08/08/2021", "", "--o"),
        ],
        [0, 1, 2, 7, 9, 10],
    ),
    "578": (
        [
            ("1", "", "M", "01/06/2020", ""),
            ("2", "", "M", "02/06/2020", ""),
            ("3", "", "M", "03/06/2022", ""),
            ("3", "", "M", "03/06/2020", ""),
            ("4", "", "M", "04/06/2020", ""),
            ("5", "", "M", "01/01/1982", ""),
            ("5", "", "M", "01/01/2000", ""),
            ("6", "", "M", "01/01/1981", ""),
            ("77", "", "M", "01/01/1981", ""),
            ("8888", "", "M", "01/01/2049", ""),
        ],
        [
            *POC_EPISODES,
            ("8888", "01/04/1983", "04/06/2020", "kk"),
            ("8888", "04/06/2020", "", "kk"),
        ],
        [0, 1, 2, 7],
    ),
    "580": (
        [
            ("111", "01/06/2002", "M", "", "01/06/2020"),
            ("123", "08/06/2002", "M", "", "08/06/2020"),
            ("222", "05/06/2002", "M", "", "05/06/2020"),
            ("333", "06/06/2002", "M", "", "06/06/2020"),
            ("444", "08/06/2002", "M", "", "08/06/2020"),
            ("444", "09/06/2002", "M", "", "09/06/2020"),
            ("555", "19/06/2002", "M", "", "19/06/2020"),
            ("777", "19/06/2002", "A", "", "19/06/2020"),
        ],
        [
            ("111", "", "01/06/2020", "E7"),
            ("123", "", "08/06/2020", "E7"),
            ("222", "", "05/06/2020", "E8"),
            ("333", "", "06/06/2020", "E5"),
            ("444", "", "07/06/2020", "E8"),
            ("555", "", "19/06/2020", "E4"),
            ("777", "", "19/06/2020", "E4"),
        ],
        [0, 1, 3, 5, 6],  # Episodes rows
    ),
    "581": (
        [
            ("111", "", "M", "01/06/2020", "05/06/2020"),
            ("123", "", "M", "08/06/2020", ""),
            ("222", "", "M", "05/06/2020", "05/06/2020"),
            ("333", "", "M", "12/06/2020", ""),
            ("444", "", "M", "08/06/2020", "05/06/2020"),
            ("444", "", "M", "11/06/2020", "11/06/2020"),
            ("444", "", "M", "19/06/2020", "05/06/2020"),
            ("555", "", "M", "21/06/2020", "21/06/2020"),
        ],
        [
            ("111", "01/06/2020", "10/06/2020", ""),
            ("123", "08/06/2020", "10/06/2020", ""),
            ("222", "06/06/2020", "10/06/2020", ""),
            ("333", "06/06/2020", "", ""),
            ("333", "07/06/2020", "10/06/2020", ""),
            ("444", "08/06/2020", "10/06/2020", ""),
            ("444", "12/06/2020", "", ""),
            ("555", "15/06/2020", "20/06/2020", ""),
        ],
        [2, 5, 7],
    ),
}


@pytest.mark.parametrize("code", sorted(LAC_CASES))
def test_same_rows_flagged_as_lac_validator(code: str) -> None:
    missing, episodes, expected = LAC_CASES[code]
    given = tables(missing, episodes, episode_columns=EPISODES_MINIMAL)
    findings = validate_903(given, "2019/20", codes=[code])
    file = "episodes.csv" if code == "580" else "missing.csv"
    assert [f"{f.file}:{f.line}" for f in findings] == [f"{file}:{i + 2}" for i in expected]
