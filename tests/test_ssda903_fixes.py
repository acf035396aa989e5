"""Issue 16's fixes to the DfE 903 rules, each named by its code (docs/interop.md)."""

from __future__ import annotations

import io

from missing_protocol.ssda903 import TableRead, read_episodes_903, read_tables, validate_903

YEAR = "2024/25"
MISSING = "CHILD,DOB,MISSING,MIS_START,MIS_END\n"
HEADER = "CHILD,SEX,DOB,ETHNIC\n"
EPISODES = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC\n"


def _read(missing: str, header: str | None = None, episodes: str | None = None) -> TableRead:
    sources = [("missing.csv", io.StringIO(MISSING + missing))]
    if header is not None:
        sources.append(("header.csv", io.StringIO(HEADER + header)))
    if episodes is not None:
        sources.append(("episodes.csv", io.StringIO(EPISODES + episodes)))
    return read_tables(sources)


def _where(code: str, read: TableRead) -> list[str]:
    return [f"{f.file}:{f.line}" for f in validate_903(read.tables, YEAR, codes=[code])]


def test_574_flags_the_period_holding_shorter_ones_as_the_dfe_validator_does() -> None:
    # Row 2 runs all May and holds rows 3 and 4. Taken in order of their end, as lac_validator
    # takes them, row 2 is the one that starts before the period ending just before it ends.
    read = _read(
        "C1,01/01/2010,M,01/05/2024,31/05/2024\n"
        "C1,01/01/2010,M,05/05/2024,06/05/2024\n"
        "C1,01/01/2010,M,10/05/2024,11/05/2024\n"
        "C1,01/01/2010,M,31/05/2024,01/06/2024\n"  # starts the day row 2 ends: allowed
    )
    assert _where("574", read) == ["missing.csv:2"]
    (held,) = validate_903(read.tables, YEAR, codes=["574"])
    assert "overlaps missing.csv:4 (10/05/2024-11/05/2024)" in held.message


def test_574_the_period_after_an_open_one_is_flagged() -> None:
    read = _read(
        "C1,01/01/2010,M,01/05/2024,\n"
        "C1,01/01/2010,M,05/05/2024,06/05/2024\n"
        "C1,01/01/2010,M,10/06/2024,11/06/2024\n"
    )
    assert _where("574", read) == ["missing.csv:3"]


def test_574_flags_the_rows_of_the_dfe_validators_own_example() -> None:
    # lac_validator's rule_574 test_validate: rows 0, 4, 6 and 9 (lines 2, 6, 8 and 11) fail.
    rows = [
        ("111", "01/06/2020", "05/06/2020"),
        ("111", "04/06/2020", ""),
        ("222", "03/06/2020", "04/06/2020"),
        ("222", "04/06/2020", ""),
        ("222", "07/06/2020", "09/06/2020"),
        ("333", "02/06/2020", "04/06/2020"),
        ("333", "03/06/2020", "09/06/2020"),
        ("444", "06/06/2020", "08/06/2020"),
        ("444", "10/06/2020", "10/06/2020"),
        ("444", "08/06/2020", "10/08/2020"),
        ("555", "", "05/06/2020"),
        ("555", "", "05/06/2020"),
    ]
    read = _read("".join(f"{child},,M,{start},{end}\n" for child, start, end in rows))
    assert _where("574", read) == [f"missing.csv:{i + 2}" for i in (0, 4, 6, 9)]
    shuffled = _read("".join(f"{c},,M,{s},{e}\n" for c, s, e in reversed(rows)))
    assert sorted(_where("574", shuffled)) == sorted(f"missing.csv:{13 - i}" for i in (0, 4, 6, 9))


def test_1006_compares_the_missing_type_without_case() -> None:
    read = _read("C1,01/01/2010,m,01/05/2024,02/05/2024\nC1,01/01/2010,a,03/05/2024,\n")
    assert _where("1006", read) == []
    assert _where("564", read) == []
    # The conversion reads them as the codes they are.
    done = read_episodes_903(
        [("missing.csv", io.StringIO(MISSING + "C1,,a,03/05/2024,\n"))], authority="309"
    )
    assert done.errors == () and len(done.away) == 1


def test_580_reads_a_lower_case_e8_as_e8() -> None:
    episodes = "C1,01/05/2024,S,C2,N1,U1,PR1,01/06/2024,{}\n"
    missing = "C1,01/06/2006,M,20/05/2024,01/06/2024\n"  # ends on the 18th birthday
    assert _where("580", _read(missing, episodes=episodes.format("e8"))) == []
    assert _where("580", _read(missing, episodes=episodes.format("E4A"))) == ["episodes.csv:2"]


def test_int13_a_child_listed_twice_in_the_header_is_compared_with_both_rows() -> None:
    read = _read(
        "C1,01/01/2010,M,01/05/2024,02/05/2024\nC1,02/02/2010,M,03/05/2024,04/05/2024\n",
        header="C1,1,01/01/2010,WBRI\nC1,1,02/02/2010,WBRI\n",
    )
    assert _where("INT13", read) == ["missing.csv:2", "missing.csv:3"]


def test_1004_and_564_judge_a_short_row_with_its_missing_cells_blank() -> None:
    # Row 3 stops after MISSING: MIS_START and MIS_END are blank, not a reason to say nothing.
    read = _read("C1,01/01/2010,M,01/05/2024,02/05/2024\nC2,01/01/2010,M\n")
    assert [(e.file, e.line) for e in read.errors] == [("missing.csv", 3)]  # the read error stays
    assert _where("1004", read) == ["missing.csv:3"]
    assert _where("564", read) == ["missing.csv:3"]
    # Converting still rejects it once: rows = converted + rejected.
    text = MISSING + "C1,01/01/2010,M,01/05/2024,02/05/2024\nC2,01/01/2010,M\n"
    done = read_episodes_903([("missing.csv", io.StringIO(text))], authority="309")
    assert (done.rows, done.converted, done.rejected) == (2, 1, 1)


def test_int04_and_every_join_match_child_ids_exactly() -> None:
    # The reference upper-cases ids for INT04; here `c1` is not `C1` in any join (interop.md).
    read = _read(
        "c1,01/01/2010,M,01/05/2024,02/05/2024\n",
        header="C1,1,02/02/2010,WBRI\n",
        episodes="C1,01/06/2024,S,C2,N1,U1,PR1,,\n",
    )
    assert _where("INT04", read) == ["missing.csv:2"]
    assert _where("INT13", read) == []  # no Header row of `c1` to disagree with
    assert _where("581", read) == []  # `c1` has no Episodes rows: not checked


def test_586_falls_back_to_the_header_dob_when_the_missing_cell_is_blank() -> None:
    read = _read("C1,,M,01/05/2024,02/05/2024\n", header="C1,1,01/06/2024,WBRI\n")
    assert _where("586", read) == ["missing.csv:2"]


def test_574_takes_a_row_without_a_valid_start_by_its_end_as_the_dfe_validator_does() -> None:
    # Row 4 has no start: by its end (12/04) it comes after the open row 2, so it is the one
    # flagged, and row 3 (from 11/05) starts after row 4 ends; a row with no date at all is last.
    read = _read(
        "C1,01/01/2010,M,03/03/2024,\n"
        "C1,01/01/2010,A,11/05/2024,13/05/2024\n"
        "C1,01/01/2010,M,,12/04/2024\n"
    )
    assert _where("574", read) == ["missing.csv:4"]
    undated = _read("C0,01/01/2010,A,,\nC0,01/01/2010,M,24/03/2025,\n")
    assert _where("574", undated) == ["missing.csv:2"]
