"""Divergences from the reference validator (lac_validator) found by comparing both on the same
tables, each named by its DfE code (docs/interop.md, "Where we differ")."""

from __future__ import annotations

import io

import pytest

from missing_protocol.ssda903 import read_tables, validate_903

YEAR = "2024/25"
MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END\n"


def _where(code: str, rows: list[str]) -> list[int]:
    read = read_tables([("missing.csv", io.StringIO(MISSING + "".join(rows)))])
    return [f.line or 0 for f in validate_903(read.tables, YEAR, codes=[code])]


@pytest.mark.parametrize(
    "other",
    ["C1,01/01/2010,M,01/05/2024,03/05/2024\n", "C1,01/01/2010,M,01/05/2024,\n"],
    ids=["ended", "open"],
)
def test_574_a_one_day_period_beside_one_starting_that_day_is_no_overlap_in_either_order(
    other: str,
) -> None:
    # The one-day period ends the day the other starts, which 574 allows; before the fix the
    # verdict depended on which row came first in the file.
    one_day = "C1,01/01/2010,A,01/05/2024,01/05/2024\n"
    assert _where("574", [other, one_day]) == []
    assert _where("574", [one_day, other]) == []


def test_574_of_two_periods_starting_the_same_day_the_longer_is_flagged_in_either_order() -> None:
    longer = "C1,01/01/2010,M,01/05/2024,05/05/2024\n"
    shorter = "C1,01/01/2010,M,01/05/2024,03/05/2024\n"
    assert _where("574", [longer, shorter]) == [2]
    assert _where("574", [shorter, longer]) == [3]


@pytest.mark.parametrize(
    "cell",
    [
        "\u0660\u0661/\u0660\u0665/\u0662\u0660\u0662\u0664",
        "\uff11/\uff15/\uff12\uff10\uff12\uff14",
    ],
)
def test_1004_a_date_written_in_other_digits_is_not_dd_mm_yyyy(cell: str) -> None:
    # Python's \d takes any Unicode digit; the DfE format (and the reference) is ASCII digits.
    assert _where("1004", [f"C1,01/01/2010,M,{cell},\n"]) == [2]
